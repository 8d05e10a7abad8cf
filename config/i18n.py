"""Translations looked up once per message and language, not on every call.

A page calls `gettext` some 100-200 times (`{% translate %}`, lazily translated labels,
help texts, error messages and choices). Django's `trans_real.gettext` looks each message
up in the merged catalogues of the language and, for a message the catalogue does not
hold (every English one), again through its fallback, with the plural form tried as well:
about 4 µs a call, an eighth of a purchase's CPU (bench/profile_request.py purchase).

`gettext` here remembers each result on the translation object it came from. Django
builds a new translation object whenever the catalogues may have changed (LANGUAGES or
LOCALE_PATHS changed, a .mo file reloaded), so what is remembered goes with the old one.
"""

from django.utils import translation
from django.utils.translation import trans_real

_real_gettext = trans_real.gettext
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


def install() -> None:
    """Serve `django.utils.translation.gettext` (and the lazy and template uses) from here."""
    translation._trans.gettext = gettext
