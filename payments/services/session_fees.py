"""The fee of a session offered from its waiting list: paid by card on the offer's page,
it adds the session (payments.services.checkout.payment_settle redeems the offer).

The offer holds the seat while the attendee pays; a payment that settles after the seat
went to someone else (or that no longer fits) is refunded in full.
"""

from django.db import transaction

from payments.models import Payment
from payments.providers import provider_for_method
from payments.providers.base import Intent
from payments.services.checkout import payment_attach_intent, payment_charge_card, payment_sync_one
from registrations.errors import InvalidState
from registrations.models import SessionWaitlistEntry
from registrations.selectors import session_fee_due
from registrations.services.session_waitlist import session_offer_check


def session_fee_payment(*, entry: SessionWaitlistEntry) -> Payment:
    """The open card payment of an offered session's fee, with its intent at the provider
    (one per offer, shared by concurrent calls).

    Raises InvalidState (the offer is not live, the session has no fee, the registration
    is not confirmed, the session started), SessionClash (drop the clashing session
    first: nobody pays for a session that cannot be added), PaymentUnavailable.
    """
    payment = _claim(entry)
    return payment_attach_intent(payment=payment, reference=entry.attendee.registration.reference)


@transaction.atomic
def _claim(entry: SessionWaitlistEntry) -> Payment:
    entry = (
        SessionWaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("session", "attendee__registration")
        .get(pk=entry.pk)
    )
    if entry.session.price <= 0:
        raise InvalidState("This session has no fee: add it from the offer.")
    session_offer_check(entry=entry)
    payment = entry.payments.filter(status=Payment.Status.OPEN).first()
    if payment is None:
        registration = entry.attendee.registration
        payment = Payment.objects.create(
            registration=registration,
            session_offer=entry,
            provider=provider_for_method("card").name,
            amount=session_fee_due(entry=entry),
            currency=registration.currency,
        )
    return payment


def session_fee_pay_with_card(*, entry: SessionWaitlistEntry, card_token: str) -> Intent:
    """Charge the card (a token from the provider's script) for the offered session's fee;
    `succeeded` adds the session. Raises as `session_fee_payment`, and CardDeclined."""
    payment = session_fee_payment(entry=entry)
    return payment_charge_card(payment=payment, card_token=card_token)


def session_fee_sync(*, entry: SessionWaitlistEntry) -> str:
    """Ask the provider about the offer's open payment and settle it if paid (a lost
    webhook never leaves a paid fee without its session). Returns the intent's status."""
    payment = entry.payments.filter(status=Payment.Status.OPEN).exclude(provider_ref="").first()
    return payment_sync_one(payment=payment)
