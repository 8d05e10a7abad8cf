"""Each attendee's own link: their page and API read and change only that attendee; the
buyer's link still does everything; a substitute gets a new link and the previous one dies."""

from decimal import Decimal

import pytest

from audit.models import AuditEntry
from events.models import Question
from registrations.messaging.delivery import render
from registrations.messaging.models import OutboxMessage
from registrations.models import Attendee, Registration
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(api):
    """A confirmed (free) registration of three, each with a session choice."""
    event = EventFactory()
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    session = SessionFactory(event=event, title="Safety huddles")
    other = SessionFactory(event=event, title="Root causes", starts_at=session.starts_at)
    people = [
        attendee(ticket, [session], first_name="Nadia", email="nadia@example.org"),
        attendee(ticket, [session], first_name="Omar", email="omar@example.org"),
        attendee(ticket, [], first_name="Pia", email="pia@example.org"),
    ]
    data = register(api, event, body(*people)).json()
    assert data["status"] == "confirmed", data
    return data, session, other


def own_token(data, index):
    return data["attendees"][index]["manage_url"].rstrip("/").rsplit("/", 1)[-1]


def test_the_buyers_answer_gives_each_attendee_a_link_of_their_own(group):
    data, _, _ = group
    urls = [a["manage_url"] for a in data["attendees"]]
    assert len(set(urls)) == 3
    assert all("/registrations/attendee/" in url for url in urls)
    assert all(data["token"] not in url for url in urls)
    tokens = {Attendee.objects.get(pk=a["id"]).token for a in data["attendees"]}
    assert all(len(token) >= 43 for token in tokens)  # 32 random bytes, url-safe


def test_an_attendee_reads_only_herself(api, group):
    data, session, _ = group
    answer = api.get(f"/api/v1/attendees/{own_token(data, 0)}/")
    assert answer.status_code == 200
    body_text = answer.content.decode()
    me = answer.json()
    assert me["first_name"] == "Nadia" and me["reference"] == data["reference"]
    assert [s["id"] for s in me["sessions"]] == [session.id]
    for stranger in ("omar@example.org", "pia@example.org", "buyer@example.org", data["token"]):
        assert stranger not in body_text
    assert "total" not in me and "attendees" not in me and "buyer" not in me
    assert not {"price", "discount", "amount_paid", "billing", "invoices"} & set(me)


def test_an_attendee_changes_her_own_credentials_and_nobody_elses(api, group):
    data, _, _ = group
    token = own_token(data, 0)
    answer = api.patch(
        f"/api/v1/attendees/{token}/",
        {"profession": "nurse", "credentials": {"license_number": "RN123", "license_state": "MA"}},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    nadia, omar = (Attendee.objects.get(pk=a["id"]) for a in data["attendees"][:2])
    assert nadia.credentials == {"license_number": "RN123", "license_state": "MA"}
    assert omar.credentials == {}
    [entry] = AuditEntry.objects.filter(action="attendee_own_change")
    assert entry.details == {"attendee": nadia.pk, "fields": ["credentials", "profession"]}
    assert entry.actor is None and entry.target == data["reference"]
    refused = api.patch(f"/api/v1/attendees/{token}/", {"email": "x@example.org"}, format="json")
    assert refused.status_code == 400 and "email" in refused.json()["errors"]
    assert Attendee.objects.get(pk=nadia.pk).email == "nadia@example.org"


def test_an_attendee_swaps_her_own_session(api, group):
    data, session, other = group
    token = own_token(data, 0)
    answer = api.patch(f"/api/v1/attendees/{token}/", {"sessions": [other.id]}, format="json")
    assert answer.status_code == 200, answer.json()
    assert [s["id"] for s in answer.json()["sessions"]] == [other.id]
    omar = Attendee.objects.get(pk=data["attendees"][1]["id"])
    assert [c.session_id for c in omar.choices.all()] == [session.id]


def test_an_attendee_joins_a_full_sessions_waiting_list(api, group):
    data, session, _ = group
    full = SessionFactory(event=session.event, capacity=0, starts_at=session.ends_at)
    answer = api.post(
        f"/api/v1/attendees/{own_token(data, 2)}/waitlist/", {"session": full.id}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["attendee"] == data["attendees"][2]["id"]


def test_an_attendee_link_cannot_cancel_or_reach_the_buyers_pages(api, client, group):
    data, _, _ = group
    token = own_token(data, 0)
    assert api.post(f"/api/v1/registrations/{token}/cancel/").status_code == 404
    assert api.get(f"/api/v1/registrations/{token}/").status_code == 404
    assert client.get(f"/registrations/{token}/").status_code == 404
    assert Registration.objects.get(reference=data["reference"]).status == "confirmed"


def test_the_attendee_page_shows_only_her_and_saves_her_details(client, group):
    data, _, _ = group
    token = own_token(data, 1)
    page = client.get(f"/registrations/attendee/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Omar" in html and "Nadia" not in html and "Pia" not in html
    assert "buyer@example.org" not in html and data["token"] not in html
    assert "Cancel this registration" not in html and "Pay now" not in html
    assert f'action="/registrations/attendee/{token}/edit/"' in html  # her forms post to her link
    omar = Attendee.objects.get(pk=data["attendees"][1]["id"])
    prefix = f"attendee-{omar.id}"
    saved = client.post(
        f"/registrations/attendee/{token}/edit/",
        {
            "action": "details",
            f"{prefix}-first_name": "Omar",
            f"{prefix}-last_name": "Ng",
            f"{prefix}-profession": "physician",
            f"{prefix}-npi": "1234567893",
        },
    )
    assert saved.status_code == 302
    assert Attendee.objects.get(pk=omar.pk).credentials == {"npi": "1234567893"}


def test_the_buyers_link_still_changes_every_attendee(api, group):
    data, _, _ = group
    for person in data["attendees"]:
        url = f"/api/v1/registrations/{data['token']}/attendees/{person['id']}/"
        assert api.patch(url, {"job_title": "Lead"}, format="json").status_code == 200
    assert set(Attendee.objects.values_list("job_title", flat=True)) == {"Lead"}


def test_a_substitute_gets_a_new_link_and_the_previous_one_stops_working(api, client, group):
    data, _, _ = group
    old_token = own_token(data, 0)
    url = f"/api/v1/registrations/{data['token']}/attendees/{data['attendees'][0]['id']}/"
    answer = api.patch(url, {"email": "noor@example.org", "first_name": "Noor"}, format="json")
    assert answer.status_code == 200, answer.json()
    new_url = answer.json()["attendees"][0]["manage_url"]
    assert old_token not in new_url
    assert api.get(f"/api/v1/attendees/{old_token}/").status_code == 404
    assert client.get(f"/registrations/attendee/{old_token}/").status_code == 404
    new_token = new_url.rstrip("/").rsplit("/", 1)[-1]
    assert api.get(f"/api/v1/attendees/{new_token}/").json()["first_name"] == "Noor"
    welcome = OutboxMessage.objects.get(kind="attendee_confirmation", to_email="noor@example.org")
    email = render(welcome)
    text = email.body + "".join(str(alt[0]) for alt in email.alternatives)
    assert new_token in text and old_token not in text  # the substitute's own, new link
    told = render(OutboxMessage.objects.get(kind="substitution", to_email="nadia@example.org"))
    assert new_token not in told.body + "".join(str(alt[0]) for alt in told.alternatives)


def test_attendee_emails_carry_their_own_link_not_the_buyers(group):
    data, _, _ = group
    message = OutboxMessage.objects.get(kind="attendee_confirmation", to_email="omar@example.org")
    email = render(message)
    text = email.body + "".join(str(alt[0]) for alt in email.alternatives)
    assert own_token(data, 1) in text
    assert data["token"] not in text


def test_her_calendar_holds_the_event_and_only_her_sessions(client, group):
    data, session, _ = group
    calendar = client.get(f"/registrations/attendee/{own_token(data, 2)}/calendar.ics")
    assert calendar.status_code == 200 and calendar["Content-Type"].startswith("text/calendar")
    assert session.title not in calendar.content.decode()  # Pia chose no session
    mine = client.get(f"/registrations/attendee/{own_token(data, 0)}/calendar.ics")
    assert session.title in mine.content.decode()


def test_her_certificate_waits_for_the_release(client, group):
    data, _, _ = group
    answer = client.get(
        f"/registrations/attendee/{own_token(data, 0)}/certificate.pdf",
        HTTP_ACCEPT="application/json",
    )
    assert answer.status_code == 409 and answer.json()["code"] == "not_available"


def test_guessing_attendee_links_is_throttled(api, client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "token_miss": "3/minute"}
    answers = [api.get(f"/api/v1/attendees/guess{n}/").status_code for n in range(3)]
    assert answers == [404, 404, 404]
    assert api.get("/api/v1/attendees/guess-again/").status_code == 429
    assert client.get("/registrations/attendee/guess-again/").status_code == 429
    cache.clear()


def test_an_attendee_answers_the_events_questions_from_her_own_link(api, client, group):
    """Her answers are hers to change, by API and on her page; nobody else's change."""
    data, _, _ = group
    nadia, omar = (Attendee.objects.get(pk=a["id"]) for a in data["attendees"][:2])
    lunch = Question.objects.create(
        event=nadia.registration.event, label="Lunch", kind="choice", choices=["Fish", "Vegan"]
    )
    token = own_token(data, 0)
    changed = api.patch(
        f"/api/v1/attendees/{token}/", {"answers": {str(lunch.id): "Vegan"}}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["answers"] == {str(lunch.id): "Vegan"}
    wrong = api.patch(
        f"/api/v1/attendees/{token}/", {"answers": {str(lunch.id): "Steak"}}, format="json"
    )
    assert wrong.status_code == 400
    assert f"answers.{lunch.id}" in str(wrong.json()["errors"])

    page = client.get(f"/registrations/attendee/{token}/").content.decode()
    assert "Lunch" in page and "Vegan" in page
    prefix = f"attendee-{nadia.id}"
    saved = client.post(
        f"/registrations/attendee/{token}/edit/",
        {
            "action": "details",
            f"{prefix}-first_name": "Nadia",
            f"{prefix}-last_name": nadia.last_name,
            f"{prefix}-q_{lunch.id}": "Fish",
        },
    )
    assert saved.status_code == 302
    assert Attendee.objects.get(pk=nadia.pk).answers == {str(lunch.id): "Fish"}
    assert Attendee.objects.get(pk=omar.pk).answers == {}
