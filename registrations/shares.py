"""What each attendee paid: their own share of their registration's `amount_paid`.

A registration is paid as a whole; an attendee's share is that payment split across the
registration's attendees (in the order of their ids) in proportion to each one's price:
their ticket less their discount, plus their sessions' fees (`pricing.paid_shares`, in
integer cents, cumulative rounding). The shares of a registration add up to what it paid,
to the cent; paid in full, each is the attendee's price; unpaid, zero. Within an
attendee's share, their ticket comes first, then each session fee (in the order of the
choices' ids): the same split one level down, so a session's fees as paid add up, with
the tickets', to the same total.

The rule is written twice, held to one answer by tests/registrations/test_shares.py: in
Python for a registration in hand (`attendee_amounts_paid`: the API), and as SQL
expressions for querysets (`attendee_amount_paid`, `choice_amount_paid`: exports, the
organizer's list, stats), so that a list reads it in the query that reads its rows.
"""

from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    DecimalField,
    Expression,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Round

from registrations.models import Attendee, Registration, SessionChoice
from registrations.pricing import ZERO, paid_shares

_CENTS = BigIntegerField()
_AMOUNT = DecimalField(max_digits=12, decimal_places=2)


def attendee_price(attendee: Attendee) -> Decimal:
    """The attendee's ticket less their discount, plus their sessions' fees (its
    `choices` prefetched, or read)."""
    fees = sum((choice.price for choice in attendee.choices.all()), ZERO)
    return attendee.ticket_price - attendee.discount + fees


def attendee_amounts_paid(registration: Registration) -> dict[int, Decimal]:
    """Each attendee's share of what the registration paid, by attendee id. Reads the
    registration's attendees and their choices (prefetched by
    registrations.selectors.registration_detail_queryset, or attached when created)."""
    attendees = sorted(registration.attendees.all(), key=lambda a: a.id)
    shares = paid_shares(registration.amount_paid, [attendee_price(a) for a in attendees])
    return {a.id: share for a, share in zip(attendees, shares, strict=True)}


# The same in SQL ------------------------------------------------------------------------


def attendee_amount_paid() -> Subquery:
    """For an Attendee queryset: the attendee's share of what their registration paid.

    One subquery over the registration's attendees (whatever the queryset's filters):
    the prices before this attendee, and through it, of their total."""
    price = _attendee_price_cents()
    group = _registration_prices(OuterRef("registration")).annotate(
        before=Coalesce(Sum(price, filter=Q(pk__lt=OuterRef("pk"))), 0),
        through=Sum(price, filter=Q(pk__lte=OuterRef("pk"))),
    )
    return _share_of(group)


def choice_amount_paid() -> Subquery:
    """For a SessionChoice queryset: the part of its attendee's share that paid the
    session's fee (after the attendee's ticket and their earlier choices' fees)."""
    price = _attendee_price_cents()
    earlier = Q(pk__lt=OuterRef("attendee"))
    this_attendee = Q(pk=OuterRef("attendee"))
    ticket = _cents(F("ticket_price") - F("discount"))
    group = _registration_prices(OuterRef("attendee__registration")).annotate(
        before=Coalesce(Sum(price, filter=earlier), 0)
        + Sum(ticket + _fees_cents(Q(pk__lt=OuterRef(OuterRef("pk")))), filter=this_attendee),
        through=Coalesce(Sum(price, filter=earlier), 0)
        + Sum(ticket + _fees_cents(Q(pk__lte=OuterRef(OuterRef("pk")))), filter=this_attendee),
    )
    return _share_of(group)


def _registration_prices(registration: OuterRef):
    """The attendees of `registration`, one group with its `paid` and `total`, the sum of
    their prices, in cents."""
    return (
        Attendee.objects.filter(registration=registration)
        .order_by()
        .values("registration")
        .annotate(
            paid=Max(_cents(F("registration__amount_paid"))),
            total=Sum(_attendee_price_cents()),
        )
    )


def _share_of(group) -> Coalesce:
    """The group's share (in the currency) of what it `paid` for the lines between its
    `before` and `through` (cents of its `total`): pricing.paid_shares' arithmetic."""
    paid, total = Cast(F("paid"), _CENTS), Cast(F("total"), _CENTS)
    cents = _paid_through(paid, Cast(F("through"), _CENTS), total) - _paid_through(
        paid, Cast(F("before"), _CENTS), total
    )
    share = ExpressionWrapper(cents * Value(Decimal("0.01")), output_field=_AMOUNT)
    return Coalesce(Subquery(group.annotate(share=share).values("share")), Value(ZERO))


def _paid_through(paid: Expression, through: Expression, total: Expression) -> Expression:
    """pricing.paid_through: paid × through / total rounded half up, in integer cents
    (integer division on PostgreSQL and SQLite alike); NULL when total is 0."""
    two = Value(2, output_field=_CENTS)
    return ExpressionWrapper(
        (two * paid * through + total) / NullIf(two * total, Value(0, output_field=_CENTS)),
        output_field=_CENTS,
    )


def _attendee_price_cents() -> Expression:
    """For an Attendee queryset: its price (ticket less discount, plus session fees) in
    cents."""
    return ExpressionWrapper(
        _cents(F("ticket_price") - F("discount")) + _fees_cents(), output_field=_CENTS
    )


def _fees_cents(choices: Q | None = None) -> Coalesce:
    """For an Attendee queryset: the fees of its session choices (those that pass
    `choices`, if given) in cents."""
    fees = (
        SessionChoice.objects.filter(choices or Q(), attendee=OuterRef("pk"))
        .order_by()
        .values("attendee")
        .annotate(cents=Sum(_cents(F("price"))))
    )
    return Coalesce(Subquery(fees.values("cents"), output_field=_CENTS), 0)


def _cents(amount) -> Cast:
    """An amount (two decimal places) in whole cents: exact integer arithmetic after it,
    on PostgreSQL (numeric) and SQLite (where decimals are floating point) alike."""
    hundredfold = ExpressionWrapper(amount * Value(100), output_field=DecimalField())
    return Cast(Round(hundredfold), _CENTS)
