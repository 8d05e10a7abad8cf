"""Card payments against a real local Stripe server (localstripe)."""

import io
import time
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.utils import timezone
from pypdf import PdfReader

from payments.models import Payment, ProcessedProviderEvent, Refund
from registrations.models import Registration
from tests.factories import EventFactory, OrganizerFactory, TicketTypeFactory
from tests.payments.helpers import CARD_DECLINED, card_token, event, pay_at_stripe, signed
from tests.registrations.helpers import attendee, body, register

WEBHOOK = "/payments/stripe/webhook/"


@pytest.fixture
def ticket(db):
    return TicketTypeFactory(event=EventFactory(), price=Decimal("450.00"), capacity=5)


def new_registration(api, ticket, **overrides) -> dict:
    response = register(api, ticket.event, body(attendee(ticket), **overrides))
    assert response.status_code == 201, response.json()
    return response.json()


def pay(api, stripe, data, number="4242424242424242"):
    return api.post(
        f"/api/v1/registrations/{data['token']}/payment/card/",
        {"payment_method": card_token(stripe, number)},
        format="json",
    )


def post_event(client, payload, **kwargs):
    raw, signature = signed(payload, **kwargs)
    return client.post(
        WEBHOOK, raw, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def test_registration_answer_carries_the_payment_intent(api, stripe, ticket):
    data = new_registration(api, ticket)
    payment = data["payment"]
    assert payment["provider"] == "stripe"
    assert payment["payment_intent"].startswith("pi_")
    assert payment["client_secret"] and payment["publishable_key"] == "pk_test_local"
    intent = requests.get(
        f"{stripe}/v1/payment_intents/{payment['payment_intent']}",
        auth=("sk_test_local", ""),
        timeout=5,
    ).json()
    assert intent["amount"] == 45000 and intent["currency"] == "usd"
    assert intent["metadata"]["reference"] == data["reference"]


def test_one_intent_per_registration_however_often_asked(api, stripe, ticket):
    data = new_registration(api, ticket)
    again = api.post(f"/api/v1/registrations/{data['token']}/payment/").json()
    assert again["payment"]["payment_intent"] == data["payment"]["payment_intent"]
    assert Payment.objects.count() == 1


def test_paying_with_a_card_confirms_and_gives_a_receipt(api, client, stripe, ticket):
    data = new_registration(api, ticket)
    response = pay(api, stripe, data)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "confirmed"
    assert response.json()["amount_paid"] == "450.00"
    receipt = client.get(f"/payments/{data['token']}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(receipt.content)).pages[0].extract_text()
    assert data["reference"] in text and "450.00" in text
    assert (
        api.get(f"/api/v1/registrations/{data['token']}/")
        .json()["receipt_url"]
        .endswith("/receipt.pdf")
    )


def test_declined_card_keeps_the_hold_and_the_intent(api, stripe, ticket):
    data = new_registration(api, ticket)
    response = pay(api, stripe, data, CARD_DECLINED)
    assert response.status_code == 402
    assert response.json()["code"] == "card_declined" and response.json()["detail"]
    again = api.get(f"/api/v1/registrations/{data['token']}/").json()
    assert again["status"] == "pending_payment"
    # a second card works; the declined intent was cancelled so it can never be paid
    assert pay(api, stripe, data).json()["status"] == "confirmed"
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["canceled", "succeeded"]


@pytest.mark.django_db(transaction=True)
def test_the_webhook_alone_confirms_a_payment(api, stripe_webhooks, stripe, ticket):
    data = new_registration(api, ticket)
    started = time.monotonic()
    pay_at_stripe(stripe, data["payment"]["payment_intent"])
    # (other tests' payments may also be announced here: the Stripe server is shared)
    settled = ProcessedProviderEvent.objects.filter(kind="payment_succeeded", outcome="settled")
    while not settled.exists() and time.monotonic() - started < 15:
        time.sleep(0.1)
    registration = Registration.objects.get(reference=data["reference"])
    assert registration.status == "confirmed"
    assert registration.amount_paid == Decimal("450.00")


def test_return_page_confirms_when_the_webhook_is_lost(api, client, stripe, ticket):
    data = new_registration(api, ticket)
    pay_at_stripe(stripe, data["payment"]["payment_intent"])  # no webhook reaches us
    response = client.get(f"/payments/{data['token']}/return/")
    assert response.status_code == 302
    assert Registration.objects.get(reference=data["reference"]).status == "confirmed"


def succeeded(data, event_id="evt_1", amount=45000, currency="usd"):
    return event(
        event_id,
        "payment_intent.succeeded",
        {
            "id": data["payment"]["payment_intent"],
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount,
            "currency": currency,
            "status": "succeeded",
        },
    )


def test_replayed_event_changes_nothing(api, client, stripe, ticket):
    data = new_registration(api, ticket)
    assert post_event(client, succeeded(data)).json()["outcome"] == "settled"
    assert post_event(client, succeeded(data)).json()["outcome"] == "duplicate"
    registration = Registration.objects.get(reference=data["reference"])
    assert registration.status == "confirmed" and registration.amount_paid == Decimal("450.00")
    assert ProcessedProviderEvent.objects.count() == 1
    # a different event id about the same payment changes nothing either
    assert post_event(client, succeeded(data, "evt_2")).status_code == 200
    registration.refresh_from_db()
    assert registration.amount_paid == Decimal("450.00")


@pytest.mark.parametrize(
    "tamper",
    [
        {"secret": "whsec_forged"},
        {"at": int(time.time()) - 3600},  # stale
    ],
)
def test_forged_and_stale_signatures_are_400_and_change_nothing(
    api, client, stripe, ticket, tamper
):
    data = new_registration(api, ticket)
    response = post_event(client, succeeded(data), **tamper)
    assert response.status_code == 400
    assert Registration.objects.get(reference=data["reference"]).status == "pending_payment"
    assert not ProcessedProviderEvent.objects.exists()


def test_unsigned_and_garbage_webhooks_are_400(client, stripe, db):
    assert client.post(WEBHOOK, b"{}", content_type="application/json").status_code == 400
    response = client.post(
        WEBHOOK, b"not json", content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=ab"
    )
    assert response.status_code == 400
    assert client.get(WEBHOOK).status_code == 405


def test_amount_mismatch_is_flagged_not_confirmed(api, client, stripe, ticket):
    data = new_registration(api, ticket)
    post_event(client, succeeded(data, amount=100))
    registration = Registration.objects.get(reference=data["reference"])
    assert registration.status == "pending_payment"
    assert "expected 450.00" in registration.needs_attention


def test_payment_failed_event_keeps_it_payable(api, client, stripe, ticket):
    data = new_registration(api, ticket)
    failed = event(
        "evt_f",
        "payment_intent.payment_failed",
        {
            "id": data["payment"]["payment_intent"],
            "object": "payment_intent",
            "amount": 45000,
            "currency": "usd",
            "last_payment_error": {"message": "Your card was declined."},
        },
    )
    assert post_event(client, failed).status_code == 200
    assert api.get(f"/api/v1/registrations/{data['token']}/").json()["status"] == "pending_payment"
    assert Payment.objects.get().last_error == "Your card was declined."


def organizer_for(event):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    user = OrganizerFactory()
    event.organizers.add(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_partial_then_full_refund_and_never_more_than_paid(api, stripe, ticket):
    data = new_registration(api, ticket)
    pay(api, stripe, data)
    org = organizer_for(ticket.event)
    url = f"/api/v1/organizer/registrations/{data['reference']}/refund/"
    response = org.post(url, {"amount": "100.00"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["amount_refunded"] == "100.00"
    assert response.json()["status"] == "confirmed"
    too_much = org.post(url, {"amount": "400.00"}, format="json")
    assert too_much.status_code == 400 and "amount" in too_much.json()["errors"]
    rest = org.post(url, {}, format="json").json()
    assert rest["amount_refunded"] == "450.00" and rest["status"] == "refunded"
    assert org.post(url, {}, format="json").status_code == 400
    assert Refund.objects.filter(status="succeeded").count() == 2
    assert all(r.provider_ref.startswith("re_") for r in Refund.objects.all())


def test_refund_made_in_the_stripe_dashboard_is_recorded_once(api, client, stripe, ticket):
    data = new_registration(api, ticket)
    pay(api, stripe, data)
    refunded = event(
        "evt_r",
        "charge.refunded",
        {
            "id": "ch_1",
            "object": "charge",
            "payment_intent": data["payment"]["payment_intent"],
            "amount": 45000,
            "amount_refunded": 15000,
            "currency": "usd",
            "refunds": {"data": [{"id": "re_dashboard", "amount": 15000}]},
        },
    )
    assert post_event(client, refunded).status_code == 200
    refunded["id"] = "evt_r_again"  # same refund, told again in another event
    post_event(client, refunded)
    registration = Registration.objects.get(reference=data["reference"])
    assert registration.amount_refunded == Decimal("150.00")


def test_dispute_flags_the_registration(api, client, stripe, ticket):
    data = new_registration(api, ticket)
    pay(api, stripe, data)
    dispute = event(
        "evt_d",
        "charge.dispute.created",
        {
            "id": "dp_1",
            "object": "dispute",
            "payment_intent": data["payment"]["payment_intent"],
            "amount": 45000,
            "currency": "usd",
            "reason": "fraudulent",
        },
    )
    post_event(client, dispute)
    assert "dispute" in Registration.objects.get(reference=data["reference"]).needs_attention


def test_invoice_registration_then_mark_paid(api, client, stripe, ticket):
    data = new_registration(api, ticket, payment_method="invoice")
    assert data["payment"] is None and data["status"] == "pending_payment"
    expires = timezone.datetime.fromisoformat(data["expires_at"])
    assert expires - timezone.now() > timedelta(days=20)
    pdf = client.get(f"/payments/{data['token']}/invoice.pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert data["reference"] in text and "450.00" in text
    org = organizer_for(ticket.event)
    url = f"/api/v1/organizer/registrations/{data['reference']}/mark-paid/"
    response = org.post(url)
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    assert org.post(url).status_code == 409


def test_mark_paid_is_only_for_invoices_and_organizers_of_the_event(api, stripe, ticket):
    data = new_registration(api, ticket)
    url = f"/api/v1/organizer/registrations/{data['reference']}/mark-paid/"
    assert organizer_for(ticket.event).post(url).json()["code"] == "invalid_state"
    assert organizer_for(EventFactory()).post(url).status_code == 404
    assert api.post(url).status_code == 401


def test_free_registration_needs_no_payment(api, stripe, db):
    free = TicketTypeFactory(price=Decimal("0.00"))
    data = register(api, free.event, body(attendee(free))).json()
    assert data["status"] == "confirmed" and data["payment"] is None
    assert not Payment.objects.exists()


def test_late_payment_keeps_seats_that_are_still_free(api, client, stripe, ticket):
    data = new_registration(api, ticket)
    Registration.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    post_event(client, succeeded(data))
    registration = Registration.objects.get(reference=data["reference"])
    assert registration.status == "confirmed" and registration.amount_refunded == 0


def test_late_payment_for_a_seat_given_away_is_refunded_in_full(
    api, client, stripe, db, django_capture_on_commit_callbacks
):
    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("450.00"), capacity=1)
    late = new_registration(api, ticket)
    Registration.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    taker = new_registration(api, ticket)  # the freed seat goes to someone else
    pay(api, stripe, taker)
    pay_at_stripe(stripe, late["payment"]["payment_intent"])  # the late buyer pays anyway
    with django_capture_on_commit_callbacks(execute=True):  # the refund goes after commit
        post_event(client, succeeded(late))
    registration = Registration.objects.get(reference=late["reference"])
    assert registration.status == "refunded"
    assert registration.amount_paid == registration.amount_refunded == Decimal("450.00")
    assert Refund.objects.get(payment__registration=registration).provider_ref.startswith("re_")


def test_stripe_unreachable_leaves_the_registration_payable(api, settings, stripe, ticket):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = register(api, ticket.event, body(attendee(ticket)))
    assert response.status_code == 201
    data = response.json()
    assert data["payment"] is None and "payment_error" in data
    assert data["status"] == "pending_payment"
    retry = api.post(f"/api/v1/registrations/{data['token']}/payment/")
    assert retry.status_code == 409 and retry.json()["code"] == "payment_unavailable"
    settings.STRIPE_API_BASE = stripe
    again = api.post(f"/api/v1/registrations/{data['token']}/payment/").json()
    assert again["payment"]["payment_intent"].startswith("pi_")


def test_cancellation_refunds_by_the_events_policy(api, stripe, db):
    now = timezone.now()
    the_event = EventFactory(
        refund_full_until=now - timedelta(days=1),
        refund_none_after=now + timedelta(days=1),
        cancellation_fee=Decimal("100.00"),
    )
    ticket = TicketTypeFactory(event=the_event, price=Decimal("450.00"))
    data = new_registration(api, ticket)
    pay(api, stripe, data)
    cancelled = api.post(f"/api/v1/registrations/{data['token']}/cancel/").json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["amount_refunded"] == "350.00"


def test_cancelling_an_unpaid_registration_cancels_its_intent(api, stripe, ticket):
    data = new_registration(api, ticket)
    api.post(f"/api/v1/registrations/{data['token']}/cancel/")
    intent = requests.get(
        f"{stripe}/v1/payment_intents/{data['payment']['payment_intent']}",
        auth=("sk_test_local", ""),
        timeout=5,
    ).json()
    assert intent["status"] == "canceled"
    assert Payment.objects.get().status == "canceled"


def test_lapsed_holds_have_their_intents_cancelled(api, stripe, ticket):
    from payments.services.intents import payments_cancel_stale

    data = new_registration(api, ticket)
    Registration.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert payments_cancel_stale() == 1
    intent = requests.get(
        f"{stripe}/v1/payment_intents/{data['payment']['payment_intent']}",
        auth=("sk_test_local", ""),
        timeout=5,
    ).json()
    assert intent["status"] == "canceled"
