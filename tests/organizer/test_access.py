"""Every organizer endpoint and page: anonymous 401 (API) or the login page, plain users
403, an organizer of another event 404, the event's organizer in."""

import pytest
from django.conf import settings

from tests.organizer.conftest import token_client
from tests.organizer.helpers import attendee_of, make_registration

pytestmark = pytest.mark.django_db

API = [
    ("get", "/api/v1/organizer/events/{slug}/attendees/"),
    ("get", "/api/v1/organizer/events/{slug}/attendees/export.csv"),
    ("get", "/api/v1/organizer/events/{slug}/attendees/export.xlsx"),
    ("get", "/api/v1/organizer/events/{slug}/badges.pdf"),
    ("get", "/api/v1/organizer/events/{slug}/stats/"),
    ("get", "/api/v1/organizer/events/{slug}/sessions/{session}/roster.csv"),
    ("get", "/api/v1/organizer/events/{slug}/venue-needs.csv"),
    ("post", "/api/v1/organizer/events/{slug}/check-in/"),
    ("post", "/api/v1/organizer/sessions/{session}/check-in/"),
]
PAGES = [
    ("get", "/organizer/events/{slug}/"),
    ("get", "/organizer/events/{slug}/attendees/"),
    ("get", "/organizer/events/{slug}/registrations/{reference}/"),
    ("post", "/organizer/events/{slug}/registrations/{reference}/refund/"),
    ("post", "/organizer/events/{slug}/registrations/{reference}/mark-paid/"),
    ("post", "/organizer/events/{slug}/registrations/{reference}/cancel/"),
    ("post", "/organizer/events/{slug}/attendees/{attendee}/substitute/"),
    ("get", "/organizer/events/{slug}/check-in/"),
    ("post", "/organizer/events/{slug}/check-in/"),
    ("get", "/organizer/events/{slug}/venue-needs/"),
]


@pytest.fixture
def target(event, ticket, workshop):
    registration = make_registration(event, {"ticket_type": ticket, "sessions": [workshop]})
    attendee = attendee_of(registration)
    return {
        "slug": event.slug,
        "session": workshop.id,
        "reference": registration.reference,
        "attendee": attendee.id,
        "code": attendee.badge_code,
    }


def call(client, method: str, path: str, target: dict):
    url = path.format(**target)
    if method == "post":
        return client.post(url, {"code": target["code"]}, format="json")
    return client.get(url)


@pytest.mark.parametrize("method, path", API)
def test_api_refuses_anonymous_401_plain_users_403_other_organizers_404(
    api, plain_user, other_organizer, target, method, path
):
    assert call(api, method, path, target).status_code == 401
    assert call(token_client(plain_user), method, path, target).status_code == 403
    assert call(token_client(other_organizer), method, path, target).status_code == 404


@pytest.mark.parametrize("method, path", API)
def test_api_lets_the_events_organizer_in(org_api, target, method, path):
    assert call(org_api, method, path, target).status_code in (200, 201)


@pytest.mark.parametrize("method, path", PAGES)
def test_pages_send_anonymous_to_login_refuse_plain_users_and_hide_other_events(
    client, plain_user, other_organizer, target, method, path
):
    url = path.format(**target)
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(f"{settings.LOGIN_URL}?next=")
    client.force_login(plain_user)
    assert getattr(client, method)(url).status_code == 403
    client.force_login(other_organizer)
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize("method, path", PAGES)
def test_pages_let_the_events_organizer_in(org_client, target, method, path):
    response = getattr(org_client, method)(path.format(**target), {"code": target["code"]})
    assert response.status_code in (200, 302)


def test_a_superuser_manages_every_event(client, target, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    assert client.get(f"/organizer/events/{target['slug']}/").status_code == 200


def test_index_lists_only_the_users_events(client, other_organizer, managed, organizer):
    client.force_login(organizer)
    page = client.get("/organizer/").content.decode()
    assert managed.name in page and "another-event" not in page
    client.force_login(other_organizer)
    page = client.get("/organizer/").content.decode()
    assert managed.name not in page and "/organizer/events/another-event/" in page


def test_index_needs_login_and_staff(client, plain_user):
    assert client.get("/organizer/").status_code == 302
    client.force_login(plain_user)
    assert client.get("/organizer/").status_code == 403


def test_session_check_in_for_a_session_of_an_event_not_managed_is_404(org_api, other_organizer):
    from tests.factories import SessionFactory

    foreign = SessionFactory()
    response = org_api.post(
        f"/api/v1/organizer/sessions/{foreign.id}/check-in/", {"code": "X"}, format="json"
    )
    assert response.status_code == 404
