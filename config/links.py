"""Paths without Django's `reverse` on every call: those addressed by a token (a
registration's, an attendee's: a registration's answer holds five of them, and each
`reverse` cost the API's POST about a tenth of a millisecond), and those of views without
arguments (every page's header links to the event list, whose `reverse` costs 0.2 ms)
(bench/profile_request.py)."""

import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# The tokens this project makes (secrets.token_urlsafe): nothing in them needs quoting.
URL_SAFE_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
_PLACEHOLDER = "T0KENPLACEH0LDER"
_split_paths: dict[tuple[str, str, str, str | None], list[str]] = {}
_paths: dict[tuple[str, str, str, str | None], str] = {}


def _key(view_name: str) -> tuple[str, str, str, str | None]:
    """What a reversed path depends on besides its arguments: the URL configuration, the
    script prefix and the language (for translated or prefixed URL patterns)."""
    return (view_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())


def view_path(view_name: str) -> str:
    """`reverse(view_name)` for a view without arguments, reversed once per `_key`."""
    key = _key(view_name)
    path = _paths.get(key)
    if path is None:
        path = _paths[key] = reverse(view_name)
    return path


def token_path(view_name: str, token: str) -> str:
    """`reverse(view_name, kwargs={"token": token})`: reversed once per `_key`, with a
    placeholder that the token then replaces."""
    if not URL_SAFE_TOKEN.fullmatch(token):
        return reverse(view_name, kwargs={"token": token})
    key = _key(view_name)
    parts = _split_paths.get(key)
    if parts is None:
        parts = reverse(view_name, kwargs={"token": _PLACEHOLDER}).split(_PLACEHOLDER)
        _split_paths[key] = parts
    return token.join(parts)
