"""The attendees' answers to the organizer's questions: in the list, its filters and the
exports (one column per question, after the standard ones)."""

import pytest

from events.models import Question
from tests.organizer.helpers import make_registration
from tests.organizer.test_exports import COLUMNS, export_url, read_csv, read_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def lunch(event):
    return Question.objects.create(
        event=event, label="Lunch", kind="choice", choices=["Veg", "Fish"], position=1
    )


@pytest.fixture
def topics(event):
    return Question.objects.create(
        event=event,
        label="Topics",
        kind="multiple_choice",
        choices=["Safety", "Equity", "Flow"],
        position=2,
    )


@pytest.fixture
def first_time(event):
    return Question.objects.create(event=event, label="First time?", kind="boolean", position=3)


@pytest.fixture
def answered(event, ticket, lunch, topics, first_time):
    make_registration(
        event,
        {
            "ticket_type": ticket,
            "first_name": "Grace",
            "answers": {
                str(lunch.id): "Fish",
                str(topics.id): ["Safety", "Flow"],
                str(first_time.id): True,
            },
        },
        {"ticket_type": ticket, "first_name": "Ann", "answers": {str(lunch.id): "=Veg"}},
        {"ticket_type": ticket, "first_name": "Bo"},
    )


def test_answers_appear_in_the_csv_in_the_questions_columns(org_api, event, lunch, answered):
    rows = read_csv(org_api.get(export_url(event, "csv")))
    assert list(rows[0]) == COLUMNS + [
        "badge_code", "dietary_needs", "accessibility_needs", "Lunch", "Topics", "First time?",
    ]  # fmt: skip
    by_name = {row["first_name"]: row for row in rows}
    assert by_name["Grace"]["Lunch"] == "Fish"
    assert by_name["Grace"]["Topics"] == "Safety; Flow"
    assert by_name["Grace"]["First time?"] == "Yes"
    assert by_name["Ann"]["Lunch"] == "'=Veg"  # an answer never runs as a formula
    assert by_name["Bo"]["Lunch"] == "" and by_name["Bo"]["First time?"] == ""


def test_answers_survive_a_new_label_and_a_deactivated_question(org_api, event, lunch, answered):
    lunch.label = "Lunch choice"
    lunch.is_active = False
    lunch.save()
    header, *rows = read_xlsx(org_api.get(export_url(event, "xlsx")))
    names = [cell.value for cell in header]
    assert "Lunch choice" in names and "Lunch" not in names
    column = names.index("Lunch choice")
    assert sorted(str(row[column].value or "") for row in rows) == ["", "'=Veg", "Fish"]


def test_the_list_filters_by_answer(org_api, event, lunch, topics, first_time, answered):
    url = f"/api/v1/organizer/events/{event.slug}/attendees/"

    def names(**params):
        response = org_api.get(url, params)
        assert response.status_code == 200, response.json()
        return sorted(a["first_name"] for a in response.json()["results"])

    assert names(question=lunch.id, answer="Fish") == ["Grace"]
    assert names(question=lunch.id) == ["Ann", "Grace"]  # any answer
    assert names(question=topics.id, answer="Flow") == ["Grace"]
    assert names(question=topics.id, answer="Equity") == []
    assert names(question=first_time.id, answer="yes") == ["Grace"]
    grace = org_api.get(url, {"q": "Grace"}).json()["results"][0]
    assert grace["answers"][str(lunch.id)] == "Fish"
    assert org_api.get(url, {"question": 999999}).status_code == 400
    assert org_api.get(url, {"answer": "Fish"}).status_code == 400
