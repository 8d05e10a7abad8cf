"""Personal-data API of a registration, by its secret token: download and erasure."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AuditEntry
from audit.request import client_ip
from audit.services import audit_record
from registrations.api.views import registration_or_404
from registrations.privacy.erasure import registration_erase
from registrations.privacy.export import personal_data_export


class ErasureInputSerializer(serializers.Serializer):
    confirm = serializers.BooleanField()

    def validate_confirm(self, value: bool) -> bool:
        if value is not True:
            raise serializers.ValidationError("Send true to confirm: erasure cannot be undone.")
        return value


ERASURE_RESPONSE = inline_serializer(
    "Erasure",
    {
        "reference": serializers.CharField(),
        "erased": serializers.ListField(child=serializers.CharField()),
        "kept": serializers.ListField(child=serializers.CharField()),
    },
)


class PersonalDataView(APIView):
    @extend_schema(
        responses=OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="Everything held about the registration's people (buyer, attendees, "
            "sessions, check-ins, attestations, waiting list, emails, payments, refunds).",
        )
    )
    def get(self, request: Request, token: str) -> Response:
        registration = registration_or_404(token)
        data = personal_data_export(registration=registration)
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.DATA_EXPORT,
            event=registration.event,
            target=registration.reference,
            details={"via": "api"},
            ip_address=client_ip(request),
        )
        return Response(data, headers={"Cache-Control": "no-store"})


class ErasureView(APIView):
    @extend_schema(request=ErasureInputSerializer, responses=ERASURE_RESPONSE)
    def post(self, request: Request, token: str) -> Response:
        registration = registration_or_404(token)
        data = ErasureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = registration_erase(registration=registration)  # it writes the audit log
        return Response(
            {"reference": report.reference, "erased": report.erased, "kept": report.kept}
        )
