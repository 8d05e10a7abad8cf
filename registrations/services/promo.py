"""Promo codes: created by organizers, resolved at registration."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from events.models import Event, TicketType
from registrations.models import Attendee, PromoCode, promo_use_q
from registrations.pricing import Discount, Price


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

    Whether it has uses left for the attendees it would discount is for the caller to
    check once priced (promo_code_check_uses; exact only under the event lock, where
    registration_create checks again).
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
    discount = Discount(
        percent_off=promo.percent_off,
        amount_off=promo.amount_off,
        ticket_type_ids=frozenset(t.id for t in promo.ticket_types.all()),
    )
    return promo, discount


def promo_uses_wanted(*, promo: PromoCode | None, price: Price) -> int:
    """The uses of `promo` a registration priced `price` would take, one per attendee it
    discounts; 0 without a code, or for a code without a limit (nothing to count)."""
    if promo is None or promo.max_uses is None:
        return 0
    return price.discounted_attendees


def promo_code_check_uses(*, promo: PromoCode, wanted: int, at: datetime) -> None:
    """Raise ValidationError on `promo_code` when the `wanted` uses outnumber the code's
    uses left at `at`. Counted without the lock: a refusal is right, an acceptance is
    exact only under the event lock (registration_create checks there again)."""
    if wanted:
        promo_uses_left_check(
            max_uses=promo.max_uses, used=promo_uses_count(promo=promo, at=at), wanted=wanted
        )


def promo_uses_left_check(*, max_uses: int | None, used: int, wanted: int) -> None:
    """Raise ValidationError on `promo_code` when `wanted` uses (attendees to discount)
    outnumber those left of `max_uses` after `used`: nothing is half-discounted."""
    if max_uses is None:
        return
    left = max(max_uses - used, 0)
    if wanted <= left:
        return
    if left == 0:
        message = "This promo code has been used up."
    else:
        uses = "1 use" if left == 1 else f"{left} uses"
        message = (
            f"This promo code has {uses} left, one per attendee it discounts: "
            f"not enough for the {wanted} attendees it would discount here."
        )
    raise ValidationError({"promo_code": [message]})


# Reads ---------------------------------------------------------------------------------


def promo_uses_count(*, promo: PromoCode, at: datetime) -> int:
    """The code's uses at `at`: attendees it discounted of registrations holding seats."""
    return Attendee.objects.filter(promo_use_q(at), registration__promo_code=promo).count()


def promo_codes_with_uses(*, event: Event, at: datetime) -> QuerySet[PromoCode]:
    """The event's promo codes, each with its `uses` at `at` and its ticket types."""
    return event.promo_codes.annotate(uses=promo_uses_expression(at)).prefetch_related(
        "ticket_types"
    )


def promo_uses_expression(at: datetime) -> Coalesce:
    """For a PromoCode queryset: its uses at `at` (as promo_uses_count), one subquery."""
    uses = (
        Attendee.objects.filter(promo_use_q(at), registration__promo_code=OuterRef("pk"))
        .order_by()
        .values("registration__promo_code")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(uses), 0)
