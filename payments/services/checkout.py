"""The online payment of a registration: one intent at the provider, paid by card, and
settling what the provider says was paid (from the card call, the return page or a
webhook; idempotent)."""

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from config.errors import Conflict
from config.transactions import outside_transactions
from payments.errors import PaymentUnavailable
from payments.models import Payment, Refund
from payments.providers import get_provider, provider_for_method
from payments.providers.base import CardDeclined, Intent, ProviderError
from payments.services.intents import payment_cancel
from payments.services.refunds import refund_request
from registrations.errors import InvalidState, SoldOut
from registrations.messaging.notify import notify_late_payment_refunded
from registrations.models import Registration
from registrations.services.money import registration_flag, registration_record_payment
from registrations.services.registration import registration_confirm
from registrations.services.session_waitlist import session_offer_redeem_paid

logger = logging.getLogger(__name__)


def payment_for_registration(*, registration: Registration) -> Payment | None:
    """The open online payment of a registration that owes money, with its intent at the
    provider. Concurrent calls share one payment: it is claimed in a short transaction,
    the intent created after commit (idempotency key: the payment's id).

    None when nothing is due online. Raises PaymentUnavailable when the provider cannot
    be reached (the claimed payment stays open without an intent; the next call tries
    again).
    """
    if registration.total <= 0:  # before the provider: setting one up reads its settings
        return None
    provider = provider_for_method(registration.payment_method)
    if not provider.online:
        return None
    payment = _claim_payment(registration, provider.name)
    if payment is None:
        return None
    return payment_attach_intent(payment=payment, reference=registration.reference)


def payment_attach_intent(*, payment: Payment, reference: str) -> Payment:
    """Create the provider's intent of a claimed payment, outside any transaction
    (idempotency key: the payment's id). Concurrent calls end up sharing one intent.
    Raises PaymentUnavailable when the provider cannot be reached."""
    if payment.provider_ref:
        return payment
    outside_transactions()
    provider = get_provider(payment.provider)
    try:
        intent = provider.create_intent(
            amount=payment.amount,
            currency=payment.currency,
            reference=reference,
            idempotency_key=f"payment-{payment.pk}",
        )
    except ProviderError as exc:
        raise PaymentUnavailable() from exc
    claimed = Payment.objects.filter(pk=payment.pk, provider_ref="").update(
        provider_ref=intent.ref, client_secret=intent.client_secret
    )
    if not claimed:  # a concurrent call attached its intent first: that one is used
        payment.refresh_from_db()
        if payment.provider_ref != intent.ref:
            _cancel_quietly(provider.name, intent.ref)
        return payment
    payment.provider_ref, payment.client_secret = intent.ref, intent.client_secret
    return payment


@transaction.atomic
def _claim_payment(registration: Registration, provider_name: str) -> Payment | None:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if (
        registration.effective_status != Registration.Status.PENDING_PAYMENT
        or registration.amount_due <= 0
    ):
        return None
    payment = registration.payments.filter(
        status=Payment.Status.OPEN, session_offer__isnull=True
    ).first()
    if payment is None:
        payment = Payment.objects.create(
            registration=registration,
            provider=provider_name,
            amount=registration.amount_due,
            currency=registration.currency,
        )
    return payment


def _cancel_quietly(provider_name: str, intent_ref: str) -> None:
    try:
        get_provider(provider_name).cancel_intent(intent_ref)
    except ProviderError:
        logger.warning("a spare intent could not be cancelled (%s)", provider_name)


def payment_pay_with_card(*, registration: Registration, card_token: str) -> Intent:
    """Charge the card (a token from the provider's script) for the registration's intent.

    Returns the intent: `succeeded` (the registration is confirmed), `requires_action`
    (the page must authenticate), or another state. Raises CardDeclined (message fit for
    the attendee; the hold stays), PaymentUnavailable, InvalidState when nothing is due.
    """
    payment = payment_for_registration(registration=registration)
    if payment is None:
        raise InvalidState("Nothing is due by card for this registration.")
    return payment_charge_card(payment=payment, card_token=card_token)


def payment_charge_card(*, payment: Payment, card_token: str) -> Intent:
    """Charge the card for a payment's intent, settling it if it succeeds (see
    `payment_pay_with_card`)."""
    try:
        intent = get_provider(payment.provider).pay_intent(
            ref=payment.provider_ref, card_token=card_token
        )
    except CardDeclined as exc:
        _retire_declined(payment, str(exc))
        raise
    except ProviderError as exc:
        raise PaymentUnavailable() from exc
    if intent.status == "succeeded":
        payment_settle(payment_id=payment.pk, amount=intent.amount, currency=intent.currency)
    elif intent.status == "requires_payment_method" and intent.error:
        _retire_declined(payment, intent.error)
        raise CardDeclined(intent.error)
    return intent


def _retire_declined(payment: Payment, error: str) -> None:
    """After a decline the next card gets a fresh intent: the local Stripe server cannot
    re-confirm an intent whose charge failed, and on Stripe a new intent per attempt is
    as valid. The declined one is cancelled so it can never be paid."""
    Payment.objects.filter(pk=payment.pk).update(last_error=error[:300])
    payment_cancel(payment=payment)


def payment_sync(*, registration: Registration) -> str:
    """Ask the provider for the state of the registration's open online payment and settle
    it if paid, so a late or lost webhook never leaves a paying attendee unconfirmed.
    Returns the intent's status ("" when there is no open online payment)."""
    payment = (
        registration.payments.filter(status=Payment.Status.OPEN, session_offer__isnull=True)
        .exclude(provider_ref="")
        .first()
    )
    return payment_sync_one(payment=payment)


def payment_sync_one(*, payment: Payment | None) -> str:
    """Ask the provider for the state of one open online payment; settle it if paid."""
    if payment is None or not get_provider(payment.provider).online:
        return ""
    try:
        intent = get_provider(payment.provider).retrieve_intent(payment.provider_ref)
    except ProviderError as exc:
        raise PaymentUnavailable() from exc
    if intent.status == "succeeded":
        payment_settle(payment_id=payment.pk, amount=intent.amount, currency=intent.currency)
    return intent.status


def payment_settle(*, payment_id: int, amount: Decimal, currency: str) -> Payment:
    """Record a succeeded payment and confirm its registration. Idempotent.

    An amount or currency that differs from the payment is not confirmed: logged and
    flagged for the organizer. A payment for a registration that can no longer have its
    seats (they went to someone else, or it was cancelled) is refunded in full: the
    refund is recorded here and sent to the provider after commit.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status == Payment.Status.SUCCEEDED:
            return payment
        if amount != payment.amount or currency.upper() != payment.currency.upper():
            logger.warning("payment %s amount mismatch", payment.pk)
            registration_flag(
                registration_id=payment.registration_id,
                reason=f"Paid {amount} {currency}, expected {payment.amount} {payment.currency}.",
            )
            return payment
        payment.status = Payment.Status.SUCCEEDED
        payment.succeeded_at = timezone.now()
        payment.save(update_fields=["status", "succeeded_at"])
        if payment.session_offer_id:
            _settle_session_fee(payment, amount)
            return payment
        try:
            with transaction.atomic():
                registration_confirm(registration_id=payment.registration_id, amount_paid=amount)
        except (SoldOut, InvalidState):
            _refund_late_payment(payment, amount)
    return payment


def _settle_session_fee(payment: Payment, amount: Decimal) -> None:
    """A session's fee paid: the offer adds the session, or (the seat is gone, the
    registration cancelled, the session clashes) the fee is refunded in full."""
    try:
        with transaction.atomic():
            session_offer_redeem_paid(entry_id=payment.session_offer_id, amount=amount)
    except Conflict:
        entry = payment.session_offer
        _refund_late_payment(
            payment, amount, session=entry.session.title, to_email=entry.attendee.email
        )


def _refund_late_payment(
    payment: Payment, amount: Decimal, session: str = "", to_email: str = ""
) -> Refund:
    registration_record_payment(registration_id=payment.registration_id, amount=amount)
    notify_late_payment_refunded(
        registration=payment.registration,
        amount=amount,
        payment_id=payment.pk,
        session=session,
        to_email=to_email,
    )
    return refund_request(payment=payment, amount=amount, reason="Seats no longer available")
