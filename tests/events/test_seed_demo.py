import io

import pytest
from django.core.management import call_command

from events.models import Event, PriceTier, Session, TicketType

pytestmark = pytest.mark.django_db


def _snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Event, TicketType, PriceTier, Session)
    ]


def test_seed_demo_creates_both_events_and_a_second_run_changes_nothing(api):
    call_command("seed_demo", stdout=io.StringIO())
    first = _snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert _snapshot() == first

    slugs = {e["slug"] for e in api.get("/api/v1/events/").json()["results"]}
    assert slugs == {"patient-safety-congress-2027", "national-forum-2026"}
    congress = Event.objects.get(slug="patient-safety-congress-2027")
    assert (congress.ends_at - congress.starts_at).days == 2  # three days
    assert congress.sessions.filter(kind=Session.Kind.WORKSHOP).count() >= 3
    forum = Event.objects.get(slug="national-forum-2026")
    assert forum.attendance_mode == Event.AttendanceMode.HYBRID
    assert forum.ticket_types.filter(members_only=True).exists()
    assert forum.ticket_types.filter(members_only=False).exists()
    assert PriceTier.objects.filter(ticket_type__event=forum).exists()
    mini = list(forum.sessions.filter(kind=Session.Kind.MINI_COURSE))
    assert any(a.overlaps(b) for a in mini for b in mini if a != b)
