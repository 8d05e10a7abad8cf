"""Translations looked up once per message and language, not on every call.

A page calls `gettext` some 100-200 times (`{% translate %}`, lazily translated labels,
help texts, error messages and choices). Django's `trans_real.gettext` looks each message
up in the merged catalogues of the language and, for a message the catalogue does not
hold (every English one), again through its fallback, with the plural form tried as well:
about 4 µs a call, an eighth of a purchase's CPU (bench/profile_request.py purchase).

`gettext` here remembers each result on the translation object it came from (and
`ngettext`, per count). Django
builds a new translation object whenever the catalogues may have changed (LANGUAGES or
LOCALE_PATHS changed, a .mo file reloaded), so what is remembered goes with the old one.
"""

from django.template import Variable
from django.template.base import render_value_in_context
from django.templatetags import i18n as django_i18n
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import trans_real

_real_gettext = trans_real.gettext
_real_ngettext = trans_real.ngettext
MAX_MESSAGES = 20_000  # per language: messages are the program's own, a bound for safety


def gettext(message):
    """`trans_real.gettext`, remembered per translation object for plain `str` messages."""
    if type(message) is not str:  # SafeString: Django marks the result safe
        return _real_gettext(message)
    active = getattr(trans_real._active, "value", None) or trans_real._default
    try:
        return active._confreg_messages[message]
    except AttributeError:  # no language set up yet, or its first message
        result = _real_gettext(message)
        active = getattr(trans_real._active, "value", None) or trans_real._default
        active._confreg_messages = {message: result}
        return result
    except KeyError:
        result = _real_gettext(message)
        if len(active._confreg_messages) < MAX_MESSAGES:
            active._confreg_messages[message] = result
        return result


def ngettext(singular, plural, number):
    """`trans_real.ngettext`, remembered the same way (`{% blocktranslate count ... %}`)."""
    if type(singular) is not str or type(plural) is not str:
        return _real_ngettext(singular, plural, number)
    key = (singular, plural, number)
    active = getattr(trans_real._active, "value", None) or trans_real._default
    try:
        return active._confreg_plurals[key]
    except AttributeError:  # no language set up yet, or its first message
        result = _real_ngettext(singular, plural, number)
        active = getattr(trans_real._active, "value", None) or trans_real._default
        active._confreg_plurals = {key: result} if type(number) is int else {}
        return result
    except (KeyError, TypeError):  # TypeError: a number that cannot be a key
        result = _real_ngettext(singular, plural, number)
        if len(active._confreg_plurals) < MAX_MESSAGES and type(number) is int:
            active._confreg_plurals[key] = result
        return result


def install() -> None:
    """Serve `django.utils.translation.gettext` and `ngettext` (and the lazy and template
    uses) from here, and `{% translate %}` of the `i18n` template library."""
    translation._trans.gettext = gettext
    translation._trans.ngettext = ngettext
    django_i18n.register.tags["translate"] = django_i18n.register.tags["trans"] = do_translate


# --- `{% translate "constant" %}` remembered --------------------------------------------
# A page has some 30-50 `{% translate "..." %}` tags; each one resolves its literal, looks
# the message up (as a SafeString: past the remembered `gettext` above), and escapes the
# result, every time. Its output depends only on the language and on autoescaping, so it is
# kept per node for each translation object. install() puts this tag in Django's own `i18n`
# library (`{% load i18n %}` as before); every other tag and filter of it is unchanged.


class RememberedTranslateNode(django_i18n.TranslateNode):
    """`{% translate "constant" %}` (or `... as name`): the output kept per language."""

    outputs: dict

    def render(self, context):
        active = getattr(trans_real._active, "value", None) or trans_real._default
        key = (active, context.autoescape)
        value = self.outputs.get(key)
        if value is None:  # as TranslateNode.render does
            self.filter_expression.var.translate = True
            value = render_value_in_context(self.filter_expression.resolve(context), context)
            is_safe = isinstance(value, SafeData)
            value = value.replace("%%", "%")
            value = mark_safe(value) if is_safe else value  # noqa: S308 - as Django's
            if active is not None and len(self.outputs) < 16:
                self.outputs[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def do_translate(parser, token):
    """Django's `{% translate %}`; a constant message gets the remembering node."""
    node = django_i18n.do_translate(parser, token)
    expression = node.filter_expression
    constant = isinstance(expression.var, Variable) and expression.var.literal is not None
    if constant and not expression.filters and not node.noop and node.message_context is None:
        node.__class__ = RememberedTranslateNode
        node.outputs = {}
    return node
