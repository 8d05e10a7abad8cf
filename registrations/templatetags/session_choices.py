"""{% session_choices field days currency legend %}: the checkboxes of selectable sessions,
by day in the event's zone (the view renders the page in it: registrations.views.page),
on the register page and on the manage page's session swap (`session_choices(...)` in
their Jinja2 templates, config/jinja2.py).

Written out in Python rather than as an included template: with ten sessions the template
cost 3.8 ms a render (bench/profile_request.py purchase --templates), two renders a
purchase, nearly all of it the template engine's per-variable work (six `auto_id`
lookups, four date filters and a localized number per session). The markup is the
template's, which it replaced.
"""

from datetime import date, datetime
from html import escape

from django import template
from django.forms import BoundField
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from config.money import money_text
from registrations.forms.menu import SessionOption

register = template.Library()


def _local(moment: datetime) -> datetime:
    """As the `date` filter shows it: in the zone the page is rendered in."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _meta(option: SessionOption, currency: str) -> str:
    # As {% translate %} and {% blocktranslate %}: the message is the template's own
    # text (not escaped), the values put in it are escaped.
    if option.price:
        fee = f'<span class="price">{escape(money_text(option.price, currency))}</span>'
    else:
        fee = gettext("No extra fee")
    credits = ""
    if option.ce_credits:
        hours = gettext("%(hours)s CE hours") % {"hours": escape(str(option.ce_credits))}
        credits = f" · {hours}"
    if option.full:
        seats = f'<span class="badge sold-out">{gettext("Full")}</span>'
    elif option.available is None:
        seats = gettext("Seats available")
    else:
        seats = ngettext("%(seats)s seat left", "%(seats)s seats left", option.available) % {
            "seats": option.available
        }
    clash = ""
    if option.same_time_as:
        others = gettext("Runs at the same time as %(others)s.") % {
            "others": ", ".join(escape(title) for title in option.same_time_as)
        }
        clash = f'<br><span class="clash">{others}</span>'
    return (
        f'        <span class="badge">{escape(str(option.kind))}</span>\n'
        f"        {fee}\n"
        f"        {credits}\n"
        f"        · {seats}\n"
        f"        {clash}\n"
    )


def _option(
    option: SessionOption, checked: bool, disabled: bool, name: str, auto_id: str, currency: str
) -> str:
    box = f"{auto_id}_{option.id}"
    starts, ends = _local(option.starts_at), _local(option.ends_at)
    classes = "choice" + (" is-disabled" if disabled else "")
    classes += " has-clash" if option.same_time_as else ""
    return (
        f'    <div class="{classes}">\n'
        f'      <input type="checkbox" name="{escape(name)}" id="{escape(box)}" '
        f'value="{option.id}" aria-describedby="{escape(box)}_meta"'
        f"{' checked' if checked else ''}{' disabled' if disabled else ''}>\n"
        f'      <label for="{escape(box)}"><time datetime="{starts.isoformat()}">'
        f'{starts:%H:%M}</time>–<time datetime="{ends.isoformat()}">{ends:%H:%M}</time>\n'
        f'        <span class="choice-name">{escape(option.title)}</span></label>\n'
        f'      <p class="session-meta" id="{escape(box)}_meta">\n'
        f"{_meta(option, currency)}"
        f"      </p>\n"
        f"    </div>\n"
    )


@register.simple_tag
def session_choices(
    field: BoundField,
    days: list[tuple[date, list[tuple[SessionOption, bool, bool]]]],
    currency: str,
    legend: str = "",
) -> SafeString:
    if not days:
        return mark_safe("")  # noqa: S308 - nothing
    auto_id, name = field.auto_id, field.html_name
    described = f' aria-describedby="{escape(auto_id)}_error"' if field.errors else ""
    help_text = gettext(  # the template's own text, as {% translate %} shows it
        "Sessions marked “runs at the same time as” overlap: choose at most one of them."
    )
    out = [
        f'<fieldset class="choices sessions"{described}>\n'
        f"  <legend>{conditional_escape(legend or field.label)}</legend>\n"
        f'  <p class="help">{help_text}</p>\n'
        f"  {field.errors}\n"
    ]
    for day, options in days:
        out.append(
            f'  <fieldset class="day">\n'
            f"    <legend>{escape(dateformat.format(day, 'l j F'))}</legend>\n"
        )
        out.extend(
            _option(option, checked, disabled, name, auto_id, currency)
            for option, checked, disabled in options
        )
        out.append("  </fieldset>\n")
    out.append("</fieldset>\n")
    # Every value above is escaped; the error list is rendered (safe) by the form.
    return mark_safe("".join(out))  # noqa: S308
