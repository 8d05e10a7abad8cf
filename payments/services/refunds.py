"""Refunds: requested by an organizer, by the cancellation policy, or for a late payment
whose seats went to someone else. A refund is recorded in the transaction that decides
it and carried out at the provider after commit (refund_sending)."""

import logging
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from config.money import money_text
from payments.errors import PaymentUnavailable
from payments.models import Payment, Refund
from payments.services.intents import payment_cancel
from payments.services.refund_sending import refund_submit
from payments.tasks import submit_refund
from registrations.models import Registration
from registrations.services.money import cancellation_refund_due
from registrations.services.registration import registration_cancel

logger = logging.getLogger(__name__)


def refund_request(*, payment: Payment, amount: Decimal, reason: str) -> Refund:
    """Record a refund to be made; a task sends it to the provider once the caller's
    transaction commits, retrying while the provider cannot be reached. (For refunds
    decided where nobody waits for the answer: a webhook, a task.)"""
    refund = Refund.objects.create(payment=payment, amount=amount, reason=reason[:200])
    # robust: a broker that is down must not fail the committed change; the periodic
    # retry_pending_refunds sends the refund then.
    transaction.on_commit(lambda: submit_refund.delay(refund.pk), robust=True)
    return refund


def refund_carry_out(*, refund_id: int) -> Refund:
    """Send a refund recorded by a committed transaction now, for a person waiting for the
    answer; when the provider cannot take it, a task retries it and PaymentUnavailable is
    raised."""
    try:
        return refund_submit(refund_id=refund_id)
    except PaymentUnavailable:
        try:
            submit_refund.apply_async((refund_id,), countdown=settings.REFUND_RETRY_SECONDS)
        except Exception:  # noqa: BLE001 - broker down too: the periodic retry sends it
            logger.warning("refund %s: retry not queued (broker unavailable)", refund_id)
        raise


def refund_create(
    *, registration: Registration, amount: Decimal | None = None, reason: str = ""
) -> Refund:
    """An organizer refunds all or part of what was paid (never more), through the
    provider that took it; the refund is in the audit log.

    Raises ValidationError on `amount`, PaymentUnavailable when the provider cannot be
    reached (the refund stays requested and a task retries it). Returns the refund of
    the first payment refunded (more than one when a session fee was paid apart).
    """
    first, *more = _record_organizer_refund(registration, amount, reason)
    for refund in more:  # a session fee paid apart: its own refund, at the same provider
        _carry_out_quietly(refund)
    return refund_carry_out(refund_id=first.pk)


def _carry_out_quietly(refund: Refund) -> Refund:
    """Carry out one more refund of a person's request; a provider that cannot take it
    now gets it from the retrying task."""
    try:
        return refund_carry_out(refund_id=refund.pk)
    except PaymentUnavailable:
        logger.warning("refund %s deferred: provider unavailable", refund.pk)
        return refund


@transaction.atomic(durable=True)
def _record_organizer_refund(
    registration: Registration, amount: Decimal | None, reason: str
) -> list[Refund]:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    refundable = registration.amount_paid - registration.amount_refunded - _pending(registration)
    amount = refundable if amount is None else amount
    if amount <= 0 or amount > refundable:
        raise ValidationError(
            {
                "amount": [
                    f"Between 0.01 and {money_text(max(refundable, 0), registration.currency)}."
                ]
            }
        )
    refunds = _record_across_payments(registration, amount, reason)
    if not refunds:
        raise ValidationError({"amount": ["This registration has no payment to refund."]})
    audit_record(
        action=AuditEntry.Action.REFUND,
        event=registration.event,
        target=registration.reference,
        details={"amount": str(amount), "currency": registration.currency},
    )
    return refunds


def _record_across_payments(
    registration: Registration, amount: Decimal, reason: str
) -> list[Refund]:
    """Record `amount` refunded across the registration's succeeded payments (its ticket
    payment, then a session fee paid later), oldest first, each refund never more than
    is left of its payment (what it took less its refunds not failed)."""
    refunds = []
    payments = registration.payments.filter(status=Payment.Status.SUCCEEDED).order_by(
        "succeeded_at", "pk"
    )
    for payment in payments:
        taken_back = sum(
            (r.amount for r in payment.refunds.exclude(status=Refund.Status.FAILED)),
            Decimal("0"),
        )
        part = min(payment.amount - taken_back, amount)
        if part > 0:
            refunds.append(Refund.objects.create(payment=payment, amount=part, reason=reason[:200]))
            amount -= part
        if amount <= 0:
            break
    if amount > 0:
        logger.warning("registration %s: %s not refundable by any payment", registration.pk, amount)
    return refunds


def _pending(registration: Registration) -> Decimal:
    return sum(
        (
            r.amount
            for r in Refund.objects.filter(
                payment__registration=registration, status=Refund.Status.PENDING
            )
        ),
        Decimal("0"),
    )


def registration_cancel_with_refund(
    *, registration: Registration, at: datetime | None = None
) -> Registration:
    """Cancel, and refund what the event's cancellation policy gives back; the cancellation
    is in the audit log. The seats are freed at once; the refund is sent after commit
    (retried by a task while the provider cannot be reached), and an open intent is
    cancelled at the provider."""
    at = at or timezone.now()
    with transaction.atomic(durable=True):
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        # What the policy gives back, never more than is left once pending refunds are sent.
        left = registration.amount_paid - registration.amount_refunded - _pending(registration)
        due = max(min(cancellation_refund_due(registration=registration, at=at), left), 0)
        registration = registration_cancel(registration=registration, at=at, refund=due)
        refunds = _record_across_payments(registration, due, "Cancelled") if due > 0 else []
        audit_record(
            action=AuditEntry.Action.CANCEL,
            event=registration.event,
            target=registration.reference,
            details={"refund": str(due), "currency": registration.currency},
        )
    for refund in refunds:
        _carry_out_quietly(refund)
    for open_payment in registration.payments.filter(status=Payment.Status.OPEN):
        payment_cancel(payment=open_payment)
    registration.refresh_from_db()
    return registration
