"""Member rates that are checked against the institute's member list."""

from datetime import timedelta
from decimal import Decimal

import pytest

from registrations.models import Attendee
from tests.factories import EventFactory, MemberFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(capacity=100)


@pytest.fixture
def member_ticket(event):
    return TicketTypeFactory(event=event, members_only=True, price=Decimal("300.00"))


@pytest.fixture
def grace(event):
    """A member through the event's first day (in the event's time zone)."""
    return MemberFactory(
        number="IHI-0042",
        email="grace@example.org",
        last_name="Hopper",
        valid_until=event.local(event.starts_at).date(),
    )


def member_attendee(ticket, **overrides):
    return attendee(
        ticket, first_name="Grace", last_name="Hopper", email="grace@example.org",
        member_number="ihi-0042 ",
    ) | overrides  # fmt: skip


def refusal(response) -> str:
    assert response.status_code == 400, response.json()
    return response.json()["errors"]["attendees.0.member_number"][0]


def test_a_member_on_the_list_gets_the_member_rate(api, event, member_ticket, grace):
    response = register(api, event, body(member_attendee(member_ticket)))
    assert response.status_code == 201, response.json()
    assert Attendee.objects.get().member_number == "IHI-0042"


def test_email_or_last_name_is_enough(api, event, member_ticket, grace):
    by_email = member_attendee(member_ticket, last_name="Hopper-Murray")
    assert register(api, event, body(by_email)).status_code == 201
    Attendee.objects.all().delete()
    by_name = member_attendee(member_ticket, email="grace@navy.example")
    assert register(api, event, body(by_name)).status_code == 201


def test_an_unknown_number_is_refused(api, event, member_ticket, grace):
    message = refusal(
        register(api, event, body(member_attendee(member_ticket, member_number="X-1")))
    )
    assert "not on the member list" in message


def test_a_membership_lapsing_before_the_first_day_is_refused(api, event, member_ticket, grace):
    grace.valid_until = event.local(event.starts_at).date() - timedelta(days=1)
    grace.save()
    assert "ended" in refusal(register(api, event, body(member_attendee(member_ticket))))


def test_someone_elses_number_is_refused(api, event, member_ticket, grace):
    stranger = member_attendee(member_ticket, last_name="Lovelace", email="ada@example.org")
    assert "someone else" in refusal(register(api, event, body(stranger)))


def test_one_number_one_attendee_per_event(api, event, member_ticket, grace):
    assert register(api, event, body(member_attendee(member_ticket))).status_code == 201
    again = member_attendee(member_ticket, email="grace.h@example.org")
    assert "already used" in refusal(register(api, event, body(again)))
    # Another event: the same number is fine.
    other = TicketTypeFactory(event=EventFactory(starts_at=event.starts_at), members_only=True)
    assert register(api, other.event, body(member_attendee(other))).status_code == 201


def test_a_number_comes_free_when_its_registration_is_cancelled(api, event, member_ticket, grace):
    data = register(api, event, body(member_attendee(member_ticket))).json()
    assert api.post(f"/api/v1/registrations/{data['token']}/cancel/").status_code == 200
    again = member_attendee(member_ticket, email="grace.h@example.org")
    assert register(api, event, body(again)).status_code == 201


def test_the_same_number_twice_in_one_group_is_refused(api, event, member_ticket, grace):
    second = member_attendee(member_ticket, email="grace2@example.org")
    response = register(api, event, body(member_attendee(member_ticket), second))
    assert response.status_code == 400
    assert "attendees.1.member_number" in response.json()["errors"]


def test_ordinary_tickets_need_no_number(api, event, grace):
    ticket = TicketTypeFactory(event=event)
    assert register(api, event, body(attendee(ticket, member_number="whatever"))).status_code == 201


def test_a_late_payment_loses_a_number_someone_took_meanwhile(api, event, member_ticket, grace):
    from django.utils import timezone

    from registrations.errors import SoldOut
    from registrations.models import Registration
    from registrations.services.registration import registration_confirm

    first = register(api, event, body(member_attendee(member_ticket))).json()
    lapsed = Registration.objects.get(reference=first["reference"])
    Registration.objects.filter(pk=lapsed.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    again = member_attendee(member_ticket, email="grace.h@example.org")
    assert register(api, event, body(again)).status_code == 201  # the number was free
    with pytest.raises(SoldOut):
        registration_confirm(registration_id=lapsed.pk, amount_paid=lapsed.total)
