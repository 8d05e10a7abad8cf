"""The registration's private calendar feed (downloadable and subscribable)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from registrations import selectors
from registrations.invites import registration_feed


@require_GET
def registration_calendar(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_by_token_or_404(token=token)
    response = HttpResponse(
        registration_feed(registration), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{registration.reference}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
