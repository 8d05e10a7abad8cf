"""Emails through a real Celery worker and a real SMTP server, with faults."""

from decimal import Decimal

import pytest

from registrations.messaging.models import OutboxMessage
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.registration import registration_create
from tests.emails.helpers import invite_of, parse, parts, vevent
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.integration.conftest import use_broker
from tests.registrations.helpers import BILLING_INPUT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def register_free(event, ticket, n: int, sessions=()):
    return registration_create(
        event=event,
        buyer=BuyerInput(
            billing=BILLING_INPUT, first_name="B", last_name=str(n), email=f"buyer{n}@example.org"
        ),
        attendees=[
            AttendeeInput(
                ticket_type=ticket.id,
                first_name="A",
                last_name=str(n),
                email=f"a{n}@example.org",
                sessions=tuple(s.id for s in sessions),
            )
        ],
    )


@pytest.fixture
def free_event(db):
    event = EventFactory(timezone="Europe/London")
    return event, TicketTypeFactory(event=event, price=Decimal("0.00"))


def test_confirmation_arrives_through_worker_and_smtp(worker_factory, smtp_server, free_event):
    event, ticket = free_event
    workshop = SessionFactory(event=event)
    worker = worker_factory()
    worker.start()
    register_free(event, ticket, 1, [workshop])
    received = smtp_server.wait_for(3)
    assert len(received) == 3  # order confirmation, attendee confirmation, session invite
    messages = [parse(raw) for raw in received]
    [confirmation] = [m for m in messages if "registered" in m["Subject"]]
    assert parts(confirmation, "text/html") and parts(confirmation, "text/plain")
    entry = vevent(invite_of(confirmation))
    assert entry.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert str(entry.decoded("DTSTART").tzinfo) == "Europe/London"
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0


def test_worker_down_registrations_succeed_and_emails_go_out_once_it_is_back(
    worker_factory, smtp_server, free_event
):
    event, ticket = free_event
    for n in range(4):
        register_free(event, ticket, n)
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 8
    assert smtp_server.messages == []
    worker = worker_factory()
    worker.start()
    received = smtp_server.wait_for(8)
    assert len(received) == 8
    smtp_server.wait_for(9, timeout=2)  # nothing more comes
    assert len(smtp_server.messages) == 8
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0


def test_broker_down_registering_works_and_the_sweeper_sends_once_it_is_back(
    worker_factory, beat_factory, smtp_server, free_event, celery_live
):
    event, ticket = free_event
    worker = worker_factory()
    worker.start()
    use_broker("redis://127.0.0.1:1/0")  # Redis unreachable from the web process
    registration = register_free(event, ticket, 1)
    assert registration.status == "confirmed"
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2
    use_broker(celery_live)  # Redis is back
    # Beat's re-queue (every minute in production), every second here, run by the worker.
    beat_factory(OUTBOX_REQUEUE_SECONDS="1", OUTBOX_REQUEUE_AFTER_SECONDS="0").start()
    received = smtp_server.wait_for(2)
    assert len(received) == 2
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
