"""The attendee's online payment through the registration's token: start (or resume) it,
pay with a card tokenised by the provider's script. Each answers with the registration."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from payments.providers.base import CardDeclined
from payments.selectors import checkout_data
from payments.services.checkout import payment_for_registration, payment_pay_with_card
from registrations import selectors
from registrations.api.serializers import registration_data

REGISTRATION = OpenApiResponse(description="The registration (see API.md).")


class CardPaymentInputSerializer(serializers.Serializer):
    # "payment_method" is the provider's name for the tokenised card (card_…, pm_…).
    payment_method = serializers.CharField(max_length=100)


class RegistrationPaymentView(APIView):
    """Start (or resume) the online payment of a registration: the same intent every time."""

    @extend_schema(request=None, responses=REGISTRATION)
    def post(self, request: Request, token: str) -> Response:
        registration = selectors.registration_by_token_or_404(token=token)
        payment = payment_for_registration(registration=registration)
        return Response(registration_data(registration, request, payment=checkout_data(payment)))


class RegistrationCardView(APIView):
    """Pay with a card tokenised by the provider's script (Stripe.js: `card_…`, `pm_…`)."""

    @extend_schema(request=CardPaymentInputSerializer, responses=REGISTRATION)
    def post(self, request: Request, token: str) -> Response:
        registration = selectors.registration_by_token_or_404(token=token)
        data = CardPaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            intent = payment_pay_with_card(
                registration=registration, card_token=data.validated_data["payment_method"]
            )
        except CardDeclined as exc:
            return Response(
                {"code": "card_declined", "detail": str(exc)},
                status=status.HTTP_402_PAYMENT_REQUIRED,
            )
        reloaded = selectors.registration_detail_queryset().get(pk=registration.pk)
        body = registration_data(reloaded, request)
        body["payment_status"] = intent.status
        return Response(body)
