"""A full refund is a cancellation: the seats go to the waiting list, the buyer and the
attendees are told, the invites are cancelled. A partial refund changes nothing else."""

from decimal import Decimal

import pytest
from django.core import mail

from registrations.models import Registration, WaitlistEntry
from registrations.services.waitlist import waitlist_join
from tests.emails.helpers import invite_of, parse, parts
from tests.factories import EventFactory, TicketTypeFactory
from tests.payments.test_stripe_payments import organizer_for
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(api, django_capture_on_commit_callbacks):
    """A confirmed registration (an invoice, marked paid) holding the event's only seat,
    and someone waiting for it."""
    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("200.00"), capacity=1)
    data = register(api, ticket.event, body(attendee(ticket), payment_method="invoice")).json()
    org = organizer_for(ticket.event)
    with django_capture_on_commit_callbacks(execute=True):
        org.post(f"/api/v1/organizer/registrations/{data['reference']}/mark-paid/")
    waiting = waitlist_join(
        ticket_type=ticket, email="next@example.org", first_name="N", last_name="X"
    )
    mail.outbox.clear()
    return data, org, waiting


def refund(org, data, capture, **amount):
    with capture(execute=True):
        return org.post(
            f"/api/v1/organizer/registrations/{data['reference']}/refund/",
            amount,
            format="json",
        )


def test_a_full_refund_frees_the_seat_tells_everyone_and_cancels_the_invites(
    paid, django_capture_on_commit_callbacks
):
    data, org, waiting = paid
    answer = refund(org, data, django_capture_on_commit_callbacks)
    assert answer.json()["status"] == "refunded"
    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.OFFERED
    to = {m.to[0]: m for m in mail.outbox}
    assert "Cancelled" in to["buyer@example.org"].subject
    assert "200.00" in to["buyer@example.org"].body  # the refund is stated
    attendee_email = data["attendees"][0]["email"]
    invite = invite_of(parse(to[attendee_email].message().as_bytes()))
    assert invite["METHOD"] == "CANCEL"
    assert "seat is free" in to["next@example.org"].subject
    assert Registration.objects.get(reference=data["reference"]).cancelled_at is not None


def test_a_partial_refund_changes_nothing_else(paid, django_capture_on_commit_callbacks):
    data, org, waiting = paid
    answer = refund(org, data, django_capture_on_commit_callbacks, amount="50.00")
    assert answer.json()["status"] == "confirmed"
    assert answer.json()["amount_refunded"] == "50.00"
    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.WAITING
    assert not [m for m in mail.outbox if parts(parse(m.message().as_bytes()), "text/calendar")]
    assert mail.outbox == []
