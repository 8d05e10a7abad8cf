"""Carrying out a requested refund at its provider: after commit, outside any
transaction, idempotently (the provider's idempotency key is the refund's id, and a
refund already carried out is left alone)."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from config.transactions import outside_transactions
from payments.errors import PaymentUnavailable
from payments.models import Refund
from payments.providers import get_provider
from payments.providers.base import CardDeclined, ProviderError
from registrations.services.money import registration_record_refund

logger = logging.getLogger(__name__)


def refund_submit(*, refund_id: int) -> Refund:
    """Send a requested refund to its provider and record it on the registration. Safe
    to call again. Raises PaymentUnavailable when the provider cannot take it now (the
    refund stays requested)."""
    outside_transactions()
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    try:
        result = get_provider(refund.payment.provider).refund(
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


def refunds_retry_pending(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Periodic: send refunds still requested a while after they were (the task that
    carries each out retries on its own first; this catches a process that died)."""
    sent = 0
    cutoff = timezone.now() - older_than
    pending = Refund.objects.filter(status=Refund.Status.PENDING, created_at__lte=cutoff)
    for refund_id in pending.order_by("created_at", "pk").values_list("pk", flat=True):
        try:  # each on its own: one the provider refuses does not hold the others back
            refund_submit(refund_id=refund_id)
            sent += 1
        except PaymentUnavailable:
            logger.warning("refund %s: provider still unavailable", refund_id)
    return sent
