"""Reading emails and their invites back, with two independent iCalendar parsers."""

import email
from email.message import Message

import icalendar
import vobject


def parse(raw: bytes | str) -> Message:
    if isinstance(raw, str):
        raw = raw.encode()
    return email.message_from_bytes(raw)


def parts(message: Message, content_type: str) -> list[Message]:
    return [p for p in message.walk() if p.get_content_type() == content_type]


def invite_of(message: Message) -> icalendar.Calendar:
    """The inline text/calendar part, parsed by icalendar AND vobject (both must accept it)."""
    [part] = parts(message, "text/calendar")
    data = part.get_payload(decode=True)
    vobject.readOne(data.decode())  # a second, stricter parser: raises on what calendars reject
    return icalendar.Calendar.from_ical(data)


def vevent(calendar: icalendar.Calendar) -> icalendar.Event:
    [event] = calendar.walk("VEVENT")
    return event
