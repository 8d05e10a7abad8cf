"""The organizer's own wording of the emails: placeholders checked when saved, filled in
when sent, escaped in the HTML body and as written in the text body."""

import re
from decimal import Decimal

import pytest

from registrations.messaging.delivery import render
from registrations.messaging.models import EmailText, Kind, OutboxMessage
from tests.factories import EventFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def event(organizer):
    event = EventFactory(name="Patient Safety Congress", timezone="America/New_York")
    event.organizers.add(organizer)
    return event


def url(event, kind: str, tail: str = "") -> str:
    return f"/api/v1/organizer/events/{event.slug}/email-texts/{kind}/{tail}"


def put(client, event, kind: str, **text):
    return client.put(url(event, kind), text, format="json")


def test_saved_text_is_read_back_with_the_placeholders(organizer_api, event):
    response = put(
        organizer_api, event, "confirmation",
        subject="Welcome, {first_name}", intro="Hello {first_name} {last_name}!", closing="Bye",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    data = organizer_api.get(url(event, "confirmation")).json()
    assert (data["subject"], data["intro"], data["closing"]) == (
        "Welcome, {first_name}",
        "Hello {first_name} {last_name}!",
        "Bye",
    )
    assert "{manage_url}" in data["placeholders"]
    assert EmailText.objects.get().kind == Kind.ATTENDEE_CONFIRMATION


@pytest.mark.parametrize(
    "text",
    [
        "Hi {name}",
        "Hi {first_name.upper}",
        "Hi {first_name!r}",
        "Hi {first_name:>30}",
        "Hi {0}",
        "Hi {",
        "Hi {first_name",
        "{event.__class__}",
    ],
)
def test_unknown_placeholders_are_refused_when_saved(organizer_api, event, text):
    response = put(organizer_api, event, "order", intro=text)
    assert response.status_code == 400
    assert "intro" in response.json()["errors"]
    assert not EmailText.objects.exists()


def test_unknown_kind_is_404_and_other_events_are_not_yours(organizer_api, event):
    assert organizer_api.get(url(event, "no-such-email")).status_code == 404
    other = EventFactory()
    assert put(organizer_api, other, "order", intro="Hi").status_code == 404


def test_the_email_uses_the_text_with_placeholders_filled_in(api, organizer_api, event):
    put(
        organizer_api, event, "confirmation",
        subject="{first_name}, see you at {event}",
        intro="Dear {first_name} {last_name}, your reference is {reference}.",
        closing="Questions? Reply to this email. {{not a placeholder}}",
    )  # fmt: skip
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    data = register(api, event, body(attendee(ticket, first_name="Grace", last_name="Hopper")))
    reference = data.json()["reference"]
    mail = render(OutboxMessage.objects.get(kind=Kind.ATTENDEE_CONFIRMATION))
    assert mail.subject == "Grace, see you at Patient Safety Congress"
    assert f"Dear Grace Hopper, your reference is {reference}." in mail.body
    assert "{not a placeholder}" in mail.body
    # The system's own paragraphs stay, between the intro and the closing.
    assert (
        mail.body.index("Dear Grace")
        < mail.body.index("you are registered")
        < mail.body.index("Questions?")
    )
    # Other kinds keep the system's wording.
    order = render(OutboxMessage.objects.get(kind=Kind.ORDER_CONFIRMATION))
    assert "Dear Grace Hopper" not in order.body


def test_markup_in_organizer_text_arrives_escaped_in_html_and_as_written_in_text(
    api, organizer_api, event
):
    put(organizer_api, event, "order", subject="Hi <b>you</b>", intro=SCRIPT, closing="a & b")
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    register(api, event, body(attendee(ticket)))
    mail = render(OutboxMessage.objects.get(kind=Kind.ORDER_CONFIRMATION))
    [(html, _)] = mail.alternatives[:1]
    assert SCRIPT not in html and "<b>you</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "a &amp; b" in html
    assert SCRIPT in mail.body and "a & b" in mail.body
    assert mail.subject == "Hi <b>you</b>"  # a subject is plain text in every mail client


def test_blank_text_goes_back_to_the_systems_own(organizer_api, event):
    put(organizer_api, event, "reminder", intro="Soon!")
    assert (
        put(organizer_api, event, "reminder", subject="", intro="", closing="").status_code == 200
    )
    assert not EmailText.objects.exists()


def test_a_subject_on_two_lines_is_refused(organizer_api, event):
    response = put(organizer_api, event, "order", subject="Hello\nBcc: x@example.org")
    assert response.status_code == 400 and "subject" in response.json()["errors"]


def test_the_preview_fills_in_a_sample_attendee(organizer_api, event):
    put(organizer_api, event, "confirmation", subject="Hi {first_name}", intro=SCRIPT + " {event}")
    preview = organizer_api.get(url(event, "confirmation", "preview/")).json()
    assert preview["subject"] == "Hi Ada"
    assert f"{SCRIPT} Patient Safety Congress" in preview["text"]
    assert SCRIPT not in preview["html"] and "&lt;script&gt;" in preview["html"]


def test_manage_url_in_an_attendees_email_is_her_own_link_never_the_buyers(
    api, organizer_api, event
):
    put(organizer_api, event, "confirmation", intro="Your page: {manage_url}")
    put(organizer_api, event, "order", intro="Your page: {manage_url}")
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    data = register(api, event, body(attendee(ticket, email="grace@example.org"))).json()
    [own] = [a["manage_url"].split("/registrations/", 1)[1] for a in data["attendees"]]
    confirmation = render(OutboxMessage.objects.get(kind=Kind.ATTENDEE_CONFIRMATION))
    assert re.search(rf"Your page: \S+/registrations/{own}", confirmation.body)
    assert data["token"] not in confirmation.body
    order = render(OutboxMessage.objects.get(kind=Kind.ORDER_CONFIRMATION))
    assert f"/registrations/{data['token']}/" in order.body
