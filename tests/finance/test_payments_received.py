"""Payments received for an invoice, in parts, with their dates and notes; the receipt
lists every payment and refund; a hold that lapses unpaid voids its invoice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from registrations.models import Registration
from registrations.services.upkeep import registrations_expire_lapsed
from tests.finance.helpers import (
    attendee,
    invoice_registration,
    organizer_for,
    pdf_text,
    priced_event,
)

pytestmark = pytest.mark.django_db


def test_partial_payments_leave_the_rest_due_and_the_last_one_confirms(
    api, client, django_capture_on_commit_callbacks
):
    event, ticket = priced_event(tax_rate=Decimal("8"), tax_name="Sales tax")
    data = invoice_registration(api, event, attendee(ticket), attendee(ticket))
    assert (data["total"], data["amount_due"]) == ("1080.00", "1080.00")
    org = organizer_for(event)
    url = f"/api/v1/organizer/registrations/{data['reference']}/mark-paid/"
    first = org.post(
        url, {"amount": "500.00", "paid_at": "2026-01-15", "note": "Wire MERCY-1"}, format="json"
    )
    assert first.status_code == 200, first.json()
    assert (first.json()["status"], first.json()["amount_paid"], first.json()["amount_due"]) == (
        "pending_payment",
        "500.00",
        "580.00",
    )
    too_much = org.post(url, {"amount": "580.01"}, format="json")
    assert too_much.status_code == 400 and "amount" in too_much.json()["errors"]
    future = org.post(
        url,
        {"amount": "1.00", "paid_at": (timezone.now() + timedelta(days=2)).isoformat()},
        format="json",
    )
    assert future.status_code == 400 and "paid_at" in future.json()["errors"]
    assert org.post(url, {"amount": "-3"}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        last = org.post(url, {"note": "Cheque 1001"}, format="json")
    assert (last.json()["status"], last.json()["amount_due"]) == ("confirmed", "0.00")
    assert org.post(url, format="json").status_code == 409  # nothing is due any more
    with django_capture_on_commit_callbacks(execute=True):
        org.post(
            f"/api/v1/organizer/registrations/{data['reference']}/refund/",
            {"amount": "80.00", "reason": "One workshop cancelled"},
            format="json",
        )
    receipt = pdf_text(client, last.json()["receipt_url"])
    for expected in (
        "January 15, 2026: Payment received (Wire MERCY-1)",
        "500.00 USD",
        "(Cheque 1001)",
        "580.00 USD",
        "One workshop cancelled",
        "−80.00 USD",
        "Refunded",
        data["invoices"][0]["number"],
    ):
        assert expected in receipt, expected
    # The invoice itself shows no payments.
    assert "Wire MERCY-1" not in pdf_text(client, data["invoices"][0]["url"])


def test_an_invoice_unpaid_when_its_hold_lapses_is_voided_by_a_credit_note(api):
    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket))
    Registration.objects.filter(reference=data["reference"]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert registrations_expire_lapsed() == 1
    answer = api.get(f"/api/v1/registrations/{data['token']}/").json()
    invoice, credit = answer["invoices"]
    assert (credit["kind"], credit["total"], credit["refers_to"]) == (
        "credit_note",
        "-500.00",
        invoice["number"],
    )
    assert registrations_expire_lapsed() == 0
    assert len(api.get(f"/api/v1/registrations/{data['token']}/").json()["invoices"]) == 2


def test_paid_in_full_after_the_hold_lapsed_the_invoice_bills_the_whole_again(
    api, django_capture_on_commit_callbacks
):
    """Part paid, the hold lapses (the unpaid rest is credited), then the rest arrives and
    the registration is confirmed: the invoice in force bills what it owes, all of it."""
    from finance.models import Invoice
    from finance.selectors import open_invoice
    from finance.services.issuing import still_billed

    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket))
    org = organizer_for(event)
    url = f"/api/v1/organizer/registrations/{data['reference']}/mark-paid/"
    assert org.post(url, {"amount": "200.00"}, format="json").status_code == 200
    Registration.objects.filter(reference=data["reference"]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert registrations_expire_lapsed() == 1
    with django_capture_on_commit_callbacks(execute=True):
        paid = org.post(url, format="json")
    assert paid.json()["status"] == "confirmed", paid.json()
    registration = Registration.objects.get(reference=data["reference"])
    assert registration.amount_paid == registration.total
    assert still_billed(open_invoice(registration)) == registration.total
    documents = Invoice.objects.filter(registration=registration)
    assert sum(d.total for d in documents) == registration.total  # invoices less credits


def test_a_registration_paid_while_the_sweep_runs_keeps_its_invoice(api, monkeypatch):
    """The sweep reads the lapsed holds, then a mark-paid commits before its UPDATE (which
    then skips that row): the paid registration's invoice is not voided."""
    from django.db.models import QuerySet

    from finance.models import Invoice

    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket))
    Registration.objects.filter(reference=data["reference"]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    update = QuerySet.update

    def paid_meanwhile(self, **values):
        if values.get("status") == Registration.Status.EXPIRED:
            update(
                Registration.objects.filter(reference=data["reference"]),
                status=Registration.Status.CONFIRMED,
                amount_paid=Decimal("500.00"),
                expires_at=None,
            )
        return update(self, **values)

    monkeypatch.setattr(QuerySet, "update", paid_meanwhile)
    assert registrations_expire_lapsed() == 0
    registration = Registration.objects.get(reference=data["reference"])
    assert registration.status == Registration.Status.CONFIRMED
    assert not Invoice.objects.filter(registration=registration, kind="credit_note").exists()
