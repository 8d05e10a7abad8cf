"""The Jinja2 environment of the pages a purchase goes through (issue 18).

The event page, the register form and its review, the registration's page and an
attendee's own page are Jinja2 templates (`<app>/jinja2/`, on `templates/jinja2/base.html`):
a purchase spent 33 of its 56 ms inside them under Django's engine, 19 under Jinja2
(bench/profile_request.py purchase --templates). Every other page, the organizer's
and the emails among them, stays a Django template (`<app>/templates/`, on
`templates/base.html`: both bases are held to the same markup by
tests/ops/test_jinja2_pages.py).

What the Django templates had, under the same names where Jinja2 has none:
- `_()`, `{% trans %}` and `{% pluralize %}` through Django's translations (config.i18n);
  translated text is the template's own (not escaped), the values put in it are escaped;
- `url(name, *args)`, `static(path)`, `csrf_input` (the backend's), `get_language()`,
  and the project's tags `session_choices(...)` and `attendee_ce(attendee, own)`;
- `django_include(name, **context)` for the few small parts Django-template pages
  include too (the steps, a conflict, a registration's amounts): each stays one template;
- the filters `date`, `time` (in the zone the view activates, as `{% timezone %}` did),
  `money`, `linebreaks`, `floatformat`;
- an undefined name or attribute is empty, as in Django's templates, not an error.

Django's `makemessages` reads `_("...")` here but not `{% trans %}` blocks: when a second
language comes, extract these templates with Babel's Jinja2 extractor as well.
"""

from django.template import defaultfilters
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from jinja2 import ChainableUndefined, Environment, Undefined, pass_context
from markupsafe import Markup

from config.links import view_path
from config.templatetags.money import money_filter


def url(name: str, *args, **kwargs) -> str:
    """`{% url name arg... %}`; a view without arguments reversed once (config.links)."""
    if not args and not kwargs:
        return view_path(name)
    return reverse(name, args=args, kwargs=kwargs or None)


def _value(value):
    """What Django's templates hand a filter for a name that is not there: ""."""
    return "" if isinstance(value, Undefined) else value


def date(value, format_string: str | None = None) -> str:
    """Django's `date` filter, in the active time zone (Django's engine converts first)."""
    return defaultfilters.date(timezone.template_localtime(_value(value)), format_string)


def time(value, format_string: str | None = None) -> str:
    """Django's `time` filter, in the active time zone."""
    return defaultfilters.time(timezone.template_localtime(_value(value)), format_string)


def _filter(function):
    return lambda value, *args: function(_value(value), *args)


def django_include(template_name: str, **context) -> SafeString:
    """A Django template that Django-template pages include too, rendered with `context`:
    one template for both engines."""
    return mark_safe(render_to_string(template_name, context))  # noqa: S308 - its output


def gettext(message: str, /, **variables) -> Markup:
    """Jinja2's newstyle `gettext` (the ext's own, less two context calls per message):
    the message is the template's text, not escaped; the values put in it are escaped;
    it is a format string even without values (`%%` reads `%`)."""
    text = Markup(translation.gettext(message))  # noqa: S704 - the template's own text
    return text % variables if variables or "%" in text else text


def ngettext(singular: str, plural: str, number: int, /, **variables) -> Markup:
    """Jinja2's newstyle `ngettext` likewise (`{% trans count %}...{% pluralize %}`)."""
    variables.setdefault("num", number)
    return Markup(translation.ngettext(singular, plural, number)) % variables  # noqa: S704


@pass_context
def attendee_ce(context, attendee, own: bool = False) -> str:
    """{% attendee_ce attendee own=... %} (registrations/templatetags/ce.py)."""
    from registrations.templatetags.ce import attendee_ce_html

    return attendee_ce_html(attendee, own=own, csrf_token=context.get("csrf_token"))


def environment(**options) -> Environment:
    from registrations.templatetags.session_choices import session_choices

    options["undefined"] = ChainableUndefined  # `{{ a.b.c }}` with no `a`: empty
    options["autoescape"] = True  # the backend's default too; said here, where it matters
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)  # noqa: S701 - autoescape on, one line up
    env.install_gettext_callables(  # type: ignore[attr-defined] - added by the extension
        translation.gettext, translation.ngettext, newstyle=True
    )
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)  # the same, cheaper
    env.globals.update(
        url=url,
        static=static,
        get_language=translation.get_language,
        session_choices=session_choices,  # {% session_choices %}
        attendee_ce=attendee_ce,  # {% attendee_ce %}
        django_include=django_include,
    )
    env.filters.update(
        date=date,
        time=time,
        money=_filter(money_filter),
        linebreaks=_filter(defaultfilters.linebreaks_filter),
        floatformat=_filter(defaultfilters.floatformat),
    )
    return env
