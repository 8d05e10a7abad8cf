"""Substituting an attendee hands the seat to a new person: a new badge code and none of
the previous person's identifiers, needs, check-ins or CE records; a corrected name is
not a substitution."""

from decimal import Decimal

import pytest

from audit.models import AuditEntry
from registrations.models import Attendee, Attestation, CheckIn
from tests.factories import EventFactory, MemberFactory, SessionFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db

PREVIOUS = {
    "email": "previous@example.org",
    "profession": "physician",
    "credentials": {"npi": "1234567893"},
    "member_number": "M-77",
    "dietary_needs": "no nuts",
    "accessibility_needs": "wheelchair",
    "job_title": "Chief of Medicine",
    "organization": "Mercy General",
}


@pytest.fixture
def seat(api):
    """A confirmed attendee who has been checked in and attested a session."""
    event = EventFactory()
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    session = SessionFactory(event=event)
    data = register(api, event, body(attendee(ticket, [session], **PREVIOUS))).json()
    person = Attendee.objects.get(pk=data["attendees"][0]["id"])
    CheckIn.objects.create(attendee=person)
    Attestation.objects.create(attendee=person, session=session)
    url = f"/api/v1/registrations/{data['token']}/attendees/{person.pk}/"
    return url, person


def test_a_substitute_starts_with_a_clean_seat(api, seat):
    url, previous = seat
    answer = api.patch(
        url,
        {"first_name": "Noor", "last_name": "Haddad", "email": "noor@example.org"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    new = Attendee.objects.get(pk=previous.pk)
    assert new.email == "noor@example.org" and new.badge_code != previous.badge_code
    assert new.credentials == {} and new.profession == "" and new.member_number == ""
    assert new.dietary_needs == new.accessibility_needs == new.job_title == ""
    assert new.organization == "Mercy General"  # the seat's organisation stays
    assert not CheckIn.objects.filter(attendee=new).exists()
    assert not Attestation.objects.filter(attendee=new).exists()
    entry = AuditEntry.objects.get(action="substitute")
    assert entry.details["previous_badge_code"] == previous.badge_code
    assert entry.details["badge_code"] == new.badge_code


def test_the_substitute_brings_their_own_identifiers_in_the_same_change(api, seat):
    url, _ = seat
    answer = api.patch(
        url,
        {"email": "nurse@example.org", "profession": "nurse", "dietary_needs": "vegan"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    new = Attendee.objects.get(email="nurse@example.org")
    assert (new.profession, new.dietary_needs, new.credentials) == ("nurse", "vegan", {})


def test_correcting_a_name_keeps_the_person(api, seat):
    url, previous = seat
    assert api.patch(url, {"first_name": "Adah"}, format="json").status_code == 200
    same = Attendee.objects.get(pk=previous.pk)
    assert same.badge_code == previous.badge_code and same.credentials == {"npi": "1234567893"}
    assert CheckIn.objects.filter(attendee=same).exists()


def test_a_members_only_seat_needs_the_new_persons_member_number(api):
    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("0.00"), members_only=True)
    MemberFactory(number="M-1", last_name="Ng")
    MemberFactory(number="M-2", email="guest@example.org", last_name="Guest")
    data = register(api, ticket.event, body(attendee(ticket, member_number="M-1"))).json()
    url = f"/api/v1/registrations/{data['token']}/attendees/{data['attendees'][0]['id']}/"
    refused = api.patch(url, {"email": "guest@example.org"}, format="json")
    assert refused.status_code == 400 and "member_number" in refused.json()["errors"]
    # The previous person's number is theirs: it does not match the new person.
    guest = {"email": "guest@example.org", "first_name": "Gus", "last_name": "Guest"}
    refused = api.patch(url, guest | {"member_number": "M-1"}, format="json")
    assert refused.status_code == 400 and "member_number" in refused.json()["errors"]
    accepted = api.patch(url, guest | {"member_number": "M-2"}, format="json")
    assert accepted.status_code == 200
