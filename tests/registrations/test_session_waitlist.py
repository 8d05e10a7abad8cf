"""Waiting lists of sessions: an attendee of a confirmed registration waits for a full
workshop; a freed seat (a swap, a cancellation, a refund, a lapsed hold, a lapsed offer) is
offered by email to the first attendee waiting, held for them, and added by its link."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import Registration, SessionChoice, SessionWaitlistEntry, WaitlistEntry
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.registration import registration_create
from registrations.services.waitlist import waitlist_join
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.registrations.helpers import BILLING_INPUT, attendee, body, register, run_beat_schedule

pytestmark = pytest.mark.django_db
Status = SessionWaitlistEntry.Status


@pytest.fixture
def event():
    return EventFactory(capacity=100, name="Quality Forum 2027")


@pytest.fixture
def ticket(event):
    return TicketTypeFactory(event=event, price=Decimal("0.00"))


@pytest.fixture
def workshop(event):
    return SessionFactory(event=event, title="Root cause analysis", capacity=1)


def registered(api, event, ticket, sessions=(), email=None, **options) -> dict:
    """A registration of one attendee (confirmed at once: the ticket is free)."""
    person = attendee(ticket, sessions, **({"email": email} if email else {}))
    response = register(api, event, body(person, **options))
    assert response.status_code == 201, response.json()
    return response.json()


def wait(api, data, session, attendee_index=0):
    person = data["attendees"][attendee_index]["id"]
    return api.post(
        f"/api/v1/registrations/{data['token']}/attendees/{person}/waitlist/",
        {"session": session.id},
        format="json",
    )


def swap(api, data, sessions):
    person = data["attendees"][0]["id"]
    return api.patch(
        f"/api/v1/registrations/{data['token']}/attendees/{person}/",
        {"sessions": [s.id for s in sessions]},
        format="json",
    )


def offers_to(email: str) -> list:
    return [m for m in mail.outbox if m.to == [email] and "seat is free" in m.subject]


def test_attendees_join_a_full_sessions_waiting_list_in_order(api, event, ticket, workshop):
    registered(api, event, ticket, [workshop])
    first, second = registered(api, event, ticket), registered(api, event, ticket)
    answer = wait(api, first, workshop)
    assert answer.status_code == 201, answer.json()
    assert answer.json() | {"offer_expires_at": None} == {
        "attendee": first["attendees"][0]["id"],
        "session": workshop.id,
        "status": "waiting",
        "position": 1,
        "offer_expires_at": None,
    }
    assert wait(api, second, workshop).json()["position"] == 2


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("another event's", "Unknown session for this event."),
        ("open to everyone", "This session is open to everyone: no need to wait."),
        ("with seats left", "This session has seats left: add it to the attendee's sessions."),
        ("chosen already", "This session is already among the attendee's."),
    ],
)
def test_waiting_for_a_session_that_needs_no_waiting_is_400_on_session(
    api, event, ticket, workshop, which, message
):
    registered(api, event, ticket, [workshop])  # the workshop is full
    sessions = {
        "another event's": SessionFactory(capacity=0),
        "open to everyone": SessionFactory(event=event, selectable=False, capacity=0),
        "with seats left": SessionFactory(event=event, capacity=5),
    }
    if which == "chosen already":
        # a second seat, taken by this attendee, then the workshop is full again
        workshop.capacity = 2
        workshop.save()
        data, session = registered(api, event, ticket, [workshop]), workshop
    else:
        data, session = registered(api, event, ticket), sessions[which]
    answer = wait(api, data, session)
    assert answer.status_code == 400
    [error] = answer.json()["errors"]["session"]
    assert error.startswith(message)
    assert not SessionWaitlistEntry.objects.exists()


def test_a_second_entry_for_the_same_session_is_409(api, event, ticket, workshop):
    registered(api, event, ticket, [workshop])
    data = registered(api, event, ticket)
    assert wait(api, data, workshop).status_code == 201
    answer = wait(api, data, workshop)
    assert answer.status_code == 409
    assert answer.json()["code"] == "already_waitlisted"
    assert SessionWaitlistEntry.objects.count() == 1


def test_an_attendee_of_another_registration_is_404(api, event, ticket, workshop):
    registered(api, event, ticket, [workshop])
    mine, theirs = registered(api, event, ticket), registered(api, event, ticket)
    answer = api.post(
        f"/api/v1/registrations/{mine['token']}/attendees/{theirs['attendees'][0]['id']}/waitlist/",
        {"session": workshop.id},
        format="json",
    )
    assert answer.status_code == 404
    assert not SessionWaitlistEntry.objects.exists()


def test_an_unpaid_registration_cannot_wait_for_a_session(api, event, workshop):
    registered(api, event, TicketTypeFactory(event=event), [workshop])
    unpaid = registered(api, event, TicketTypeFactory(event=event, price=Decimal("300.00")))
    assert unpaid["status"] == "pending_payment"
    answer = wait(api, unpaid, workshop)
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"


def test_a_seat_freed_by_a_swap_is_offered_to_the_first_attendee_waiting_and_held(
    api, event, ticket, workshop, django_capture_on_commit_callbacks, settings
):
    settings.WAITLIST_OFFER_HOURS = 1.5
    other = SessionFactory(event=event, starts_at=workshop.starts_at + timedelta(days=1))
    holder = registered(api, event, ticket, [workshop])
    first = registered(api, event, ticket, email="first@example.org")
    second = registered(api, event, ticket, email="second@example.org")
    wait(api, first, workshop), wait(api, second, workshop)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert swap(api, holder, [other]).status_code == 200
    [offer] = offers_to("first@example.org")
    entry = SessionWaitlistEntry.objects.get(attendee_id=first["attendees"][0]["id"])
    assert entry.status == Status.OFFERED
    assert entry.get_absolute_url() in offer.body and "Root cause analysis" in offer.subject
    held = entry.offer_expires_at - entry.offered_at
    assert held == timedelta(hours=1.5)
    assert offers_to("second@example.org") == []
    assert SessionWaitlistEntry.objects.get(attendee_id=second["attendees"][0]["id"]).status == (
        Status.WAITING
    )
    # The offer holds the seat: neither a swap nor a new registration can take it.
    assert swap(api, holder, [workshop]).json()["code"] == "session_full"
    stranger = register(api, event, body(attendee(ticket, [workshop])))
    assert stranger.status_code == 409 and stranger.json()["code"] == "session_full"
    catalogue = api.get(f"/api/v1/events/{event.slug}/").json()
    assert [s["available"] for s in catalogue["sessions"] if s["id"] == workshop.id] == [0]


def test_a_seat_freed_by_a_cancellation_is_offered(
    api, event, ticket, workshop, django_capture_on_commit_callbacks
):
    holder = registered(api, event, ticket, [workshop])
    waiting = registered(api, event, ticket, email="next@example.org")
    wait(api, waiting, workshop)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/registrations/{holder['token']}/cancel/")
    assert len(offers_to("next@example.org")) == 1
    assert SessionWaitlistEntry.objects.get().status == Status.OFFERED


def test_a_seat_freed_by_a_full_refund_is_offered(
    api, event, workshop, django_capture_on_commit_callbacks
):
    from tests.payments.test_stripe_payments import organizer_for

    paid_ticket = TicketTypeFactory(event=event, price=Decimal("200.00"))
    holder = registered(api, event, paid_ticket, [workshop], payment_method="invoice")
    org = organizer_for(event)
    with django_capture_on_commit_callbacks(execute=True):
        org.post(f"/api/v1/organizer/registrations/{holder['reference']}/mark-paid/")
    waiting = registered(api, event, TicketTypeFactory(event=event, price=0), email="n@example.org")
    assert wait(api, waiting, workshop).status_code == 201
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        org.post(f"/api/v1/organizer/registrations/{holder['reference']}/refund/")
    assert len(offers_to("n@example.org")) == 1


def test_a_seat_freed_by_a_lapsed_hold_is_offered_by_the_periodic_tasks(
    api, event, ticket, workshop, django_capture_on_commit_callbacks
):
    unpaid = registration_create(  # pending payment: its hold takes the workshop's seat
        event=event,
        buyer=BuyerInput(
            billing=BILLING_INPUT, first_name="B", last_name="N", email="b@example.org"
        ),
        attendees=[
            AttendeeInput(
                ticket_type=TicketTypeFactory(event=event, price=Decimal("100.00")).id,
                first_name="H",
                last_name="N",
                email="h@example.org",
                sessions=(workshop.id,),
            )
        ],
    )
    waiting = registered(api, event, ticket, email="w@example.org")
    assert wait(api, waiting, workshop).status_code == 201
    Registration.objects.filter(pk=unpaid.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_beat_schedule()
    assert len(offers_to("w@example.org")) == 1


def test_a_lapsed_session_offer_passes_to_the_next_attendee_by_the_periodic_tasks(
    api, event, ticket, workshop, django_capture_on_commit_callbacks
):
    holder = registered(api, event, ticket, [workshop])
    first = registered(api, event, ticket, email="first@example.org")
    second = registered(api, event, ticket, email="second@example.org")
    wait(api, first, workshop), wait(api, second, workshop)
    api.post(f"/api/v1/registrations/{holder['token']}/cancel/")
    SessionWaitlistEntry.objects.filter(status=Status.OFFERED).update(
        offer_expires_at=timezone.now() - timedelta(seconds=1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_beat_schedule()
        run_beat_schedule()  # a second sweep offers nothing twice
    statuses = dict(SessionWaitlistEntry.objects.values_list("attendee__email", "status"))
    assert statuses == {"first@example.org": Status.LAPSED, "second@example.org": Status.OFFERED}
    assert len(offers_to("second@example.org")) == 1 and offers_to("first@example.org") == []


def test_an_offer_to_a_cancelled_registration_passes_on(
    api, event, ticket, workshop, django_capture_on_commit_callbacks
):
    holder = registered(api, event, ticket, [workshop])
    first = registered(api, event, ticket, email="first@example.org")
    second = registered(api, event, ticket, email="second@example.org")
    wait(api, first, workshop), wait(api, second, workshop)
    api.post(f"/api/v1/registrations/{holder['token']}/cancel/")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/registrations/{first['token']}/cancel/")
    statuses = dict(SessionWaitlistEntry.objects.values_list("attendee__email", "status"))
    assert statuses == {"first@example.org": Status.WITHDRAWN, "second@example.org": Status.OFFERED}
    assert len(offers_to("second@example.org")) == 1


# Accepting an offer, through its private page -------------------------------------------


@pytest.fixture
def offered(api, event, ticket, workshop):
    """An attendee holding an offer of the workshop's only seat."""
    holder = registered(api, event, ticket, [workshop])
    data = registered(api, event, ticket, email="next@example.org")
    wait(api, data, workshop)
    api.post(f"/api/v1/registrations/{holder['token']}/cancel/")
    entry = SessionWaitlistEntry.objects.get()
    assert entry.status == Status.OFFERED
    return data, entry


def test_accepting_the_offer_adds_the_session_with_its_invite(
    client, api, offered, workshop, django_capture_on_commit_callbacks
):
    data, entry = offered
    page = client.get(entry.get_absolute_url())
    assert page.status_code == 200 and "Add this session" in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(entry.get_absolute_url())
    assert answer.status_code == 302
    # The offer went to the attendee: back to her own page, never to the buyer's.
    assert answer["Location"] == entry.attendee.get_absolute_url()
    entry.refresh_from_db()
    assert entry.status == Status.REDEEMED
    sessions = api.get(f"/api/v1/registrations/{data['token']}/").json()["attendees"][0]
    assert [s["id"] for s in sessions["sessions"]] == [workshop.id]
    assert [m.subject for m in mail.outbox if m.to == ["next@example.org"]] == [
        "Your session: Root cause analysis"
    ]
    again = client.post(entry.get_absolute_url())
    assert again.status_code == 409
    assert SessionChoice.objects.filter(session=workshop, attendee=entry.attendee).count() == 1


def test_accepting_an_offer_that_clashes_is_409_session_clash_and_keeps_the_offer(
    client, api, event, offered, workshop
):
    data, entry = offered
    same_time = SessionFactory(event=event, starts_at=workshop.starts_at, title="Huddles")
    assert swap(api, data, [same_time]).status_code == 200
    answer = client.post(entry.get_absolute_url())
    assert answer.status_code == 409
    assert 'data-code="session_clash"' in answer.content.decode()
    entry.refresh_from_db()
    assert entry.status == Status.OFFERED
    assert not SessionChoice.objects.filter(session=workshop, attendee=entry.attendee).exists()
    # Dropping the clashing session, the attendee accepts while the offer lasts.
    assert swap(api, data, []).status_code == 200
    assert client.post(entry.get_absolute_url()).status_code == 302


def test_a_lapsed_offer_cannot_be_accepted(client, offered, workshop):
    _, entry = offered
    SessionWaitlistEntry.objects.filter(pk=entry.pk).update(
        offer_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert "This offer has lapsed" in client.get(entry.get_absolute_url()).content.decode()
    answer = client.post(entry.get_absolute_url())
    assert answer.status_code == 409 and 'data-code="invalid_state"' in answer.content.decode()
    assert not SessionChoice.objects.filter(session=workshop, attendee=entry.attendee).exists()


def test_an_unknown_offer_link_is_404(client, db):
    assert client.get("/registrations/waitlist/sessions/not-a-token/").status_code == 404


# The manage page ------------------------------------------------------------------------


def test_the_manage_page_offers_the_waiting_list_of_a_full_session_and_shows_the_place(
    client, api, event, ticket, workshop
):
    paid = SessionFactory(event=event, title="Advanced course", capacity=0, price=95)
    holder = registered(api, event, ticket, [workshop])
    data = registered(api, event, ticket)
    person = data["attendees"][0]["id"]
    page = client.get(f"/registrations/{data['token']}/").content.decode()
    action = f"/registrations/{data['token']}/attendees/{person}/waitlist/"
    assert f'action="{action}"' in page and "Join the waiting list" in page
    assert f'name="session" value="{workshop.id}"' in page
    assert f'name="session" value="{paid.id}"' not in page  # a fee: ask the organizer
    assert "This session has a fee: ask the organizer for a place." in page

    answer = client.post(action, {"session": workshop.id})
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert "is on the waiting list for “Root cause analysis”" in page
    assert "On the waiting list (number 1)" in page
    assert f'name="session" value="{workshop.id}"' not in page

    api.post(f"/api/v1/registrations/{holder['token']}/cancel/")
    page = client.get(f"/registrations/{data['token']}/").content.decode()
    entry = SessionWaitlistEntry.objects.get()
    assert "A seat is held for you until" in page and entry.get_absolute_url() in page


def test_joining_from_the_manage_page_says_what_is_wrong(client, api, event, ticket, workshop):
    data = registered(api, event, ticket)  # the workshop has a seat left
    person = data["attendees"][0]["id"]
    answer = client.post(
        f"/registrations/{data['token']}/attendees/{person}/waitlist/", {"session": workshop.id}
    )
    page = client.get(answer["Location"]).content.decode()
    assert "This session has seats left" in page
    assert not SessionWaitlistEntry.objects.exists()


def test_an_event_no_longer_published_makes_no_offers(api):
    from events.models import Event
    from registrations.services.waitlist import waitlist_offer_next

    ticket = TicketTypeFactory(price=Decimal("0.00"), capacity=1)
    data = register(api, ticket.event, body(attendee(ticket))).json()
    waitlist_join(ticket_type=ticket, email="next@example.org", first_name="N", last_name="X")
    Event.objects.filter(pk=ticket.event_id).update(status=Event.Status.CLOSED)
    Registration.objects.filter(reference=data["reference"]).update(status="cancelled")
    assert waitlist_offer_next(event=ticket.event) == []
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.WAITING


def test_adding_the_session_another_way_closes_the_offer_and_frees_its_seat(
    client, api, offered, workshop
):
    from registrations.capacity import count_seats

    data, entry = offered
    workshop.capacity = 2  # the organizer makes room meanwhile
    workshop.save()
    assert swap(api, data, [workshop]).status_code == 200
    entry.refresh_from_db()
    assert entry.status == Status.REDEEMED
    assert count_seats(workshop.event, session_ids={workshop.id}).sessions[workshop.id] == 1
    assert client.post(entry.get_absolute_url()).status_code == 409  # nothing left to accept
