"""Find my registration: the same answer for known and unknown addresses; the links go to
the address only; a flood sends at most a few emails; throttled per client."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from audit.models import AuditEntry
from registrations.messaging.models import Kind, OutboxMessage
from registrations.messaging.notify import LINKS_EMAILS_PER_HOUR
from tests.factories import EventFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db

URL = "/api/v1/registrations/find/"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registration(api):
    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("0.00"))
    person = attendee(ticket, email="nurse@example.org")
    return register(api, ticket.event, body(person)).json()


def sent_to(address):
    return OutboxMessage.objects.filter(kind=Kind.REGISTRATION_LINKS, to_email=address)


def test_known_and_unknown_addresses_get_the_same_answer(api, registration):
    known = api.post(URL, {"email": "nurse@example.org"}, format="json")
    unknown = api.post(URL, {"email": "stranger@example.org"}, format="json")
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert sent_to("nurse@example.org").count() == 1
    assert not sent_to("stranger@example.org").exists()
    assert AuditEntry.objects.filter(action="links_sent", target=registration["reference"]).exists()


def test_a_bad_address_is_a_400_not_a_500(api):
    answer = api.post(URL, {"email": "not an address"}, format="json")
    assert answer.status_code == 400 and "email" in answer.json()["errors"]
    assert api.post(URL, ["x"], format="json").status_code == 400


def test_a_flood_for_one_address_sends_at_most_a_few_emails(api, registration):
    for n in range(30):  # from many clients: the per-client limit does not stop them
        answer = api.post(
            URL, {"email": "nurse@example.org"}, format="json", REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert answer.status_code == 202
    assert sent_to("nurse@example.org").count() == LINKS_EMAILS_PER_HOUR == 3


def test_one_client_is_throttled(api, settings, registration):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "find": "3/hour"}
    answers = [
        api.post(URL, {"email": f"x{n}@example.org"}, format="json").status_code for n in range(5)
    ]
    assert answers == [202, 202, 202, 429, 429]


def test_the_form_on_the_event_page_answers_the_same(client, registration):
    event_page = client.get(f"/events/{registration['event']}/")
    assert 'action="/registrations/find/"' in event_page.content.decode()
    known = client.post("/registrations/find/", {"email": "nurse@example.org"})
    unknown = client.post("/registrations/find/", {"email": "someone@example.org"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda page: page.content.decode().replace("csrfmiddlewaretoken", "")  # noqa: E731
    assert "an email with their links is on its way" in strip(known)
    assert sent_to("nurse@example.org").count() == 1
    assert client.post("/registrations/find/", {"email": "nope"}).status_code == 400


def test_the_form_and_the_api_share_the_clients_limit(api, client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "find": "2/hour"}
    assert api.post(URL, {"email": "a@example.org"}, format="json").status_code == 202
    assert client.post("/registrations/find/", {"email": "b@example.org"}).status_code == 200
    refused = client.post("/registrations/find/", {"email": "c@example.org"})
    assert refused.status_code == 429 and refused["Retry-After"]
