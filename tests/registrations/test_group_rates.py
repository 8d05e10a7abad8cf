"""Team rates: tiers by group size, the best that applies, never stacked with a code."""

from decimal import Decimal

import pytest

from registrations.models import Attendee, PromoCode
from registrations.pricing import Discount, GroupTier, Line, price_lines
from tests.factories import EventFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organizer):
    event = EventFactory(capacity=100)
    event.organizers.add(organizer)
    return event


@pytest.fixture
def ticket(event):
    return TicketTypeFactory(event=event, price=Decimal("500.00"))


def rate(organizer_api, event, **fields):
    response = organizer_api.post(
        f"/api/v1/organizer/events/{event.slug}/group-rates/", fields, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def tiers(organizer_api, event):
    rate(organizer_api, event, min_attendees=3, percent_off="10")
    rate(organizer_api, event, min_attendees=5, percent_off="20")


@pytest.mark.parametrize(
    ("size", "total"),
    [(1, "500.00"), (2, "1000.00"), (3, "1350.00"), (4, "1800.00"), (5, "2000.00"), (6, "2400.00")],
)
def test_team_tier_boundaries(api, event, ticket, tiers, size, total):
    response = register(api, event, body(*[attendee(ticket) for _ in range(size)]))
    assert response.status_code == 201, response.json()
    assert response.json()["total"] == total
    applied = {a["discount_applied"] for a in response.json()["attendees"]}
    assert applied == ({None} if size < 3 else {"group_rate"})


def test_group_rates_show_in_the_event_api(api, event, tiers):
    data = api.get(f"/api/v1/events/{event.slug}/").json()
    assert [(r["min_attendees"], r["percent_off"]) for r in data["group_rates"]] == [
        (3, "10.00"),
        (5, "20.00"),
    ]


def test_a_tier_for_some_ticket_types_leaves_the_others_at_full_price(
    organizer_api, api, event, ticket
):
    student = TicketTypeFactory(event=event, price=Decimal("200.00"))
    rate(organizer_api, event, min_attendees=2, percent_off="50", ticket_types=[ticket.id])
    data = register(api, event, body(attendee(ticket), attendee(student))).json()
    assert data["total"] == "450.00"  # 250 + 200: the team counts both, only one discounted
    assert [a["discount_applied"] for a in data["attendees"]] == ["group_rate", None]


def test_with_a_promo_code_each_attendee_gets_the_better_never_both(
    organizer_api, api, event, ticket
):
    workshop_pass = TicketTypeFactory(event=event, price=Decimal("100.00"))
    rate(organizer_api, event, min_attendees=3, percent_off="10")
    PromoCode.objects.create(event=event, code="FRIENDS", amount_off=Decimal("30.00"), max_uses=1)
    data = register(
        api,
        event,
        body(attendee(ticket), attendee(ticket), attendee(workshop_pass), promo_code="friends"),
    ).json()
    # 500: team 50 beats the code's 30; 100: the code's 30 beats the team's 10.
    assert [(a["discount"], a["discount_applied"]) for a in data["attendees"]] == [
        ("50.00", "group_rate"),
        ("50.00", "group_rate"),
        ("30.00", "promo"),
    ]
    assert data["discount"] == "130.00" and data["total"] == "970.00"
    # The code was used once (the one attendee it discounted), so its single use is gone.
    assert list(Attendee.objects.values_list("discount_kind", flat=True).order_by("id")) == [
        "group",
        "group",
        "promo",
    ]
    again = register(api, event, body(attendee(workshop_pass), promo_code="friends"))
    assert again.status_code == 400 and "promo_code" in again.json()["errors"]


def test_team_rate_uses_no_promo_code_uses(organizer_api, api, event, ticket):
    rate(organizer_api, event, min_attendees=2, percent_off="40")
    PromoCode.objects.create(event=event, code="ONCE", percent_off=Decimal("10"), max_uses=1)
    # Three attendees, a code with one use: the team rate is better for all, so no use taken.
    ok = register(api, event, body(*[attendee(ticket) for _ in range(3)], promo_code="ONCE"))
    assert ok.status_code == 201, ok.json()
    single = register(api, event, body(attendee(ticket), promo_code="ONCE"))
    assert single.status_code == 201, single.json()


def test_bad_group_rates_are_400(organizer_api, event):
    url = f"/api/v1/organizer/events/{event.slug}/group-rates/"
    for payload, field in [
        ({"min_attendees": 1, "percent_off": "10"}, "min_attendees"),
        ({"min_attendees": 3, "percent_off": "0"}, "percent_off"),
        ({"min_attendees": 3, "percent_off": "101"}, "percent_off"),
        ({"min_attendees": 3, "percent_off": "10", "ticket_types": [999999]}, "ticket_types"),
    ]:
        response = organizer_api.post(url, payload, format="json")
        assert response.status_code == 400, payload
        assert field in response.json()["errors"]


def test_price_lines_never_stack_the_two_discounts():
    lines = [Line(ticket_type_id=1, ticket_price=Decimal("100.00"))] * 4
    price = price_lines(
        lines,
        Discount(percent_off=Decimal("25")),
        (GroupTier(min_attendees=4, percent_off=Decimal("25")),),
    )
    assert [(line.discount, line.discount_kind) for line in price.lines] == [
        (Decimal("25.00"), "group")
    ] * 4  # a tie goes to the team rate, which uses up nothing
    assert price.discounted_attendees == 0


def test_the_buyers_email_says_which_discount_applied(organizer_api, api, event, ticket):
    from registrations.messaging.delivery import render
    from registrations.messaging.models import Kind, OutboxMessage

    rate(organizer_api, event, min_attendees=2, percent_off="10")
    made = register(api, event, body(attendee(ticket), attendee(ticket), payment_method="invoice"))
    buyer = made.json()["buyer"]["email"]
    mail = render(OutboxMessage.objects.get(kind=Kind.INVOICE, to_email=buyer))
    assert mail.body.count("450.00 USD (team rate)") == 2
