from rest_framework import serializers

from events.api.serializers import MoneyField
from payments.models import Payment
from payments.providers import get_provider


class RefundInputSerializer(serializers.Serializer):
    amount = MoneyField(required=False, min_value=None)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CardPaymentInputSerializer(serializers.Serializer):
    payment_method = serializers.CharField(max_length=100)


def payment_data(payment: Payment | None) -> dict | None:
    """The `payment` object of API.md, for a card payment still to complete."""
    if payment is None or payment.provider != Payment.Provider.STRIPE:
        return None
    return {
        "provider": "stripe",
        "payment_intent": payment.provider_ref,
        "client_secret": payment.client_secret,
        "publishable_key": get_provider().publishable_key,
        "amount": f"{payment.amount:.2f}",
        "currency": payment.currency,
    }
