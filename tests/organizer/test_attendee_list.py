from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registrations.models import Registration
from tests.factories import SessionFactory, TicketTypeFactory
from tests.organizer.helpers import attendee_of, checked_in, make_registration

pytestmark = pytest.mark.django_db

Status = Registration.Status


def url(event) -> str:
    return f"/api/v1/organizer/events/{event.slug}/attendees/"


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["first_name"] for row in response.json()["results"]}


def test_list_shows_each_attendee_with_the_documented_fields(org_api, event, ticket, workshop):
    registration = make_registration(
        event,
        {
            "ticket_type": ticket,
            "sessions": [workshop],
            "first_name": "Grace",
            "dietary_needs": "Vegan",
        },
    )
    checked_in(attendee_of(registration))
    data = org_api.get(url(event)).json()
    assert data["count"] == 1 and data["next"] is None and data["previous"] is None
    row = data["results"][0]
    assert set(row) >= {
        "id", "reference", "status", "badge_code", "first_name", "last_name", "email",
        "organization", "job_title", "profession", "ticket_type", "sessions", "checked_in",
        "checked_in_at", "registered_at", "amount_paid", "currency", "dietary_needs",
        "accessibility_needs",
    }  # fmt: skip
    assert row["reference"] == registration.reference and row["status"] == "confirmed"
    assert row["ticket_type"] == {"id": ticket.id, "name": "Full conference"}
    assert row["sessions"] == [{"id": workshop.id, "title": "Human factors workshop"}]
    assert row["checked_in"] is True and row["checked_in_at"].endswith(("-05:00", "-04:00"))
    assert row["amount_paid"] == "500.00" and row["currency"] == "USD"
    assert row["dietary_needs"] == "Vegan"


def test_pending_registration_whose_hold_lapsed_reads_and_filters_as_expired(
    org_api, event, ticket
):
    make_registration(
        event, {"ticket_type": ticket, "first_name": "Live"}, status=Status.PENDING_PAYMENT
    )
    make_registration(
        event,
        {"ticket_type": ticket, "first_name": "Lapsed"},
        status=Status.PENDING_PAYMENT,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    make_registration(event, {"ticket_type": ticket, "first_name": "Swept"}, status=Status.EXPIRED)
    make_registration(event, {"ticket_type": ticket, "first_name": "Paid"})

    assert names(org_api.get(url(event), {"status": "expired"})) == {"Lapsed", "Swept"}
    assert names(org_api.get(url(event), {"status": "pending_payment"})) == {"Live"}
    assert names(org_api.get(url(event), {"status": "confirmed"})) == {"Paid"}
    statuses = {r["first_name"]: r["status"] for r in org_api.get(url(event)).json()["results"]}
    assert statuses["Lapsed"] == "expired"


def test_filters_by_ticket_type_session_profession_and_check_in(org_api, event, ticket, workshop):
    student = TicketTypeFactory(event=event, name="Student", price=Decimal("100.00"))
    first = make_registration(
        event, {"ticket_type": ticket, "sessions": [workshop], "first_name": "Ann"}
    )
    make_registration(
        event, {"ticket_type": student, "first_name": "Bob", "profession": "physician"}
    )
    checked_in(attendee_of(first))

    assert names(org_api.get(url(event), {"ticket_type": student.id})) == {"Bob"}
    assert names(org_api.get(url(event), {"session": workshop.id})) == {"Ann"}
    assert names(org_api.get(url(event), {"profession": "physician"})) == {"Bob"}
    assert names(org_api.get(url(event), {"checked_in": "true"})) == {"Ann"}
    assert names(org_api.get(url(event), {"checked_in": "false"})) == {"Bob"}


def test_a_plenary_session_filter_lists_everyone(org_api, event, ticket):
    plenary = SessionFactory(event=event, title="Opening plenary", selectable=False)
    make_registration(event, {"ticket_type": ticket, "first_name": "Ann"})
    assert names(org_api.get(url(event), {"session": plenary.id})) == {"Ann"}


@pytest.mark.parametrize(
    "query, found",
    [
        ("grace", {"Grace"}),
        ("HOPPER", {"Grace"}),
        ("navy.example", {"Grace"}),
        ("naval research", {"Grace"}),
        ("grace lab", set()),
        ("Mercy", {"Ann"}),
    ],
)
def test_search_matches_names_email_and_organization(org_api, event, ticket, query, found):
    make_registration(
        event,
        {
            "ticket_type": ticket,
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@navy.example",
            "organization": "Naval Research",
        },
    )
    make_registration(event, {"ticket_type": ticket, "first_name": "Ann"})
    assert names(org_api.get(url(event), {"q": query})) == found


def test_search_finds_a_reference_and_a_badge_code(org_api, event, ticket):
    registration = make_registration(event, {"ticket_type": ticket, "first_name": "Ann"})
    make_registration(event, {"ticket_type": ticket, "first_name": "Bob"})
    badge = attendee_of(registration).badge_code
    assert names(org_api.get(url(event), {"q": registration.reference.lower()})) == {"Ann"}
    assert names(org_api.get(url(event), {"q": badge})) == {"Ann"}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"status": "paid"}, "status"),
        ({"ticket_type": "abc"}, "ticket_type"),
        ({"ticket_type": "99999999999999999999999"}, "ticket_type"),
        ({"session": "-1"}, "session"),
        ({"profession": "surgeon"}, "profession"),
        ({"checked_in": "maybe"}, "checked_in"),
        ({"q": "x" * 101}, "q"),
        ({"q": "nul\x00byte"}, "q"),
    ],
)
def test_bad_filter_values_are_400_with_the_field(org_api, event, ticket, params, field):
    make_registration(event, {"ticket_type": ticket})
    for suffix in ("", "export.csv", "export.xlsx"):
        response = org_api.get(url(event) + suffix, params)
        assert response.status_code == 400, (suffix, response.content)
        assert field in response.json()["errors"]
    assert (
        org_api.get(f"/api/v1/organizer/events/{event.slug}/badges.pdf", params).status_code == 400
    )


def test_a_ticket_type_or_session_of_another_event_is_a_bad_filter(org_api, event, ticket):
    elsewhere = TicketTypeFactory()
    other_session = SessionFactory()
    response = org_api.get(url(event), {"ticket_type": elsewhere.id, "session": other_session.id})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"ticket_type", "session"}


def test_list_is_paginated(org_api, event, ticket):
    for _ in range(3):
        make_registration(event, {"ticket_type": ticket})
    data = org_api.get(url(event), {"page_size": 2}).json()
    assert data["count"] == 3 and len(data["results"]) == 2 and data["next"]
    assert len(org_api.get(data["next"]).json()["results"]) == 1


def _fill(event, ticket, workshop, n: int) -> None:
    for _ in range(n):
        make_registration(event, {"ticket_type": ticket, "sessions": [workshop]})


def test_list_api_and_page_make_the_same_number_of_queries_for_3_or_30_attendees(
    org_api, org_client, event, ticket, workshop
):
    page_url = f"/organizer/events/{event.slug}/attendees/"
    _fill(event, ticket, workshop, 3)
    with CaptureQueriesContext(connection) as few_api:
        assert org_api.get(url(event)).status_code == 200
    with CaptureQueriesContext(connection) as few_page:
        assert org_client.get(page_url).status_code == 200
    _fill(event, ticket, workshop, 27)
    with CaptureQueriesContext(connection) as many_api:
        assert org_api.get(url(event)).json()["count"] == 30
    with CaptureQueriesContext(connection) as many_page:
        assert org_client.get(page_url).status_code == 200
    assert len(many_api) == len(few_api) <= 6
    assert len(many_page) == len(few_page) <= 10  # the questions, for their filter


def test_attendee_page_filters_and_links_exports_with_the_same_filters(org_client, event, ticket):
    make_registration(event, {"ticket_type": ticket, "first_name": "Grace"})
    make_registration(event, {"ticket_type": ticket, "first_name": "Ann"})
    response = org_client.get(f"/organizer/events/{event.slug}/attendees/", {"q": "grace"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Grace" in page and "Ann" not in page
    assert f"/api/v1/organizer/events/{event.slug}/attendees/export.csv?q=grace" in page
    assert f"/api/v1/organizer/events/{event.slug}/badges.pdf?q=grace" in page


def test_attendee_page_shows_bad_filters_as_form_errors(org_client, event):
    response = org_client.get(f"/organizer/events/{event.slug}/attendees/", {"status": "x"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
