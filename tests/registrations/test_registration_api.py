from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Event
from registrations.models import Attendee, PromoCode, Registration, WaitlistEntry
from registrations.services.upkeep import registrations_expire_lapsed
from tests.factories import (
    EventFactory,
    MemberFactory,
    PriceTierFactory,
    SessionFactory,
    TicketTypeFactory,
)
from tests.registrations.helpers import attendee, body, register, run_beat_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(capacity=100)


@pytest.fixture
def ticket(event):
    return TicketTypeFactory(event=event, price=Decimal("500.00"), capacity=10)


def test_group_registration_is_priced_held_and_readable_by_token(api, event, ticket, settings):
    settings.HOLD_MINUTES = 15
    workshop = SessionFactory(event=event, price=Decimal("95.00"))
    response = register(api, event, body(attendee(ticket, [workshop]), attendee(ticket)))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "pending_payment"
    assert data["total"] == "1095.00" and data["currency"] == "USD"
    assert len(data["token"]) >= 43  # 256 bits, URL-safe
    assert data["reference"].startswith("QF")
    expires = timezone.datetime.fromisoformat(data["expires_at"])
    assert timedelta(minutes=14) < expires - timezone.now() <= timedelta(minutes=15)
    assert [len(a["sessions"]) for a in data["attendees"]] == [1, 0]
    assert data["manage_url"].endswith(f"/registrations/{data['token']}/")

    again = api.get(f"/api/v1/registrations/{data['token']}/").json()
    assert again["reference"] == data["reference"] and "token" not in again
    assert again["attendees"][0]["sessions"][0]["id"] == workshop.id


def test_free_registration_is_confirmed_at_once(api, event):
    free = TicketTypeFactory(event=event, price=Decimal("0.00"))
    data = register(api, event, body(attendee(free))).json()
    assert data["status"] == "confirmed"
    assert data["expires_at"] is None and data["total"] == "0.00"


def test_early_bird_tier_and_percent_promo(api, event, ticket):
    PriceTierFactory(ticket_type=ticket, price=Decimal("400.00"))
    promo = PromoCode.objects.create(event=event, code="MEMBER10", percent_off=Decimal("10"))
    data = register(api, event, body(attendee(ticket), promo_code="member10")).json()
    assert data["subtotal"] == "400.00" and data["discount"] == "40.00"
    assert data["total"] == "360.00"
    assert Registration.objects.get().promo_code == promo


def test_amount_promo_never_exceeds_the_ticket_and_spares_session_fees(api, event):
    cheap = TicketTypeFactory(event=event, price=Decimal("50.00"))
    workshop = SessionFactory(event=event, price=Decimal("95.00"))
    PromoCode.objects.create(event=event, code="BIG", amount_off=Decimal("500.00"))
    data = register(api, event, body(attendee(cheap, [workshop]), promo_code="BIG")).json()
    assert data["discount"] == "50.00" and data["total"] == "95.00"


def test_promo_limited_to_other_ticket_types_gives_nothing(api, event, ticket):
    other = TicketTypeFactory(event=event)
    promo = PromoCode.objects.create(event=event, code="STUDENT", percent_off=Decimal("50"))
    promo.ticket_types.set([other])
    data = register(api, event, body(attendee(ticket), promo_code="STUDENT")).json()
    assert data["discount"] == "0.00"


@pytest.mark.parametrize(
    ("promo", "message"),
    [
        ({"valid_until": timezone.now() - timedelta(days=1)}, "expired"),
        ({"valid_from": timezone.now() + timedelta(days=1)}, "not valid yet"),
        ({"is_active": False}, "not valid"),
    ],
)
def test_unusable_promo_codes_are_400_on_the_field(api, event, ticket, promo, message):
    PromoCode.objects.create(event=event, code="CODE", percent_off=Decimal("10"), **promo)
    response = register(api, event, body(attendee(ticket), promo_code="CODE"))
    assert response.status_code == 400
    assert message in response.json()["errors"]["promo_code"][0]
    assert not Registration.objects.exists()


def test_used_up_promo_code_is_refused_and_lapsed_uses_come_back(api, event, ticket):
    PromoCode.objects.create(event=event, code="ONCE", percent_off=Decimal("10"), max_uses=1)
    assert register(api, event, body(attendee(ticket), promo_code="ONCE")).status_code == 201
    response = register(api, event, body(attendee(ticket), promo_code="ONCE"))
    assert response.status_code == 400
    assert "used up" in response.json()["errors"]["promo_code"][0]
    Registration.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert register(api, event, body(attendee(ticket), promo_code="ONCE")).status_code == 201


def test_unknown_promo_code_is_400(api, event, ticket):
    response = register(api, event, body(attendee(ticket), promo_code="NOPE"))
    assert response.status_code == 400 and "promo_code" in response.json()["errors"]


def test_sold_out_ticket_type_is_409_and_nothing_saved(api, event):
    small = TicketTypeFactory(event=event, capacity=1)
    response = register(api, event, body(attendee(small), attendee(small)))
    assert response.status_code == 409
    assert response.json()["code"] == "sold_out"
    assert not Registration.objects.exists()


def test_event_capacity_counts_in_person_tickets_but_not_virtual(api):
    event = EventFactory(capacity=1)
    in_person = TicketTypeFactory(event=event)
    virtual = TicketTypeFactory(event=event, is_virtual=True)
    assert register(api, event, body(attendee(in_person))).status_code == 201
    assert register(api, event, body(attendee(in_person))).json()["code"] == "sold_out"
    assert register(api, event, body(attendee(virtual))).status_code == 201
    detail = api.get(f"/api/v1/events/{event.slug}/").json()
    by_id = {t["id"]: t for t in detail["ticket_types"]}
    assert by_id[in_person.id]["sold_out"] is True and by_id[in_person.id]["available"] == 0
    assert by_id[virtual.id]["available"] is None


def test_full_session_is_409_session_full(api, event, ticket):
    workshop = SessionFactory(event=event, capacity=1)
    assert register(api, event, body(attendee(ticket, [workshop]))).status_code == 201
    response = register(api, event, body(attendee(ticket, [workshop])))
    assert response.status_code == 409 and response.json()["code"] == "session_full"
    detail = api.get(f"/api/v1/events/{event.slug}/").json()
    assert detail["sessions"][0]["available"] == 0


def test_overlapping_sessions_are_409_session_clash(api, event, ticket):
    first = SessionFactory(event=event)
    second = SessionFactory(event=event, starts_at=first.starts_at + timedelta(hours=1))
    response = register(api, event, body(attendee(ticket, [first, second])))
    assert response.status_code == 409 and response.json()["code"] == "session_clash"
    assert first.title in response.json()["detail"]


def test_back_to_back_sessions_do_not_clash(api, event, ticket):
    first = SessionFactory(event=event)
    second = SessionFactory(event=event, starts_at=first.ends_at)
    assert register(api, event, body(attendee(ticket, [first, second]))).status_code == 201


def test_same_person_twice_is_409_already_registered(api, event, ticket):
    assert register(api, event, body(attendee(ticket, email="Ada@Example.org"))).status_code == 201
    response = register(api, event, body(attendee(ticket, email="ada@example.org")))
    assert response.status_code == 409 and response.json()["code"] == "already_registered"


def test_same_email_twice_in_one_group_is_400_on_the_second(api, event, ticket):
    response = register(
        api, event, body(attendee(ticket, email="a@x.org"), attendee(ticket, email="A@x.org"))
    )
    assert response.status_code == 400
    assert "attendees.1.email" in response.json()["errors"]


def test_members_only_rate_needs_a_member_number(api, event):
    member = TicketTypeFactory(event=event, members_only=True)
    MemberFactory(number="M-1", last_name="Ng")
    response = register(api, event, body(attendee(member)))
    assert response.status_code == 400
    assert "attendees.0.member_number" in response.json()["errors"]
    assert register(api, event, body(attendee(member, member_number="M-1"))).status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"attendees": []}, "attendees"),
        ({"buyer": None}, "buyer"),
        ({"buyer": {"first_name": "A", "last_name": "B", "email": "nope"}}, "buyer.email"),
        ({"payment_method": "bitcoin"}, "payment_method"),
        ({"attendees": "everyone"}, "attendees"),
    ],
)
def test_malformed_bodies_are_400_with_named_fields(api, event, ticket, payload, field):
    response = register(api, event, body(attendee(ticket)) | payload)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Registration.objects.exists()


def test_bad_attendee_fields_are_named_by_position(api, event, ticket):
    other_event_session = SessionFactory()
    response = register(
        api,
        event,
        body(
            attendee(ticket),
            attendee(ticket, email="not-an-email", profession="astronaut"),
            attendee(999999),
        ),
    )
    errors = response.json()["errors"]
    assert response.status_code == 400
    assert {"attendees.1.email", "attendees.1.profession"} <= set(errors)
    response = register(api, event, body(attendee(999999)))
    assert "attendees.0.ticket_type" in response.json()["errors"]
    response = register(api, event, body(attendee(ticket, [other_event_session])))
    assert "attendees.0.sessions" in response.json()["errors"]


def test_missing_buyer_and_malformed_json(api, event, ticket):
    payload = body(attendee(ticket))
    del payload["buyer"]
    assert "buyer" in register(api, event, payload).json()["errors"]
    response = api.post(
        f"/api/v1/events/{event.slug}/registrations/", "{oops", content_type="application/json"
    )
    assert response.status_code == 400 and "errors" in response.json()


def test_registration_outside_window_or_closed_is_409_and_draft_is_404(api, ticket, event):
    event.registration_opens_at = timezone.now() + timedelta(days=1)
    event.save()
    response = register(api, event, body(attendee(ticket)))
    assert response.status_code == 409 and response.json()["code"] == "registration_closed"
    event.registration_opens_at = None
    event.status = Event.Status.CLOSED
    event.save()
    assert register(api, event, body(attendee(ticket))).json()["code"] == "registration_closed"
    event.status = Event.Status.DRAFT
    event.save()
    assert register(api, event, body(attendee(ticket))).status_code == 404


def test_lapsed_hold_reads_expired_at_once_and_frees_its_seat(api, event):
    one_seat = TicketTypeFactory(event=event, capacity=1)
    first = register(api, event, body(attendee(one_seat))).json()
    assert register(api, event, body(attendee(one_seat))).json()["code"] == "sold_out"
    Registration.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get(f"/api/v1/registrations/{first['token']}/").json()["status"] == "expired"
    assert register(api, event, body(attendee(one_seat))).status_code == 201
    assert registrations_expire_lapsed() == 1
    assert Registration.objects.get(reference=first["reference"]).status == "expired"


def test_cancelling_frees_seats(api, event):
    one_seat = TicketTypeFactory(event=event, capacity=1)
    first = register(api, event, body(attendee(one_seat))).json()
    response = api.post(f"/api/v1/registrations/{first['token']}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert register(api, event, body(attendee(one_seat))).status_code == 201
    again = api.post(f"/api/v1/registrations/{first['token']}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


def test_unknown_token_is_404(api):
    assert api.get("/api/v1/registrations/not-a-real-token/").status_code == 404
    assert api.get(f"/api/v1/registrations/{'x' * 500}/").status_code == 404
    assert api.post("/api/v1/registrations/nope/cancel/").status_code == 404


def test_attendee_substitution_until_the_deadline(api, event, ticket):
    data = register(api, event, body(attendee(ticket))).json()
    url = f"/api/v1/registrations/{data['token']}/attendees/{data['attendees'][0]['id']}/"
    response = api.patch(url, {"first_name": "Grace", "email": "grace@example.org"}, format="json")
    assert response.status_code == 200
    assert response.json()["attendees"][0]["email"] == "grace@example.org"
    event.substitution_deadline = timezone.now() - timedelta(minutes=1)
    event.save()
    response = api.patch(url, {"first_name": "Linus"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    # details other than the person may still change
    response = api.patch(url, {"dietary_needs": "Vegetarian"}, format="json")
    assert response.status_code == 200
    assert Attendee.objects.get().dietary_needs == "Vegetarian"


def test_substituting_someone_already_registered_is_400(api, event, ticket):
    register(api, event, body(attendee(ticket, email="taken@example.org")))
    data = register(api, event, body(attendee(ticket))).json()
    url = f"/api/v1/registrations/{data['token']}/attendees/{data['attendees'][0]['id']}/"
    response = api.patch(url, {"email": "taken@example.org"}, format="json")
    assert response.status_code == 400 and "email" in response.json()["errors"]


def test_attendee_of_another_registration_is_404(api, event, ticket):
    mine = register(api, event, body(attendee(ticket))).json()
    theirs = register(api, event, body(attendee(ticket))).json()
    url = f"/api/v1/registrations/{mine['token']}/attendees/{theirs['attendees'][0]['id']}/"
    assert api.patch(url, {"first_name": "X"}, format="json").status_code == 404


def test_session_swap_checks_capacity_clashes_and_fees(api, event, ticket):
    a = SessionFactory(event=event, capacity=5)
    b = SessionFactory(event=event, starts_at=a.starts_at, capacity=1)
    c = SessionFactory(event=event, starts_at=a.ends_at + timedelta(hours=1), capacity=5)
    paid = SessionFactory(event=event, starts_at=c.ends_at, price=Decimal("50.00"))
    register(api, event, body(attendee(ticket, [b])))  # b is now full
    data = register(api, event, body(attendee(ticket, [a]))).json()
    url = f"/api/v1/registrations/{data['token']}/attendees/{data['attendees'][0]['id']}/"
    assert api.patch(url, {"sessions": [b.id]}, format="json").json()["code"] == "session_full"
    same_time = SessionFactory(event=event, starts_at=a.starts_at, capacity=5)  # has room
    clash = api.patch(url, {"sessions": [a.id, same_time.id]}, format="json")
    assert clash.status_code == 409 and clash.json()["code"] == "session_clash"
    assert api.patch(url, {"sessions": [c.id]}, format="json").status_code == 200
    assert api.patch(url, {"sessions": [c.id, paid.id]}, format="json").status_code == 409
    data = api.get(f"/api/v1/registrations/{data['token']}/").json()
    assert [s["id"] for s in data["attendees"][0]["sessions"]] == [c.id]


def test_waitlist_join_only_when_sold_out_and_once(api, event):
    one_seat = TicketTypeFactory(event=event, capacity=1)
    person = {
        "email": "w@example.org",
        "first_name": "W",
        "last_name": "L",
        "ticket_type": one_seat.id,
    }
    response = api.post(f"/api/v1/events/{event.slug}/waitlist/", person, format="json")
    assert response.status_code == 409 and response.json()["code"] == "tickets_available"
    register(api, event, body(attendee(one_seat)))
    response = api.post(f"/api/v1/events/{event.slug}/waitlist/", person, format="json")
    assert response.status_code == 201 and response.json()["position"] == 1
    again = api.post(f"/api/v1/events/{event.slug}/waitlist/", person, format="json")
    assert again.status_code == 409
    bad = api.post(
        f"/api/v1/events/{event.slug}/waitlist/", person | {"ticket_type": 0}, format="json"
    )
    assert bad.status_code == 400


def test_freed_seat_is_offered_to_the_first_waiting_and_held_for_them(api, event):
    one_seat = TicketTypeFactory(event=event, capacity=1)
    holder = register(api, event, body(attendee(one_seat))).json()
    for name in ("first", "second"):
        api.post(
            f"/api/v1/events/{event.slug}/waitlist/",
            {
                "email": f"{name}@example.org",
                "first_name": name,
                "last_name": "W",
                "ticket_type": one_seat.id,
            },
            format="json",
        )
    api.post(f"/api/v1/registrations/{holder['token']}/cancel/")
    first = WaitlistEntry.objects.get(email="first@example.org")
    second = WaitlistEntry.objects.get(email="second@example.org")
    assert first.status == "offered" and first.offer_is_live
    assert second.status == "waiting"
    # the seat is held for the first: a stranger cannot take it
    assert register(api, event, body(attendee(one_seat))).json()["code"] == "sold_out"
    # and the offer is redeemed by its token
    response = register(
        api,
        event,
        body(attendee(one_seat, email="first@example.org"), waitlist_offer=first.offer_token),
    )
    assert response.status_code == 201, response.json()
    first.refresh_from_db()
    assert first.status == "redeemed" and first.registration is not None
    # the same offer cannot be used twice
    response = register(
        api,
        event,
        body(attendee(one_seat, email="x@example.org"), waitlist_offer=first.offer_token),
    )
    assert response.status_code == 400 and "waitlist_offer" in response.json()["errors"]


def test_lapsed_offer_passes_to_the_next_person(api, event, django_capture_on_commit_callbacks):
    """Nobody acts: the periodic tasks of the beat schedule pass the seat on (the real beat
    process and worker: tests/integration/test_waitlist_sweep.py)."""
    one_seat = TicketTypeFactory(event=event, capacity=1)
    holder = register(api, event, body(attendee(one_seat))).json()
    for name in ("first", "second"):
        api.post(
            f"/api/v1/events/{event.slug}/waitlist/",
            {
                "email": f"{name}@example.org",
                "first_name": name,
                "last_name": "W",
                "ticket_type": one_seat.id,
            },
            format="json",
        )
    api.post(f"/api/v1/registrations/{holder['token']}/cancel/")
    WaitlistEntry.objects.filter(status="offered").update(
        offer_expires_at=timezone.now() - timedelta(seconds=1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_beat_schedule()
        run_beat_schedule()  # the next sweep finds the seat held: no second offer
    assert WaitlistEntry.objects.get(email="first@example.org").status == "lapsed"
    assert WaitlistEntry.objects.get(email="second@example.org").status == "offered"
    assert [m.to for m in mail.outbox] == [["second@example.org"]]
    assert "A seat is free for you" in mail.outbox[0].subject


def test_organizer_creates_promo_codes_and_bad_ones_are_400(
    organizer_api, organizer, event, ticket
):
    event.organizers.add(organizer)
    url = f"/api/v1/organizer/events/{event.slug}/promo-codes/"
    response = organizer_api.post(
        url,
        {"code": "member10", "percent_off": "10", "max_uses": 5, "ticket_types": [ticket.id]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "MEMBER10"
    assert (
        organizer_api.post(url, {"code": "MEMBER10", "percent_off": "5"}, format="json").status_code
        == 400
    )
    assert (
        organizer_api.post(
            url, {"code": "BOTH", "percent_off": "5", "amount_off": "5"}, format="json"
        ).status_code
        == 400
    )
    assert organizer_api.post(url, {"code": "NONE"}, format="json").status_code == 400
    assert (
        organizer_api.post(url, {"code": "PCT", "percent_off": "150"}, format="json").status_code
        == 400
    )
    other = TicketTypeFactory()
    response = organizer_api.post(
        url, {"code": "OTHER", "percent_off": "5", "ticket_types": [other.id]}, format="json"
    )
    assert response.status_code == 400 and "ticket_types" in response.json()["errors"]
    assert organizer_api.get(url).json()["count"] == 1


def test_promo_codes_need_an_organizer(api, event):
    url = f"/api/v1/organizer/events/{event.slug}/promo-codes/"
    assert api.post(url, {"code": "X", "percent_off": "5"}, format="json").status_code == 401
