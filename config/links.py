"""Paths addressed by a token (a registration's, an attendee's), without Django's `reverse`
on every call: a registration's answer holds five of them, and each `reverse` cost the
API's POST about a tenth of a millisecond (bench/profile_request.py registration)."""

import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# The tokens this project makes (secrets.token_urlsafe): nothing in them needs quoting.
URL_SAFE_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
_PLACEHOLDER = "T0KENPLACEH0LDER"
_split_paths: dict[tuple[str, str, str, str | None], list[str]] = {}


def token_path(view_name: str, token: str) -> str:
    """`reverse(view_name, kwargs={"token": token})`: reversed once per view, URL
    configuration, script prefix and language (for translated or prefixed URL patterns),
    with a placeholder that the token then replaces."""
    if not URL_SAFE_TOKEN.fullmatch(token):
        return reverse(view_name, kwargs={"token": token})
    key = (view_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    parts = _split_paths.get(key)
    if parts is None:
        parts = reverse(view_name, kwargs={"token": _PLACEHOLDER}).split(_PLACEHOLDER)
        _split_paths[key] = parts
    return token.join(parts)
