"""The demo uses it all: the Forum asks for lunch and has team rates; the demo members
named in the README get the member price."""

import io

import pytest
from django.core.management import call_command

from events.models import Event
from members.models import Member
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


def test_the_demo_forum_asks_lunch_has_team_rates_and_demo_members_get_the_member_price(api):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # twice: nothing doubles
    forum = Event.objects.get(slug="national-forum-2026")
    data = api.get(f"/api/v1/events/{forum.slug}/").json()
    lunch = next(q for q in data["questions"] if q["label"] == "Lunch choice")
    assert lunch["required"] and "Vegetarian" in lunch["choices"]
    assert [(r["min_attendees"], r["percent_off"]) for r in data["group_rates"]] == [
        (5, "10.00"),
        (10, "15.00"),
    ]
    assert Member.objects.count() == 4

    if not data["registration_open"]:
        pytest.skip("the demo Forum's registration is closed on this date")
    member_ticket = forum.ticket_types.get(name="Virtual – member")
    maria = attendee(
        member_ticket,
        first_name="Maria",
        last_name="Lopez",
        email="maria.lopez@example.org",
        member_number="IHI-100001",
        answers={str(lunch["id"]): "Vegan"},
    )
    response = register(api, forum, body(maria))
    assert response.status_code == 201, response.json()
    tom = attendee(
        member_ticket,
        first_name="Tom",
        last_name="Baker",
        email="tom.baker@example.org",
        member_number="IHI-100004",
        answers={str(lunch["id"]): "Fish"},
    )
    refused = register(api, forum, body(tom))
    assert "ended" in refused.json()["errors"]["attendees.0.member_number"][0]
