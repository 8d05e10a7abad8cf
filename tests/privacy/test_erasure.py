from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from payments.models import Payment, Refund
from payments.services.refunds import registration_cancel_with_refund
from registrations.ce.selectors import ce_report_rows
from registrations.messaging.models import OutboxMessage
from registrations.models import (
    Attendee,
    Attestation,
    CheckIn,
    Registration,
    WaitlistEntry,
)
from registrations.privacy.erasure import registration_erase
from tests.ce.helpers import attest, check_in, make_ce_event, move_into_past, registered
from tests.privacy.helpers import NPI, paid_group
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


def erase(api, token: str, payload=None):
    return api.post(
        f"/api/v1/registrations/{token}/erase/",
        {"confirm": True} if payload is None else payload,
        format="json",
    )


def export(api, token: str) -> dict:
    return api.get(f"/api/v1/registrations/{token}/personal-data/").json()


def test_a_live_registration_must_be_cancelled_first(api):
    group = paid_group(api)  # confirmed, event ahead

    response = erase(api, group.token)

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert "cancel it first" in response.json()["detail"]
    assert export(api, group.token)["buyer"]["email"] == "ada@example.org"
    assert not AuditEntry.objects.filter(action="data_erasure").exists()


def test_a_pending_registration_with_a_live_hold_is_live_too(api):
    group = paid_group(api)
    Registration.objects.filter(pk=group.registration.pk).update(
        status="pending_payment", expires_at=timezone.now() + timedelta(minutes=10)
    )
    assert erase(api, group.token).status_code == 409


@pytest.mark.parametrize("payload", [{}, {"confirm": False}, {"confirm": "maybe"}])
def test_erasure_must_be_confirmed(api, payload):
    group = paid_group(api)
    registration_cancel_with_refund(registration=group.registration)

    response = erase(api, group.token, payload)

    assert response.status_code == 400
    assert "confirm" in response.json()["errors"]
    assert export(api, group.token)["erased"] is False


def test_erasure_replaces_personal_data_and_keeps_the_financial_record(api):
    group = paid_group(api)
    registration_cancel_with_refund(registration=group.registration)
    other = WaitlistEntry.objects.create(
        event=group.event,
        ticket_type=group.sold_out,
        first_name="Someone",
        last_name="Else",
        email="someone@example.org",
    )
    unsent = OutboxMessage.objects.filter(registration=group.registration, sent_at=None)
    assert unsent.exists()  # on_commit never ran: nothing has been sent yet
    group.registration.refresh_from_db()
    paid = (group.registration.amount_paid, group.registration.amount_refunded)
    assert paid == (Decimal("1050.00"), Decimal("1050.00"))  # 100 goodwill + 950 on cancel

    response = erase(api, group.token)

    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["reference"] == group.registration.reference
    assert "buyer.email" in answer["erased"]
    assert any("financial records" in reason for reason in answer["kept"])
    registration = Registration.objects.get(pk=group.registration.pk)
    assert (registration.buyer_first_name, registration.buyer_last_name) == ("Erased", "Erased")
    assert registration.buyer_email == f"erased-r{registration.pk}@erased.invalid"
    assert (registration.amount_paid, registration.amount_refunded) == paid
    assert registration.reference == group.registration.reference
    assert Payment.objects.filter(registration=registration).count() == 1
    assert Refund.objects.filter(payment__registration=registration).count() == 2
    for person in Attendee.objects.filter(registration=registration):
        assert (person.first_name, person.last_name) == ("Erased", "Erased")
        assert person.email == f"erased-a{person.pk}@erased.invalid"
        assert person.organization == person.job_title == person.member_number == ""
        assert person.dietary_needs == person.accessibility_needs == person.profession == ""
        assert person.credentials == {}
        assert person.answers == {}
    messages = OutboxMessage.objects.filter(registration=registration)
    assert all(m.to_email.endswith("@erased.invalid") for m in messages)
    assert all(m.context == {} for m in messages)
    assert not any("@example.org" in (m.dedupe_key or "") for m in messages)
    assert not messages.filter(sent_at=None).exists()  # closed: the worker never sends them
    entry = WaitlistEntry.objects.get(pk=group.waitlist_entry.pk)
    assert (entry.first_name, entry.email) == ("Erased", f"erased-w{entry.pk}@erased.invalid")
    assert entry.status == WaitlistEntry.Status.WITHDRAWN
    other.refresh_from_db()
    assert (other.email, other.status) == ("someone@example.org", "waiting")
    audit = AuditEntry.objects.get(action="data_erasure")
    assert audit.target == registration.reference
    assert audit.event == group.event


def test_the_link_keeps_working_and_shows_the_erased_registration(api):
    group = paid_group(api)
    registration_cancel_with_refund(registration=group.registration)
    erase(api, group.token)

    assert api.get(f"/api/v1/registrations/{group.token}/").status_code == 200
    data = export(api, group.token)
    assert data["erased"] is True
    assert data["registration"]["amount_paid"] == "1050.00"
    text = str(data)
    for personal in ("ada@", "grace@", "alan@", "Lovelace", "Hopper", "Vegetarian", "M-0042"):
        assert personal not in text


def test_erasure_is_idempotent(api):
    group = paid_group(api)
    registration_cancel_with_refund(registration=group.registration)
    first = erase(api, group.token).json()
    before = export(api, group.token)

    second = erase(api, group.token)

    assert second.status_code == 200
    assert second.json() == first
    after = export(api, group.token)
    assert {k: v for k, v in after.items() if k != "generated_at"} == {
        k: v for k, v in before.items() if k != "generated_at"
    }


def test_an_expired_hold_can_be_erased(api):
    group = paid_group(api)
    Registration.objects.filter(pk=group.registration.pk).update(
        status="pending_payment", expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert erase(api, group.token).status_code == 200


def test_an_attendee_with_ce_credit_keeps_the_accreditors_record(api):
    ce = make_ce_event()
    credited = registered(api, ce, first_name="Grace", last_name="Hopper", dietary_needs="Vegan")
    response = register(
        api,
        ce.event,
        body(attendee(ce.ticket, [ce.safety], first_name="Alan", last_name="Turing"))
        | {"buyer": {"first_name": "Al", "last_name": "T", "email": "al@example.org"}},
    )
    uncredited = Attendee.objects.get(pk=response.json()["attendees"][0]["id"])
    check_in(credited, ce.safety)
    attest(credited, ce.huddles)
    CheckIn.objects.create(attendee=uncredited)  # at the door only: no session credit
    move_into_past(ce)  # the event is over: confirmed registrations may be erased

    answer = erase(api, credited.registration.token).json()
    erase(api, uncredited.registration.token)

    credited.refresh_from_db()
    assert (credited.first_name, credited.last_name) == ("Grace", "Hopper")
    assert credited.profession == "physician"
    assert credited.credentials == {"npi": NPI}
    assert credited.email.endswith("@erased.invalid")
    assert credited.dietary_needs == credited.organization == ""
    assert CheckIn.objects.filter(attendee=credited).count() == 1
    assert Attestation.objects.filter(attendee=credited).count() == 1
    assert any(
        f"attendees.{credited.id}" in reason and "accreditors" in reason
        for reason in answer["kept"]
    )
    assert f"attendees.{credited.id}.first_name" not in answer["erased"]
    uncredited.refresh_from_db()
    assert (uncredited.first_name, uncredited.profession) == ("Erased", "")
    assert CheckIn.objects.filter(attendee=uncredited, session=None).exists()  # headcount
    rows = ce_report_rows(event=ce.event)
    assert {(r.first_name, r.last_name, r.npi) for r in rows} == {("Grace", "Hopper", NPI)}
    assert sum(r.hours for r in rows) == 5  # 3 h safety + 2 h huddles, as before erasure
    audit = AuditEntry.objects.get(target=credited.registration.reference)
    assert audit.details == {"attendees": 1, "ce_records_kept": 1}


def test_withdrawing_an_open_offer_passes_the_seat_on(api):
    group = paid_group(api)
    registration_cancel_with_refund(registration=group.registration)
    group.sold_out.capacity = 1
    group.sold_out.save(update_fields=["capacity"])
    WaitlistEntry.objects.filter(pk=group.waitlist_entry.pk).update(
        status="offered",
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + timedelta(hours=24),
    )
    waiting = WaitlistEntry.objects.create(
        event=group.event,
        ticket_type=group.sold_out,
        first_name="Next",
        last_name="Inline",
        email="next@example.org",
    )

    registration_erase(registration=group.registration)

    waiting.refresh_from_db()
    assert waiting.status == WaitlistEntry.Status.OFFERED
    assert OutboxMessage.objects.filter(
        waitlist_entry=waiting, to_email="next@example.org"
    ).exists()
