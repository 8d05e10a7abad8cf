import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from registrations.models import CheckIn
from tests.privacy.helpers import NPI, paid_group

pytestmark = pytest.mark.django_db


def export_url(token: str) -> str:
    return f"/api/v1/registrations/{token}/personal-data/"


def test_download_holds_everything_about_the_registrations_people(api):
    group = paid_group(api)
    grace = group.registration.attendees.get(email="grace@example.org")
    CheckIn.objects.create(attendee=grace, session=group.workshop)

    response = api.get(export_url(group.token))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["erased"] is False
    assert data["registration"]["reference"] == group.registration.reference
    assert data["registration"]["amount_paid"] == "1050.00"
    assert data["registration"]["amount_refunded"] == "100.00"
    assert data["buyer"] == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
    }
    by_email = {a["email"]: a for a in data["attendees"]}
    assert set(by_email) == {"grace@example.org", "alan@example.org"}
    person = by_email["grace@example.org"]
    assert person["first_name"] == "Grace"
    assert person["organization"] == "Mercy General"
    assert person["job_title"] == "Charge Nurse"
    assert person["profession"] == "physician"
    assert person["credentials"] == {"npi": NPI}
    assert person["member_number"] == "M-0042"
    assert person["dietary_needs"] == "Vegetarian"
    assert person["accessibility_needs"] == "Step-free access"
    assert person["badge_code"] == grace.badge_code
    assert [s["title"] for s in person["sessions"]] == ["Human factors"]
    assert person["check_ins"][0]["session"]["id"] == group.workshop.id
    assert data["waiting_list"][0]["email"] == "ada@example.org"
    assert data["waiting_list"][0]["ticket_type"]["name"] == "Gala dinner"
    assert {e["to_email"] for e in data["emails"]} >= {"ada@example.org"}
    assert all(set(e) == {"kind", "to_email", "created_at", "sent_at"} for e in data["emails"])
    assert [(p["amount"], p["status"]) for p in data["payments"]] == [("1050.00", "succeeded")]
    assert [(r["amount"], r["status"]) for r in data["refunds"]] == [("100.00", "succeeded")]
    assert "client_secret" not in response.content.decode()
    assert "token" not in data["registration"]


def test_a_download_is_recorded_in_the_audit_log_without_personal_data(api):
    group = paid_group(api)

    api.get(export_url(group.token), REMOTE_ADDR="203.0.113.9")

    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_EXPORT)
    assert entry.event == group.event
    assert entry.target == group.registration.reference
    assert entry.actor is None
    assert entry.ip_address == "203.0.113.9"
    assert "@" not in json.dumps(entry.details)


def test_download_page_saves_a_json_file(api, client):
    group = paid_group(api)

    response = client.get(f"/registrations/{group.token}/personal-data.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="personal-data-{group.registration.reference}.json"'
    )
    data = json.loads(response.content)
    assert data["buyer"]["email"] == "ada@example.org"
    assert AuditEntry.objects.filter(action="data_export", details__via="download").exists()


@pytest.mark.parametrize("token", ["nope", "x" * 65])
def test_an_unknown_token_shows_nothing(api, client, token):
    assert api.get(export_url(token)).status_code == 404
    assert client.get(f"/registrations/{token}/personal-data.json").status_code == 404
    assert api.post(f"/api/v1/registrations/{token}/erase/", {"confirm": True}).status_code == 404
    assert not AuditEntry.objects.exists()


def test_the_download_costs_the_same_queries_for_a_bigger_group(api):
    group = paid_group(api)
    with CaptureQueriesContext(connection) as small:
        assert api.get(export_url(group.token)).status_code == 200
    for extra in paid_group(api).registration.attendees.all():  # two more people
        extra.registration = group.registration
        extra.save(update_fields=["registration"])
        CheckIn.objects.create(attendee=extra)
    with CaptureQueriesContext(connection) as bigger:
        response = api.get(export_url(group.token))
    assert len(response.json()["attendees"]) == 4
    assert len(bigger) == len(small) <= 20
