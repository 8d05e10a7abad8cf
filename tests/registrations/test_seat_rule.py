"""The one definition of a held seat (registrations.models: live_registration_q,
live_offer_q, for offers of ticket types and of sessions alike) gives the same answer
wherever it is read: filtering with the Q objects,
on an instance (holds_seats, offer_is_live, effective_status), and in the SQL that
registrations.capacity compiles from them to count seats under the event lock. Run on
SQLite and on PostgreSQL (DATABASE_URL): both compile the SQL their own way."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from registrations.capacity import seat_state
from registrations.models import (
    Attendee,
    Registration,
    SessionChoice,
    SessionWaitlistEntry,
    WaitlistEntry,
    live_offer_q,
    live_registration_q,
)
from registrations.organizer.selectors import effective_status_expression, effective_status_q
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db
_seq = count(1)
Status, Offer = Registration.Status, WaitlistEntry.Status
NOW = timezone.now()
AHEAD, BEHIND = NOW + timedelta(minutes=5), NOW - timedelta(seconds=1)

REGISTRATIONS = {  # name: (status, expires_at, holds seats)
    "confirmed": (Status.CONFIRMED, None, True),
    "pending, hold ahead": (Status.PENDING_PAYMENT, AHEAD, True),
    "pending, hold lapsed": (Status.PENDING_PAYMENT, BEHIND, False),
    "pending, hold lapsing now": (Status.PENDING_PAYMENT, NOW, False),
    "cancelled": (Status.CANCELLED, None, False),
    "expired": (Status.EXPIRED, BEHIND, False),
    "refunded": (Status.REFUNDED, None, False),
}
OFFERS = {  # name: (status, offer_expires_at, holds a seat)
    "offered, ahead": (Offer.OFFERED, AHEAD, True),
    "offered, lapsed": (Offer.OFFERED, BEHIND, False),
    "offered, lapsing now": (Offer.OFFERED, NOW, False),
    "lapsed": (Offer.LAPSED, BEHIND, False),
    "redeemed": (Offer.REDEEMED, AHEAD, False),
    "withdrawn": (Offer.WITHDRAWN, AHEAD, False),
    "waiting": (Offer.WAITING, None, False),
}


@pytest.fixture
def event():
    return EventFactory(capacity=100)


@pytest.fixture
def registrations(event) -> dict[str, Attendee]:
    """One registration in each state, each with its own ticket type and session, so
    that the seat count tells which of them it counted."""
    return {
        name: _attendee(event, status, expires_at)
        for name, (status, expires_at, _) in REGISTRATIONS.items()
    }


@pytest.fixture
def offers(event) -> dict[str, WaitlistEntry]:
    return {
        name: _offer(event, status, offer_expires_at)
        for name, (status, offer_expires_at, _) in OFFERS.items()
    }


@pytest.fixture
def at_now(monkeypatch):
    """The instance properties read the clock: stop it at NOW."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_a_seat_is_held_alike_by_the_orm_the_instance_and_the_seat_count(
    event, registrations, offers, at_now
):
    held = {name for name, (*_, holds) in REGISTRATIONS.items() if holds}
    offer_held = {name for name, (*_, holds) in OFFERS.items() if holds}
    by_registration = {a.registration_id: name for name, a in registrations.items()}
    by_ticket_type = {a.ticket_type_id: name for name, a in registrations.items()}
    by_session = {a.choices.get().session_id: name for name, a in registrations.items()}
    by_offer_type = {o.ticket_type_id: name for name, o in offers.items()}

    live = Registration.objects.filter(live_registration_q(NOW), event=event)
    assert {by_registration[pk] for pk in live.values_list("pk", flat=True)} == held
    live_offers = WaitlistEntry.objects.filter(live_offer_q(NOW), event=event)
    assert {by_offer_type[t] for t in live_offers.values_list("ticket_type", flat=True)} == (
        offer_held
    )

    assert {name for name, a in registrations.items() if a.registration.holds_seats} == held
    assert {name for name, o in offers.items() if o.offer_is_live} == offer_held

    state = seat_state(event.pk, NOW, emails=[a.email for a in registrations.values()])
    counted_types = {t: n for t, n in state.taken.ticket_types.items() if n}
    assert {by_ticket_type[t] for t in counted_types if t in by_ticket_type} == held
    assert {by_offer_type[t] for t in counted_types if t in by_offer_type} == offer_held
    assert set(counted_types.values()) == {1}
    assert state.taken.event == len(held) + len(offer_held)
    assert {by_session[s] for s, n in state.taken.sessions.items() if n} == held
    assert set(state.registered_emails) == {registrations[name].email for name in held}


def test_a_session_seat_is_held_by_a_live_session_offer_alike_everywhere(event, at_now):
    """A session's waiting-list offer holds a seat of the session by the same rule
    (live_offer_q) as a ticket type's offer holds one of the event."""
    offer_held = {name for name, (*_, holds) in OFFERS.items() if holds}
    offers = {
        name: _session_offer(event, status, offer_expires_at)
        for name, (status, offer_expires_at, _) in OFFERS.items()
    }
    by_session = {o.session_id: name for name, o in offers.items()}

    live = SessionWaitlistEntry.objects.filter(live_offer_q(NOW), session__event=event)
    assert {by_session[s] for s in live.values_list("session", flat=True)} == offer_held
    assert {name for name, o in offers.items() if o.offer_is_live} == offer_held
    state = seat_state(event.pk, NOW)
    counted = {s: n for s, n in state.taken.sessions.items() if n and s in by_session}
    assert {by_session[s] for s in counted} == offer_held
    assert set(counted.values()) == {1}
    assert state.taken.event == len(offers)  # the waiting attendees' own (confirmed) seats


def test_a_session_counts_its_choices_and_its_offers_together(event):
    confirmed = _attendee(event, Status.CONFIRMED, None)
    session = confirmed.choices.get().session
    SessionWaitlistEntry.objects.create(
        attendee=_attendee(event, Status.CONFIRMED, None),
        session=session,
        status=Offer.OFFERED,
        offer_expires_at=AHEAD,
    )
    assert seat_state(event.pk, NOW).taken.sessions[session.pk] == 2
    assert seat_state(event.pk, NOW, session_ids={session.pk}).taken.sessions == {session.pk: 2}


def test_the_seat_count_leaves_out_the_registration_being_written(event, registrations):
    confirmed = registrations["confirmed"]
    state = seat_state(event.pk, NOW, excluding=confirmed.registration_id)
    assert confirmed.ticket_type_id not in state.taken.ticket_types
    assert state.taken.event == 1  # the live hold alone


def test_effective_status_reads_alike_on_the_instance_in_filters_and_in_the_status_column(
    event, registrations, at_now
):
    expected = {
        "confirmed": Status.CONFIRMED,
        "pending, hold ahead": Status.PENDING_PAYMENT,
        "pending, hold lapsed": Status.EXPIRED,
        "pending, hold lapsing now": Status.EXPIRED,
        "cancelled": Status.CANCELLED,
        "expired": Status.EXPIRED,
        "refunded": Status.REFUNDED,
    }
    by_registration = {a.registration_id: name for name, a in registrations.items()}
    column = dict(
        Registration.objects.filter(event=event)
        .annotate(effective=effective_status_expression(NOW))
        .values_list("pk", "effective")
    )
    for name, attendee in registrations.items():
        assert attendee.registration.effective_status == expected[name], name
        assert column[attendee.registration_id] == expected[name], name
    for status in Status:
        filtered = Registration.objects.filter(effective_status_q(status, NOW), event=event)
        assert {by_registration[pk] for pk in filtered.values_list("pk", flat=True)} == {
            name for name, s in expected.items() if s == status
        }, status


def _attendee(event, status, expires_at) -> Attendee:
    n = next(_seq)
    registration = Registration.objects.create(
        event=event,
        reference=f"RULE-{n}",
        status=status,
        buyer_first_name="B",
        buyer_last_name="N",
        buyer_email=f"b{n}@example.org",
        currency="USD",
        subtotal=Decimal("10"),
        total=Decimal("10"),
        expires_at=expires_at,
    )
    attendee = Attendee.objects.create(
        registration=registration,
        ticket_type=TicketTypeFactory(event=event),
        first_name="A",
        last_name="N",
        email=f"rule{n}@example.org",
        badge_code=f"RULE{n}",
        ticket_price=Decimal("10"),
    )
    SessionChoice.objects.create(attendee=attendee, session=SessionFactory(event=event))
    return attendee


def _offer(event, status, offer_expires_at) -> WaitlistEntry:
    n = next(_seq)
    return WaitlistEntry.objects.create(
        event=event,
        ticket_type=TicketTypeFactory(event=event),
        first_name="W",
        last_name="L",
        email=f"w{n}@example.org",
        status=status,
        offer_expires_at=offer_expires_at,
    )


def _session_offer(event, status, offer_expires_at) -> SessionWaitlistEntry:
    return SessionWaitlistEntry.objects.create(
        attendee=_attendee(event, Status.CONFIRMED, None),
        session=SessionFactory(event=event),
        status=status,
        offer_expires_at=offer_expires_at,
    )
