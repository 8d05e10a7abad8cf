"""Counting seats (registrations.capacity): the SQL agrees with the ORM's idea of a live
registration, for every status and hold, on SQLite and PostgreSQL alike; the seat tally
is written, read, found out when it says "full", and forgotten by every other way of
adding seats; a reference drawn twice starts the registration again."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.db import transaction
from django.utils import timezone

from registrations.capacity import count_seats, lock_event, seat_state
from registrations.models import (
    Attendee,
    Registration,
    SeatTally,
    SessionChoice,
    WaitlistEntry,
    live_registration_q,
)
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db
_seq = count(1)
Status = Registration.Status


def _registration(event, ticket_type, status, expires_at=None, sessions=()):
    n = next(_seq)
    registration = Registration.objects.create(
        event=event,
        reference=f"CAP-{n}",
        status=status,
        payment_method="card",
        buyer_first_name="B",
        buyer_last_name="N",
        buyer_email=f"b{n}@example.org",
        currency="USD",
        subtotal=Decimal("10"),
        total=Decimal("10"),
        expires_at=expires_at,
        confirmed_at=timezone.now() if status == Status.CONFIRMED else None,
        cancelled_at=timezone.now() if status == Status.CANCELLED else None,
    )
    attendee = Attendee.objects.create(
        registration=registration,
        ticket_type=ticket_type,
        first_name="A",
        last_name="N",
        email=f"a{n}@example.org",
        badge_code=f"CAP{n}",
        ticket_price=Decimal("10"),
    )
    for session in sessions:
        SessionChoice.objects.create(attendee=attendee, session=session)
    return attendee


def test_seat_state_counts_what_live_registration_q_calls_live():
    now = timezone.now()
    event = EventFactory(capacity=100)
    in_person = TicketTypeFactory(event=event, capacity=10)
    virtual = TicketTypeFactory(event=event, is_virtual=True)
    workshop, lecture = SessionFactory(event=event, capacity=5), SessionFactory(event=event)
    holds = {
        "confirmed": (Status.CONFIRMED, None),
        "live hold": (Status.PENDING_PAYMENT, now + timedelta(minutes=5)),
        "lapsed hold": (Status.PENDING_PAYMENT, now - timedelta(seconds=1)),
        "hold lapsing now": (Status.PENDING_PAYMENT, now),
        "cancelled": (Status.CANCELLED, None),
        "expired": (Status.EXPIRED, now - timedelta(minutes=1)),
        "refunded": (Status.REFUNDED, None),
    }
    attendees = {
        name: _registration(event, in_person, status, expires_at, sessions=[workshop])
        for name, (status, expires_at) in holds.items()
    }
    _registration(event, virtual, Status.CONFIRMED, sessions=[lecture])
    other_event = EventFactory()  # counts nothing here
    _registration(other_event, TicketTypeFactory(event=other_event), Status.CONFIRMED)
    WaitlistEntry.objects.create(
        event=event,
        ticket_type=in_person,
        email="w@example.org",
        first_name="W",
        last_name="L",
        status=WaitlistEntry.Status.OFFERED,
        offer_token="live-offer",
        offer_expires_at=now + timedelta(hours=1),
    )

    live = set(
        Registration.objects.filter(event=event)
        .filter(live_registration_q(now))
        .values_list("pk", flat=True)
    )
    live_in_person = sum(a.registration_id in live for a in attendees.values())
    assert live_in_person == 2  # confirmed and the live hold

    state = seat_state(
        event.pk,
        now,
        session_ids={workshop.id},
        emails=[attendees["confirmed"].email, attendees["lapsed hold"].email, "new@example.org"],
    )
    assert state.taken.ticket_types == {in_person.id: live_in_person + 1, virtual.id: 1}
    assert state.taken.event == live_in_person + 1  # the virtual seat is not the venue's
    assert state.taken.sessions == {workshop.id: live_in_person}
    assert state.ticket_type_capacities == {in_person.id: 10, virtual.id: None}
    assert state.session_capacities == {workshop.id: 5}
    assert state.registered_emails == [attendees["confirmed"].email]

    everything = count_seats(event, now)
    assert everything.sessions == {workshop.id: live_in_person, lecture.id: 1}
    assert count_seats(event, now, session_ids=set()).sessions == {}


# The tally: an upper bound that spares a registration counting every seat ---------------


def _register(api, event, *attendees):
    return register(api, event, body(*attendees, payment_method="invoice"))


def _tallied(event):
    tally = SeatTally.objects.filter(event=event).first()
    return tally.taken["types"] if tally else None


def test_each_registration_tallies_its_seats_and_the_next_one_reads_the_tally(api):
    event = EventFactory(capacity=100)
    ticket = TicketTypeFactory(event=event, capacity=3)
    workshop = SessionFactory(event=event, capacity=5)
    assert _register(api, event, attendee(ticket, [workshop])).status_code == 201
    assert _register(api, event, attendee(ticket), attendee(ticket)).status_code == 201
    tally = SeatTally.objects.get(event=event).taken
    assert tally == {"types": {str(ticket.id): 3}, "sessions": {str(workshop.id): 1}}
    assert _register(api, event, attendee(ticket)).json()["code"] == "sold_out"


def test_seats_freed_since_the_tally_are_found_by_counting_when_it_says_full(api):
    event = EventFactory(capacity=100)
    ticket = TicketTypeFactory(event=event, capacity=2)
    first = _register(api, event, attendee(ticket)).json()
    assert _register(api, event, attendee(ticket)).status_code == 201
    Registration.objects.filter(token=first["token"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)  # the hold lapses: a seat is free
    )
    assert _tallied(event) == {str(ticket.id): 2}  # lapsing does not lower it

    assert _register(api, event, attendee(ticket)).status_code == 201  # counted: 1 taken
    assert _tallied(event) == {str(ticket.id): 2}  # the exact count, plus the new seat
    assert _register(api, event, attendee(ticket)).json()["code"] == "sold_out"


def test_seats_added_outside_the_registration_path_forget_the_tally(api):
    """An attendee added by hand (as the admin does) is not in the tally: were it kept,
    the next registrations would take one seat too many."""
    event = EventFactory(capacity=100)
    ticket = TicketTypeFactory(event=event, capacity=3)
    first = _register(api, event, attendee(ticket)).json()
    assert _tallied(event) == {str(ticket.id): 1}
    Attendee.objects.create(
        registration=Registration.objects.get(token=first["token"]),
        ticket_type=ticket,
        first_name="Added",
        last_name="By hand",
        email="added@example.org",
        badge_code="BYHAND",
        ticket_price=Decimal("0"),
    )
    assert _tallied(event) is None
    assert _register(api, event, attendee(ticket)).status_code == 201
    assert _register(api, event, attendee(ticket)).json()["code"] == "sold_out"
    assert Attendee.objects.filter(ticket_type=ticket).count() == 3


def test_writes_that_take_seats_under_the_lock_forget_the_tally(api):
    event = EventFactory(capacity=100)
    ticket = TicketTypeFactory(event=event)
    _register(api, event, attendee(ticket))
    assert _tallied(event) is not None
    with transaction.atomic():
        lock_event(event.pk)  # a session swap, a waiting-list offer, a late payment
    assert _tallied(event) is None


def test_a_reference_already_in_use_is_drawn_again_with_nothing_left_behind(api, monkeypatch):
    """References are short (five characters): two registrations may draw the same one.
    The second starts again from the top, under the lock, with a new draw."""
    event = EventFactory(capacity=100)
    ticket = TicketTypeFactory(event=event, capacity=2)
    draws = iter(["SAME5", "BADGE00001", "SAME5", "OTHER", "BADGE00002"])
    monkeypatch.setattr(
        "registrations.services.registration.new_code", lambda length=5: next(draws)
    )
    first = _register(api, event, attendee(ticket)).json()
    second = _register(api, event, attendee(ticket)).json()
    assert first["reference"].endswith("-SAME5") and second["reference"].endswith("-OTHER")
    assert Attendee.objects.filter(ticket_type=ticket).count() == 2
    assert _tallied(event) == {str(ticket.id): 2}  # the failed attempt tallied nothing
