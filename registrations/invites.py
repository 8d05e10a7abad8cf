"""Calendar invites of attendees and registrations, built by events.calendar.

UIDs: one per attendee and event (`att{attendee}-event{event}`), one per attendee's
session choice (`att{attendee}-choice{choice}`: choosing a session again after dropping
it makes a new entry), and for the registration's feed one per registration and event
or session. A cancellation is sent with SEQUENCE one above the entry's current one.
"""

from django.conf import settings

from events.calendar import (
    CalendarEntry,
    build_calendar,
    event_entry,
    google_calendar_link,
    outlook_calendar_link,
    session_entry,
    uid_for,
)
from registrations.models import Attendee, Registration, SessionChoice


def manage_url(registration: Registration) -> str:
    return f"{settings.SITE_URL}{registration.get_absolute_url()}"


def attendee_manage_url(attendee: Attendee) -> str:
    """The attendee's own link: what their emails and invites carry (never the buyer's)."""
    return f"{settings.SITE_URL}{attendee.get_absolute_url()}"


def attendee_event_entry(attendee: Attendee, *, cancelled: bool = False) -> CalendarEntry:
    registration = attendee.registration
    return event_entry(
        registration.event,
        uid=uid_for(f"att{attendee.pk}-event{registration.event_id}"),
        # A cancelled entry may go to a person replaced: it carries no one's link.
        manage_url="" if cancelled else attendee_manage_url(attendee),
        virtual=attendee.joins_online,
        extra_sequence=1 if cancelled else 0,
    )


def attendee_session_entry(choice: SessionChoice, *, cancelled: bool = False) -> CalendarEntry:
    attendee = choice.attendee
    return session_entry(
        choice.session,
        uid=uid_for(f"att{attendee.pk}-choice{choice.pk}"),
        manage_url="" if cancelled else attendee_manage_url(attendee),
        virtual=attendee.joins_online,
        extra_sequence=1 if cancelled else 0,
    )


def invite(attendee: Attendee, entry: CalendarEntry, *, method: str, to_email: str = "") -> bytes:
    return build_calendar(
        method=method,
        event=attendee.registration.event,
        entries=[entry],
        attendee_name=attendee.full_name,
        attendee_email=to_email or attendee.email,
    )


def registration_feed(registration: Registration) -> bytes:
    """The registration's calendar (METHOD:PUBLISH): the event and every chosen session."""
    event = registration.event
    url = manage_url(registration)
    entries = [
        event_entry(event, uid=uid_for(f"reg{registration.pk}-event{event.pk}"), manage_url=url)
    ]
    seen: set[int] = set()
    for attendee in registration.attendees.all():
        for choice in attendee.choices.all():
            if choice.session_id in seen:
                continue
            seen.add(choice.session_id)
            entries.append(
                session_entry(
                    choice.session,
                    uid=uid_for(f"reg{registration.pk}-session{choice.session_id}"),
                    manage_url=url,
                )
            )
    entries.sort(key=lambda entry: entry.starts_at)
    return build_calendar(method="PUBLISH", event=event, entries=entries)


def attendee_feed(attendee: Attendee) -> bytes:
    """The attendee's own calendar (METHOD:PUBLISH): the event and their chosen sessions,
    with the UIDs of their invites, so that it updates the same entries."""
    entries = [attendee_event_entry(attendee)]
    entries += [attendee_session_entry(choice) for choice in attendee.choices.all()]
    entries.sort(key=lambda entry: entry.starts_at)
    return build_calendar(method="PUBLISH", event=attendee.registration.event, entries=entries)


def calendar_links(entries: list[CalendarEntry]) -> list[dict]:
    """Add-to-Google and add-to-Outlook links, for emails and the manage page."""
    return [
        {
            "title": entry.summary,
            "starts_at": entry.starts_at,
            "google": google_calendar_link(entry),
            "outlook": outlook_calendar_link(entry),
        }
        for entry in entries
    ]
