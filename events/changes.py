"""Changes to events, told to whoever listens; `events` imports no other app.

- Schedule changes (time or place of an event or a session): telling attendees is the
  registrations app's business; RegistrationsConfig.ready() subscribes with
  `on_schedule_change`.
- Edits by an organizer (an event's fields, its ticket types, its sessions) and changes
  of its team (roles given, changed, taken away): the audit log's business;
  AuditConfig.ready() subscribes with `on_event_edited` and `on_team_changed`.

Listeners run inside the transaction of the change, so what they write (outbox rows,
audit entries) commits or rolls back with it.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import F

if TYPE_CHECKING:
    from events.models import Event, Session

Listener = Callable[..., None]
_listeners: list[Listener] = []
_edit_listeners: list[Listener] = []
_team_listeners: list[Listener] = []

EVENT_SCHEDULE_FIELDS = frozenset(
    {"starts_at", "ends_at", "timezone", "venue", "venue_id", "virtual_join_url", "attendance_mode"}
)
SESSION_SCHEDULE_FIELDS = frozenset({"starts_at", "ends_at", "room"})


def on_schedule_change(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def event_schedule_changed(event: "Event") -> None:
    """Raise the event's calendar SEQUENCE and tell the listeners. Call after saving."""
    type(event).objects.filter(pk=event.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    event.refresh_from_db(fields=["calendar_sequence"])
    for listener in _listeners:
        listener(event=event, session=None)


def session_schedule_changed(session: "Session") -> None:
    type(session).objects.filter(pk=session.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    session.refresh_from_db(fields=["calendar_sequence"])
    for listener in _listeners:
        listener(event=session.event, session=session)


def on_event_edited(listener: Listener) -> None:
    if listener not in _edit_listeners:
        _edit_listeners.append(listener)


def event_edited(event: "Event", *, fields: list[str], via: str = "") -> None:
    """An organizer changed `fields` of `event` (or "ticket_types", "sessions") through
    `via` ("" for the API, "admin"); listeners are called with those keywords."""
    for listener in _edit_listeners:
        listener(event=event, fields=sorted(fields), via=via)


def on_team_changed(listener: Listener) -> None:
    if listener not in _team_listeners:
        _team_listeners.append(listener)


def team_changed(event: "Event", *, username: str, role: str | None, previous: str | None) -> None:
    """`username` now holds `role` on `event` (None: removed), after `previous` (None:
    new to the team); listeners (the audit log) are called with those keywords."""
    for listener in _team_listeners:
        listener(event=event, username=username, role=role, previous=previous)
