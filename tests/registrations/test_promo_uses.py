"""A promo code's `max_uses` counts the attendees it discounts (API.md, "Promo codes"): a
registration whose discounted attendees outnumber the uses left is refused with 400 on
`promo_code`, by the API, by the review step and under the event lock alike; nothing is
half-discounted. The organizer sees the uses so counted."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registrations.capacity import seat_state
from registrations.models import Attendee, PromoCode, Registration, promo_use_q
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.promo import promo_uses_count
from registrations.services.registration import registration_create
from tests.factories import EventFactory, TicketTypeFactory
from tests.organizer.helpers import make_registration
from tests.registrations.helpers import BILLING_INPUT, attendee, body, register
from tests.registrations.test_pages import form_data, person, register_url

# A local Stripe server answers the card payments that registering starts.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe")]


@pytest.fixture
def event():
    return EventFactory(capacity=100)


@pytest.fixture
def ticket(event):
    return TicketTypeFactory(event=event, price=Decimal("500.00"), capacity=50)


def promo(event, max_uses, *ticket_types, code="TEAM50") -> PromoCode:
    code = PromoCode.objects.create(
        event=event, code=code, percent_off=Decimal("50"), max_uses=max_uses
    )
    code.ticket_types.set(ticket_types)
    return code


def refusal(response) -> str:
    assert response.status_code == 400, response.content
    return response.json()["errors"]["promo_code"][0]


def test_a_single_use_code_refuses_a_group_of_three_and_saves_nothing(api, event, ticket):
    promo(event, 1)
    group = body(attendee(ticket), attendee(ticket), attendee(ticket), promo_code="team50")
    message = refusal(register(api, event, group))
    assert "1 use left" in message and "3 attendees" in message
    assert not Registration.objects.exists()


def test_uses_are_attendees_not_registrations(api, event, ticket):
    code = promo(event, 3)
    pair = body(attendee(ticket), attendee(ticket), promo_code="TEAM50")
    assert register(api, event, pair).json()["discount"] == "500.00"  # 250.00 off each
    assert promo_uses_count(promo=code, at=timezone.now()) == 2
    assert register(api, event, body(attendee(ticket), promo_code="TEAM50")).status_code == 201
    message = refusal(register(api, event, body(attendee(ticket), promo_code="TEAM50")))
    assert "used up" in message
    assert Attendee.objects.filter(discount__gt=0).count() == 3


def test_only_attendees_of_the_codes_ticket_types_take_uses(api, event, ticket):
    other = TicketTypeFactory(event=event, price=Decimal("300.00"))
    promo(event, 1, ticket)
    mixed = body(attendee(ticket), attendee(other), attendee(other), promo_code="TEAM50")
    data = register(api, event, mixed).json()
    assert data["discount"] == "250.00"  # the one attendee it applies to
    assert "used up" in refusal(register(api, event, body(attendee(ticket), promo_code="TEAM50")))
    # It discounts nobody of the other ticket type, so takes no use: not refused.
    assert register(api, event, body(attendee(other), promo_code="TEAM50")).status_code == 201


def test_a_group_that_fits_the_uses_left_exactly_is_accepted(api, event, ticket):
    promo(event, 3)
    assert register(api, event, body(attendee(ticket), promo_code="TEAM50")).status_code == 201
    pair = body(attendee(ticket), attendee(ticket), promo_code="TEAM50")
    assert register(api, event, pair).json()["discount"] == "500.00"


def test_uses_come_back_when_a_registration_stops_holding_seats(api, event, ticket):
    code = promo(event, 2)
    pair = body(attendee(ticket), attendee(ticket), promo_code="TEAM50")
    assert register(api, event, pair).status_code == 201
    assert "used up" in refusal(register(api, event, body(attendee(ticket), promo_code="TEAM50")))
    Registration.objects.update(status=Registration.Status.CANCELLED, expires_at=None)
    assert promo_uses_count(promo=code, at=timezone.now()) == 0
    again = pair | {"attendees": [attendee(ticket), attendee(ticket)]}
    assert register(api, event, again).status_code == 201
    assert promo_uses_count(promo=code, at=timezone.now()) == 2


def test_the_review_step_refuses_as_the_api_does(client, api, event, ticket):
    promo(event, 2)
    assert register(api, event, body(attendee(ticket), promo_code="TEAM50")).status_code == 201
    two = form_data(person(1, ticket), person(2, ticket), promo_code="team50")
    page = client.post(register_url(event), two)
    assert page.status_code == 400
    text = html.unescape(page.content.decode())
    assert 'id="id_order-promo_code_error"' in text
    api_says = refusal(
        register(api, event, body(attendee(ticket), attendee(ticket), promo_code="TEAM50"))
    )
    assert "1 use left" in api_says
    error = re.search(r'id="id_order-promo_code_error"[^>]*>(.*?)</', text, re.S).group(1)
    assert api_says in error


def test_the_check_under_the_event_lock_refuses_on_its_own(event, ticket, monkeypatch):
    """The early check (without the lock) is skipped: the count read in the locked
    statement alone refuses the group that would exceed `max_uses`."""
    promo(event, 2)
    monkeypatch.setattr(
        "registrations.services.registration.promo_code_check_uses", lambda **kwargs: None
    )
    registration_create(event=event, **_order(ticket, 1))
    with pytest.raises(ValidationError) as refused:
        registration_create(event=event, **_order(ticket, 2))
    assert "1 use left" in str(refused.value)
    assert Registration.objects.count() == 1


@pytest.mark.postgres  # the lock is PostgreSQL's (SQLite's write transaction has none)
def test_counting_uses_under_the_lock_adds_no_statement(event, ticket):
    """Under the event lock a registration runs the same statements with a limited code
    as without one: the uses are read in the seat statement."""
    promo(event, 50)

    def locked_statements(promo_code: str) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            registration_create(event=event, **{**_order(ticket, 2), "promo_code": promo_code})
        sql = [q["sql"] for q in queries.captured_queries]
        lock = next(i for i, s in enumerate(sql) if "FOR NO KEY UPDATE" in s)
        return sql[lock:]

    without, with_code = locked_statements(""), locked_statements("TEAM50")
    assert len(with_code) == len(without)
    assert "promo_uses" in " ".join(with_code) and "promo_uses" not in " ".join(without)


NOW = timezone.now()
STATES = {  # status, expires_at, holds seats
    "confirmed": (Registration.Status.CONFIRMED, None, True),
    "pending, hold ahead": (Registration.Status.PENDING_PAYMENT, NOW + timedelta(minutes=5), True),
    "pending, hold lapsed": (
        Registration.Status.PENDING_PAYMENT,
        NOW - timedelta(seconds=1),
        False,
    ),
    "cancelled": (Registration.Status.CANCELLED, None, False),
    "expired": (Registration.Status.EXPIRED, NOW - timedelta(seconds=1), False),
    "refunded": (Registration.Status.REFUNDED, None, False),
}


def test_the_locked_statement_and_the_organizers_count_agree_on_every_state(event, ticket):
    """Two discounted attendees and one not, in a registration of each state: the SQL
    read under the lock, promo_use_q and the organizer's API count the same uses."""
    code = promo(event, 100)
    for status, expires_at, _ in STATES.values():
        registration = make_registration(
            event,
            {"ticket_type": ticket, "discount": Decimal("250.00")},
            {"ticket_type": ticket, "discount": Decimal("250.00")},
            {"ticket_type": ticket},
            status=status,
            expires_at=expires_at,
        )
        registration.promo_code = code
        registration.save(update_fields=["promo_code"])
    make_registration(event, {"ticket_type": ticket, "discount": Decimal("250.00")})  # no code
    live = 2 * sum(1 for *_, holds in STATES.values() if holds)
    assert Attendee.objects.filter(promo_use_q(NOW), registration__promo_code=code).count() == live
    assert promo_uses_count(promo=code, at=NOW) == live
    state = seat_state(event.pk, NOW, session_ids=set(), promo_code_id=code.pk)
    assert (state.promo_uses, state.promo_max_uses) == (live, 100)


def test_the_organizer_sees_uses_counted_in_attendees(organizer_api, organizer, api, event, ticket):
    event.organizers.add(organizer)
    promo(event, 5)
    group = body(attendee(ticket), attendee(ticket), attendee(ticket), promo_code="TEAM50")
    assert register(api, event, group).status_code == 201
    url = f"/api/v1/organizer/events/{event.slug}/promo-codes/"
    listed = organizer_api.get(url).json()["results"]
    assert [(c["code"], c["max_uses"], c["uses"]) for c in listed] == [("TEAM50", 5, 3)]
    created = organizer_api.post(
        url, {"code": "NEW10", "percent_off": "10", "max_uses": 2}, format="json"
    )
    assert created.status_code == 201 and created.json()["uses"] == 0


def test_the_admin_lists_uses_counted_in_attendees(admin_client, api, event, ticket):
    promo(event, 5)
    group = body(attendee(ticket), attendee(ticket), promo_code="TEAM50")
    assert register(api, event, group).status_code == 201
    page = admin_client.get("/admin/registrations/promocode/")
    assert page.status_code == 200
    cells = re.findall(r'<td class="field-uses">(\d+)</td>', page.content.decode())
    assert cells == ["2"]


def _order(ticket, people: int) -> dict:
    n = next(_orders)
    return {
        "buyer": BuyerInput(
            billing=BILLING_INPUT, first_name="B", last_name="N", email=f"buyer{n}@example.org"
        ),
        "attendees": [
            AttendeeInput(
                ticket_type=ticket.id,
                first_name="A",
                last_name=f"N{n}",
                email=f"a{n}-{i}@example.org",
            )
            for i in range(people)
        ],
        "promo_code": "TEAM50",
    }


_orders = iter(range(10**6))
