"""An invite's VTIMEZONE is made once per zone and dates (events.calendar) and reused: each
invite must still carry its own event's zone, over its own event's years."""

from datetime import UTC, date, datetime, timedelta

import icalendar
import vobject
from icalendar import Timezone

from events.calendar import CalendarEntry, build_calendar
from events.models import Event


def _invite(zone: str, starts_at: datetime, *, method: str = "REQUEST") -> bytes:
    event = Event(name="Quality Forum", timezone=zone, starts_at=starts_at)
    entry = CalendarEntry(
        uid="att1-event1@example.org",
        sequence=0,
        summary=event.name,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=2),
        location="Hall A",
        description="",
    )
    return build_calendar(
        method=method, event=event, entries=[entry], attendee_email="ada@example.org"
    )


def _vtimezone_block(ical: bytes) -> bytes:
    start = ical.index(b"BEGIN:VTIMEZONE\r\n")
    end = ical.index(b"END:VTIMEZONE\r\n") + len(b"END:VTIMEZONE\r\n")
    return ical[start:end]


def test_invites_in_other_zones_and_years_each_carry_their_own_timezone():
    berlin_2027 = _invite("Europe/Berlin", datetime(2027, 3, 1, 9, tzinfo=UTC))
    new_york_2027 = _invite("America/New_York", datetime(2027, 3, 1, 14, tzinfo=UTC))
    berlin_2031 = _invite("Europe/Berlin", datetime(2031, 6, 1, 7, tzinfo=UTC))
    for ical, zone, year in (
        (berlin_2027, "Europe/Berlin", 2027),
        (new_york_2027, "America/New_York", 2027),
        (berlin_2031, "Europe/Berlin", 2031),
    ):
        vobject.readOne(ical.decode())  # a stricter parser accepts it
        calendar = icalendar.Calendar.from_ical(ical)
        [timezone] = calendar.walk("VTIMEZONE")
        [vevent] = calendar.walk("VEVENT")
        assert timezone["TZID"] == zone
        assert vevent["DTSTART"].params["TZID"] == zone
        assert vevent.decoded("DTSTART").year == year
        # the zone is described from the event's year, not from another invite's
        assert min(c.decoded("DTSTART").year for c in timezone.subcomponents) == year
        assert ical.index(b"BEGIN:VTIMEZONE") < ical.index(b"BEGIN:VEVENT")


def test_the_timezone_is_the_one_icalendar_makes_for_the_events_years():
    starts_at = datetime(2028, 12, 30, 20, tzinfo=UTC)  # ends in 2029 in Sydney
    for method in ("REQUEST", "CANCEL", "PUBLISH"):
        ical = _invite("Australia/Sydney", starts_at, method=method)
        expected = Timezone.from_tzid(
            "Australia/Sydney", first_date=date(2028, 1, 1), last_date=date(2030, 1, 2)
        )
        assert _vtimezone_block(ical) == expected.to_ical()


def test_an_invite_in_utc_needs_no_timezone():
    ical = _invite("UTC", datetime(2027, 3, 1, 9, tzinfo=UTC))
    assert b"VTIMEZONE" not in ical
    assert b"DTSTART:20270301T090000Z" in ical
