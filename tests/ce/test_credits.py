"""Which sessions earn credit, and how many hours, under each attendance rule."""

from decimal import Decimal

import pytest

from events.models import Event, Session
from registrations.ce.selectors import credited_sessions, session_hours
from registrations.models import CheckIn
from tests.ce.helpers import attest, check_in, make_ce_event, registered

pytestmark = pytest.mark.django_db

RULES = Event.CeAttendanceRule


def credited(attendee) -> dict[str, tuple[Decimal, str]]:
    credits = credited_sessions(attendee=attendee)
    return {item.session.title: (item.hours, item.evidence) for item in credits.sessions}


def test_either_rule_credits_checked_in_or_attested_sessions_not_mere_choices(api, ce):
    person = registered(api, ce)
    check_in(person, ce.safety)
    attest(person, ce.plenary)
    # chose "Medication reconciliation" but neither checked in nor attested it

    credits = credited_sessions(attendee=person)

    assert [item.session for item in credits.sessions] == [ce.safety, ce.plenary]
    assert [item.evidence for item in credits.sessions] == ["check_in", "attestation"]
    assert credits.total_hours == Decimal("4.00")


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            RULES.EITHER,
            {"only checked in": "check_in", "only attested": "attestation", "both": "both"},
        ),
        (RULES.CHECK_IN, {"only checked in": "check_in", "both": "check_in"}),
        (RULES.ATTESTATION, {"only attested": "attestation", "both": "attestation"}),
        (RULES.BOTH, {"both": "both"}),
    ],
)
def test_each_rule_credits_the_sessions_its_evidence_proves(api, rule, expected):
    ce = make_ce_event(rule)
    person = registered(api, ce)
    check_in(person, ce.safety)  # only checked in
    attest(person, ce.huddles)  # only attested
    check_in(person, ce.plenary)  # both
    attest(person, ce.plenary)
    names = {ce.safety.title: "only checked in", ce.huddles.title: "only attested"}
    names[ce.plenary.title] = "both"

    got = {names[title]: evidence for title, (_, evidence) in credited(person).items()}

    assert got == expected


def test_a_check_in_at_the_door_earns_no_session_credit(api, ce):
    person = registered(api, ce)
    CheckIn.objects.create(attendee=person, session=None)

    assert credited_sessions(attendee=person).total_hours == Decimal("0.00")


def test_per_profession_hours_override_the_session_credits(api, ce):
    pharmacist = registered(
        api,
        ce,
        profession="pharmacist",
        credentials={"nabp_eprofile_id": "123456", "birth_mmdd": "0415"},
    )
    physician = registered(api, ce)
    nurse = registered(
        api,
        ce,
        profession="nurse",
        credentials={"license_number": "RN-55", "license_state": "ma"},
    )
    for person in (pharmacist, physician, nurse):
        check_in(person, ce.safety)
        check_in(person, ce.huddles)

    assert credited(pharmacist)[ce.huddles.title][0] == Decimal("1.50")
    assert credited(physician)[ce.huddles.title][0] == Decimal("2.00")
    assert credited_sessions(attendee=pharmacist).total_hours == Decimal("4.50")
    assert credited_sessions(attendee=physician).total_hours == Decimal("5.00")
    assert credited_sessions(attendee=nurse).total_hours == Decimal("5.00")


def test_sessions_worth_no_hours_for_the_profession_are_not_listed(api, ce):
    ce.huddles.ce_credits_by_profession = {"pharmacist": "0"}
    ce.huddles.save(update_fields=["ce_credits_by_profession"])
    pharmacist = registered(api, ce, profession="pharmacist", credentials={})
    check_in(pharmacist, ce.safety)
    check_in(pharmacist, ce.huddles)

    assert list(credited(pharmacist)) == [ce.safety.title]


def test_an_unreadable_override_falls_back_to_the_session_credits():
    session = Session(ce_credits=Decimal("2.00"), ce_credits_by_profession={"nurse": "lots"})

    assert session_hours(session=session, profession="nurse") == Decimal("2.00")
    assert session_hours(session=session, profession="physician") == Decimal("2.00")
    session.ce_credits_by_profession = {"nurse": 1.25}
    assert session_hours(session=session, profession="nurse") == Decimal("1.25")
