"""Promo codes: created by organizers, resolved at registration."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from events.models import Event, TicketType
from registrations.models import PromoCode, Registration, live_registration_q
from registrations.pricing import Discount


@transaction.atomic
def promo_code_create(
    *,
    event: Event,
    code: str,
    percent_off: Decimal | None = None,
    amount_off: Decimal | None = None,
    max_uses: int | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    ticket_types: list[int] | None = None,
) -> PromoCode:
    """Create a promo code; exactly one of percent_off and amount_off."""
    errors: dict[str, list[str]] = {}
    if (percent_off is None) == (amount_off is None):
        errors["percent_off"] = ["Give either percent_off or amount_off."]
    if percent_off is not None and not Decimal(0) < percent_off <= Decimal(100):
        errors["percent_off"] = ["Between 0 and 100."]
    if amount_off is not None and amount_off <= 0:
        errors["amount_off"] = ["Must be more than zero."]
    if valid_from and valid_until and valid_until <= valid_from:
        errors["valid_until"] = ["Must be after valid_from."]
    code = code.strip().upper()
    if PromoCode.objects.filter(event=event, code=code).exists():
        errors["code"] = ["This event already has this code."]
    types = list(TicketType.objects.filter(event=event, pk__in=ticket_types or []))
    if ticket_types and len(types) != len(set(ticket_types)):
        errors["ticket_types"] = ["Every ticket type must belong to this event."]
    if errors:
        raise ValidationError(errors)
    promo = PromoCode.objects.create(
        event=event,
        code=code,
        percent_off=percent_off,
        amount_off=amount_off,
        max_uses=max_uses,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    promo.ticket_types.set(types)
    return promo


def promo_code_resolve(*, event: Event, code: str, at: datetime) -> tuple[PromoCode, Discount]:
    """The usable code and its discount. Raises ValidationError on `promo_code`.

    Its uses are counted here too, to say early that it is used up; that count is only
    exact under the event lock, where registration_create checks again
    (promo_code_check_uses).
    """
    promo = (
        PromoCode.objects.filter(event=event, code=code.strip().upper(), is_active=True)
        .prefetch_related("ticket_types")
        .first()
    )
    if promo is None:
        raise ValidationError({"promo_code": ["This promo code is not valid for this event."]})
    if promo.valid_from and at < promo.valid_from:
        raise ValidationError({"promo_code": ["This promo code is not valid yet."]})
    if promo.valid_until and at >= promo.valid_until:
        raise ValidationError({"promo_code": ["This promo code has expired."]})
    promo_code_check_uses(promo=promo, at=at)
    discount = Discount(
        percent_off=promo.percent_off,
        amount_off=promo.amount_off,
        ticket_type_ids=frozenset(t.id for t in promo.ticket_types.all()),
    )
    return promo, discount


def promo_code_check_uses(
    *, promo: PromoCode, at: datetime, excluding: Registration | None = None
) -> None:
    """Raise ValidationError on `promo_code` when its uses (by live registrations other
    than `excluding`) have reached `max_uses`. Exact under the event lock."""
    if promo.max_uses is None:
        return
    used = Registration.objects.filter(promo_code=promo).filter(live_registration_q(at))
    if excluding is not None:
        used = used.exclude(pk=excluding.pk)
    if used.count() >= promo.max_uses:
        raise ValidationError({"promo_code": ["This promo code has been used up."]})
