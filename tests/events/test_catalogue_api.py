from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Event, PriceTier, Session, TicketType
from tests.factories import (
    EventFactory,
    OrganizerFactory,
    PriceTierFactory,
    SessionFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EVENT_BODY = {
    "slug": "safety-2027",
    "name": "Patient Safety Congress 2027",
    "starts_at": "2027-05-12T08:00:00-04:00",
    "ends_at": "2027-05-14T17:00:00-04:00",
    "timezone": "America/New_York",
    "venue": {"name": "Hyatt Regency", "city": "Orlando", "country": "United States"},
    "currency": "USD",
    "capacity": 1200,
    "registration_opens_at": "2026-09-01T09:00:00-04:00",
    "registration_closes_at": "2027-05-11T23:59:00-04:00",
    "status": "published",
}


def test_public_list_shows_only_published_events_with_the_documented_fields(api):
    published = EventFactory(name="Forum")
    EventFactory(status=Event.Status.DRAFT)
    response = api.get("/api/v1/events/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["previous"] is None and body["next"] is None
    item = body["results"][0]
    assert item["slug"] == published.slug
    assert set(item) >= {
        "slug",
        "name",
        "starts_at",
        "ends_at",
        "timezone",
        "venue",
        "currency",
        "registration_open",
        "url",
    }
    assert item["venue"] == {
        "name": published.venue.name,
        "city": "Boston",
        "country": "United States",
    }
    assert item["registration_open"] is True
    assert item["url"].endswith(f"/events/{published.slug}/")
    assert item["starts_at"].endswith(("-04:00", "-05:00"))  # in the event's own zone


def test_event_detail_has_ticket_types_with_todays_tier_and_sessions(api):
    event = EventFactory()
    ticket = TicketTypeFactory(event=event, price=Decimal("500.00"), capacity=10)
    PriceTierFactory(ticket_type=ticket, price=Decimal("400.00"))
    session = SessionFactory(event=event, capacity=25, ce_credits=Decimal("3.50"))
    body = api.get(f"/api/v1/events/{event.slug}/").json()
    [offer] = body["ticket_types"]
    assert offer["id"] == ticket.id
    assert offer["price"] == "400.00" and offer["currency"] == "USD"
    assert offer["price_tier"].startswith("Early bird until ")
    assert offer["available"] == 10 and offer["sold_out"] is False
    [item] = body["sessions"]
    assert item["id"] == session.id
    assert item["available"] == 25 and item["capacity"] == 25
    assert item["ce_credits"] == "3.50" and item["price"] == "0.00"


def test_unknown_and_draft_events_are_404(api):
    draft = EventFactory(status=Event.Status.DRAFT)
    assert api.get("/api/v1/events/nope/").status_code == 404
    assert api.get(f"/api/v1/events/{draft.slug}/").status_code == 404


def test_organizer_creates_event_ticket_type_with_tiers_and_session(organizer_api, organizer):
    response = organizer_api.post("/api/v1/organizer/events/", EVENT_BODY, format="json")
    assert response.status_code == 201, response.json()
    event = Event.objects.get(slug="safety-2027")
    assert event.venue.city == "Orlando"
    assert list(event.organizers.all()) == [organizer]

    response = organizer_api.post(
        "/api/v1/organizer/events/safety-2027/ticket-types/",
        {
            "name": "Full conference",
            "price": "1395.00",
            "capacity": 800,
            "price_tiers": [{"price": "1195.00", "until": "2027-02-28"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    tier = PriceTier.objects.get()
    # "until 2027-02-28" means through that day in New York: the tier ends at local midnight.
    assert tier.until.astimezone(event.tzinfo).isoformat() == "2027-03-01T00:00:00-05:00"
    assert response.json()["price_tiers"][0]["until"] == "2027-03-01T00:00:00-05:00"

    response = organizer_api.post(
        "/api/v1/organizer/events/safety-2027/sessions/",
        {
            "title": "Workshop A",
            "starts_at": "2027-05-12T08:00:00-04:00",
            "ends_at": "2027-05-12T12:00:00-04:00",
            "capacity": 60,
            "price": "295.00",
            "ce_credits": "3.5",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["ce_credits"] == "3.50"

    public = APIClient().get("/api/v1/events/safety-2027/").json()
    assert [t["name"] for t in public["ticket_types"]] == ["Full conference"]
    assert [s["title"] for s in public["sessions"]] == ["Workshop A"]


def test_patch_event_changes_fields_and_validates_the_result(organizer_api, organizer):
    event = EventFactory()
    event.organizers.add(organizer)
    response = organizer_api.patch(
        f"/api/v1/organizer/events/{event.slug}/", {"name": "Renamed"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"
    response = organizer_api.patch(
        f"/api/v1/organizer/events/{event.slug}/",
        {"ends_at": (event.starts_at - timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert "ends_at" in response.json()["errors"]
    event.refresh_from_db()
    assert event.name == "Renamed" and event.ends_at > event.starts_at


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2027-05-11T08:00:00-04:00"}, "ends_at"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"starts_at": "not a date"}, "starts_at"),
        ({"capacity": -5}, "capacity"),
        ({"currency": "dollars"}, "currency"),
        ({"slug": "has spaces"}, "slug"),
        ({"registration_closes_at": "2026-08-01T00:00:00Z"}, "registration_closes_at"),
        ({"status": "live"}, "status"),
        ({"venue": "Orlando"}, "venue"),
    ],
)
def test_bad_event_input_is_400_with_field_errors_and_nothing_saved(organizer_api, change, field):
    response = organizer_api.post("/api/v1/organizer/events/", EVENT_BODY | change, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Event.objects.exists()


def test_duplicate_slug_is_400(organizer_api):
    EventFactory(slug="safety-2027")
    response = organizer_api.post("/api/v1/organizer/events/", EVENT_BODY, format="json")
    assert response.status_code == 400
    assert "slug" in response.json()["errors"]
    assert Event.objects.count() == 1


def test_malformed_json_is_400(organizer_api):
    response = organizer_api.post(
        "/api/v1/organizer/events/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "errors" in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Full", "price": "-1.00"}, "price"),
        ({"name": "Full", "price": "abc"}, "price"),
        ({"name": "Full", "price": "10.00", "capacity": -1}, "capacity"),
        (
            {
                "name": "Full",
                "price": "10.00",
                "price_tiers": [{"price": "-5", "until": "2027-01-01"}],
            },
            "price_tiers.0.price",
        ),
        (
            {"name": "Full", "price": "10.00", "price_tiers": [{"price": "5", "until": "soon"}]},
            "price_tiers.0.until",
        ),
        ({"price": "10.00"}, "name"),
    ],
)
def test_bad_ticket_type_input_is_400(organizer_api, organizer, body, field):
    event = EventFactory()
    event.organizers.add(organizer)
    response = organizer_api.post(
        f"/api/v1/organizer/events/{event.slug}/ticket-types/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not TicketType.objects.exists()


def test_duplicate_ticket_type_name_is_400(organizer_api, organizer):
    ticket = TicketTypeFactory()
    ticket.event.organizers.add(organizer)
    response = organizer_api.post(
        f"/api/v1/organizer/events/{ticket.event.slug}/ticket-types/",
        {"name": ticket.name, "price": "10.00"},
        format="json",
    )
    assert response.status_code == 400
    assert TicketType.objects.count() == 1


def test_session_outside_the_events_days_is_400(organizer_api, organizer):
    event = EventFactory()
    event.organizers.add(organizer)
    starts = event.ends_at + timedelta(days=2)
    response = organizer_api.post(
        f"/api/v1/organizer/events/{event.slug}/sessions/",
        {
            "title": "Too late",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "starts_at" in response.json()["errors"]
    assert not Session.objects.exists()


def test_session_ending_before_it_starts_is_400(organizer_api, organizer):
    event = EventFactory()
    event.organizers.add(organizer)
    response = organizer_api.post(
        f"/api/v1/organizer/events/{event.slug}/sessions/",
        {
            "title": "Backwards",
            "starts_at": (event.starts_at + timedelta(hours=3)).isoformat(),
            "ends_at": (event.starts_at + timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "ends_at" in response.json()["errors"]


def test_unauthenticated_is_401_and_non_staff_is_403(api):
    assert api.post("/api/v1/organizer/events/", EVENT_BODY, format="json").status_code == 401
    user = UserFactory()
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post("/api/v1/organizer/events/", EVENT_BODY, format="json").status_code == 403
    assert not Event.objects.exists()


def test_bad_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/organizer/events/").status_code == 401


def test_organizer_of_another_event_gets_404(organizer_api):
    other = EventFactory()
    other.organizers.add(OrganizerFactory())
    assert (
        organizer_api.patch(
            f"/api/v1/organizer/events/{other.slug}/", {"name": "Mine now"}, format="json"
        ).status_code
        == 404
    )
    assert (
        organizer_api.post(
            f"/api/v1/organizer/events/{other.slug}/ticket-types/",
            {"name": "X", "price": "1.00"},
            format="json",
        ).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.name != "Mine now"
    assert organizer_api.get("/api/v1/organizer/events/").json()["count"] == 0


def test_schema_and_docs_are_served(api):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/events/{slug}/" in schema.content
    assert api.get("/api/docs/").status_code == 200


def test_event_that_ended_is_not_open_for_registration():
    event = EventFactory(
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=1),
        registration_closes_at=None,
    )
    assert event.registration_open is False


def test_cached_catalogue_is_forgotten_when_the_organizer_edits_it(api):
    event = EventFactory()
    ticket = TicketTypeFactory(event=event, price=Decimal("100.00"))
    url = f"/api/v1/events/{event.slug}/"
    assert api.get(url).json()["ticket_types"][0]["price"] == "100.00"  # now cached

    ticket.price = Decimal("120.00")
    ticket.save()
    assert api.get(url).json()["ticket_types"][0]["price"] == "120.00"

    PriceTierFactory(
        ticket_type=ticket, price=Decimal("90.00"), until=timezone.now() + timedelta(days=3)
    )
    assert api.get(url).json()["ticket_types"][0]["price"] == "90.00"

    SessionFactory(event=event, title="Added late")
    assert [s["title"] for s in api.get(url).json()["sessions"]] == ["Added late"]

    event.status = Event.Status.DRAFT
    event.save()
    assert api.get(url).status_code == 404
