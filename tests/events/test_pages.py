import pytest

from events.models import Event
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


def test_home_lists_upcoming_published_events(client):
    EventFactory(name="Forum of Quality")
    EventFactory(name="Secret Draft", status=Event.Status.DRAFT)
    page = client.get("/").content.decode()
    assert "Forum of Quality" in page
    assert "Secret Draft" not in page


def test_event_page_shows_programme_by_day_in_the_events_zone(client):
    event = EventFactory(timezone="America/Los_Angeles")
    TicketTypeFactory(event=event, name="Member rate")
    session = SessionFactory(event=event, title="Safer Handoffs")
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert "Member rate" in page and "Safer Handoffs" in page
    local_start = session.starts_at.astimezone(event.tzinfo)
    assert f"{local_start:%H:%M}" in page
    assert local_start.strftime("%A") in page


def test_unknown_event_page_is_404(client):
    assert client.get("/events/does-not-exist/").status_code == 404


def test_an_organizers_session_edit_shows_on_the_event_page_at_once(client):
    event = EventFactory()
    session = SessionFactory(event=event, title="Safer Handoffs")
    assert "Safer Handoffs" in client.get(f"/events/{event.slug}/").content.decode()
    session.title = "Safer Handoffs, Part Two"
    session.save()  # events.signals forget the catalogue, and with it the kept programme
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert "Safer Handoffs, Part Two" in page


def test_the_programme_is_rendered_once_for_every_visitor(client, monkeypatch):
    from events import fragments

    event = EventFactory()
    SessionFactory(event=event, title="Safer Handoffs")
    renders = []
    real = fragments.render_to_string

    def counting(template_name, *args, **kwargs):
        renders.append(template_name)
        return real(template_name, *args, **kwargs)

    monkeypatch.setattr(fragments, "render_to_string", counting)
    pages = [client.get(f"/events/{event.slug}/").content.decode() for _ in range(2)]
    assert renders == ["events/_programme.html"]  # kept for the second visitor
    assert all("Safer Handoffs" in page for page in pages)
