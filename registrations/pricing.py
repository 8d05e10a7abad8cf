"""Prices in Decimal: ticket tier by date, session fees, promo discounts, tax, and how
what a group paid splits across its attendees.

Pure functions over plain values, so that they can be tested exhaustively (hypothesis).
A discount applies to the ticket price of each eligible attendee, never to session fees,
and never exceeds that price: totals cannot go negative.

Tax is computed once per registration, on what it costs after discounts, and rounded
once (half up, to the cent): added to it when prices exclude tax, the part of it that is
tax when they include it. Each line's tax is that one figure split across the lines in
proportion to them (`paid_shares`), so the lines' taxes add up to it exactly. This is
the only place a registration's subtotal, discount, tax and total are computed; everything
else (API, pages, emails, invoices, exports) reads what was stored from here.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from config.money import cents

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def money(value: Decimal) -> Decimal:
    return cents(value)


@dataclass(frozen=True)
class TaxRule:
    """An event's tax: `rate` in percent; `inclusive` when its prices include the tax."""

    rate: Decimal = ZERO
    inclusive: bool = False

    def on(self, amount: Decimal) -> Decimal:
        """The tax of `amount` (after discounts), rounded once: `rate` percent of it when
        prices exclude tax, the part of it that is tax when they include it."""
        rate = max(self.rate, ZERO)
        if rate == 0 or amount <= 0:
            return ZERO
        if self.inclusive:
            return money(amount * rate / (HUNDRED + rate))
        return money(amount * rate / HUNDRED)

    def totals(self, after_discount: Decimal) -> tuple[Decimal, Decimal]:
        """The tax of an amount after discounts and what is paid: that amount, plus the
        tax unless prices include it."""
        tax = self.on(after_discount)
        return tax, after_discount if self.inclusive else after_discount + tax

    @classmethod
    def of(cls, event) -> "TaxRule":
        """An event's rule (its `tax_rate`, `prices_include_tax`)."""
        return cls(rate=event.tax_rate, inclusive=event.prices_include_tax)


@dataclass(frozen=True)
class Discount:
    percent_off: Decimal | None = None
    amount_off: Decimal | None = None
    ticket_type_ids: frozenset[int] = frozenset()  # empty: every ticket type

    def applies_to(self, ticket_type_id: int) -> bool:
        return not self.ticket_type_ids or ticket_type_id in self.ticket_type_ids

    def on(self, ticket_price: Decimal) -> Decimal:
        """The discount on one ticket: between zero and the ticket's price."""
        if self.percent_off is not None:
            cut = money(ticket_price * min(max(self.percent_off, ZERO), HUNDRED) / HUNDRED)
        elif self.amount_off is not None:
            cut = money(max(self.amount_off, ZERO))
        else:
            cut = ZERO
        return min(cut, ticket_price)


@dataclass(frozen=True)
class GroupTier:
    """A team rate: `percent_off` the tickets (of `ticket_type_ids`; empty: all) of a
    registration of at least `min_attendees`."""

    min_attendees: int
    percent_off: Decimal
    ticket_type_ids: frozenset[int] = frozenset()


def group_discount(tiers: Sequence[GroupTier], size: int, ticket_type_id: int) -> Discount | None:
    """The best tier that applies to one ticket of a group of `size`, as a Discount."""
    best = max(
        (
            t.percent_off
            for t in tiers
            if size >= t.min_attendees
            and (not t.ticket_type_ids or ticket_type_id in t.ticket_type_ids)
        ),
        default=None,
    )
    return None if best is None else Discount(percent_off=best)


@dataclass(frozen=True)
class Line:
    """One attendee: the ticket type, its price now, and the fees of the chosen sessions."""

    ticket_type_id: int
    ticket_price: Decimal
    session_prices: tuple[Decimal, ...] = ()


@dataclass(frozen=True)
class LinePrice:
    ticket_price: Decimal
    discount: Decimal
    sessions: Decimal
    discount_kind: str = ""  # "promo", "group" (the team rate), "" (none)

    @property
    def total(self) -> Decimal:
        return self.ticket_price - self.discount + self.sessions


@dataclass(frozen=True)
class Price:
    lines: tuple[LinePrice, ...]
    tax_rule: TaxRule = TaxRule()

    @property
    def subtotal(self) -> Decimal:
        """The lines at their prices as listed (with tax when prices include it)."""
        return sum((line.ticket_price + line.sessions for line in self.lines), ZERO)

    @property
    def discount(self) -> Decimal:
        return sum((line.discount for line in self.lines), ZERO)

    @property
    def tax(self) -> Decimal:
        return self.tax_rule.on(self.subtotal - self.discount)

    @property
    def total(self) -> Decimal:
        """What is paid: subtotal less discount, plus tax unless prices include it."""
        return self.tax_rule.totals(self.subtotal - self.discount)[1]

    @property
    def line_taxes(self) -> list[Decimal]:
        """Each line's part of `tax`, in proportion to the line; they add up to `tax`."""
        return paid_shares(self.tax, [line.total for line in self.lines])

    @property
    def discounted_attendees(self) -> int:
        """How many attendees the promo code cut the price of: the uses of the code."""
        return sum(1 for line in self.lines if line.discount_kind == "promo")


def price_lines(
    lines: list[Line],
    discount: Discount | None = None,
    group: Sequence[GroupTier] = (),
    tax_rule: TaxRule | None = None,
) -> Price:
    """Each attendee's ticket, discount and session fees, and the totals with tax. With a
    team rate (`group`) too, each attendee gets the better of it and the promo code, never
    both; on a tie the team rate (which uses up nothing)."""
    priced = []
    for line in lines:
        ticket_price = money(line.ticket_price)
        cut = (
            discount.on(ticket_price)
            if discount and discount.applies_to(line.ticket_type_id)
            else ZERO
        )
        team = group_discount(group, len(lines), line.ticket_type_id)
        team_cut = team.on(ticket_price) if team else ZERO
        kind = "group" if team_cut > 0 and team_cut >= cut else "promo" if cut > 0 else ""
        priced.append(
            LinePrice(
                ticket_price=ticket_price,
                discount=max(cut, team_cut),
                sessions=money(sum(line.session_prices, ZERO)),
                discount_kind=kind,
            )
        )
    return Price(lines=tuple(priced), tax_rule=tax_rule or TaxRule())


def paid_shares(paid: Decimal, prices: Sequence[Decimal]) -> list[Decimal]:
    """`paid` split across `prices` (in their order) in proportion to them, to the cent.

    The shares add up to `paid` exactly; paid in full, each share is its price; nothing
    paid, each is zero. Share i is what the prices up to i have paid, rounded half up,
    less what those before i have paid (cumulative rounding): never negative, and less
    than a cent from its exact proportion. With nothing to split in proportion to (every
    price zero) each share is zero. registrations.shares computes the same in SQL, in
    the same integer cents.
    """
    total = sum(_cents(price) for price in prices)
    paid_cents = _cents(paid)
    shares, before = [], 0
    for price in prices:
        through = before + _cents(price)
        cents = paid_through(paid_cents, through, total) - paid_through(paid_cents, before, total)
        shares.append(money(Decimal(cents) / 100))
        before = through
    return shares


def paid_through(paid: int, through: int, total: int) -> int:
    """In cents, what the lines up to `through` (cents of `total`) have paid of `paid`:
    paid × through / total rounded half up, in integers (all ≥ 0); 0 when total is 0."""
    if total == 0:
        return 0
    return (2 * paid * through + total) // (2 * total)


def _cents(amount: Decimal) -> int:
    return int(money(amount) * 100)
