"""Every .ics this system produces (RFC 5545 / iTIP RFC 5546), built with icalendar.

Callers describe what to put in the calendar with neutral `CalendarEntry` values (this
module knows events and sessions, not registrations). Each entry has a stable UID; its
SEQUENCE rises with every change of time or place (Event/Session.calendar_sequence), so
an updated invite replaces the old entry in the attendee's calendar, and METHOD:CANCEL
with the same UID removes it.

One scheduling object per invite: RFC 5546 treats a METHOD:REQUEST calendar as one
scheduling object (one UID; several VEVENTs only as instances of it), and Outlook and
Gmail take only the first event of a multi-UID REQUEST. So each invite built here carries
exactly one UID; several entries go in one calendar only as METHOD:PUBLISH (the feed).
"""

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parseaddr
from urllib.parse import urlencode, urlparse

from django.conf import settings
from icalendar import Calendar, Timezone, vCalAddress, vText
from icalendar import Event as VEvent

from events.models import Event, Session

PRODID = "-//Conference registration//confreg//EN"


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    sequence: int
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str
    description: str
    url: str = ""


def uid_for(local_part: str) -> str:
    """A stable, globally unique UID, e.g. "att12-event3@registration.example.org"."""
    host = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"{local_part}@{host}"


def event_location(event: Event, *, virtual: bool = False) -> str:
    """Where the event is for someone who attends it `virtual`ly (the join link) or in
    person (the venue). The join link goes only to those who join online."""
    if virtual and event.virtual_join_url:
        return event.virtual_join_url
    if event.venue is None:
        return "Online" if event.attendance_mode == Event.AttendanceMode.VIRTUAL else ""
    venue = event.venue
    return ", ".join(
        part for part in (venue.name, venue.address, venue.city, venue.country) if part
    )


def event_entry(
    event: Event, *, uid: str, manage_url: str, virtual: bool = False, extra_sequence: int = 0
) -> CalendarEntry:
    lines = [event.description, f"Your registration: {manage_url}" if manage_url else ""]
    if virtual and event.virtual_join_url:
        lines.insert(1, f"Join online: {event.virtual_join_url}")
    return CalendarEntry(
        uid=uid,
        sequence=event.calendar_sequence + extra_sequence,
        summary=event.name,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=event_location(event, virtual=virtual),
        description="\n\n".join(line for line in lines if line),
        url=manage_url,
    )


def session_entry(
    session: Session, *, uid: str, manage_url: str, virtual: bool = False, extra_sequence: int = 0
) -> CalendarEntry:
    event = session.event
    where = event_location(event, virtual=virtual)
    if session.room and not virtual:
        where = f"{session.room}, {where}" if where else session.room
    lines = [
        f"{event.name}",
        session.description,
        f"Your registration: {manage_url}" if manage_url else "",
    ]
    return CalendarEntry(
        uid=uid,
        sequence=session.calendar_sequence + extra_sequence,
        summary=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location=where,
        description="\n\n".join(line for line in lines if line),
        url=manage_url,
    )


def build_calendar(
    *,
    method: str,
    event: Event,
    entries: list[CalendarEntry],
    attendee_name: str = "",
    attendee_email: str = "",
) -> bytes:
    """An iCalendar object. REQUEST and CANCEL take exactly one entry (one UID)."""
    if method not in ("REQUEST", "CANCEL", "PUBLISH"):
        raise ValueError(f"unknown METHOD {method}")
    if method != "PUBLISH" and len(entries) != 1:
        raise ValueError("an invite (REQUEST/CANCEL) carries exactly one event")
    if not entries:
        raise ValueError("a calendar needs at least one event")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if method == "PUBLISH":
        calendar.add("x-wr-calname", event.name)
    tz = event.tzinfo
    organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for entry in entries:
        vevent = VEvent()
        vevent.add("uid", entry.uid)
        vevent.add("dtstamp", stamp)
        vevent.add("sequence", entry.sequence)
        vevent.add("dtstart", entry.starts_at.astimezone(tz).replace(microsecond=0))
        vevent.add("dtend", entry.ends_at.astimezone(tz).replace(microsecond=0))
        vevent.add("summary", entry.summary)
        if entry.location:
            vevent.add("location", entry.location)
        if entry.description:
            vevent.add("description", entry.description)
        if entry.url:
            vevent.add("url", entry.url)
        vevent.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
        vevent.add("transp", "OPAQUE")
        organizer = vCalAddress(f"mailto:{organizer_email or 'registration@localhost'}")
        organizer.params["cn"] = vText(organizer_name or event.name)
        vevent.add("organizer", organizer)
        if attendee_email:
            attendee = vCalAddress(f"mailto:{attendee_email}")
            attendee.params["cn"] = vText(attendee_name or attendee_email)
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            attendee.params["partstat"] = vText("ACCEPTED" if method != "CANCEL" else "DECLINED")
            attendee.params["rsvp"] = vText("FALSE")
            vevent.add("attendee", attendee)
        calendar.add_component(vevent)
    # VTIMEZONE covering the years concerned (compact, and right for those dates).
    first = min(e.starts_at for e in entries).astimezone(tz).date()
    last = max(e.ends_at for e in entries).astimezone(tz).date()
    first_date, last_date = first.replace(month=1, day=1), last.replace(year=last.year + 1)
    timezones = b"".join(
        _vtimezone(tzid, first_date, last_date) for tzid in calendar.get_missing_tzids()
    )
    ical = calendar.to_ical()
    if timezones:
        # Where Calendar.add_missing_timezones puts them: before the first event. (A line
        # break inside a value is escaped or folded, so this can only be a component's start.)
        at = ical.index(b"\r\nBEGIN:VEVENT\r\n") + 2
        ical = ical[:at] + timezones + ical[at:]
    return ical


@functools.lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_date: date, last_date: date) -> bytes:
    """The VTIMEZONE of a zone over these dates, serialized once: every invite to an
    event carries the same one, and making it cost as much as the rest of the invite."""
    try:
        timezone = Timezone.from_tzid(tzid, first_date=first_date, last_date=last_date)
    except ValueError:
        return b""  # a zone icalendar does not know is left out, as add_missing_timezones does
    return timezone.to_ical()


def google_calendar_link(entry: CalendarEntry) -> str:
    def fmt(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": entry.summary,
            "dates": f"{fmt(entry.starts_at)}/{fmt(entry.ends_at)}",
            "details": entry.description,
            "location": entry.location,
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"


def outlook_calendar_link(entry: CalendarEntry) -> str:
    query = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": entry.summary,
            "startdt": entry.starts_at.astimezone(UTC).isoformat(),
            "enddt": entry.ends_at.astimezone(UTC).isoformat(),
            "body": entry.description,
            "location": entry.location,
        }
    )
    return f"https://outlook.office.com/calendar/0/deeplink/compose?{query}"
