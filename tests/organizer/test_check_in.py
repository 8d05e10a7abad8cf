import re

import pytest

from registrations.models import CheckIn, Registration
from registrations.organizer import services
from registrations.organizer.services import AlreadyCheckedIn, check_in
from tests.factories import SessionFactory
from tests.organizer.helpers import attendee_of, make_registration

pytestmark = pytest.mark.django_db

Status = Registration.Status


def door(event) -> str:
    return f"/api/v1/organizer/events/{event.slug}/check-in/"


def room(session) -> str:
    return f"/api/v1/organizer/sessions/{session.id}/check-in/"


@pytest.fixture
def grace(event, ticket, workshop):
    registration = make_registration(
        event,
        {"ticket_type": ticket, "sessions": [workshop], "first_name": "Grace", "last_name": "Ho"},
    )
    return attendee_of(registration)


def test_door_check_in_answers_who_it_is(org_api, organizer, event, grace):
    response = org_api.post(door(event), {"code": grace.badge_code}, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["attendee"]["first_name"] == "Grace"
    assert data["attendee"]["ticket_type"]["name"] == "Full conference"
    assert data["session"] is None and data["checked_in_at"]
    record = CheckIn.objects.get()
    assert record.attendee == grace and record.session is None
    assert record.checked_in_by == organizer


def test_checking_in_twice_is_409_already_checked_in_with_the_first_time(org_api, event, grace):
    first = org_api.post(door(event), {"code": grace.badge_code}, format="json").json()
    again = org_api.post(door(event), {"code": grace.badge_code}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_checked_in"
    assert "already checked in" in again.json()["detail"]
    assert again.json()["checked_in_at"] == first["checked_in_at"]
    assert CheckIn.objects.count() == 1


def test_a_typed_code_is_forgiven_case_and_spaces(org_api, event, grace):
    typed = " " + grace.badge_code[:5].lower() + " " + grace.badge_code[5:].lower()
    assert org_api.post(door(event), {"code": typed}, format="json").status_code == 201


@pytest.mark.parametrize("code", ["NOSUCHCODE", "", "   "])
def test_an_unknown_or_empty_code_is_404_or_400(org_api, event, grace, code):
    response = org_api.post(door(event), {"code": code}, format="json")
    assert response.status_code == (404 if code.strip() else 400)


def test_a_badge_of_another_event_is_unknown_here(org_api, event, grace):
    other = SessionFactory().event
    other_attendee = attendee_of(
        make_registration(other, {"ticket_type": other.ticket_types.create(name="T", price=0)})
    )
    response = org_api.post(door(event), {"code": other_attendee.badge_code}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("status", [Status.PENDING_PAYMENT, Status.CANCELLED, Status.EXPIRED])
def test_only_confirmed_registrations_get_in(org_api, event, ticket, status):
    attendee = attendee_of(make_registration(event, {"ticket_type": ticket}, status=status))
    response = org_api.post(door(event), {"code": attendee.badge_code}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert attendee.registration.reference in response.json()["detail"]
    assert not CheckIn.objects.exists()


def test_session_check_in_for_an_attendee_who_chose_it_then_409_twice(org_api, workshop, grace):
    response = org_api.post(room(workshop), {"code": grace.badge_code}, format="json")
    assert response.status_code == 201
    assert response.json()["session"] == {"id": workshop.id, "title": workshop.title}
    again = org_api.post(room(workshop), {"code": grace.badge_code}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_checked_in"
    assert CheckIn.objects.get().session == workshop


def test_session_and_door_check_ins_are_separate(org_api, event, workshop, grace):
    assert (
        org_api.post(room(workshop), {"code": grace.badge_code}, format="json").status_code == 201
    )
    assert org_api.post(door(event), {"code": grace.badge_code}, format="json").status_code == 201


def test_a_session_not_chosen_refuses_the_attendee_but_a_plenary_admits_everyone(
    org_api, event, ticket
):
    workshop = SessionFactory(event=event, title="Chosen by others")
    plenary = SessionFactory(event=event, title="Keynote", selectable=False)
    attendee = attendee_of(make_registration(event, {"ticket_type": ticket}))
    refused = org_api.post(room(workshop), {"code": attendee.badge_code}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_state"
    assert "did not choose" in refused.json()["detail"]
    assert (
        org_api.post(room(plenary), {"code": attendee.badge_code}, format="json").status_code == 201
    )


def test_a_simultaneous_second_scan_loses_the_race_as_already_checked_in(
    monkeypatch, organizer, event, grace
):
    """The other desk's row lands between our look-up and our insert: the unique
    constraint refuses ours, and the answer is the same 409 as for a late scan."""
    CheckIn.objects.create(attendee=grace)
    real_lookup = services.earlier_check_in
    looked = []

    def missing_the_first_time(attendee, session):
        if not looked:
            looked.append(True)
            return None
        return real_lookup(attendee, session)

    monkeypatch.setattr(services, "earlier_check_in", missing_the_first_time)
    with pytest.raises(AlreadyCheckedIn) as raised:
        check_in(event=event, code=grace.badge_code, by=organizer)
    assert raised.value.check_in is not None
    assert CheckIn.objects.count() == 1


def test_check_in_page_shows_the_name_and_then_already_checked_in(org_client, event, grace):
    url = f"/organizer/events/{event.slug}/check-in/"
    page = org_client.get(url)
    assert page.status_code == 200 and b'name="code"' in page.content
    assert b"BarcodeDetector" in page.content  # the scanner, where the browser has one
    policy = re.search(r"'nonce-([^']+)'", page.headers.get("Content-Security-Policy", ""))
    if policy:  # the inline script carries the nonce the Content-Security-Policy allows
        assert f'<script nonce="{policy.group(1)}">'.encode() in page.content
    first = org_client.post(url, {"code": grace.badge_code}).content.decode()
    assert "Checked in" in first and "Grace Ho" in first and "Full conference" in first
    again = org_client.post(url, {"code": grace.badge_code}).content.decode()
    assert "Already checked in at" in again and "Grace Ho" in again
    unknown = org_client.post(url, {"code": "ZZZZZZZZZZ"}).content.decode()
    assert "Unknown badge code" in unknown


def test_check_in_page_checks_in_to_a_session(org_client, event, workshop, grace):
    url = f"/organizer/events/{event.slug}/check-in/"
    page = org_client.post(url, {"code": grace.badge_code, "session": workshop.id})
    assert "Checked in" in page.content.decode()
    assert CheckIn.objects.get().session == workshop


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_scanning_one_badge_at_once_record_one_check_in():
    """Real concurrency on PostgreSQL: eight desks, one badge, one barrier."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import close_old_connections, connection

    from tests.factories import EventFactory, TicketTypeFactory

    event = EventFactory()
    attendee = attendee_of(
        make_registration(event, {"ticket_type": TicketTypeFactory(event=event)})
    )
    desks = 8
    barrier = threading.Barrier(desks)

    def scan(_: int) -> str:
        try:
            barrier.wait(timeout=30)
            check_in(event=event, code=attendee.badge_code, by=None)
            return "ok"
        except AlreadyCheckedIn:
            return "already_checked_in"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=desks) as pool:
        outcomes = sorted(pool.map(scan, range(desks)))
    close_old_connections()
    assert outcomes == ["already_checked_in"] * (desks - 1) + ["ok"]
    assert CheckIn.objects.filter(attendee=attendee).count() == 1
