"""Public catalogue pages: upcoming events, and one event with its programme."""

from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from events import selectors
from events.models import Event


def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = selectors.event_list_published().filter(ends_at__gte=now)
    return render(request, "events/event_list.html", {"events": events, "now": now})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        catalogue = selectors.event_catalogue_cached(slug=slug)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    event = catalogue.event
    programme = [
        (day, list(offers))
        for day, offers in groupby(
            catalogue.sessions, key=lambda offer: event.local(offer.session.starts_at).date()
        )
    ]
    return render(
        request,
        "events/event_detail.html",
        {"event": event, "catalogue": catalogue, "programme": programme},
    )
