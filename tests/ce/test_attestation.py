"""Attendees attest the sessions they attended: only theirs, only once started."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from config.errors import InvalidState
from events.models import Event
from registrations.ce.services import attestation_submit
from registrations.models import Attestation, Registration
from tests.ce.helpers import make_ce_event, move_into_past, registered
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


def url(person) -> str:
    return f"/api/v1/registrations/{person.registration.token}/attendees/{person.id}/attestation/"


def errors_of(exc: ValidationError) -> list[str]:
    return exc.message_dict["sessions"]


def test_chosen_sessions_and_plenaries_can_be_attested_once_started(api, ce):
    person = registered(api, ce)

    created = attestation_submit(
        attendee=person, session_ids=[ce.safety.id, ce.plenary.id], at=ce.after
    )

    assert len(created) == 2
    assert set(person.attestations.values_list("session_id", flat=True)) == {
        ce.safety.id,
        ce.plenary.id,
    }


def test_attesting_again_changes_nothing(api, ce):
    person = registered(api, ce)
    attestation_submit(attendee=person, session_ids=[ce.safety.id], at=ce.after)

    again = attestation_submit(
        attendee=person, session_ids=[ce.safety.id, ce.safety.id], at=ce.after
    )

    assert again == []
    assert Attestation.objects.filter(attendee=person).count() == 1


def test_a_session_not_chosen_is_refused_by_name(api, ce):
    person = registered(api, ce, sessions=[ce.safety])

    with pytest.raises(ValidationError) as caught:
        attestation_submit(attendee=person, session_ids=[ce.unchosen.id], at=ce.after)

    assert errors_of(caught.value) == ["“Lean for leaders” is not one of the sessions you chose."]
    assert not Attestation.objects.exists()


def test_a_session_not_yet_started_is_refused_and_nothing_is_recorded(api, ce):
    person = registered(api, ce)
    before_huddles = ce.huddles.starts_at - timedelta(seconds=1)

    with pytest.raises(ValidationError) as caught:
        attestation_submit(
            attendee=person, session_ids=[ce.safety.id, ce.huddles.id], at=before_huddles
        )

    assert errors_of(caught.value) == ["“Medication reconciliation” has not started yet."]
    assert not Attestation.objects.exists()  # all or nothing
    attestation_submit(attendee=person, session_ids=[ce.huddles.id], at=ce.huddles.starts_at)
    assert Attestation.objects.count() == 1


def test_another_events_session_and_unknown_ids_are_named(api, ce):
    person = registered(api, ce)
    elsewhere = make_ce_event()

    with pytest.raises(ValidationError) as caught:
        attestation_submit(attendee=person, session_ids=[elsewhere.safety.id, 999_999], at=ce.after)

    assert errors_of(caught.value) == [
        f"Session {elsewhere.safety.id} belongs to another event.",
        "No session has the id 999999.",
    ]


def test_an_unconfirmed_registration_cannot_attest(api, ce):
    ce.ticket.price = 300
    ce.ticket.save(update_fields=["price"])
    response = register(
        api, ce.event, body(attendee(ce.ticket, [ce.safety]), payment_method="invoice")
    )
    assert response.json()["status"] == Registration.Status.PENDING_PAYMENT
    person = Registration.objects.get(reference=response.json()["reference"]).attendees.get()

    with pytest.raises(InvalidState):
        attestation_submit(attendee=person, session_ids=[ce.safety.id], at=ce.after)


def test_api_answers_the_credited_sessions_and_total(api, ce):
    person = registered(api, ce)
    move_into_past(ce)

    response = api.post(url(person), {"sessions": [ce.safety.id, ce.plenary.id]}, format="json")

    assert response.status_code == 200, response.json()
    data = response.json()
    assert [(s["title"], s["hours"], s["evidence"]) for s in data["sessions"]] == [
        ("Safety huddles that work", "3.00", "attestation"),
        ("Opening plenary", "1.00", "attestation"),
    ]
    assert data["total_hours"] == "4.00"
    assert data["certificate_url"] is None  # not released yet


def test_api_errors_are_400_named_409_invalid_state_and_404(api, ce):
    person = registered(api, ce)
    other = registered(api, ce)

    not_started = api.post(url(person), {"sessions": [ce.safety.id]}, format="json")
    assert not_started.status_code == 400
    assert not_started.json() == {
        "errors": {"sessions": ["“Safety huddles that work” has not started yet."]}
    }
    assert api.post(url(person), {"sessions": []}, format="json").status_code == 400
    assert api.post(url(person), {"sessions": ["x"]}, format="json").status_code == 400

    foreign = f"/api/v1/registrations/{person.registration.token}/attendees/{other.id}/attestation/"
    assert api.post(foreign, {"sessions": [ce.safety.id]}, format="json").status_code == 404
    unknown = f"/api/v1/registrations/nope/attendees/{person.id}/attestation/"
    assert api.post(unknown, {"sessions": [ce.safety.id]}, format="json").status_code == 404

    Registration.objects.filter(pk=person.registration_id).update(
        status=Registration.Status.CANCELLED
    )
    cancelled = api.post(url(person), {"sessions": [ce.safety.id]}, format="json")
    assert cancelled.status_code == 409
    assert cancelled.json()["code"] == "invalid_state"


def test_check_in_only_events_refuse_attestations(api):
    ce = make_ce_event(Event.CeAttendanceRule.CHECK_IN)
    person = registered(api, ce)

    with pytest.raises(InvalidState):
        attestation_submit(attendee=person, session_ids=[ce.safety.id], at=ce.after)
