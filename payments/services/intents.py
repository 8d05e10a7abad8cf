"""Cancelling intents at the provider, so that nobody can pay one that no longer applies."""

import logging

from django.db.models import Q
from django.utils import timezone

from config.transactions import outside_transactions
from payments.models import Payment
from payments.providers import get_provider
from payments.providers.base import ProviderError
from registrations.models import live_offer_q, live_registration_q

logger = logging.getLogger(__name__)


def payment_cancel(*, payment: Payment) -> None:
    """Cancel an open payment (its intent at the provider) so it cannot be paid. A
    provider that cannot be reached leaves it open for the periodic retry."""
    outside_transactions()
    if payment.provider_ref:
        try:
            get_provider(payment.provider).cancel_intent(payment.provider_ref)
        except ProviderError:
            logger.warning("payment %s: intent not cancelled yet", payment.pk)
            return
    Payment.objects.filter(pk=payment.pk, status=Payment.Status.OPEN).update(
        status=Payment.Status.CANCELED
    )


def payments_cancel_stale() -> int:
    """Periodic: cancel open intents of registrations that no longer hold seats (lapsed
    holds, cancellations), and of session fees whose offer no longer holds its seat, so
    nobody can pay a stale one. Returns how many."""
    now = timezone.now()
    holds = live_registration_q(now, "registration__") & (
        Q(session_offer__isnull=True) | live_offer_q(now, "session_offer__")
    )
    stale = list(Payment.objects.filter(status=Payment.Status.OPEN).exclude(holds))
    for payment in stale:
        payment_cancel(payment=payment)
    return len(stale)
