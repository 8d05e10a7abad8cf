"""A hybrid event's join link goes only to attendees with a virtual ticket: their email
and invite carry it; an in-person attendee's, the buyer's and the registration's feed do
not. An event that is only virtual gives it to every attendee."""

from decimal import Decimal

import pytest
from django.core import mail

from events.models import Event
from tests.emails.helpers import invite_of, parse, vevent
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory, VenueFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db

LINK = "https://forum.example.org/live/secret-room"


def everything_sent_to(address: str) -> str:
    """Subjects, bodies and invites of every email to `address`, as one text."""
    texts = []
    for message in mail.outbox:
        if message.to != [address]:
            continue
        raw = message.message().as_bytes()
        texts.append(raw.decode(errors="replace"))
        try:
            entry = vevent(invite_of(parse(raw)))
        except ValueError:
            continue
        texts += [str(entry.get("LOCATION", "")), str(entry.get("DESCRIPTION", ""))]
    assert texts, f"nothing was sent to {address}"
    return "\n".join(texts)


def test_only_virtual_tickets_of_a_hybrid_event_get_the_join_link(
    api, client, django_capture_on_commit_callbacks
):
    event = EventFactory(
        attendance_mode=Event.AttendanceMode.HYBRID, virtual_join_url=LINK, venue=VenueFactory()
    )
    in_person = TicketTypeFactory(event=event, price=Decimal("0.00"))
    online = TicketTypeFactory(event=event, price=Decimal("0.00"), is_virtual=True)
    workshop = SessionFactory(event=event)
    people = body(
        attendee(in_person, [workshop], email="room@example.org"),
        attendee(online, [workshop], email="screen@example.org"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        data = register(api, event, people).json()
    assert LINK in everything_sent_to("screen@example.org")
    assert LINK not in everything_sent_to("room@example.org")
    assert LINK not in everything_sent_to("buyer@example.org")
    feed = client.get(f"/registrations/{data['token']}/calendar.ics").content.decode()
    assert LINK not in feed.replace("\r\n ", "")


def test_every_attendee_of_a_virtual_only_event_gets_the_join_link(
    api, django_capture_on_commit_callbacks
):
    event = EventFactory(attendance_mode=Event.AttendanceMode.VIRTUAL, virtual_join_url=LINK)
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))  # not marked virtual
    with django_capture_on_commit_callbacks(execute=True):
        register(api, event, body(attendee(ticket, email="home@example.org")))
    assert LINK in everything_sent_to("home@example.org")
