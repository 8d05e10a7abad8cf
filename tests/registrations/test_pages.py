"""The attendee pages, as a browser without JavaScript uses them: plain form posts."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Event, Question
from registrations.models import Attendee, PromoCode, Registration, WaitlistEntry
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.registration import registration_create
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.registrations.helpers import BILLING_INPUT

pytestmark = pytest.mark.django_db


def register_url(event) -> str:
    return f"/registrations/register/{event.slug}/"


def person(n: int, ticket_type, sessions=(), **overrides) -> dict:
    return {
        "ticket_type": str(ticket_type.id),
        "first_name": f"Grace{n}",
        "last_name": "Hopper",
        "email": f"grace{n}@example.org",
        "organization": "Mercy General",
        "job_title": "Charge Nurse",
        "profession": "nurse",
        "member_number": "",
        "dietary_needs": "",
        "accessibility_needs": "",
        "sessions": [str(s.id) for s in sessions],
    } | overrides


def form_data(*people: dict, action: str = "review", promo_code: str = "") -> dict:
    data = {
        "action": action,
        "buyer-first_name": "Ada",
        "buyer-last_name": "Ng",
        "buyer-email": "ada@example.org",
        "attendees-TOTAL_FORMS": str(len(people)),
        "attendees-INITIAL_FORMS": str(len(people)),
        "attendees-MIN_NUM_FORMS": "1",
        "attendees-MAX_NUM_FORMS": "50",
        "order-promo_code": promo_code,
        "order-payment_method": "card",
        "order-waitlist_offer": "",
    }
    for index, fields in enumerate(people):
        for name, value in fields.items():
            data[f"attendees-{index}-{name}"] = value
    return data


def hidden_fields(html: str) -> dict:
    """The hidden inputs of the review page, as the browser would send them back."""
    data: dict = {}
    for tag in re.findall(r"<input [^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        data.setdefault(name, []).append(value.group(1) if value else "")
    data.pop("csrfmiddlewaretoken", None)
    return data


@pytest.fixture
def event():
    return EventFactory(name="Quality Forum 2027")


@pytest.fixture
def ticket(event):
    return TicketTypeFactory(event=event, name="Full conference", price=Decimal("500.00"))


def make_registration(event, ticket, sessions=()) -> Registration:
    return registration_create(
        event=event,
        buyer=BuyerInput(
            billing=BILLING_INPUT, first_name="Ada", last_name="Ng", email="ada@example.org"
        ),
        attendees=[
            AttendeeInput(
                ticket_type=ticket.id,
                first_name="Ada",
                last_name="Ng",
                email="ada@example.org",
                organization="Mercy General",
                sessions=tuple(s.id for s in sessions),
            )
        ],
    )


def test_a_group_of_two_registers_through_add_review_and_confirm(client, event, ticket):
    page = client.get(register_url(event))
    assert page.status_code == 200
    assert 'name="attendees-TOTAL_FORMS"' in page.content.decode()

    added = client.post(register_url(event), form_data(person(1, ticket), action="add"))
    html = added.content.decode()
    assert 'name="attendees-1-first_name"' in html
    assert 'value="Grace1"' in html  # what was typed is kept
    assert "errorlist" not in html  # adding a block is not a validation

    two = form_data(person(1, ticket), person(2, ticket))
    review = client.post(register_url(event), two)
    html = review.content.decode()
    assert review.status_code == 200
    assert "Confirm registration" in html
    assert "1,000.00 USD" in html

    confirmed = client.post(register_url(event), hidden_fields(html) | {"action": "confirm"})
    registration = Registration.objects.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == registration.get_absolute_url()
    assert registration.attendees.count() == 2
    manage = client.get(confirmed["Location"]).content.decode()
    assert registration.reference in manage
    assert "Grace2 Hopper" in manage


def test_review_shows_the_promo_discounted_total(client, event, ticket):
    PromoCode.objects.create(event=event, code="MEMBER10", percent_off=Decimal("10"))
    data = form_data(person(1, ticket), person(2, ticket), promo_code="member10")
    html = client.post(register_url(event), data).content.decode()
    assert "MEMBER10" in html
    assert "100.00 USD" in html  # the discount: 10% of two 500.00 tickets
    assert "900.00 USD" in html  # the total


def test_an_unknown_promo_code_is_shown_on_the_promo_field(client, event, ticket):
    data = form_data(person(1, ticket), promo_code="NOPE")
    response = client.post(register_url(event), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_order-promo_code_error"' in html
    assert "not valid for this event" in html


def test_two_sessions_at_the_same_time_show_the_clash_and_keep_the_data(client, event, ticket):
    morning = SessionFactory(event=event, title="Safer Handoffs")
    other = SessionFactory(
        event=event, title="Human Factors", starts_at=morning.starts_at + timedelta(hours=1)
    )
    page = client.get(register_url(event)).content.decode()
    assert "Runs at the same time as" in page

    data = form_data(person(1, ticket, sessions=[morning, other], organization="St Luke"))
    response = client.post(register_url(event), data)
    html = response.content.decode()
    assert response.status_code == 409
    assert 'role="alert" data-code="session_clash"' in html
    assert "take place at the same time" in html
    assert 'value="St Luke"' in html
    assert re.search(rf'value="{morning.id}"[^>]* checked', html)
    assert Registration.objects.count() == 0


def test_a_bad_email_is_shown_next_to_that_attendees_email_field(client, event, ticket):
    data = form_data(person(1, ticket), person(2, ticket, email="not-an-email"))
    response = client.post(register_url(event), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_attendees-1-email_error"' in html
    assert re.search(
        r'aria-describedby="id_attendees-1-email_error"[^>]*id="id_attendees-1-email"', html
    )
    assert 'id="id_attendees-0-email_error"' not in html


def test_a_service_error_key_lands_on_the_named_attendee_field(client, event):
    members = TicketTypeFactory(event=event, name="Member rate", members_only=True)
    data = form_data(person(1, members))
    html = client.post(register_url(event), data).content.decode()
    assert 'id="id_attendees-0-member_number_error"' in html
    assert "give a member number" in html


def test_a_full_session_is_shown_disabled(client, event, ticket):
    full = SessionFactory(event=event, title="Sold Out Workshop", capacity=0)
    html = client.get(register_url(event)).content.decode()
    checkbox = re.search(rf'<input type="checkbox"[^>]*value="{full.id}"[^>]*>', html).group(0)
    assert "disabled" in checkbox
    assert "Full" in html


def test_a_sold_out_ticket_type_cannot_be_chosen(client, event):
    gone = TicketTypeFactory(event=event, name="Student", capacity=0)
    html = client.get(register_url(event)).content.decode()
    radio = re.search(rf'<input type="radio"[^>]*value="{gone.id}"[^>]*>', html).group(0)
    assert "disabled" in radio


def test_the_manage_page_of_an_unknown_token_is_404(client):
    assert client.get("/registrations/not-a-real-token/").status_code == 404


def test_editing_an_attendees_organization_works(client, event, ticket):
    registration = make_registration(event, ticket)
    attendee = registration.attendees.get()
    prefix = f"attendee-{attendee.id}"
    response = client.post(
        f"/registrations/{registration.token}/attendees/{attendee.id}/",
        {
            "action": "details",
            f"{prefix}-first_name": "Ada",
            f"{prefix}-last_name": "Ng",
            f"{prefix}-email": "ada@example.org",
            f"{prefix}-organization": "Boston Children's",
        },
        follow=True,
    )
    attendee.refresh_from_db()
    assert attendee.organization == "Boston Children's"
    assert "have been saved" in response.content.decode()


def test_swapping_a_session_works(client, event, ticket):
    first = SessionFactory(event=event, title="Safer Handoffs")
    second = SessionFactory(
        event=event, title="Diagnostic Safety", starts_at=first.starts_at + timedelta(days=1)
    )
    registration = make_registration(event, ticket, sessions=[first])
    attendee = registration.attendees.get()
    response = client.post(
        f"/registrations/{registration.token}/attendees/{attendee.id}/",
        {"action": "sessions", f"sessions-{attendee.id}-sessions": [str(second.id)]},
    )
    assert response.status_code == 302
    assert list(attendee.sessions.values_list("title", flat=True)) == ["Diagnostic Safety"]
    manage = client.get(response["Location"].split("#")[0]).content.decode()
    assert "have been updated" in manage


def test_cancelling_asks_first_then_shows_cancelled(client, event, ticket):
    registration = make_registration(event, ticket)
    url = f"/registrations/{registration.token}/cancel/"
    question = client.get(url)
    assert "Are you sure" in question.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING_PAYMENT

    page = client.post(url, follow=True).content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert "cancelled" in page.lower()


def test_a_lapsed_hold_shows_as_expired(client, event, ticket):
    registration = make_registration(event, ticket)
    Registration.objects.filter(pk=registration.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    html = client.get(registration.get_absolute_url()).content.decode()
    assert "status-expired" in html


def test_a_draft_events_register_page_is_404(client):
    draft = EventFactory(status=Event.Status.DRAFT)
    assert client.get(register_url(draft)).status_code == 404


def test_a_closed_event_says_registration_is_not_open(client):
    closed = EventFactory(status=Event.Status.CLOSED)
    response = client.get(register_url(closed))
    html = response.content.decode()
    assert "Registration for this event has closed." in html
    assert "<form" not in html.split("<main", 1)[1]


def test_the_event_page_links_to_the_register_page(client, event, ticket):
    html = client.get(f"/events/{event.slug}/").content.decode()
    assert f'href="{register_url(event)}"' in html


def test_joining_the_waiting_list_of_a_sold_out_ticket(client, event):
    gone = TicketTypeFactory(event=event, name="Student", capacity=0)
    assert "Join the waiting list" in client.get(f"/events/{event.slug}/").content.decode()
    response = client.post(
        f"/registrations/register/{event.slug}/waitlist/",
        {
            "ticket_type": gone.id,
            "first_name": "Lin",
            "last_name": "Wu",
            "email": "lin@example.org",
        },
        follow=True,
    )
    assert "You are on the waiting list for Student" in response.content.decode()
    assert gone.waitlist.get().email == "lin@example.org"


def test_ce_credentials_are_asked_checked_and_kept_through_the_form(client, event, ticket):
    bad = person(1, ticket, profession="physician", npi="1234567890")
    review = client.post(register_url(event), form_data(bad))
    html = review.content.decode()
    assert review.status_code == 400
    assert 'id="attendees-0-npi_error"' in html or "Not a valid NPI" in html

    good = person(1, ticket, profession="physician", npi="1234567893")
    review = client.post(register_url(event), form_data(good))
    assert review.status_code == 200
    client.post(register_url(event), hidden_fields(review.content.decode()) | {"action": "confirm"})
    assert Registration.objects.get().attendees.get().credentials == {"npi": "1234567893"}


def test_questions_are_asked_per_attendee_checked_and_kept_through_review(client, event, ticket):
    lunch = Question.objects.create(
        event=event, label="Lunch", kind="choice", choices=["Veg", "Fish"], required=True
    )
    topics = Question.objects.create(
        event=event, label="Topics", kind="multiple_choice", choices=["Safety", "Flow"]
    )
    first = Question.objects.create(event=event, label="First time?", kind="boolean")
    page = client.get(register_url(event)).content.decode()
    assert "Questions from the organizers" in page
    assert f'name="attendees-0-q_{lunch.id}"' in page

    missing = client.post(register_url(event), form_data(person(1, ticket)))
    html = missing.content.decode()
    assert "Confirm registration" not in html
    assert f"id_attendees-0-q_{lunch.id}_error" in html

    answers = {f"q_{lunch.id}": "Fish", f"q_{topics.id}": ["Safety", "Flow"], f"q_{first.id}": "no"}
    review = client.post(register_url(event), form_data(person(1, ticket, **answers)))
    html = review.content.decode()
    assert "Confirm registration" in html
    client.post(register_url(event), hidden_fields(html) | {"action": "confirm"})
    assert Attendee.objects.get().answers == {
        str(lunch.id): "Fish",
        str(topics.id): ["Safety", "Flow"],
        str(first.id): False,
    }


def test_a_service_refusal_of_an_answer_lands_on_its_question(client, event, ticket):
    other = TicketTypeFactory(event=event, name="Student")
    poster = Question.objects.create(event=event, label="Poster title", kind="text", required=True)
    poster.ticket_types.set([other])
    page = client.get(register_url(event)).content.decode()
    assert "For Student." in page
    response = client.post(register_url(event), form_data(person(1, other)))
    assert f"id_attendees-0-q_{poster.id}_error" in response.content.decode()


def test_the_attendee_changes_their_answers_on_the_manage_page(client, event, ticket):
    lunch = Question.objects.create(
        event=event, label="Lunch", kind="choice", choices=["Veg", "Fish"], required=True
    )
    registration = registration_create(
        event=event,
        buyer=BuyerInput(first_name="Ada", last_name="Ng", email="ada@example.org"),
        attendees=[
            AttendeeInput(
                ticket_type=ticket.id,
                first_name="Ada",
                last_name="Ng",
                email="ada@example.org",
                answers={str(lunch.id): "Veg"},
            )
        ],
    )
    attendee = registration.attendees.get()
    page = client.get(registration.get_absolute_url()).content.decode()
    assert f'name="attendee-{attendee.id}-q_{lunch.id}" value="Veg"' in page
    prefix = f"attendee-{attendee.id}"
    details = {
        "action": "details",
        f"{prefix}-first_name": "Ada",
        f"{prefix}-last_name": "Ng",
        f"{prefix}-email": "ada@example.org",
    }
    url = f"/registrations/{registration.token}/attendees/{attendee.id}/"
    refused = client.post(url, details)
    assert refused.status_code == 400  # a required answer cannot be cleared
    client.post(url, details | {f"{prefix}-q_{lunch.id}": "Fish"})
    attendee.refresh_from_db()
    assert attendee.answers == {str(lunch.id): "Fish"}


# The blank form, kept for every visitor while its catalogue lasts (events.fragments) ---


@pytest.fixture
def form_renders(monkeypatch):
    """How many times the register page's form body has been rendered."""
    from events import fragments

    renders = []
    real = fragments.render_to_string

    def counting(template_name, *args, **kwargs):
        if template_name == "registrations/_register_form.html":
            renders.append(template_name)
        return real(template_name, *args, **kwargs)

    monkeypatch.setattr(fragments, "render_to_string", counting)
    return renders


def _without_csrf_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_blank_form_is_rendered_once_and_each_visitor_gets_their_own_csrf_token(
    event, ticket, form_renders
):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one = first.get(register_url(event))
    assert len(form_renders) == 1
    two = second.get(register_url(event))
    assert len(form_renders) == 1  # kept
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.content.decode()).group(1)
        for r in (one, two)
    ]
    assert tokens[0] != tokens[1]
    assert _without_csrf_token(one.content.decode()) == _without_csrf_token(two.content.decode())
    assert f'value="{ticket.id}"' in two.content.decode()
    # The second visitor's form posts with their own token.
    data = form_data(person(1, ticket)) | {"csrfmiddlewaretoken": tokens[1]}
    review = second.post(register_url(event), data)
    assert review.status_code == 200 and "Review" in review.content.decode()


def test_an_organizers_price_change_shows_on_the_next_blank_form(client, event, ticket):
    assert "500.00" in client.get(register_url(event)).content.decode()
    ticket.price = Decimal("425.00")
    ticket.save()  # events.signals forget the catalogue, and with it the kept form
    html = client.get(register_url(event)).content.decode()
    assert "425.00" in html and "500.00" not in html


def test_a_sell_out_shows_on_the_next_blank_form(client, event):
    last_seat = TicketTypeFactory(event=event, name="Student", capacity=1)
    radio = rf'<input type="radio"[^>]*value="{last_seat.id}"[^>]*>'
    assert "disabled" not in re.search(radio, client.get(register_url(event)).content.decode())[0]
    make_registration(event, last_seat)  # takes the last seat: the catalogue is forgotten
    assert "disabled" in re.search(radio, client.get(register_url(event)).content.decode())[0]


def test_a_waiting_list_offer_gets_its_own_filled_in_form_not_the_blank_one(
    client, event, form_renders
):
    gone = TicketTypeFactory(event=event, name="Student", capacity=0)
    WaitlistEntry.objects.create(
        event=event,
        ticket_type=gone,
        email="lin@example.org",
        first_name="Lin",
        last_name="Wu",
        status=WaitlistEntry.Status.OFFERED,
        offer_token="offer-for-lin",
        offer_expires_at=timezone.now() + timedelta(hours=1),
    )
    assert 'value="Lin"' not in client.get(register_url(event)).content.decode()
    html = client.get(register_url(event) + "?offer=offer-for-lin").content.decode()
    assert len(form_renders) == 2  # not the kept blank form
    assert 'value="Lin"' in html and "offer-for-lin" in html
    radio = re.search(rf'<input type="radio"[^>]*value="{gone.id}"[^>]*>', html).group(0)
    assert "disabled" not in radio and "checked" in radio
    # ...and the next visitor without the offer gets the blank form again.
    assert 'value="Lin"' not in client.get(register_url(event)).content.decode()
