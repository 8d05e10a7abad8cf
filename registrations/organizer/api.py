"""Organizer API (API.md, "Organizer side"): attendees with filters, exports, badges,
stats, rosters, venue needs, check-in at the door and in a session's room.

Every view needs an active staff user (IsOrganizer: 401 anonymous, 403 others) and
answers 404 for an event, session or attendee the user does not manage.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AuditEntry
from audit.request import audit_request
from config.api import Pagination
from events.models import Event, Session
from events.permissions import (
    IsOrganizer,
    Perm,
    check_permission,
    organizer_event,
    search_permission,
)
from registrations.models import Attendee, CheckIn
from registrations.organizer import selectors
from registrations.organizer.badges import badges_pdf
from registrations.organizer.exports import (
    attendees_csv,
    attendees_xlsx,
    roster_csv,
    venue_needs_csv,
)
from registrations.organizer.forms import AttendeeFilterForm
from registrations.organizer.selectors import AttendeeFilters
from registrations.organizer.services import AlreadyCheckedIn, check_in, session_check_in
from registrations.organizer.stats import event_stats

FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Search names, email, organization, reference, badge"),
    OpenApiParameter(
        "status", str, enum=["pending_payment", "confirmed", "cancelled", "expired", "refunded"]
    ),
    OpenApiParameter("ticket_type", int),
    OpenApiParameter("session", int, description="Chose this session (everyone: a plenary)"),
    OpenApiParameter("profession", str, enum=["nurse", "physician", "pharmacist", "other"]),
    OpenApiParameter("checked_in", bool, description="Checked in at the door"),
    OpenApiParameter("question", int, description="One of the event's questions"),
    OpenApiParameter(
        "answer", str, description="With `question`: gave this answer (blank: any answer)"
    ),
]
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")


def attendee_filters(request: Request, event: Event) -> AttendeeFilters:
    """The list filters from the query string. Raises 400 {"errors": {...}} when bad."""
    form = AttendeeFilterForm(request.query_params, event=event)
    if not form.is_valid():
        raise serializers.ValidationError(form.error_lists())
    return form.filters()


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SessionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class AttendeeRowSerializer(serializers.Serializer):
    """One attendee of the list (API.md); times in the event's time zone."""

    id = serializers.IntegerField()
    reference = serializers.CharField(source="registration.reference")
    status = serializers.CharField(source="effective_status")
    badge_code = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    organization = serializers.CharField()
    job_title = serializers.CharField()
    profession = serializers.CharField()
    ticket_type = serializers.SerializerMethodField()
    sessions = serializers.SerializerMethodField()
    checked_in = serializers.SerializerMethodField()
    checked_in_at = serializers.SerializerMethodField()
    registered_at = serializers.SerializerMethodField()
    # The attendee's own share of what the registration paid (registrations.shares).
    amount_paid = serializers.DecimalField(
        source="amount_paid_share", max_digits=12, decimal_places=2
    )
    currency = serializers.CharField(source="registration.currency")
    dietary_needs = serializers.CharField()
    accessibility_needs = serializers.CharField()
    answers = serializers.DictField(help_text="Answers to the event's questions, by id.")

    def _local(self, moment):
        return moment.astimezone(self.context["tz"]).isoformat() if moment else None

    @extend_schema_field(NamedRefSerializer)
    def get_ticket_type(self, attendee: Attendee) -> dict:
        return {"id": attendee.ticket_type_id, "name": attendee.ticket_type.name}

    @extend_schema_field(SessionRefSerializer(many=True))
    def get_sessions(self, attendee: Attendee) -> list[dict]:
        return [{"id": c.session_id, "title": c.session.title} for c in attendee.choices.all()]

    def get_checked_in(self, attendee: Attendee) -> bool:
        return attendee.door_checked_in_at is not None

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_checked_in_at(self, attendee: Attendee) -> str | None:
        return self._local(attendee.door_checked_in_at)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_registered_at(self, attendee: Attendee) -> str:
        return self._local(attendee.registration.created_at)


class OrganizerFileView(APIView):
    """A view answering with a file: any Accept header gets it (errors are JSON)."""

    permission_classes = [IsOrganizer]

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


class AttendeeListView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(parameters=FILTER_PARAMETERS, responses=AttendeeRowSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, (Perm.ATTENDEES, Perm.CHECK_IN))
        filters = attendee_filters(request, event)
        check_permission(
            request.user, event, search_permission(Perm.ATTENDEES, searching=bool(filters.q))
        )
        attendees = selectors.attendees_for_list(event=event, filters=filters, at=timezone.now())
        paginator = Pagination()
        page = paginator.paginate_queryset(attendees, request, view=self)
        rows = AttendeeRowSerializer(page, many=True, context={"tz": event.tzinfo}).data
        return paginator.get_paginated_response(rows)


class AttendeeExportCsvView(OrganizerFileView):
    @extend_schema(parameters=FILTER_PARAMETERS, responses={(200, "text/csv"): FILE})
    def get(self, request: Request, slug: str) -> HttpResponse:
        event = organizer_event(request, slug, Perm.EXPORT)
        filters = attendee_filters(request, event)
        audit_export(request, event, "csv", filters)
        return attendees_csv(event=event, filters=filters)


class AttendeeExportXlsxView(OrganizerFileView):
    @extend_schema(parameters=FILTER_PARAMETERS, responses=FILE)
    def get(self, request: Request, slug: str) -> HttpResponse:
        event = organizer_event(request, slug, Perm.EXPORT)
        filters = attendee_filters(request, event)
        audit_export(request, event, "xlsx", filters)
        return attendees_xlsx(event=event, filters=filters)


class BadgesPdfView(OrganizerFileView):
    @extend_schema(parameters=FILTER_PARAMETERS, responses={(200, "application/pdf"): FILE})
    def get(self, request: Request, slug: str) -> HttpResponse:
        event = organizer_event(request, slug, (Perm.EXPORT, Perm.CHECK_IN))
        filters = attendee_filters(request, event)
        check_permission(
            request.user, event, search_permission(Perm.EXPORT, searching=bool(filters.q))
        )
        audit_export(request, event, "badges_pdf", filters)
        return badges_pdf(event=event, filters=filters)


class SessionRosterCsvView(OrganizerFileView):
    @extend_schema(responses={(200, "text/csv"): FILE})
    def get(self, request: Request, slug: str, pk: int) -> HttpResponse:
        event = organizer_event(request, slug, Perm.EXPORT)
        session = get_object_or_404(Session.objects.select_related("event"), pk=pk, event=event)
        audit_export(request, event, "session_roster", {"session": session.pk})
        return roster_csv(session=session)


class VenueNeedsCsvView(OrganizerFileView):
    @extend_schema(responses={(200, "text/csv"): FILE})
    def get(self, request: Request, slug: str) -> HttpResponse:
        event = organizer_event(request, slug, Perm.EXPORT)
        audit_export(request, event, "venue_needs", {})
        return venue_needs_csv(event=event)


class EventStatsView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=OpenApiResponse(OpenApiTypes.OBJECT, description="See API.md."))
    def get(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.VIEW)
        return Response(event_stats(event=event, at=timezone.now()))


# --- Check-in ----------------------------------------------------------------------------


class CheckInInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="The attendee's badge code (QR code).")


def check_in_data(check_in_row: CheckIn) -> dict:
    attendee = check_in_row.attendee
    registration = attendee.registration
    tz = registration.event.tzinfo
    session = check_in_row.session
    return {
        "checked_in_at": check_in_row.checked_in_at.astimezone(tz).isoformat(),
        "session": {"id": session.id, "title": session.title} if session else None,
        "attendee": {
            "id": attendee.id,
            "reference": registration.reference,
            "badge_code": attendee.badge_code,
            "first_name": attendee.first_name,
            "last_name": attendee.last_name,
            "organization": attendee.organization,
            "ticket_type": {"id": attendee.ticket_type_id, "name": attendee.ticket_type.name},
        },
    }


def audit_export(request: Request, event, kind: str, filters) -> None:
    """Exports carry personal data: who took which, when, is in the audit log (the names
    of the filters used, not their values: a search may be a person's name)."""
    used = filters.as_query() if hasattr(filters, "as_query") else filters
    audit_request(
        request,
        action=AuditEntry.Action.EXPORT,
        event=event,
        details={"format": kind, "filters": sorted(k for k, v in used.items() if v)},
    )


def _check_in_answer(request: Request, audit_event, action, **kwargs) -> Response:
    try:
        done = action(**kwargs)
    except Attendee.DoesNotExist:
        return Response(
            {"detail": "No attendee of this event has this badge code."},
            status=status.HTTP_404_NOT_FOUND,
        )
    except AlreadyCheckedIn as exc:
        body = {"code": exc.code, "detail": exc.detail}
        if exc.check_in is not None:
            body |= check_in_data(exc.check_in)
        return Response(body, status=status.HTTP_409_CONFLICT)
    return Response(check_in_data(done), status=status.HTTP_201_CREATED)


CHECK_IN_RESPONSES = {
    201: OpenApiResponse(description="Checked in: the attendee and the time."),
    404: OpenApiResponse(description="Unknown badge code."),
    409: OpenApiResponse(description="already_checked_in, or invalid_state (not admitted)."),
}


class EventCheckInView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(request=CheckInInputSerializer, responses=CHECK_IN_RESPONSES)
    def post(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.CHECK_IN)
        data = CheckInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _check_in_answer(
            request, event, check_in, event=event, code=data.validated_data["code"], by=request.user
        )


class SessionCheckInView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(request=CheckInInputSerializer, responses=CHECK_IN_RESPONSES)
    def post(self, request: Request, pk: int) -> Response:
        session = get_object_or_404(Session.objects.select_related("event"), pk=pk)
        check_permission(request.user, session.event, Perm.CHECK_IN)
        data = CheckInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _check_in_answer(
            request,
            session.event,
            session_check_in,
            session=session,
            code=data.validated_data["code"],
            by=request.user,
        )
