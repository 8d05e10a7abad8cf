"""Taking in a provider's events (webhook deliveries), each at most once per provider
and event id; events may arrive twice, late, or out of order."""

from django.db import IntegrityError, transaction

from payments.models import Payment, ProcessedProviderEvent, Refund
from payments.providers.base import ProviderEvent
from payments.services.checkout import payment_settle
from registrations.messaging.notify import notify_payment_failed
from registrations.models import Registration
from registrations.services.money import registration_flag, registration_record_refund


def payment_apply_event(*, provider: str, provider_event: ProviderEvent) -> str:
    """Take in one event of `provider`, at most once per event id. Returns what was done.

    Its own transaction (durable): what it decides at the provider (a refund) is carried
    out after it commits."""
    try:
        with transaction.atomic(durable=True):
            record = ProcessedProviderEvent.objects.create(
                provider=provider, event_id=provider_event.event_id, kind=provider_event.kind
            )
            outcome = _apply(provider, provider_event)
            record.outcome = outcome[:200]
            record.save(update_fields=["outcome"])
            return outcome
    except IntegrityError:
        if ProcessedProviderEvent.objects.filter(
            provider=provider, event_id=provider_event.event_id
        ).exists():
            return "duplicate"
        raise


def _apply(provider: str, provider_event: ProviderEvent) -> str:
    payment = Payment.objects.filter(
        provider=provider, provider_ref=provider_event.provider_ref
    ).first()
    if payment is None:
        return f"ignored: no payment {provider_event.provider_ref or '(none)'}"
    kind = provider_event.kind
    if kind == "payment_succeeded":
        payment_settle(
            payment_id=payment.pk, amount=provider_event.amount, currency=provider_event.currency
        )
        return "settled"
    if kind == "payment_failed":
        Payment.objects.filter(pk=payment.pk).update(last_error=provider_event.message[:300])
        pending = payment.registration.effective_status == Registration.Status.PENDING_PAYMENT
        if payment.status != Payment.Status.OPEN or not pending:
            return "failed: nothing to tell (paid since, or no longer held)"
        notify_payment_failed(
            registration=payment.registration,
            reason=provider_event.message,
            event_id=provider_event.event_id,
        )
        return "failed: registration stays payable"
    if kind == "refunded":
        return _record_provider_refunds(payment, provider_event)
    if kind == "dispute_opened":
        registration_flag(
            registration_id=payment.registration_id,
            reason=f"Card dispute opened: {provider_event.message or 'no reason given'}.",
        )
        return "flagged: dispute"
    return "ignored"


def _record_provider_refunds(payment: Payment, provider_event: ProviderEvent) -> str:
    """Refunds made outside this system (the provider's dashboard) or not yet recorded."""
    recorded = 0
    for ref, amount in provider_event.refunds:
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
