"""An attendee's own share of what their registration paid (API.md, export column
`amount_paid`): the registration's payment split in proportion to each attendee's price,
to the cent. The rule (pricing.paid_shares) and its SQL (registrations.shares) give one
answer, on SQLite and on PostgreSQL (DATABASE_URL)."""

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registrations.models import Attendee, Registration, SessionChoice
from registrations.pricing import paid_shares
from registrations.selectors import registration_detail_queryset
from registrations.shares import attendee_amount_paid, attendee_amounts_paid, choice_amount_paid
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.organizer.helpers import make_registration

CENT = Decimal("0.01")
MONEY = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2)


@given(prices=st.lists(MONEY, min_size=1, max_size=12), fraction=st.fractions(0, 1))
def test_shares_add_up_to_what_was_paid_each_near_its_proportion(prices, fraction):
    total = sum(prices)
    paid = (total * Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(CENT)
    shares = paid_shares(paid, prices)
    assert all(share >= 0 and share.as_tuple().exponent == -2 for share in shares)
    if total == 0:
        assert shares == [0] * len(prices)
        return
    assert sum(shares) == paid
    for share, price in zip(shares, prices, strict=True):
        assert abs(share - paid * price / total) < CENT


@given(prices=st.lists(MONEY, min_size=1, max_size=12))
def test_paid_in_full_each_pays_their_price_and_unpaid_nothing(prices):
    assert paid_shares(sum(prices), prices) == prices
    assert paid_shares(Decimal("0.00"), prices) == [Decimal("0.00")] * len(prices)


def test_a_cent_that_cannot_be_split_evenly_goes_to_one_attendee():
    assert paid_shares(Decimal("100.00"), [Decimal("10.00")] * 3) == [
        Decimal("33.33"),
        Decimal("33.34"),
        Decimal("33.33"),
    ]


@pytest.mark.django_db
def test_the_sql_and_the_rule_agree_for_groups_paid_in_part_in_full_or_not():
    """Groups of one to four, with discounts and session fees, paid nothing, in part, in
    full and more (a late payment held before its refund): the share each attendee's row
    reads in SQL is the one the API computes, and a session's part of it adds up."""
    rng = random.Random(14)
    event = EventFactory()
    tickets = [
        TicketTypeFactory(event=event, price=Decimal(p)) for p in ("500.00", "0.00", "99.99")
    ]
    sessions = [
        SessionFactory(event=event, price=Decimal(p)) for p in ("0.00", "95.00", "33.33", "0.01")
    ]
    for n in range(40):
        people = []
        for _ in range(rng.randint(1, 4)):
            ticket = rng.choice(tickets)
            people.append(
                {
                    "ticket_type": ticket,
                    "sessions": rng.sample(sessions, rng.randint(0, 3)),
                    "discount": min(ticket.price, Decimal(rng.choice(["0", "10.00", "49.99"]))),
                }
            )
        registration = make_registration(event, *people)
        total = registration.total - sum(p["discount"] for p in people)
        paid = [
            Decimal("0.00"),
            total,
            total + Decimal("0.03"),
            total * Decimal(rng.randint(0, 1000)) / 1000,
        ][n % 4]
        Registration.objects.filter(pk=registration.pk).update(amount_paid=round(paid, 2))

    rows = dict(
        Attendee.objects.filter(registration__event=event)
        .annotate(share=attendee_amount_paid())
        .values_list("id", "share")
    )
    for registration in registration_detail_queryset().filter(event=event):
        expected = attendee_amounts_paid(registration)
        assert {a: rows[a] for a in expected} == expected, registration.amount_paid
        assert sum(expected.values()) == registration.amount_paid
    choices = dict(
        SessionChoice.objects.filter(attendee__registration__event=event)
        .annotate(share=choice_amount_paid())
        .values_list("id", "share")
    )
    for registration in registration_detail_queryset().filter(event=event):
        lines = _lines(registration)  # [(attendee id, choice id or None, amount)]
        shares = paid_shares(registration.amount_paid, [amount for *_, amount in lines])
        for (_, choice_id, _), share in zip(lines, shares, strict=True):
            if choice_id is not None:
                assert choices[choice_id] == share  # a session's part of the share
        for attendee_id, share in attendee_amounts_paid(registration).items():
            of_attendee = [s for (a, *_), s in zip(lines, shares, strict=True) if a == attendee_id]
            assert sum(of_attendee) == share  # the parts add up to the attendee's share


@pytest.mark.django_db
def test_an_attendees_share_does_not_depend_on_which_rows_are_read():
    event = EventFactory()
    ticket = TicketTypeFactory(event=event, price=Decimal("100.00"))
    registration = make_registration(
        event,
        {"ticket_type": ticket, "first_name": "Ann"},
        {"ticket_type": ticket, "first_name": "Bob"},
        {"ticket_type": ticket, "first_name": "Cy"},
        amount_paid=Decimal("100.00"),
    )
    alone = Attendee.objects.filter(first_name="Bob").annotate(share=attendee_amount_paid())
    assert alone.get().share == attendee_amounts_paid(registration)[alone.get().id]
    assert alone.get().share == Decimal("33.34")


def _lines(registration: Registration) -> list[tuple[int, int | None, Decimal]]:
    """Each attendee's ticket less discount, then their session fees, attendees by id."""
    lines = []
    for attendee in sorted(registration.attendees.all(), key=lambda a: a.id):
        lines.append((attendee.id, None, attendee.ticket_price - attendee.discount))
        for choice in sorted(attendee.choices.all(), key=lambda c: c.id):
            lines.append((attendee.id, choice.id, choice.price))
    return lines
