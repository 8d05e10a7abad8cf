"""The registration's private calendar feed (downloadable and subscribable)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from registrations import selectors
from registrations.invites import registration_feed
from registrations.models import Registration


@require_GET
def registration_calendar(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = selectors.registration_by_token(token=token)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc
    response = HttpResponse(
        registration_feed(registration), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{registration.reference}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
