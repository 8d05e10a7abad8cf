"""Parts of public pages rendered from the cached catalogue, kept as long as it is.

The event page's programme and the register page's blank form are the same for every
visitor and cost most of their page's CPU. Each is rendered once per catalogue and kept
under the catalogue's stamp (events.selectors.Catalogue.stamp), for as long as the
catalogue itself is cached: a new catalogue (an organizer's edit, a sell-out, or
CATALOGUE_CACHE_SECONDS later) renders it afresh, so it never shows older prices or seats
than the catalogue does.
"""

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from events.models import Event
from events.selectors import CATALOGUE_CACHE_SECONDS


def catalogue_fragment(event: Event, stamp: str, template_name: str, context: dict) -> SafeString:
    """`template_name` (a Jinja2 template, without the request: no CSRF token in it)
    rendered in the event's zone; kept per language under `stamp`, the stamp of the
    catalogue it shows (none: rendered for this request only)."""
    key = None
    if stamp:
        key = f"fragment:{template_name}:{event.slug}:{get_language()}:{stamp}"
        html = cache.get(key)
        if html is not None:
            return mark_safe(html)  # noqa: S308 - rendered below, escaped by the engine
    with timezone.override(event.timezone):
        html = render_to_string(template_name, context, using="jinja2").strip()
    if key is not None:
        cache.set(key, html, CATALOGUE_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - the template's output
