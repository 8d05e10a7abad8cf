"""Emails and calendar invites, rendered for real and read back (locmem mail backend;
the worker and SMTP path is in tests/integration/test_email_worker.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from registrations.messaging.delivery import outbox_deliver
from registrations.messaging.models import OutboxMessage
from registrations.messaging.notify import notify_reminders
from tests.emails.helpers import invite_of, parse, parts, vevent
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(timezone="America/Chicago")


@pytest.fixture
def free(event):
    return TicketTypeFactory(event=event, price=Decimal("0.00"))


def registered(api, event, *attendees, capture):
    with capture(execute=True):
        response = register(api, event, body(*attendees))
    assert response.status_code == 201, response.json()
    return response.json()


def by_subject(text: str):
    return [m for m in mail.outbox if text in m.subject]


def test_confirmation_has_html_text_and_an_invite_at_the_events_local_start(
    api, event, free, django_capture_on_commit_callbacks
):
    workshop = SessionFactory(event=event)
    data = registered(
        api,
        event,
        attendee(free, [workshop], email="ada@example.org"),
        capture=django_capture_on_commit_callbacks,
    )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["ada@example.org", "ada@example.org", "buyer@example.org"]
    [confirmation] = by_subject("You're registered")
    message = parse(confirmation.message().as_bytes())
    assert parts(message, "text/plain") and parts(message, "text/html")
    calendar = invite_of(message)
    assert calendar["METHOD"] == "REQUEST"
    entry = vevent(calendar)
    start = entry.decoded("DTSTART")
    assert start == event.starts_at.replace(microsecond=0)
    assert str(start.tzinfo) == "America/Chicago"
    assert entry["DTSTART"].params["TZID"] == "America/Chicago"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/Chicago"
    assert "ada@example.org" in str(entry["ATTENDEE"])
    own_link = data["attendees"][0]["manage_url"].split("testserver")[-1]
    assert own_link in str(entry["DESCRIPTION"])  # the attendee's own link, not the buyer's
    html = parts(message, "text/html")[0].get_payload(decode=True).decode()
    assert (
        "calendar.google.com" in html and data["reference"] not in html
    )  # buyer's, not attendee's
    [session_mail] = by_subject("Your session")
    session_entry = vevent(invite_of(parse(session_mail.message().as_bytes())))
    assert session_entry.decoded("DTSTART") == workshop.starts_at.replace(microsecond=0)
    assert session_entry["UID"] != entry["UID"]
    [order] = by_subject("registration")
    assert data["reference"] in order.body


def test_each_attendee_of_a_group_gets_their_own_invite(
    api, event, free, django_capture_on_commit_callbacks
):
    registered(
        api,
        event,
        attendee(free, email="a@example.org"),
        attendee(free, email="b@example.org"),
        capture=django_capture_on_commit_callbacks,
    )
    confirmations = by_subject("You're registered")
    assert sorted(m.to[0] for m in confirmations) == ["a@example.org", "b@example.org"]
    uids = {str(vevent(invite_of(parse(m.message().as_bytes())))["UID"]) for m in confirmations}
    assert len(uids) == 2


def test_delivering_twice_sends_once(api, event, free, django_capture_on_commit_callbacks):
    registered(api, event, attendee(free), capture=django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    for message in OutboxMessage.objects.all():
        assert outbox_deliver(message_id=message.pk) is False
    assert len(mail.outbox) == sent
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0


def test_confirming_twice_writes_one_confirmation(api, event, django_capture_on_commit_callbacks):
    from registrations.models import Registration
    from registrations.services.registration import registration_confirm

    paid = TicketTypeFactory(event=event, price=Decimal("100.00"))
    data = register(api, event, body(attendee(paid))).json()
    registration = Registration.objects.get(reference=data["reference"])
    with django_capture_on_commit_callbacks(execute=True):
        registration_confirm(registration_id=registration.pk, amount_paid=Decimal("100.00"))
        registration_confirm(registration_id=registration.pk, amount_paid=Decimal("100.00"))
    assert len(by_subject("You're registered")) == 1


def test_moving_the_event_sends_an_update_with_the_same_uid_and_a_higher_sequence(
    api, event, free, organizer_api, organizer, django_capture_on_commit_callbacks
):
    event.organizers.add(organizer)
    registered(api, event, attendee(free), capture=django_capture_on_commit_callbacks)
    [first] = by_subject("You're registered")
    before = vevent(invite_of(parse(first.message().as_bytes())))
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_api.patch(
            f"/api/v1/organizer/events/{event.slug}/",
            {
                "starts_at": (event.starts_at + timedelta(hours=2)).isoformat(),
                "ends_at": (event.ends_at + timedelta(hours=2)).isoformat(),
            },
            format="json",
        )
    assert response.status_code == 200
    [update] = by_subject("Updated")
    after = vevent(invite_of(parse(update.message().as_bytes())))
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") == (event.starts_at + timedelta(hours=2)).replace(microsecond=0)


def test_renaming_the_event_sends_no_update(
    api, event, free, organizer_api, organizer, django_capture_on_commit_callbacks
):
    event.organizers.add(organizer)
    registered(api, event, attendee(free), capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        organizer_api.patch(
            f"/api/v1/organizer/events/{event.slug}/", {"name": "New name"}, format="json"
        )
    assert not by_subject("Updated")


def test_moving_a_session_updates_only_its_attendees(
    api, event, free, organizer_api, organizer, django_capture_on_commit_callbacks
):
    event.organizers.add(organizer)
    workshop = SessionFactory(event=event)
    registered(
        api,
        event,
        attendee(free, [workshop], email="in@example.org"),
        capture=django_capture_on_commit_callbacks,
    )
    registered(
        api,
        event,
        attendee(free, email="out@example.org"),
        capture=django_capture_on_commit_callbacks,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        organizer_api.patch(
            f"/api/v1/organizer/events/{event.slug}/sessions/{workshop.pk}/",
            {"room": "Hall B"},
            format="json",
        )
    [update] = mail.outbox
    assert update.to == ["in@example.org"]
    entry = vevent(invite_of(parse(update.message().as_bytes())))
    assert "Hall B" in str(entry["LOCATION"]) and entry["SEQUENCE"] == 1


def test_cancelling_sends_method_cancel_for_the_event_and_its_sessions(
    api, event, free, django_capture_on_commit_callbacks
):
    workshop = SessionFactory(event=event)
    data = registered(
        api, event, attendee(free, [workshop]), capture=django_capture_on_commit_callbacks
    )
    [original] = by_subject("You're registered")
    uid = vevent(invite_of(parse(original.message().as_bytes())))["UID"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/registrations/{data['token']}/cancel/")
    cancels = [m for m in mail.outbox if parts(parse(m.message().as_bytes()), "text/calendar")]
    assert len(cancels) == 2  # the event and the session
    for message in cancels:
        calendar = invite_of(parse(message.message().as_bytes()))
        assert calendar["METHOD"] == "CANCEL"
        assert vevent(calendar)["STATUS"] == "CANCELLED"
    uids = {str(vevent(invite_of(parse(m.message().as_bytes())))["UID"]) for m in cancels}
    assert str(uid) in uids
    assert any(m.to == ["buyer@example.org"] and "Cancelled" in m.subject for m in mail.outbox)


def test_swapping_a_session_cancels_the_old_entry_and_invites_to_the_new(
    api, event, free, django_capture_on_commit_callbacks
):
    old = SessionFactory(event=event)
    new = SessionFactory(event=event, starts_at=old.starts_at)
    data = registered(api, event, attendee(free, [old]), capture=django_capture_on_commit_callbacks)
    [old_invite] = by_subject("Your session")
    old_uid = vevent(invite_of(parse(old_invite.message().as_bytes())))["UID"]
    mail.outbox.clear()
    url = f"/api/v1/registrations/{data['token']}/attendees/{data['attendees'][0]['id']}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert api.patch(url, {"sessions": [new.id]}, format="json").status_code == 200
    calendars = {
        invite_of(parse(m.message().as_bytes()))["METHOD"]: vevent(
            invite_of(parse(m.message().as_bytes()))
        )
        for m in mail.outbox
    }
    assert calendars["CANCEL"]["UID"] == old_uid
    assert calendars["REQUEST"]["SUMMARY"] == new.title


def test_substitution_cancels_for_the_old_person_and_welcomes_the_new(
    api, event, free, django_capture_on_commit_callbacks
):
    data = registered(
        api,
        event,
        attendee(free, email="old@example.org"),
        capture=django_capture_on_commit_callbacks,
    )
    mail.outbox.clear()
    url = f"/api/v1/registrations/{data['token']}/attendees/{data['attendees'][0]['id']}/"
    with django_capture_on_commit_callbacks(execute=True):
        api.patch(url, {"first_name": "New", "email": "new@example.org"}, format="json")
    methods = {
        m.to[0]: invite_of(parse(m.message().as_bytes()))["METHOD"]
        for m in mail.outbox
        if parts(parse(m.message().as_bytes()), "text/calendar")
    }
    assert methods == {"old@example.org": "CANCEL", "new@example.org": "REQUEST"}


def test_calendar_feed_has_the_event_and_chosen_sessions(api, client, event, free):
    workshop = SessionFactory(event=event)
    data = register(api, event, body(attendee(free, [workshop]))).json()
    response = client.get(f"/registrations/{data['token']}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    import icalendar
    import vobject

    vobject.readOne(response.content.decode())
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == sorted(
        [event.name, workshop.title]
    )
    assert client.get("/registrations/nope/calendar.ics").status_code == 404


def test_invoice_registration_gets_the_invoice_email(
    api, event, django_capture_on_commit_callbacks
):
    paid = TicketTypeFactory(event=event, price=Decimal("100.00"))
    with django_capture_on_commit_callbacks(execute=True):
        register(api, event, body(attendee(paid), payment_method="invoice"))
    # The buyer, and the accounts-payable email of the billing details.
    to_buyer, to_accounts = mail.outbox
    assert to_buyer.to == ["buyer@example.org"] and "invoice" in to_buyer.body.lower()
    assert to_accounts.to == ["ap@mercy.example.org"] and to_accounts.body == to_buyer.body


def test_waitlist_offer_is_emailed_with_its_private_link(
    api, event, django_capture_on_commit_callbacks
):
    one = TicketTypeFactory(event=event, capacity=1, price=Decimal("0.00"))
    holder = register(api, event, body(attendee(one))).json()
    api.post(
        f"/api/v1/events/{event.slug}/waitlist/",
        {"email": "wait@example.org", "first_name": "W", "last_name": "L", "ticket_type": one.id},
        format="json",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/registrations/{holder['token']}/cancel/")
    [offer] = [m for m in mail.outbox if m.to == ["wait@example.org"]]
    from registrations.models import WaitlistEntry

    assert WaitlistEntry.objects.get().offer_token in offer.body


def test_reminder_goes_once_within_the_window(api, django_capture_on_commit_callbacks):
    from django.utils import timezone

    soon = EventFactory(starts_at=timezone.now() + timedelta(days=2), reminder_days_before=3)
    ticket = TicketTypeFactory(event=soon, price=Decimal("0.00"))
    register(api, soon, body(attendee(ticket, email="r@example.org")))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_reminders() == 1
        assert notify_reminders() == 0
    assert [m.to for m in mail.outbox] == [["r@example.org"]]
