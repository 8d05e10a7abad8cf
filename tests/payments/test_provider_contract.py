"""A provider registered only in these tests (fake_provider.py) takes a registration
through payment, webhook, refund and a late payment: a second provider is its own module
plus two settings, nothing else."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from payments.models import Payment, ProcessedProviderEvent, Refund
from registrations.models import Registration
from tests.factories import EventFactory, TicketTypeFactory
from tests.payments import fake_provider
from tests.payments.fake_provider import DECLINED_TOKEN, sign
from tests.payments.test_stripe_payments import organizer_for
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fake(settings):
    """The test settings: the fake provider registered, and taking card payments."""
    settings.PAYMENT_PROVIDERS = settings.PAYMENT_PROVIDERS | {
        "fake": "tests.payments.fake_provider.FakeProvider"
    }
    settings.PAYMENT_METHODS = settings.PAYMENT_METHODS | {"card": "fake"}
    settings.REFUND_RETRY_SECONDS = 0
    fake_provider.server = fake_provider.FakeServer()
    return fake_provider.server


def registered(api, ticket) -> dict:
    response = register(api, ticket.event, body(attendee(ticket)))
    assert response.status_code == 201, response.json()
    return response.json()


def pay(api, data, token="tok_fake_ok"):
    return api.post(
        f"/api/v1/registrations/{data['token']}/payment/card/",
        {"payment_method": token},
        format="json",
    )


def webhook(client, event_id, kind, intent, amount="300.00", signature=None):
    raw, good = sign(
        {"id": event_id, "kind": kind, "intent": intent, "amount": amount, "currency": "USD"}
    )
    return client.post(
        "/payments/fake/webhook/",
        raw,
        content_type="application/json",
        HTTP_X_FAKE_SIGNATURE=signature or good,
    )


def test_a_registration_is_paid_through_the_fake_provider(api, fake):
    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("300.00"))
    data = registered(api, ticket)
    assert data["payment"]["provider"] == "fake"
    intent = data["payment"]["payment_intent"]
    assert fake.intents[intent]["amount"] == Decimal("300.00")

    declined = pay(api, data, token=DECLINED_TOKEN)
    assert declined.status_code == 402 and declined.json()["code"] == "card_declined"
    paid = pay(api, data)
    assert paid.status_code == 200, paid.json()
    assert paid.json()["status"] == "confirmed" and paid.json()["amount_paid"] == "300.00"
    payment = Payment.objects.get(status="succeeded")
    assert payment.provider == "fake" and payment.provider_ref != intent  # a fresh intent


def test_its_webhooks_are_verified_and_taken_in_once(api, client, fake):
    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("300.00"))
    data = registered(api, ticket)
    intent = data["payment"]["payment_intent"]
    assert (
        webhook(client, "fe_1", "payment_succeeded", intent, signature="forged").status_code == 400
    )
    assert not ProcessedProviderEvent.objects.exists()

    fake.intents[intent]["status"] = "succeeded"  # paid at the provider; only the webhook tells
    assert webhook(client, "fe_1", "payment_succeeded", intent).json()["outcome"] == "settled"
    assert webhook(client, "fe_1", "payment_succeeded", intent).json()["outcome"] == "duplicate"
    assert Registration.objects.get(token=data["token"]).status == "confirmed"
    record = ProcessedProviderEvent.objects.get()
    assert (record.provider, record.event_id) == ("fake", "fe_1")
    # The same event id from another provider is another event.
    assert (
        client.post("/payments/nobody/webhook/", b"{}", content_type="application/json").status_code
        == 404
    )
    assert (
        client.post(
            "/payments/invoice/webhook/", b"{}", content_type="application/json"
        ).status_code
        == 404
    )


def test_an_organizer_refunds_through_the_provider_that_took_the_money(api, fake):
    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("300.00"))
    data = registered(api, ticket)
    pay(api, data)
    org = organizer_for(ticket.event)
    url = f"/api/v1/organizer/registrations/{data['reference']}/refund/"
    partial = org.post(url, {"amount": "100.00"}, format="json")
    assert partial.status_code == 200, partial.json()
    assert partial.json()["amount_refunded"] == "100.00"
    assert [r["amount"] for r in fake.refunds] == [Decimal("100.00")]
    entry = AuditEntry.objects.get(action="refund")
    assert entry.details == {"amount": "100.00", "currency": "USD"}
    assert entry.target == data["reference"] and entry.actor is not None


def test_a_late_payment_for_a_seat_given_away_is_refunded_after_commit_despite_a_failure(
    api, client, fake, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("300.00"), capacity=1)
    late = registered(api, ticket)
    Registration.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    taker = registered(api, ticket)  # the freed seat goes to someone else
    pay(api, taker)
    intent = late["payment"]["payment_intent"]
    fake.intents[intent]["status"] = "succeeded"  # the late buyer pays anyway
    fake.failing_refunds = 1  # and the provider is down for the first refund attempt

    fake.calls.clear()
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        answer = webhook(client, "fe_late", "payment_succeeded", intent)
    assert answer.json()["outcome"] == "settled"
    assert fake.calls == []  # decided in the webhook's transaction, nothing sent yet
    refund = Refund.objects.get(payment__provider_ref=intent)
    assert refund.status == "pending" and refund.amount == Decimal("300.00")

    for callback in after_commit:  # the commit: the task runs, fails once, retries
        callback()
    assert fake.calls.count("refund") == 2
    refund.refresh_from_db()
    assert refund.status == "succeeded" and refund.provider_ref.startswith("fr_")
    registration = Registration.objects.get(token=late["token"])
    assert registration.status == "refunded"
    assert registration.amount_paid == registration.amount_refunded == Decimal("300.00")
    assert len(fake.refunds) == 1


def test_a_late_payment_whose_promo_uses_went_to_others_is_refunded(
    api, client, fake, django_capture_on_commit_callbacks
):
    from registrations.models import PromoCode

    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("300.00"))
    PromoCode.objects.create(event=ticket.event, code="ONCE", percent_off=50, max_uses=1)
    late = registered_with(api, ticket, promo_code="ONCE")
    Registration.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    taker = registered_with(api, ticket, promo_code="ONCE")  # the lapsed hold freed the use
    pay(api, taker)
    intent = late["payment"]["payment_intent"]
    fake.intents[intent]["status"] = "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        webhook(client, "fe_promo", "payment_succeeded", intent, amount="150.00")
    registration = Registration.objects.get(token=late["token"])
    assert registration.status == "refunded"
    assert registration.amount_refunded == Decimal("150.00")


def registered_with(api, ticket, **options) -> dict:
    response = register(api, ticket.event, body(attendee(ticket), **options))
    assert response.status_code == 201, response.json()
    return response.json()


def test_cancelling_with_a_refund_still_pending_never_refunds_more_than_was_paid(api, fake):
    from payments.errors import PaymentUnavailable  # noqa: F401 - the 409 below

    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("300.00"))
    data = registered(api, ticket)
    pay(api, data)
    org = organizer_for(ticket.event)
    fake.failing_refunds = 100  # the provider is down for a while
    url = f"/api/v1/organizer/registrations/{data['reference']}/refund/"
    assert org.post(url, {"amount": "100.00"}, format="json").status_code == 409
    api.post(f"/api/v1/registrations/{data['token']}/cancel/")
    pending = Refund.objects.filter(status="pending")
    assert sum(r.amount for r in pending) == Decimal("300.00")  # 100, then the 200 left


def test_the_periodic_retry_sends_each_pending_refund_on_its_own(api, fake):
    from payments.tasks import retry_pending_refunds

    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("300.00"))
    data = registered(api, ticket)
    pay(api, data)
    org = organizer_for(ticket.event)
    url = f"/api/v1/organizer/registrations/{data['reference']}/refund/"
    fake.failing_refunds = 100
    for amount in ("100.00", "50.00"):
        org.post(url, {"amount": amount}, format="json")
    Refund.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    fake.failing_refunds = 1  # the first of them fails again; the other goes through
    retry_pending_refunds.delay()
    assert sorted(Refund.objects.values_list("status", flat=True)) == ["pending", "succeeded"]


def test_the_late_payment_email_states_the_amount_refunded(
    api, client, fake, django_capture_on_commit_callbacks
):
    from django.core import mail

    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("300.00"), capacity=1)
    late = registered(api, ticket)
    Registration.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    pay(api, registered(api, ticket))
    intent = late["payment"]["payment_intent"]
    fake.intents[intent]["status"] = "succeeded"
    fake.failing_refunds = 100  # not yet refunded when the email goes out
    with django_capture_on_commit_callbacks(execute=True):
        webhook(client, "fe_mail", "payment_succeeded", intent)
    [message] = [m for m in mail.outbox if "refunded" in m.subject]
    assert "300.00 USD" in message.body


def test_a_late_payment_failed_event_tells_a_paid_buyer_nothing(api, client, fake):
    from registrations.messaging.models import OutboxMessage

    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("300.00"))
    data = registered(api, ticket)
    intent = data["payment"]["payment_intent"]
    assert webhook(client, "fe_f1", "payment_failed", intent).status_code == 200
    assert OutboxMessage.objects.filter(kind="payment_failed").count() == 1  # still payable
    pay(api, data)
    webhook(client, "fe_f2", "payment_failed", intent)  # out of order, after the payment
    assert OutboxMessage.objects.filter(kind="payment_failed").count() == 1
