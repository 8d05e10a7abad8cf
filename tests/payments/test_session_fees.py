"""A session with a fee offered from its waiting list: the attendee pays its fee by card
on the offer's page (against the local Stripe server), and the paid fee adds the session;
a fee paid once the seat is gone is refunded in full, the registration otherwise unchanged."""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from payments.models import Payment, ProcessedProviderEvent, Refund
from registrations.models import Registration, SessionChoice, SessionWaitlistEntry
from registrations.shares import attendee_amounts_paid
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.payments.helpers import card_token, pay_at_stripe
from tests.payments.test_stripe_payments import post_event, succeeded
from tests.registrations.helpers import attendee, body, register, run_beat_schedule

pytestmark = pytest.mark.django_db
Status = SessionWaitlistEntry.Status
FEE = Decimal("95.00")


@pytest.fixture
def event(db):
    return EventFactory(capacity=100, name="Patient Safety Congress")


@pytest.fixture
def workshop(event):
    return SessionFactory(event=event, title="Simulation lab", capacity=1, price=FEE)


def registered(api, stripe, ticket, sessions=(), email=None) -> dict:
    """A registration of one attendee, paid by card when it costs something."""
    person = attendee(ticket, sessions, **({"email": email} if email else {}))
    data = register(api, ticket.event, body(person)).json()
    if data["status"] == "pending_payment":
        paid = api.post(
            f"/api/v1/registrations/{data['token']}/payment/card/",
            {"payment_method": card_token(stripe)},
            format="json",
        )
        assert paid.json()["status"] == "confirmed", paid.json()
    return {**api.get(f"/api/v1/registrations/{data['token']}/").json(), "token": data["token"]}


def offer_to_second(api, stripe, ticket, workshop, capture) -> tuple[dict, SessionWaitlistEntry]:
    """The workshop's only seat is taken; a second attendee waits (the fee no longer keeps
    them off the list); the first cancels: the seat is offered to the second."""
    holder = registered(api, stripe, ticket, [workshop])
    waiting = registered(api, stripe, ticket, email="next@example.org")
    person = waiting["attendees"][0]["id"]
    joined = api.post(
        f"/api/v1/registrations/{waiting['token']}/attendees/{person}/waitlist/",
        {"session": workshop.id},
        format="json",
    )
    assert joined.status_code == 201, joined.json()
    with capture(execute=True):  # the offer's email goes after commit
        api.post(f"/api/v1/registrations/{holder['token']}/cancel/")
    entry = SessionWaitlistEntry.objects.get(attendee_id=person)
    assert entry.status == Status.OFFERED
    return waiting, entry


def pay_fee(client, stripe, entry) -> dict:
    token = entry.offer_token
    page = client.get(f"/payments/session-offers/{token}/pay/")
    assert page.status_code == 200
    assert "Pay 95.00 USD" in page.content.decode()
    answer = client.post(
        f"/payments/session-offers/{token}/card/",
        json.dumps({"payment_method": card_token(stripe)}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.json()
    return answer.json()


def test_a_paid_fee_adds_the_session_and_the_amounts_add_up(
    api, client, stripe, event, workshop, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory(event=event, price=Decimal("450.00"))
    waiting, entry = offer_to_second(
        api, stripe, ticket, workshop, django_capture_on_commit_callbacks
    )
    [offer] = [m for m in mail.outbox if m.to == ["next@example.org"] and "seat" in m.subject]
    assert "95.00" in offer.body and "paid by card" in offer.body
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Pay and add this session" in page and "95.00" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        paid = pay_fee(client, stripe, entry)
    assert paid["status"] == "succeeded"
    back = client.get(paid["next"])
    assert back.status_code == 302 and back["Location"] == entry.get_absolute_url()

    entry.refresh_from_db()
    assert entry.status == Status.REDEEMED
    after = api.get(f"/api/v1/registrations/{waiting['token']}/").json()
    assert [s["id"] for s in after["attendees"][0]["sessions"]] == [workshop.id]
    assert after["status"] == "confirmed"
    assert Decimal(after["total"]) == Decimal("545.00") == Decimal(after["amount_paid"])
    registration = Registration.objects.get(reference=waiting["reference"])
    assert registration.amount_due == 0
    assert sum(attendee_amounts_paid(registration).values()) == Decimal("545.00")
    assert sorted(p.amount for p in registration.payments.filter(status="succeeded")) == [
        FEE,
        Decimal("450.00"),
    ]
    assert [m.subject for m in mail.outbox if m.to == ["next@example.org"]] == [
        "Your session: Simulation lab"
    ]
    # The offer is used: its page says so, and it takes no second payment.
    assert client.get(f"/payments/session-offers/{entry.offer_token}/pay/").status_code == 302
    assert Payment.objects.filter(session_offer=entry).count() == 1


def test_cancelling_refunds_the_ticket_and_the_fee_each_through_its_payment(
    api, client, stripe, event, workshop, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory(event=event, price=Decimal("450.00"))
    waiting, entry = offer_to_second(
        api, stripe, ticket, workshop, django_capture_on_commit_callbacks
    )
    pay_fee(client, stripe, entry)
    cancelled = api.post(f"/api/v1/registrations/{waiting['token']}/cancel/").json()
    assert cancelled["status"] == "refunded"  # cancelled, and everything paid given back
    refunds = Refund.objects.filter(payment__registration__reference=waiting["reference"])
    assert sorted((r.payment.amount, r.amount, r.status) for r in refunds) == [
        (FEE, FEE, "succeeded"),
        (Decimal("450.00"), Decimal("450.00"), "succeeded"),
    ]
    registration = Registration.objects.get(reference=waiting["reference"])
    assert registration.amount_refunded == registration.amount_paid == Decimal("545.00")


def test_a_fee_paid_after_the_seat_went_to_someone_else_is_refunded_in_full(
    api, client, stripe, event, workshop, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))  # a free ticket
    waiting, entry = offer_to_second(
        api, stripe, ticket, workshop, django_capture_on_commit_callbacks
    )
    third = registered(api, stripe, ticket, email="third@example.org")
    third_person = third["attendees"][0]["id"]
    api.post(
        f"/api/v1/registrations/{third['token']}/attendees/{third_person}/waitlist/",
        {"session": workshop.id},
        format="json",
    )
    intent = client.get(f"/payments/session-offers/{entry.offer_token}/pay/")
    payment = Payment.objects.get(session_offer=entry)
    assert intent.status_code == 200 and payment.status == "open"
    pay_at_stripe(stripe, payment.provider_ref)  # paid at the bank; the webhook is late
    # Meanwhile the offer lapses, and the periodic sweep passes the seat on.
    SessionWaitlistEntry.objects.filter(pk=entry.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    run_beat_schedule()
    assert SessionWaitlistEntry.objects.get(attendee_id=third_person).status == Status.OFFERED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the late webhook arrives
        delivered = post_event(
            client, succeeded({"payment": {"payment_intent": payment.provider_ref}}, amount=9500)
        )
    assert delivered.json() == {"outcome": "settled"}
    back = client.get(f"/payments/session-offers/{entry.offer_token}/return/")
    assert back.status_code == 302 and back["Location"] == entry.get_absolute_url()
    assert not SessionChoice.objects.filter(session=workshop, attendee=entry.attendee).exists()
    registration = Registration.objects.get(reference=waiting["reference"])
    assert registration.status == "confirmed"  # a free registration stays, fee refunded
    assert registration.total == 0
    assert registration.amount_paid == registration.amount_refunded == FEE
    [refunded] = [m for m in mail.outbox if "refunded" in m.subject]
    assert refunded.to == ["next@example.org"]  # the attendee who paid it
    assert "Simulation lab" in refunded.body and "95.00" in refunded.body


def test_no_payment_is_taken_for_a_session_that_would_clash(
    api, client, stripe, event, workshop, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    waiting, entry = offer_to_second(
        api, stripe, ticket, workshop, django_capture_on_commit_callbacks
    )
    same_time = SessionFactory(
        event=event, starts_at=workshop.starts_at, ends_at=workshop.ends_at, capacity=5
    )
    person = waiting["attendees"][0]["id"]
    api.patch(
        f"/api/v1/registrations/{waiting['token']}/attendees/{person}/",
        {"sessions": [same_time.id]},
        format="json",
    )
    page = client.get(f"/payments/session-offers/{entry.offer_token}/pay/", follow=True)
    assert "same time" in page.content.decode()
    assert not Payment.objects.filter(session_offer=entry).exists()
    entry.refresh_from_db()
    assert entry.status == Status.OFFERED  # drop the other session and come back


def test_accepting_a_paid_offer_without_paying_is_409(
    api, client, stripe, event, workshop, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    _, entry = offer_to_second(api, stripe, ticket, workshop, django_capture_on_commit_callbacks)
    assert client.post(entry.get_absolute_url()).status_code == 409
    assert not SessionChoice.objects.filter(session=workshop, attendee=entry.attendee).exists()


@pytest.mark.django_db(transaction=True)
def test_the_webhook_alone_adds_the_paid_session(
    api, client, stripe_webhooks, stripe, event, django_capture_on_commit_callbacks
):
    workshop = SessionFactory(event=event, title="Simulation lab", capacity=1, price=FEE)
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    _, entry = offer_to_second(api, stripe, ticket, workshop, django_capture_on_commit_callbacks)
    client.get(f"/payments/session-offers/{entry.offer_token}/pay/")
    payment = Payment.objects.get(session_offer=entry)
    pay_at_stripe(stripe, payment.provider_ref)  # paid at the bank; only the webhook tells
    started = time.monotonic()
    settled = ProcessedProviderEvent.objects.filter(
        kind="payment_succeeded", outcome="settled", event_id__isnull=False
    )
    while time.monotonic() - started < 15:
        entry.refresh_from_db()
        if entry.status == Status.REDEEMED:
            break
        time.sleep(0.1)
    assert settled.exists()
    assert entry.status == Status.REDEEMED
    assert SessionChoice.objects.filter(session=workshop, attendee=entry.attendee).exists()


def test_with_tax_the_fee_carries_its_tax_and_the_invoice_is_issued_anew(
    api, client, stripe, django_capture_on_commit_callbacks
):
    """Prices exclude a 10% tax: the fee due is the session's price and its tax; the
    invoice in force is credited in full and a new one bills the new total."""
    event = EventFactory(capacity=100, tax_rate=Decimal("10.00"), tax_name="Sales tax")
    workshop = SessionFactory(event=event, title="Simulation lab", capacity=1, price=FEE)
    ticket = TicketTypeFactory(event=event, price=Decimal("450.00"))
    waiting, entry = offer_to_second(
        api, stripe, ticket, workshop, django_capture_on_commit_callbacks
    )
    assert Decimal(waiting["total"]) == Decimal("495.00")
    [first] = waiting["invoices"]
    assert Decimal(first["total"]) == Decimal("495.00")
    page = client.get(f"/payments/session-offers/{entry.offer_token}/pay/").content.decode()
    assert "Pay 104.50 USD" in page
    answer = client.post(
        f"/payments/session-offers/{entry.offer_token}/card/",
        json.dumps({"payment_method": card_token(stripe)}),
        content_type="application/json",
    )
    assert answer.json()["status"] == "succeeded", answer.json()
    after = api.get(f"/api/v1/registrations/{waiting['token']}/").json()
    assert (after["subtotal"], after["tax"], after["total"], after["amount_paid"]) == (
        "545.00",
        "54.50",
        "599.50",
        "599.50",
    )
    assert after["amount_due"] == "0.00"
    kinds = [(i["kind"], i["total"], i["refers_to"]) for i in after["invoices"]]
    assert ("credit_note", "-495.00", first["number"]) in kinds
    assert ("invoice", "599.50", None) in kinds


def test_a_refused_fee_refunded_leaves_the_ticket_invoice_whole(
    api, client, stripe, event, workshop, django_capture_on_commit_callbacks
):
    """A paid ticket; the session's fee comes too late and is refunded: the registration's
    invoice still bills its ticket in full (the fee was never on it, nor its refund)."""
    from finance.selectors import open_invoice
    from finance.services.issuing import still_billed

    ticket = TicketTypeFactory(event=event, price=Decimal("450.00"))
    waiting, entry = offer_to_second(
        api, stripe, ticket, workshop, django_capture_on_commit_callbacks
    )
    client.get(f"/payments/session-offers/{entry.offer_token}/pay/")
    payment = Payment.objects.get(session_offer=entry)
    pay_at_stripe(stripe, payment.provider_ref)
    SessionWaitlistEntry.objects.filter(pk=entry.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    registered(api, stripe, ticket, [workshop], email="taker@example.org")  # the seat goes
    with django_capture_on_commit_callbacks(execute=True):
        post_event(
            client, succeeded({"payment": {"payment_intent": payment.provider_ref}}, amount=9500)
        )
    registration = Registration.objects.get(reference=waiting["reference"])
    assert (registration.total, registration.amount_paid, registration.amount_refunded) == (
        Decimal("450.00"),
        Decimal("545.00"),
        FEE,
    )
    assert still_billed(open_invoice(registration)) == Decimal("450.00")
