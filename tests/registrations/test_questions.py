"""The organizer's own questions: asked, checked, kept, editable, exported, erased."""

from decimal import Decimal

import pytest

from events.models import Question
from registrations.models import Attendee
from tests.factories import EventFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(organizer):
    event = EventFactory(capacity=100)
    event.organizers.add(organizer)
    return event


@pytest.fixture
def ticket(event):
    return TicketTypeFactory(event=event, price=Decimal("0.00"))


def ask(organizer_api, event, **fields):
    response = organizer_api.post(
        f"/api/v1/organizer/events/{event.slug}/questions/", fields, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_questions_show_in_the_event_api_in_order(organizer_api, api, event, ticket):
    other = TicketTypeFactory(event=event)
    lunch = ask(
        organizer_api,
        event,
        label="Lunch",
        kind="choice",
        required=True,
        choices=["Vegetarian", "Fish"],
        position=2,
        help_text="For the box lunch",
    )
    first = ask(organizer_api, event, label="First time?", kind="boolean", position=1)
    ask(organizer_api, event, label="Poster", kind="text", ticket_types=[other.id], position=3)
    data = api.get(f"/api/v1/events/{event.slug}/").json()
    assert [q["label"] for q in data["questions"]] == ["First time?", "Lunch", "Poster"]
    shown = data["questions"][1]
    assert shown == {
        "id": lunch["id"],
        "label": "Lunch",
        "kind": "choice",
        "required": True,
        "choices": ["Vegetarian", "Fish"],
        "help_text": "For the box lunch",
        "ticket_types": [],
        "position": 2,
    }
    assert data["questions"][0]["id"] == first["id"]
    assert data["questions"][2]["ticket_types"] == [other.id]


def test_a_required_question_blocks_registration(organizer_api, api, event, ticket):
    lunch = ask(organizer_api, event, label="Lunch", kind="choice", required=True,
                choices=["Vegetarian", "Fish"])  # fmt: skip
    response = register(api, event, body(attendee(ticket), attendee(ticket)))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[f"attendees.0.answers.{lunch['id']}"] == ["This question needs an answer."]
    assert f"attendees.1.answers.{lunch['id']}" in errors
    assert not Attendee.objects.exists()

    answers = {str(lunch["id"]): "Fish"}
    response = register(api, event, body(attendee(ticket, answers=answers)))
    assert response.status_code == 201, response.json()
    assert response.json()["attendees"][0]["answers"] == {str(lunch["id"]): "Fish"}


@pytest.mark.parametrize(
    ("kind", "choices", "bad", "good", "stored"),
    [
        ("text", [], ["a list"], "  Boston  ", "Boston"),
        ("long_text", [], 12, "Many words", "Many words"),
        ("choice", ["A", "B"], "C", "B", "B"),
        ("multiple_choice", ["A", "B", "C"], ["A", "D"], ["C", "A"], ["A", "C"]),
        ("boolean", [], "yes", False, False),
        ("date", [], "2027-02-30", "1980-05-17", "1980-05-17"),
        ("country", [], "XX", "gb", "GB"),
    ],
)
def test_each_kind_of_answer_is_checked(
    organizer_api, api, event, ticket, kind, choices, bad, good, stored
):
    question = ask(organizer_api, event, label="Q", kind=kind, choices=choices)
    key = str(question["id"])
    response = register(api, event, body(attendee(ticket, answers={key: bad})))
    assert response.status_code == 400
    assert f"attendees.0.answers.{key}" in response.json()["errors"]
    response = register(api, event, body(attendee(ticket, answers={key: good})))
    assert response.status_code == 201, response.json()
    assert Attendee.objects.get().answers == {key: stored}


def test_unknown_question_and_one_of_another_ticket_type_are_refused(
    organizer_api, api, event, ticket
):
    other = TicketTypeFactory(event=event)
    poster = ask(organizer_api, event, label="Poster", kind="text", ticket_types=[other.id])
    response = register(
        api, event, body(attendee(ticket, answers={"999999": "x", str(poster["id"]): "y"}))
    )
    errors = response.json()["errors"]
    assert "attendees.0.answers.999999" in errors
    assert f"attendees.0.answers.{poster['id']}" in errors


def test_question_of_one_ticket_type_is_required_only_there(organizer_api, api, event, ticket):
    other = TicketTypeFactory(event=event, price=Decimal("0.00"))
    ask(organizer_api, event, label="Poster", kind="text", required=True, ticket_types=[other.id])
    assert register(api, event, body(attendee(ticket))).status_code == 201
    assert register(api, event, body(attendee(other))).status_code == 400


def test_answered_question_is_deactivated_never_deleted_and_keeps_answers_on_relabel(
    organizer_api, api, event, ticket
):
    lunch = ask(organizer_api, event, label="Lunch", kind="choice", choices=["Veg", "Fish"])
    unused = ask(organizer_api, event, label="Unused", kind="text")
    key = str(lunch["id"])
    register(api, event, body(attendee(ticket, answers={key: "Veg"})))
    base = f"/api/v1/organizer/events/{event.slug}/questions/"

    relabel = organizer_api.patch(f"{base}{key}/", {"label": "Lunch choice"}, format="json")
    assert relabel.status_code == 200
    kind_change = organizer_api.patch(f"{base}{key}/", {"kind": "text"}, format="json")
    assert kind_change.status_code == 400

    assert organizer_api.delete(f"{base}{unused['id']}/").status_code == 204
    assert not Question.objects.filter(pk=unused["id"]).exists()
    removed = organizer_api.delete(f"{base}{key}/")
    assert removed.status_code == 200
    assert removed.json()["is_active"] is False
    assert Question.objects.get(pk=key).label == "Lunch choice"
    assert Attendee.objects.get().answers == {key: "Veg"}
    assert api.get(f"/api/v1/events/{event.slug}/").json()["questions"] == []
    # Off the form: registering no longer asks it.
    assert register(api, event, body(attendee(ticket))).status_code == 201


def test_bad_questions_are_400(organizer_api, event):
    base = f"/api/v1/organizer/events/{event.slug}/questions/"
    cases = [
        ({"label": "Lunch", "kind": "choice", "choices": ["Only one"]}, "choices"),
        ({"label": "Lunch", "kind": "text", "choices": ["A", "B"]}, "choices"),
        ({"label": "Lunch", "kind": "colour"}, "kind"),
        ({"label": " ", "kind": "text"}, "label"),
        ({"label": "Lunch", "kind": "text", "ticket_types": [999999]}, "ticket_types"),
    ]
    for payload, field in cases:
        response = organizer_api.post(base, payload, format="json")
        assert response.status_code == 400, payload
        assert field in response.json()["errors"], response.json()


def test_questions_are_the_organizers_of_the_event(api, event):
    from tests.factories import OrganizerFactory

    stranger = OrganizerFactory(username="stranger")
    api.force_authenticate(stranger)
    response = api.post(
        f"/api/v1/organizer/events/{event.slug}/questions/",
        {"label": "Lunch", "kind": "text"},
        format="json",
    )
    assert response.status_code == 404
    assert not Question.objects.exists()


def test_attendee_changes_their_answers_later(organizer_api, api, event, ticket):
    lunch = ask(organizer_api, event, label="Lunch", kind="choice", required=True,
                choices=["Veg", "Fish"])  # fmt: skip
    key = str(lunch["id"])
    data = register(api, event, body(attendee(ticket, answers={key: "Veg"}))).json()
    person = data["attendees"][0]
    url = f"/api/v1/registrations/{data['token']}/attendees/{person['id']}/"
    assert api.patch(url, {"answers": {key: "Pasta"}}, format="json").status_code == 400
    assert api.patch(url, {"answers": {key: ""}}, format="json").status_code == 400
    response = api.patch(url, {"answers": {key: "Fish"}}, format="json")
    assert response.status_code == 200, response.json()
    assert Attendee.objects.get().answers == {key: "Fish"}
