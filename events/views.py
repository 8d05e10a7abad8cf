"""Public catalogue pages: upcoming events, and one event with its programme."""

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from events import selectors
from events.fragments import catalogue_fragment


def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = selectors.event_list_published().filter(ends_at__gte=now)
    return render(request, "events/event_list.html", {"events": events, "now": now})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    catalogue = selectors.event_catalogue_cached_or_404(slug=slug)
    event = catalogue.event
    programme = [
        (day, list(offers))
        for day, offers in groupby(
            catalogue.sessions, key=lambda offer: event.local(offer.session.starts_at).date()
        )
    ]
    # The programme is the same for everyone: kept per catalogue (events.fragments).
    programme_html = catalogue_fragment(
        event,
        catalogue.stamp,
        "events/_programme.html",
        {"programme": programme, "currency": event.currency},
    )
    context = {"event": event, "catalogue": catalogue, "programme": programme_html}
    with timezone.override(event.timezone):
        return render(request, "events/event_detail.html", context, using="jinja2")
