"""Payment writes: one PaymentIntent per registration payment, settling payments from
webhooks or the return page (idempotent), refunds, invoices marked paid.

The provider is reached only through payments.providers; registrations only through its
services (registration_confirm, registration_record_refund, ...).
"""

import logging
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import Conflict
from payments.models import Payment, Refund, StripeEvent
from payments.providers import get_provider
from payments.providers.base import CardDeclined, Intent, ProviderError, ProviderEvent
from registrations.errors import InvalidState, SoldOut
from registrations.messaging.notify import notify_late_payment_refunded, notify_payment_failed
from registrations.models import PaymentMethod, Registration
from registrations.services.money import (
    cancellation_refund_due,
    registration_flag,
    registration_record_payment,
    registration_record_refund,
)
from registrations.services.registration import registration_cancel, registration_confirm

logger = logging.getLogger(__name__)

__all__ = ["CardDeclined", "ProviderError"]


class PaymentUnavailable(Conflict):
    code = "payment_unavailable"
    default_detail = "The payment service cannot be reached just now. Please try again."


# --- Card payments -----------------------------------------------------------------------


def payment_for_registration(*, registration: Registration) -> Payment | None:
    """The open card payment of a registration that owes money; its PaymentIntent is
    created once (the registration row is locked meanwhile, so concurrent calls share it).

    None when nothing is due by card. Raises PaymentUnavailable when the provider cannot
    be reached (nothing saved; the registration stays payable).
    """
    if registration.payment_method != PaymentMethod.CARD or registration.total <= 0:
        return None  # (checked again under the lock below; this spares the lock)
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if (
            registration.payment_method != PaymentMethod.CARD
            or registration.effective_status != Registration.Status.PENDING_PAYMENT
            or registration.amount_due <= 0
        ):
            return None
        payment = registration.payments.filter(status=Payment.Status.OPEN).first()
        if payment is not None:
            return payment
        attempt = registration.payments.count() + 1
        try:
            intent = get_provider().create_intent(
                amount=registration.amount_due,
                currency=registration.currency,
                reference=registration.reference,
                idempotency_key=f"registration-{registration.pk}-payment-{attempt}",
            )
        except ProviderError as exc:
            raise PaymentUnavailable() from exc
        return Payment.objects.create(
            registration=registration,
            provider=Payment.Provider.STRIPE,
            provider_ref=intent.ref,
            client_secret=intent.client_secret,
            amount=registration.amount_due,
            currency=registration.currency,
        )


def payment_pay_with_card(*, registration: Registration, payment_method: str) -> Intent:
    """Charge the card (a `card_…`/`pm_…` from Stripe.js) for the registration's intent.

    Returns the intent: `succeeded` (the registration is confirmed), `requires_action`
    (the page must authenticate), or another state. Raises CardDeclined (message fit for
    the attendee; the hold stays), PaymentUnavailable, InvalidState when nothing is due.
    """
    payment = payment_for_registration(registration=registration)
    if payment is None:
        raise InvalidState("Nothing is due by card for this registration.")
    provider = get_provider()
    try:
        intent = provider.pay_intent(ref=payment.provider_ref, payment_method=payment_method)
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
    """Ask the provider for the state of the registration's open payment and settle it if
    paid, so a late or lost webhook never leaves a paying attendee unconfirmed.
    Returns the intent's status ("" when there is no open card payment)."""
    payment = registration.payments.filter(
        provider=Payment.Provider.STRIPE, status=Payment.Status.OPEN
    ).first()
    if payment is None:
        return ""
    try:
        intent = get_provider().retrieve_intent(payment.provider_ref)
    except ProviderError as exc:
        raise PaymentUnavailable() from exc
    if intent.status == "succeeded":
        payment_settle(payment_id=payment.pk, amount=intent.amount, currency=intent.currency)
    return intent.status


def payment_settle(*, payment_id: int, amount: Decimal, currency: str) -> Payment:
    """Record a succeeded payment and confirm its registration. Idempotent.

    An amount or currency that differs from the payment is not confirmed: logged and
    flagged for the organizer. A payment for a registration that can no longer have its
    seats (they went to someone else, or it was cancelled) is refunded in full.
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
        try:
            with transaction.atomic():
                registration_confirm(registration_id=payment.registration_id, amount_paid=amount)
            return payment
        except (SoldOut, InvalidState):
            registration_record_payment(registration_id=payment.registration_id, amount=amount)
            refund = Refund.objects.create(
                payment=payment, amount=amount, reason="Seats no longer available"
            )
            notify_late_payment_refunded(registration=payment.registration)
    try:
        refund_submit(refund_id=refund.pk)
    except PaymentUnavailable:
        logger.warning("refund %s deferred: provider unavailable", refund.pk)
    return payment


# --- Webhooks ----------------------------------------------------------------------------


def payment_apply_event(*, event: ProviderEvent) -> str:
    """Take in one provider event, at most once per event id. Returns what was done."""
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(event_id=event.event_id, kind=event.kind)
            outcome = _apply(event)
            record.outcome = outcome[:200]
            record.save(update_fields=["outcome"])
            return outcome
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event.event_id).exists():
            return "duplicate"
        raise


def _apply(event: ProviderEvent) -> str:
    payment = Payment.objects.filter(
        provider=Payment.Provider.STRIPE, provider_ref=event.provider_ref
    ).first()
    if payment is None:
        return f"ignored: no payment {event.provider_ref or '(none)'}"
    if event.kind == "payment_succeeded":
        payment_settle(payment_id=payment.pk, amount=event.amount, currency=event.currency)
        return "settled"
    if event.kind == "payment_failed":
        Payment.objects.filter(pk=payment.pk).update(last_error=event.message[:300])
        notify_payment_failed(
            registration=payment.registration, reason=event.message, event_id=event.event_id
        )
        return "failed: registration stays payable"
    if event.kind == "refunded":
        return _record_provider_refunds(payment, event)
    if event.kind == "dispute_opened":
        registration_flag(
            registration_id=payment.registration_id,
            reason=f"Card dispute opened: {event.message or 'no reason given'}.",
        )
        return "flagged: dispute"
    return "ignored"


def _record_provider_refunds(payment: Payment, event: ProviderEvent) -> str:
    """Refunds made outside this system (the provider's dashboard) or not yet recorded."""
    recorded = 0
    for ref, amount in event.refunds:
        if Refund.objects.filter(provider_ref=ref).exists():
            continue
        ours = (
            Refund.objects.select_for_update()
            .filter(payment=payment, status=Refund.Status.PENDING, amount=amount)
            .first()
        )
        if ours is not None:  # our own refund, whose answer has not been saved yet
            ours.provider_ref, ours.status = ref, Refund.Status.SUCCEEDED
            ours.save(update_fields=["provider_ref", "status"])
        else:
            Refund.objects.create(
                payment=payment,
                amount=amount,
                provider_ref=ref,
                status=Refund.Status.SUCCEEDED,
                reason="Refunded at the provider",
            )
        registration_record_refund(registration_id=payment.registration_id, amount=amount)
        recorded += 1
    return f"refunds recorded: {recorded}"


# --- Refunds -----------------------------------------------------------------------------


def refund_create(
    *, registration: Registration, amount: Decimal | None = None, reason: str = ""
) -> Refund | None:
    """Refund all or part of what was paid (never more), through the provider that took it.

    Raises ValidationError on `amount`, PaymentUnavailable when the provider cannot be
    reached (the refund stays pending and is retried by a periodic task).
    """
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        pending = sum(
            r.amount
            for r in Refund.objects.filter(
                payment__registration=registration, status=Refund.Status.PENDING
            )
        )
        refundable = registration.amount_paid - registration.amount_refunded - pending
        amount = refundable if amount is None else amount
        if amount <= 0 or amount > refundable:
            raise ValidationError(
                {"amount": [f"Between 0.01 and {max(refundable, 0):.2f} {registration.currency}."]}
            )
        payment = registration.payments.filter(status=Payment.Status.SUCCEEDED).first()
        if payment is None:
            raise ValidationError({"amount": ["This registration has no payment to refund."]})
        refund = Refund.objects.create(payment=payment, amount=amount, reason=reason[:200])
        if payment.provider == Payment.Provider.INVOICE:  # paid by transfer: refunded by hand
            refund.status = Refund.Status.SUCCEEDED
            refund.save(update_fields=["status"])
            registration_record_refund(registration_id=registration.pk, amount=amount)
            return refund
    refund_submit(refund_id=refund.pk)
    refund.refresh_from_db()
    return refund


def refund_submit(*, refund_id: int) -> Refund:
    """Send a pending refund to the provider (idempotency key: the refund's id) and record
    it on the registration. Safe to call again. Raises PaymentUnavailable."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    try:
        result = get_provider().refund(
            intent_ref=refund.payment.provider_ref,
            amount=refund.amount,
            currency=refund.payment.currency,
            idempotency_key=f"refund-{refund.pk}",
        )
    except (ProviderError, CardDeclined) as exc:
        raise PaymentUnavailable("The refund could not be sent yet; it will be retried.") from exc
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
        if refund.status != Refund.Status.PENDING:
            return refund  # a webhook recorded it meanwhile
        refund.provider_ref = result.ref
        refund.status = Refund.Status.SUCCEEDED
        refund.save(update_fields=["provider_ref", "status"])
        registration_record_refund(
            registration_id=refund.payment.registration_id, amount=refund.amount
        )
    return refund


def registration_cancel_with_refund(
    *, registration: Registration, at: datetime | None = None
) -> Registration:
    """Cancel and refund what the event's cancellation policy gives back. The seats are
    freed even when the refund must wait for the provider (it is retried)."""
    at = at or timezone.now()
    due = cancellation_refund_due(registration=registration, at=at)
    registration = registration_cancel(registration=registration, at=at, refund=due)
    open_payment = registration.payments.filter(status=Payment.Status.OPEN).first()
    if open_payment is not None:
        payment_cancel(payment=open_payment)
    if due > 0:
        try:
            refund_create(registration=registration, amount=due, reason="Cancelled by attendee")
        except PaymentUnavailable:
            logger.warning("refund of %s deferred: provider unavailable", registration.pk)
    registration.refresh_from_db()
    return registration


def payment_cancel(*, payment: Payment) -> None:
    """Cancel an open payment (its PaymentIntent at the provider) so it cannot be paid.
    A provider that cannot be reached leaves it open for the periodic retry."""
    if payment.provider == Payment.Provider.STRIPE and payment.provider_ref:
        try:
            get_provider().cancel_intent(payment.provider_ref)
        except ProviderError:
            logger.warning("payment %s: intent not cancelled yet", payment.pk)
            return
    Payment.objects.filter(pk=payment.pk, status=Payment.Status.OPEN).update(
        status=Payment.Status.CANCELED
    )


def payments_cancel_stale() -> int:
    """Periodic: cancel open intents of registrations that no longer hold seats (lapsed
    holds, cancellations), so nobody can pay a stale one. Returns how many."""
    stale = [
        p
        for p in Payment.objects.filter(status=Payment.Status.OPEN).select_related("registration")
        if not p.registration.holds_seats
    ]
    for payment in stale:
        payment_cancel(payment=payment)
    return len(stale)


def refunds_retry_pending() -> int:
    """Periodic: send refunds left pending by an unreachable provider."""
    sent = 0
    for refund_id in Refund.objects.filter(status=Refund.Status.PENDING).values_list(
        "pk", flat=True
    ):
        try:
            refund_submit(refund_id=refund_id)
            sent += 1
        except PaymentUnavailable:
            break
    return sent


# --- Invoices ----------------------------------------------------------------------------


def invoice_mark_paid(*, registration: Registration) -> Registration:
    """The organizer records an invoice's payment: the registration is confirmed.
    Raises InvalidState for a registration that is not an unpaid invoice."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.payment_method != PaymentMethod.INVOICE:
            raise InvalidState("Only invoice registrations are marked paid by hand.")
        if registration.status == Registration.Status.CONFIRMED:
            raise InvalidState("This registration is already paid.")
        payment = Payment.objects.create(
            registration=registration,
            provider=Payment.Provider.INVOICE,
            amount=registration.amount_due,
            currency=registration.currency,
            status=Payment.Status.SUCCEEDED,
            succeeded_at=timezone.now(),
        )
        return registration_confirm(registration_id=registration.pk, amount_paid=payment.amount)
