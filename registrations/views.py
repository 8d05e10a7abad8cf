"""Attendee pages (placeholder until the HTML flow lands)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from registrations import selectors
from registrations.models import Registration, WaitlistEntry


def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = selectors.registration_by_token(token=token)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "registrations/manage.html", {"registration": registration})


def waitlist_offer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        entry = selectors.waitlist_offer_by_token(token=token)
    except WaitlistEntry.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "registrations/waitlist_offer.html", {"entry": entry})
