"""The attendee's own API, from their own secret link (API.md: `/api/v1/attendees/{token}/`):
their details, ticket, sessions, CE credit; they change their own details and sessions,
join a full session's waiting list and attest sessions. Nothing of the other attendees or
the buyer, no money, no cancellation."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations import selectors
from registrations.api import serializers as s
from registrations.ce import selectors as ce_selectors
from registrations.ce import services as ce_services
from registrations.ce.api import AttestationInputSerializer, credits_data
from registrations.models import Attendee
from registrations.services.attendees import attendee_own_change
from registrations.services.session_waitlist import session_waitlist_join

ATTENDEE_RESPONSE = OpenApiResponse(description="The attendee's own view (see API.md).")


def _attendee_or_404(token: str) -> Attendee:
    try:
        return selectors.attendee_by_own_token(token=token)
    except Attendee.DoesNotExist as exc:
        raise Http404 from exc


def attendee_own_data(attendee: Attendee, request: Request) -> dict:
    registration = attendee.registration
    event = registration.event
    own = s.attendee_data(attendee, event, amount_paid=registration.amount_paid)
    for money_field in ("price", "discount", "discount_applied", "amount_paid"):
        own.pop(money_field)  # the group's money is the buyer's
    url = request.build_absolute_uri(attendee.get_absolute_url())
    return {
        **own,
        "reference": registration.reference,
        "status": registration.effective_status,
        "event": {
            "slug": event.slug,
            "name": event.name,
            "starts_at": event.local(event.starts_at).isoformat(),
            "ends_at": event.local(event.ends_at).isoformat(),
            "timezone": event.timezone,
        },
        "dietary_needs": attendee.dietary_needs,
        "accessibility_needs": attendee.accessibility_needs,
        "member_number": attendee.member_number,
        "manage_url": url,
        "calendar_url": f"{url}calendar.ics",
        "ce": credits_data(ce_selectors.credited_sessions(attendee=attendee)),
    }


class AttendeeOwnView(APIView):
    @extend_schema(responses=ATTENDEE_RESPONSE)
    def get(self, request: Request, token: str) -> Response:
        return Response(attendee_own_data(_attendee_or_404(token), request))

    @extend_schema(request=s.AttendeeOwnChangeSerializer, responses=ATTENDEE_RESPONSE)
    def patch(self, request: Request, token: str) -> Response:
        attendee = _attendee_or_404(token)
        data = s.AttendeeOwnChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        attendee_own_change(attendee=attendee, **data.validated_data)
        return Response(attendee_own_data(_attendee_or_404(token), request))


class AttendeeOwnWaitlistView(APIView):
    @extend_schema(
        request=s.SessionWaitlistJoinSerializer,
        responses={201: s.SessionWaitlistEntrySerializer},
    )
    def post(self, request: Request, token: str) -> Response:
        attendee = _attendee_or_404(token)
        data = s.SessionWaitlistJoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = session_waitlist_join(attendee=attendee, session_id=data.validated_data["session"])
        entry.position = selectors.session_waitlist_position(entry=entry)
        return Response(
            s.SessionWaitlistEntrySerializer(entry).data, status=status.HTTP_201_CREATED
        )


class AttendeeOwnAttestationView(APIView):
    @extend_schema(request=AttestationInputSerializer, responses=ATTENDEE_RESPONSE)
    def post(self, request: Request, token: str) -> Response:
        attendee = _attendee_or_404(token)
        data = AttestationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ce_services.attestation_submit(
            attendee=attendee, session_ids=data.validated_data["sessions"]
        )
        return Response(credits_data(ce_selectors.credited_sessions(attendee=attendee)))
