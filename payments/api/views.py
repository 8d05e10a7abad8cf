"""Payment API: the attendee's card payment; organizer refunds and invoices marked paid."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AuditEntry
from audit.request import audit_request
from events.api.views import IsOrganizer
from events.permissions import user_can_manage_event
from payments.api.serializers import CardPaymentInputSerializer, RefundInputSerializer, payment_data
from payments.providers.base import CardDeclined
from payments.services import (
    invoice_mark_paid,
    payment_for_registration,
    payment_pay_with_card,
    refund_create,
)
from registrations.api.serializers import registration_data
from registrations.api.views import registration_or_404, registration_reloaded
from registrations.models import Registration

REGISTRATION = OpenApiResponse(description="The registration (see API.md).")


class RegistrationPaymentView(APIView):
    """Start (or resume) the card payment of a registration: the same intent every time."""

    @extend_schema(request=None, responses=REGISTRATION)
    def post(self, request: Request, token: str) -> Response:
        registration = registration_or_404(token)
        payment = payment_for_registration(registration=registration)
        return Response(registration_data(registration, request, payment=payment_data(payment)))


class RegistrationCardView(APIView):
    """Pay with a card tokenised by Stripe.js (`card_…`, `pm_…`)."""

    @extend_schema(request=CardPaymentInputSerializer, responses=REGISTRATION)
    def post(self, request: Request, token: str) -> Response:
        registration = registration_or_404(token)
        data = CardPaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            intent = payment_pay_with_card(
                registration=registration, payment_method=data.validated_data["payment_method"]
            )
        except CardDeclined as exc:
            return Response(
                {"code": "card_declined", "detail": str(exc)},
                status=status.HTTP_402_PAYMENT_REQUIRED,
            )
        body = registration_data(registration_reloaded(registration), request)
        body["payment_status"] = intent.status
        return Response(body)


def organizer_registration_or_404(request: Request, reference: str) -> Registration:
    registration = get_object_or_404(
        Registration.objects.select_related("event"), reference=reference
    )
    if not user_can_manage_event(request.user, registration.event):
        raise Http404
    return registration


class OrganizerRefundView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(request=RefundInputSerializer, responses=REGISTRATION)
    def post(self, request: Request, reference: str) -> Response:
        registration = organizer_registration_or_404(request, reference)
        data = RefundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = refund_create(
            registration=registration,
            amount=data.validated_data.get("amount"),
            reason=data.validated_data.get("reason") or f"Refunded by {request.user}",
        )
        audit_request(
            request,
            action=AuditEntry.Action.REFUND,
            event=registration.event,
            target=registration.reference,
            details={"amount": str(refund.amount), "currency": registration.currency},
        )
        return Response(registration_data(registration_reloaded(registration), request))


class OrganizerMarkPaidView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(request=None, responses=REGISTRATION)
    def post(self, request: Request, reference: str) -> Response:
        registration = organizer_registration_or_404(request, reference)
        invoice_mark_paid(registration=registration)
        audit_request(
            request,
            action=AuditEntry.Action.MARK_PAID,
            event=registration.event,
            target=registration.reference,
        )
        return Response(registration_data(registration_reloaded(registration), request))
