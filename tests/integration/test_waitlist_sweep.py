"""Waiting lists move by themselves: a real `celery beat` process runs the periodic sweep
(WAITLIST_SWEEP_SECONDS, here every second) on a real worker, and the next person in line
gets their offer at the SMTP server when an offer lapses unused. Nobody calls anything."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from registrations.models import SessionWaitlistEntry, WaitlistEntry
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.registration import registration_cancel, registration_create
from registrations.services.waitlist import waitlist_join
from tests.emails.helpers import parse, parts
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.registrations.helpers import BILLING_INPUT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def register_free(event, ticket, email: str, sessions=()):
    return registration_create(
        event=event,
        buyer=BuyerInput(
            billing=BILLING_INPUT, first_name="B", last_name="N", email=f"buyer-{email}"
        ),
        attendees=[
            AttendeeInput(
                ticket_type=ticket.id,
                first_name=email.split("@")[0].title(),
                last_name="N",
                email=email,
                sessions=tuple(s.id for s in sessions),
            )
        ],
    )


def offers_received(smtp_server, to: str) -> list:
    messages = [parse(raw) for raw in list(smtp_server.messages)]
    return [m for m in messages if m["To"] == to and "seat is free" in m["Subject"]]


def text_of(message) -> str:
    [text] = parts(message, "text/plain")
    return text.get_payload(decode=True).decode()


def wait_for_offer(smtp_server, to: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if offers_received(smtp_server, to):
            return offers_received(smtp_server, to)
        time.sleep(0.1)
    raise AssertionError(f"no offer reached {to} within {timeout} s")


def lapse(model, **lookup) -> None:
    """The offer's time is up (as if WAITLIST_OFFER_HOURS had passed)."""
    lapsed = timezone.now() - timedelta(seconds=1)
    assert model.objects.filter(status="offered", **lookup).update(offer_expires_at=lapsed) == 1


def start(worker_factory, beat_factory) -> None:
    worker_factory().start()
    beat_factory(WAITLIST_SWEEP_SECONDS="1").start()


def test_a_lapsed_ticket_offer_passes_to_the_next_person_by_beat_and_worker(
    worker_factory, beat_factory, smtp_server
):
    event = EventFactory(name="Quality Forum 2027")
    one_seat = TicketTypeFactory(event=event, capacity=1, price=Decimal("0.00"))
    holder = register_free(event, one_seat, "holder@example.org")
    for name in ("first", "second"):
        waitlist_join(
            ticket_type=one_seat, email=f"{name}@example.org", first_name=name, last_name="W"
        )
    registration_cancel(registration=holder)
    lapse(WaitlistEntry, email="first@example.org")

    start(worker_factory, beat_factory)
    [offer] = wait_for_offer(smtp_server, "second@example.org")
    second = WaitlistEntry.objects.get(email="second@example.org")
    assert second.status == WaitlistEntry.Status.OFFERED
    assert second.offer_token in text_of(offer)
    assert WaitlistEntry.objects.get(email="first@example.org").status == "lapsed"
    time.sleep(3)  # three more sweeps: the seat is held, nobody is offered it again
    assert len(offers_received(smtp_server, "second@example.org")) == 1
    assert len(offers_received(smtp_server, "first@example.org")) == 1  # the first, lapsed


def test_a_lapsed_session_offer_passes_to_the_next_attendee_by_beat_and_worker(
    worker_factory, beat_factory, smtp_server, api
):
    event = EventFactory(name="Quality Forum 2027")
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    workshop = SessionFactory(event=event, title="Root cause analysis", capacity=1)
    holder = register_free(event, ticket, "holder@example.org", [workshop])
    for email in ("first@example.org", "second@example.org"):
        registration = register_free(event, ticket, email)
        person = registration.attendees.get()
        answer = api.post(
            f"/api/v1/registrations/{registration.token}/attendees/{person.pk}/waitlist/",
            {"session": workshop.id},
            format="json",
        )
        assert answer.status_code == 201, answer.json()
    registration_cancel(registration=holder)
    lapse(SessionWaitlistEntry, attendee__email="first@example.org")

    start(worker_factory, beat_factory)
    [offer] = wait_for_offer(smtp_server, "second@example.org")
    assert offer["Subject"] == "A seat is free for you: Root cause analysis"
    statuses = dict(SessionWaitlistEntry.objects.values_list("attendee__email", "status"))
    assert statuses == {"first@example.org": "lapsed", "second@example.org": "offered"}
    second = SessionWaitlistEntry.objects.get(attendee__email="second@example.org")
    assert second.offer_token in text_of(offer)
    time.sleep(3)
    assert len(offers_received(smtp_server, "second@example.org")) == 1
