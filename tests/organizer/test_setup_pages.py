"""The organizer's set-up pages: questions, team rates, email wording, member list."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from events.models import GroupRate, Question
from members.models import Member
from registrations.messaging.models import EmailText
from tests.factories import OrganizerFactory
from tests.organizer.helpers import make_registration

pytestmark = pytest.mark.django_db


def test_adding_and_removing_questions(org_client, event, ticket):
    url = f"/organizer/events/{event.slug}/questions/"
    assert org_client.get(url).status_code == 200
    bad = org_client.post(url, {"action": "add", "label": "Lunch", "kind": "choice",
                                "choices": "Only one", "position": "1"})  # fmt: skip
    assert bad.status_code == 400
    assert "Give at least two choices." in bad.content.decode()
    good = org_client.post(
        url,
        {"action": "add", "label": "Lunch", "kind": "choice", "choices": "Veg\nFish\n",
         "required": "on", "position": "1", "ticket_types": [str(ticket.id)]},
    )  # fmt: skip
    assert good.status_code == 302
    lunch = Question.objects.get()
    assert (lunch.choices, lunch.required, list(lunch.ticket_types.all())) == (
        ["Veg", "Fish"],
        True,
        [ticket],
    )
    make_registration(event, {"ticket_type": ticket, "answers": {str(lunch.id): "Veg"}})
    org_client.post(url, {"action": "remove", "question": str(lunch.id)})
    lunch.refresh_from_db()
    assert lunch.is_active is False  # answered: kept, off the form
    page = org_client.get(url).content.decode()
    assert "Off the form (answers kept)" in page


def test_answers_show_on_the_organizers_registration_page(org_client, event, ticket):
    lunch = Question.objects.create(event=event, label="Lunch", kind="text")
    registration = make_registration(
        event, {"ticket_type": ticket, "answers": {str(lunch.id): "<b>Fish</b>"}}
    )
    page = org_client.get(f"/organizer/events/{event.slug}/registrations/{registration.reference}/")
    html = page.content.decode()
    assert "<dt>Lunch</dt><dd>&lt;b&gt;Fish&lt;/b&gt;</dd>" in html


def test_team_rates_page(org_client, event):
    url = f"/organizer/events/{event.slug}/team-rates/"
    bad = org_client.post(url, {"action": "add", "min_attendees": "1", "percent_off": "10"})
    assert bad.status_code == 400
    assert org_client.post(
        url, {"action": "add", "min_attendees": "5", "percent_off": "15"}
    ).status_code == 302  # fmt: skip
    rate = GroupRate.objects.get()
    assert (rate.min_attendees, rate.percent_off) == (5, Decimal("15.00"))
    assert "15%" in org_client.get(url).content.decode()
    org_client.post(url, {"action": "remove", "rate": str(rate.id)})
    assert not GroupRate.objects.exists()


def test_email_wording_page_refuses_unknown_placeholders_and_previews(org_client, event):
    url = f"/organizer/events/{event.slug}/emails/"
    bad = org_client.post(url, {"kind": "confirmation", "subject": "Hi {nmae}"})
    assert bad.status_code == 400
    assert "Unknown placeholder {nmae}" in bad.content.decode()
    saved = org_client.post(
        url, {"kind": "confirmation", "subject": "Hi {first_name}", "intro": "<i>Welcome</i>"}
    )
    assert saved.status_code == 302
    assert EmailText.objects.get().intro == "<i>Welcome</i>"
    page = org_client.get(url + "?kind=confirmation").content.decode()
    assert "Hi Ada" in page  # the preview's sample attendee
    assert "&lt;i&gt;Welcome&lt;/i&gt;" in page and "<i>Welcome</i>" not in page


def test_member_list_page_is_for_those_granted_it(client, org_client):
    assert org_client.get("/organizer/members/").status_code == 403
    user = OrganizerFactory(username="membership")
    user.user_permissions.add(Permission.objects.get(codename="import_members"))
    client.force_login(user)
    assert client.get("/organizer/members/").status_code == 200
    csv = b"member_number,email,last_name,valid_until\nM-1,a@example.org,Ng,2027-12-31\nM-2,bad,X,2027\n"
    response = client.post(
        "/organizer/members/", {"file": SimpleUploadedFile("m.csv", csv, "text/csv")}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 added, 0 updated, 0 removed, 1 rejected." in html
    assert Member.objects.get().number == "M-1"


def test_the_attendee_page_filters_by_answer(org_client, event, ticket):
    lunch = Question.objects.create(event=event, label="Lunch", kind="choice", choices=["V", "F"])
    make_registration(event, {"ticket_type": ticket, "first_name": "Grace",
                              "answers": {str(lunch.id): "F"}})  # fmt: skip
    make_registration(event, {"ticket_type": ticket, "first_name": "Ann",
                              "answers": {str(lunch.id): "V"}})  # fmt: skip
    page = org_client.get(
        f"/organizer/events/{event.slug}/attendees/", {"question": lunch.id, "answer": "F"}
    ).content.decode()
    assert "Grace" in page and "Ann" not in page
    assert f"export.csv?question={lunch.id}&amp;answer=F" in page


@pytest.mark.parametrize(("page", "field"), [("questions", "question"), ("team-rates", "rate")])
def test_removing_with_an_id_that_is_not_a_number_is_404(org_client, event, page, field):
    url = f"/organizer/events/{event.slug}/{page}/"
    assert org_client.post(url, {"action": "remove", field: "abc"}).status_code == 404
