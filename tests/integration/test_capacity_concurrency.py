"""Real concurrency on PostgreSQL: many buyers at once, each with its own connection.

PostgreSQL here allows 100 connections, so 200 buyers run 50 at a time, released together
by a barrier in each wave.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from config.errors import Conflict
from registrations.models import Attendee, Registration, SessionChoice
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.promo import promo_code_create
from registrations.services.registration import registration_create
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.registrations.helpers import BILLING_INPUT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 200
AT_ONCE = 50


def rush(event, make_attendee, promo_code: str = "") -> dict[str, int]:
    """BUYERS registrations against one event, AT_ONCE at a time; counts the outcomes.
    `make_attendee(n)` gives buyer n's attendee, or a list of them (a group)."""
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(AT_ONCE)

    def buy(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            registration_create(
                event=event,
                buyer=BuyerInput(
                    billing=BILLING_INPUT,
                    first_name="B",
                    last_name=str(n),
                    email=f"b{n}@example.org",
                ),
                attendees=_as_list(make_attendee(n)),
                promo_code=promo_code,
            )
            outcome = "ok"
        except Conflict as exc:
            outcome = exc.code
        except Exception as exc:  # noqa: BLE001 - any other failure is reported by name
            outcome = type(exc).__name__
        finally:
            connection.close()
        with lock:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        list(pool.map(buy, range(BUYERS)))
    close_old_connections()
    return outcomes


def _as_list(people) -> list:
    return people if isinstance(people, list) else [people]


def person(ticket_type_id: int, sessions=()):
    return lambda n: AttendeeInput(
        ticket_type=ticket_type_id,
        first_name="A",
        last_name=str(n),
        email=f"a{n}@example.org",
        sessions=tuple(sessions),
    )


def test_200_buyers_for_50_ticket_seats_get_exactly_50_holds():
    event = EventFactory()
    ticket = TicketTypeFactory(event=event, capacity=50, price=Decimal("100.00"))
    outcomes = rush(event, person(ticket.id))
    assert outcomes == {"ok": 50, "sold_out": 150}
    assert Attendee.objects.filter(ticket_type=ticket).count() == 50
    assert Registration.objects.filter(status="pending_payment").count() == 50


def test_200_buyers_for_50_event_seats_across_ticket_types():
    event = EventFactory(capacity=50)
    a = TicketTypeFactory(event=event)
    b = TicketTypeFactory(event=event)
    outcomes = rush(event, lambda n: person(a.id if n % 2 else b.id)(n))
    assert outcomes == {"ok": 50, "sold_out": 150}
    assert Attendee.objects.filter(registration__event=event).count() == 50


def test_200_buyers_for_50_session_seats():
    event = EventFactory()
    ticket = TicketTypeFactory(event=event)
    workshop = SessionFactory(event=event, capacity=50)
    outcomes = rush(event, person(ticket.id, [workshop.id]))
    assert outcomes == {"ok": 50, "session_full": 150}
    assert SessionChoice.objects.filter(session=workshop).count() == 50


def test_promo_code_max_uses_holds_under_concurrency():
    event = EventFactory()
    ticket = TicketTypeFactory(event=event)
    promo_code_create(event=event, code="RUSH", percent_off=Decimal("20"), max_uses=50)
    outcomes = rush(event, person(ticket.id), promo_code="RUSH")
    assert outcomes == {"ok": 50, "ValidationError": 150}
    assert Registration.objects.filter(promo_code__code="RUSH").count() == 50
    assert (
        Attendee.objects.filter(registration__promo_code__code="RUSH", discount__gt=0).count() == 50
    )


def test_promo_code_max_uses_counts_the_attendees_of_groups_under_concurrency():
    """Groups of three, two of whom the code discounts (the third's ticket type is not
    the code's): 25 groups take 50 of its 51 uses, and no 26th group gets in to be
    half-discounted with the one use left."""
    event = EventFactory()
    covered = TicketTypeFactory(event=event, price=Decimal("100.00"))
    other = TicketTypeFactory(event=event, price=Decimal("100.00"))
    promo = promo_code_create(
        event=event,
        code="TEAM",
        percent_off=Decimal("20"),
        max_uses=51,
        ticket_types=[covered.id],
    )

    def group(n: int) -> list[AttendeeInput]:
        return [
            AttendeeInput(ticket_type=t, first_name="A", last_name=str(n), email=f"a{n}-{i}@x.org")
            for i, t in enumerate([covered.id, covered.id, other.id])
        ]

    outcomes = rush(event, group, promo_code="TEAM")
    assert outcomes == {"ok": 25, "ValidationError": 175}
    of_code = Attendee.objects.filter(registration__promo_code=promo)
    assert of_code.filter(discount__gt=0).count() == 50
    assert of_code.filter(ticket_type=other, discount=0).count() == 25


def test_promo_code_max_uses_holds_for_groups_of_any_size_under_concurrency():
    event = EventFactory()
    ticket = TicketTypeFactory(event=event)
    promo_code_create(event=event, code="MIXED", percent_off=Decimal("20"), max_uses=50)
    outcomes = rush(
        event,
        lambda n: [person(ticket.id)(f"{n}-{i}") for i in range(n % 3 + 1)],
        promo_code="MIXED",
    )
    assert set(outcomes) == {"ok", "ValidationError"}
    discounted = Attendee.objects.filter(registration__promo_code__code="MIXED", discount__gt=0)
    assert 48 <= discounted.count() <= 50
    assert not Attendee.objects.filter(registration__promo_code__code="MIXED", discount=0)
