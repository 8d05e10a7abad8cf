"""Unpaid invoices are reminded by themselves: a real `celery beat` runs the reminder
sweep (INVOICE_REMINDER_SECONDS, here every second) on a real worker, and the billing
email gets one reminder before the due date and one on it, at the SMTP server, once."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from finance.models import Invoice
from registrations.models import Registration
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.registration import registration_create
from tests.emails.helpers import parse
from tests.factories import EventFactory, TicketTypeFactory
from tests.registrations.helpers import BILLING_INPUT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def invoice_registration(event, ticket, n: int) -> Registration:
    return registration_create(
        event=event,
        buyer=BuyerInput(
            first_name="B", last_name=str(n), email=f"buyer{n}@example.org", billing=BILLING_INPUT
        ),
        attendees=[
            AttendeeInput(
                ticket_type=ticket.id, first_name="A", last_name=str(n), email=f"a{n}@example.org"
            )
        ],
        payment_method="invoice",
    )


def as_if(registration: Registration, *, issued_days_ago: int, due_in_days: int) -> Invoice:
    """Time has passed: the invoice was issued and falls due then (written as a test's
    stand-in for the calendar; the documents never change otherwise)."""
    now = timezone.now()
    event = registration.event
    Registration.objects.filter(pk=registration.pk).update(
        expires_at=now + timedelta(days=due_in_days, hours=1)
    )
    Invoice.objects.filter(registration=registration).update(
        issue_date=event.local(now - timedelta(days=issued_days_ago)).date(),
        due_date=event.local(now + timedelta(days=due_in_days)).date(),
    )
    return Invoice.objects.get(registration=registration)


def reminders(smtp_server) -> list:
    messages = [parse(raw) for raw in list(smtp_server.messages)]
    return [m for m in messages if m["Subject"].startswith("Payment reminder")]


def test_beat_and_worker_remind_the_billing_email_before_the_due_date_and_on_it(
    worker_factory, beat_factory, smtp_server, settings
):
    event = EventFactory(
        name="Patient Safety Congress 2027", starts_at=timezone.now() + timedelta(days=60)
    )
    ticket = TicketTypeFactory(event=event, price=Decimal("450.00"))
    soon = as_if(invoice_registration(event, ticket, 1), issued_days_ago=20, due_in_days=5)
    today = as_if(invoice_registration(event, ticket, 2), issued_days_ago=30, due_in_days=0)
    later = as_if(invoice_registration(event, ticket, 3), issued_days_ago=1, due_in_days=20)
    paid = invoice_registration(event, ticket, 4)
    as_if(paid, issued_days_ago=30, due_in_days=0)
    Registration.objects.filter(pk=paid.pk).update(
        status="confirmed", amount_paid=Decimal("450.00"), expires_at=None
    )

    worker_factory().start()
    beat_factory(INVOICE_REMINDER_SECONDS="1", INVOICE_REMINDER_DAYS="7").start()
    deadline = time.monotonic() + 60
    while len(reminders(smtp_server)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # three more sweeps: nobody is reminded twice
    received = sorted(reminders(smtp_server), key=lambda m: m["Subject"])
    assert [m["To"] for m in received] == ["ap@mercy.example.org"] * 2
    assert sorted(m["Subject"] for m in received) == sorted(
        f"Payment reminder: invoice {invoice.number}, Patient Safety Congress 2027"
        for invoice in (soon, today)
    )
    assert later.number not in " ".join(m["Subject"] for m in received)
