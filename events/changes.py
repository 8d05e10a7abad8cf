"""Schedule changes (time or place of an event or a session), told to whoever listens.

Telling attendees is the registrations app's business; `events` imports nothing from it.
RegistrationsConfig.ready() subscribes its notifier with `on_schedule_change`. Listeners
run inside the transaction of the change, so the emails they write (outbox rows) commit
or roll back with it.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import F

if TYPE_CHECKING:
    from events.models import Event, Session

Listener = Callable[..., None]
_listeners: list[Listener] = []

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
