"""CE API: attendees attest sessions; organizers release certificates and download the
accreditor's report (API.md, "Continuing-education credits")."""

import csv
import io

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AuditEntry
from audit.request import audit_request
from events.permissions import IsOrganizer, Perm, organizer_event
from registrations.ce import selectors, services
from registrations.models import Attendee
from registrations.organizer.exports import neutralise

REPORT_COLUMNS = (
    "event",
    "reference",
    "first_name",
    "last_name",
    "email",
    "profession",
    "npi",
    "license_number",
    "license_state",
    "nabp_eprofile_id",
    "birth_mmdd",
    "session_id",
    "session_title",
    "session_date",
    "hours",
    "evidence",
)
# Full-width forms too: some spreadsheet programs read them as formula signs as well.


class AttestationInputSerializer(serializers.Serializer):
    sessions = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=500
    )


CREDITS_RESPONSE = inline_serializer(
    "AttendeeCredits",
    {
        "attendee": serializers.IntegerField(),
        "profession": serializers.CharField(),
        "attendance_rule": serializers.CharField(),
        "sessions": inline_serializer(
            "CreditedSession",
            {
                "id": serializers.IntegerField(),
                "title": serializers.CharField(),
                "starts_at": serializers.DateTimeField(),
                "hours": serializers.DecimalField(max_digits=5, decimal_places=2),
                "evidence": serializers.CharField(),
            },
            many=True,
        ),
        "total_hours": serializers.DecimalField(max_digits=7, decimal_places=2),
        "certificate_url": serializers.URLField(allow_null=True),
    },
)


def credits_data(credits: selectors.AttendeeCredits) -> dict:
    attendee = credits.attendee
    event = attendee.registration.event
    try:
        services.certificate_check_available(credits=credits)
        url = services.certificate_url(attendee)
    except services.CertificateNotAvailable:
        url = None
    return {
        "attendee": attendee.id,
        "profession": attendee.profession,
        "attendance_rule": credits.rule,
        "sessions": [
            {
                "id": item.session.id,
                "title": item.session.title,
                "starts_at": event.local(item.session.starts_at).isoformat(),
                "hours": f"{item.hours:.2f}",
                "evidence": item.evidence,
            }
            for item in credits.sessions
        ],
        "total_hours": f"{credits.total_hours:.2f}",
        "certificate_url": url,
    }


def attendee_or_404(token: str, attendee_id: int) -> Attendee:
    try:
        return selectors.attendee_by_token(token=token, attendee_id=attendee_id)
    except Attendee.DoesNotExist as exc:
        raise Http404 from exc


class AttestationView(APIView):
    @extend_schema(request=AttestationInputSerializer, responses=CREDITS_RESPONSE)
    def post(self, request: Request, token: str, attendee_id: int) -> Response:
        attendee = attendee_or_404(token, attendee_id)
        data = AttestationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.attestation_submit(attendee=attendee, session_ids=data.validated_data["sessions"])
        return Response(credits_data(selectors.credited_sessions(attendee=attendee)))


class CertificatesReleaseView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "CertificatesRelease",
            {
                "released_at": serializers.DateTimeField(),
                "emails_queued": serializers.IntegerField(),
            },
        ),
    )
    def post(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.EVENT)
        queued = services.certificates_release(event=event)
        return Response(
            {
                "released_at": event.local(event.certificates_released_at).isoformat(),
                "emails_queued": queued,
            }
        )


class AnswerJsonOrCsv(DefaultContentNegotiation):
    """Errors answer JSON whatever the Accept header (text/csv included): the CSV itself is
    a plain HttpResponse, so negotiation must never refuse with 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        return renderer, renderer.media_type


def _cell(name: str, value: object) -> str:
    if name == "hours":
        return f"{value:.2f}"
    if name == "session_date":
        return value.isoformat()
    return neutralise("" if value is None else str(value))


class CeReportView(APIView):
    permission_classes = [IsOrganizer]
    content_negotiation_class = AnswerJsonOrCsv

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY, description="One row per attendee and credited session."
            )
        }
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        event = organizer_event(request, slug, Perm.EXPORT)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(REPORT_COLUMNS)
        for row in selectors.ce_report_rows(event=event):
            writer.writerow([_cell(name, getattr(row, name)) for name in REPORT_COLUMNS])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ce-report-{event.slug}.csv"'
        audit_request(
            request, action=AuditEntry.Action.EXPORT, event=event, details={"format": "ce_report"}
        )
        return response
