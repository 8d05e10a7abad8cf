"""Organizer API on a registration's money: refunds, invoices marked paid. Each answers
with the registration; the services write the audit log."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import MoneyField
from events.permissions import IsOrganizer, Perm, check_permission
from payments.services.offline import invoice_mark_paid
from payments.services.refunds import refund_create
from registrations import selectors
from registrations.api.serializers import registration_data
from registrations.models import Registration

REGISTRATION = OpenApiResponse(description="The registration (see API.md).")


class RefundInputSerializer(serializers.Serializer):
    amount = MoneyField(required=False, min_value=None)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


def organizer_registration_or_404(request: Request, reference: str) -> Registration:
    """The registration, if the user may handle its money (404 without a role on its
    event, 403 with a role that may not)."""
    registration = get_object_or_404(
        Registration.objects.select_related("event"), reference=reference
    )
    check_permission(request.user, registration.event, Perm.MONEY)
    return registration


def _answer(registration: Registration, request: Request) -> Response:
    reloaded = selectors.registration_detail_queryset().get(pk=registration.pk)
    return Response(registration_data(reloaded, request))


class OrganizerRefundView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(request=RefundInputSerializer, responses=REGISTRATION)
    def post(self, request: Request, reference: str) -> Response:
        registration = organizer_registration_or_404(request, reference)
        data = RefundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund_create(
            registration=registration,
            amount=data.validated_data.get("amount"),
            reason=data.validated_data.get("reason") or f"Refunded by {request.user}",
        )
        return _answer(registration, request)


@extend_schema_field(OpenApiTypes.STR)
class PaidAtField(serializers.Field):
    """A date ("2027-03-01": that day, event time) or an ISO 8601 datetime."""

    default_error_messages = {"invalid": "Use a date (YYYY-MM-DD) or an ISO 8601 datetime."}

    def to_internal_value(self, data):
        if isinstance(data, str) and len(data) == 10:
            try:
                return date.fromisoformat(data)
            except ValueError:
                self.fail("invalid")
        return serializers.DateTimeField().to_internal_value(data)

    def to_representation(self, value):
        return value.isoformat()


class MarkPaidInputSerializer(serializers.Serializer):
    amount = MoneyField(required=False, max_digits=12)
    paid_at = PaidAtField(required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class OrganizerMarkPaidView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(request=MarkPaidInputSerializer, responses=REGISTRATION)
    def post(self, request: Request, reference: str) -> Response:
        """Record a payment received: `amount` (default: all that is due), `paid_at` (a
        date, or a datetime; default now), `note`. Confirmed once fully paid."""
        registration = organizer_registration_or_404(request, reference)
        data = MarkPaidInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        paid_at = data.validated_data.get("paid_at")
        if isinstance(paid_at, date) and not isinstance(paid_at, datetime):
            paid_at = registration.event.start_of(paid_at)
        invoice_mark_paid(
            registration=registration,
            amount=data.validated_data.get("amount"),
            paid_at=paid_at,
            note=data.validated_data.get("note", ""),
        )
        return _answer(registration, request)
