"""The providers' fees on card payments, asked once per payment and kept."""

import logging
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum

from config.transactions import outside_transactions
from payments.models import Payment
from payments.providers import get_provider
from payments.providers.base import ProviderError

logger = logging.getLogger(__name__)
ASK_AT_MOST = 200  # per call: a large event's fees are gathered over a few page views


def payment_fees_collect(*, event_id: int, at_most: int = ASK_AT_MOST) -> int:
    """Ask the providers for the fees of the event's succeeded online payments not asked
    yet, and keep them (outside any transaction: the provider is a network call).
    Returns how many fees were recorded. A provider that cannot be asked is skipped (the
    next call asks again)."""
    outside_transactions()
    recorded = 0
    unasked = Payment.objects.filter(
        registration__event_id=event_id,
        status=Payment.Status.SUCCEEDED,
        provider_fee__isnull=True,
    ).exclude(provider_ref="")
    for payment in unasked.order_by("id")[:at_most]:
        provider = get_provider(payment.provider)
        if not provider.online:
            continue
        try:
            fee = provider.fee(intent_ref=payment.provider_ref)
        except ProviderError:
            logger.warning("fee of payment %s not available now", payment.pk)
            break
        if fee is not None:
            Payment.objects.filter(pk=payment.pk).update(provider_fee=fee)
            recorded += 1
    return recorded


def card_fees(*, event_id: int) -> dict:
    """The fees recorded for the event's online payments, and how many payments have
    none recorded (the provider reported none, or was not asked yet)."""
    online = [name for name in settings.PAYMENT_PROVIDERS if get_provider(name).online]
    figures = Payment.objects.filter(
        registration__event_id=event_id, status=Payment.Status.SUCCEEDED, provider__in=online
    ).aggregate(
        amount=Sum("provider_fee"),
        reported=Count("id", filter=Q(provider_fee__isnull=False)),
        unreported=Count("id", filter=Q(provider_fee__isnull=True)),
    )
    return {
        "amount": figures["amount"] or Decimal("0.00"),
        "payments_reported": figures["reported"],
        "payments_unreported": figures["unreported"],
    }
