from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry
from audit.request import client_ip
from audit.services import audit_record
from tests.factories import EventFactory, OrganizerFactory, UserFactory

pytestmark = pytest.mark.django_db


def audit_url(slug: str) -> str:
    return f"/api/v1/organizer/events/{slug}/audit/"


@pytest.fixture
def event(organizer):
    event = EventFactory(slug="psc27")
    event.organizers.add(organizer)
    return event


def test_an_entry_records_who_did_what_to_which_event(organizer, event):
    entry = audit_record(
        actor=organizer,
        action=AuditEntry.Action.REFUND,
        event=event,
        target="PSC27-7KQ2M",
        details={"amount": "100.00", "currency": "USD"},
        ip_address="198.51.100.7",
    )

    entry.refresh_from_db()
    assert (entry.actor, entry.actor_username, entry.action) == (organizer, "org", "refund")
    assert (entry.event, entry.target, entry.ip_address) == (event, "PSC27-7KQ2M", "198.51.100.7")
    assert entry.details == {"amount": "100.00", "currency": "USD"}


def test_an_anonymous_actor_is_recorded_as_nobody(event):
    entry = audit_record(actor=AnonymousUser(), action="data_export", event=event, target="X-1")
    assert entry.actor is None and entry.actor_username == ""


def test_a_deleted_user_leaves_the_entry_and_the_name(event):
    user = OrganizerFactory(username="gone")
    entry = audit_record(actor=user, action="cancel", event=event, target="X-1")
    user.delete()
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_username) == (None, "gone")


@pytest.mark.parametrize(
    "fields",
    [
        {"action": "launch_rockets"},
        {"target": "ada@example.org"},
        {"details": {"email": "ada@example.org"}},
        {"details": {"attendees": [{"first_name": "Ada"}]}},
        {"details": {"Token": "abc"}},
    ],
)
def test_personal_data_or_unknown_actions_are_refused(event, fields):
    with pytest.raises(ValueError):
        audit_record(**({"actor": None, "action": "export", "event": event} | fields))
    assert not AuditEntry.objects.exists()


def test_organizers_read_their_events_log_newest_first(organizer_api, organizer, event):
    now = timezone.now()
    for minutes, action in enumerate(["event_update", "refund", "cancel"]):
        entry = audit_record(actor=organizer, action=action, event=event, target=f"R-{minutes}")
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=now + timedelta(minutes=minutes))
    audit_record(actor=organizer, action="refund", event=EventFactory(), target="ELSEWHERE")

    response = organizer_api.get(audit_url(event.slug))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["next"] is None
    assert [r["action"] for r in body["results"]] == ["cancel", "refund", "event_update"]
    first = body["results"][0]
    assert first["actor"] == {"id": organizer.id, "username": "org"}
    assert first["target"] == "R-2"
    assert set(first) == {"id", "created_at", "action", "actor", "target", "details", "ip_address"}


def test_the_log_is_paginated_and_filtered_by_action(organizer_api, organizer, event):
    for n in range(5):
        audit_record(actor=organizer, action="refund", event=event, target=f"R-{n}")
    audit_record(actor=None, action="data_erasure", event=event, target="R-9")

    page = organizer_api.get(audit_url(event.slug), {"page_size": 2}).json()
    assert page["count"] == 6 and len(page["results"]) == 2 and page["next"]
    erasures = organizer_api.get(audit_url(event.slug), {"action": "data_erasure"}).json()
    assert [(r["target"], r["actor"]) for r in erasures["results"]] == [("R-9", None)]
    bad = organizer_api.get(audit_url(event.slug), {"action": "nonsense"})
    assert bad.status_code == 400 and "action" in bad.json()["errors"]


def test_a_page_of_the_log_costs_the_same_queries_however_long(organizer_api, organizer, event):
    audit_record(actor=organizer, action="refund", event=event, target="R-0")
    with CaptureQueriesContext(connection) as one:
        organizer_api.get(audit_url(event.slug))
    for n in range(20):
        audit_record(actor=organizer, action="refund", event=event, target=f"R-{n}")
    with CaptureQueriesContext(connection) as many:
        organizer_api.get(audit_url(event.slug))
    assert len(many) == len(one)


def test_only_the_events_organizers_read_its_log(api, event):
    assert api.get(audit_url(event.slug)).status_code in (401, 403)
    api.force_authenticate(UserFactory(username="plain"))
    assert api.get(audit_url(event.slug)).status_code == 403
    api.force_authenticate(OrganizerFactory(username="other"))
    assert api.get(audit_url(event.slug)).status_code == 404
    assert api.get(audit_url("no-such-event")).status_code == 404


def test_the_admin_lists_entries_but_never_changes_them(client, organizer, event):
    entry = audit_record(actor=organizer, action="refund", event=event, target="R-1")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    listing = client.get("/admin/audit/auditentry/", {"action__exact": "refund"})
    assert listing.status_code == 200 and b"R-1" in listing.content
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"target": "EDITED"})
    entry.refresh_from_db()
    assert entry.target == "R-1"


XFF = "HTTP_X_FORWARDED_FOR"


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        (0, {"REMOTE_ADDR": "10.0.0.2", XFF: "203.0.113.5"}, "10.0.0.2"),  # no proxy: forged
        (1, {"REMOTE_ADDR": "10.0.0.2", XFF: "1.1.1.1, 203.0.113.5"}, "203.0.113.5"),
        (2, {"REMOTE_ADDR": "10.0.0.2", XFF: "1.1.1.1, 203.0.113.5"}, "1.1.1.1"),
        (1, {"REMOTE_ADDR": "10.0.0.2", XFF: "not-an-ip"}, None),
        (1, {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        (0, {"REMOTE_ADDR": ""}, None),
    ],
)
def test_the_client_address_is_the_one_our_proxies_saw(settings, proxies, meta, expected):
    settings.NUM_PROXIES = proxies
    assert client_ip(RequestFactory().get("/", **meta)) == expected
