"""Payment reads."""

from config.money import money_amount
from payments.models import Payment
from payments.providers import get_provider


def checkout_data(payment: Payment | None) -> dict | None:
    """The `payment` object of API.md for an online payment still to complete: what the
    attendee's browser needs to pay it. None when nothing is to be paid online."""
    if payment is None or payment.status != Payment.Status.OPEN or not payment.provider_ref:
        return None
    provider = get_provider(payment.provider)
    if not provider.online:
        return None
    return provider.checkout_data(
        intent_ref=payment.provider_ref, client_secret=payment.client_secret
    ) | {"amount": money_amount(payment.amount), "currency": payment.currency}
