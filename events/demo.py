"""The two demo events of API.md, written idempotently (running twice changes nothing)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from events.models import Event, PriceTier, Session, TicketType, Venue
from events.services import tier_until

D = Decimal


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]):
    """Create the row, or bring it to `values`; saves only when something differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=changed)
    return obj, False


def _at(event_tz, day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=event_tz)


CONGRESS = {
    "slug": "patient-safety-congress-2027",
    "name": "IHI Patient Safety Congress 2027",
    "timezone": "America/New_York",
    "first_day": date(2027, 5, 12),
    "days": 3,
    "venue": {
        "name": "Hyatt Regency Orlando",
        "address": "9801 International Drive",
        "city": "Orlando",
        "country": "United States",
    },
    "values": {
        "description": (
            "Three days on safer care: human factors, diagnostic safety, medication safety, "
            "workforce wellbeing and learning from harm. Pre-conference workshops on the first "
            "morning have their own seats and fees."
        ),
        "currency": "USD",
        "status": Event.Status.PUBLISHED,
        "attendance_mode": Event.AttendanceMode.IN_PERSON,
        "capacity": 1200,
        "cancellation_policy": (
            "Full refund until April 1, 2027. From then until April 28, 2027 a USD 150 fee "
            "applies. No refunds after April 28, 2027; substitutions are welcome until May 5."
        ),
        "cancellation_fee": D("150.00"),
    },
    "ticket_types": [
        # name, price, capacity, members_only, virtual, tiers [(name, price, last day)]
        (
            "Full conference – member",
            D("1195.00"),
            None,
            True,
            False,
            [("Early bird", D("995.00"), date(2027, 2, 28))],
        ),
        (
            "Full conference – non-member",
            D("1395.00"),
            None,
            False,
            False,
            [("Early bird", D("1195.00"), date(2027, 2, 28))],
        ),
        ("Student or resident", D("495.00"), 100, False, False, []),
    ],
    # day index, start, end, title, kind, room, track, capacity, price, ce
    "sessions": [
        (
            0,
            (8, 0),
            (12, 0),
            "Workshop A: Human Factors in Everyday Care",
            "workshop",
            "Room 310",
            "Pre-conference",
            60,
            D("295.00"),
            D("3.50"),
        ),
        (
            0,
            (8, 0),
            (12, 0),
            "Workshop B: Diagnostic Excellence in Practice",
            "workshop",
            "Room 312",
            "Pre-conference",
            60,
            D("295.00"),
            D("3.50"),
        ),
        (
            0,
            (8, 0),
            (12, 0),
            "Workshop C: Medication Safety for Leaders",
            "workshop",
            "Room 314",
            "Pre-conference",
            40,
            D("295.00"),
            D("3.50"),
        ),
        (
            0,
            (13, 30),
            (15, 0),
            "Opening Keynote: Safety as a System Property",
            "plenary",
            "Grand Ballroom",
            "Plenary",
            None,
            D("0"),
            D("1.50"),
        ),
        (
            0,
            (15, 30),
            (16, 45),
            "A1: Learning from Harm with Patients and Families",
            "breakout",
            "Room 220",
            "Learning Systems",
            250,
            D("0"),
            D("1.25"),
        ),
        (
            0,
            (15, 30),
            (16, 45),
            "A2: Safer Handoffs in Emergency Care",
            "breakout",
            "Room 224",
            "Clinical Safety",
            250,
            D("0"),
            D("1.25"),
        ),
        (
            1,
            (9, 0),
            (10, 15),
            "Plenary: Workforce Safety is Patient Safety",
            "plenary",
            "Grand Ballroom",
            "Plenary",
            None,
            D("0"),
            D("1.25"),
        ),
        (
            1,
            (10, 45),
            (12, 0),
            "B1: Reducing Diagnostic Error in Primary Care",
            "breakout",
            "Room 220",
            "Diagnostic Safety",
            250,
            D("0"),
            D("1.25"),
        ),
        (
            1,
            (10, 45),
            (12, 0),
            "B2: Opioid Stewardship Across Settings",
            "breakout",
            "Room 224",
            "Medication Safety",
            250,
            D("0"),
            D("1.25"),
        ),
        (
            1,
            (13, 30),
            (14, 45),
            "C1: Measuring Safety Beyond Incident Reports",
            "breakout",
            "Room 220",
            "Learning Systems",
            250,
            D("0"),
            D("1.25"),
        ),
        (
            2,
            (9, 0),
            (10, 30),
            "Closing Plenary: Total Systems Safety",
            "plenary",
            "Grand Ballroom",
            "Plenary",
            None,
            D("0"),
            D("1.50"),
        ),
    ],
}

FORUM = {
    "slug": "national-forum-2026",
    "name": "IHI National Forum 2026",
    "timezone": "America/New_York",
    "first_day": date(2026, 12, 6),
    "days": 4,
    "venue": {
        "name": "Gaylord Palms Resort & Convention Center",
        "address": "6000 W Osceola Pkwy",
        "city": "Kissimmee",
        "country": "United States",
    },
    "values": {
        "description": (
            "The yearly National Forum on Quality Improvement in Health Care, in person in "
            "Florida and online. Two days of mini-courses, then two days of keynotes and "
            "learning labs."
        ),
        "currency": "USD",
        "status": Event.Status.PUBLISHED,
        "attendance_mode": Event.AttendanceMode.HYBRID,
        "virtual_join_url": "https://forum.example.org/live",
        "capacity": 4000,
        "cancellation_policy": (
            "Full refund until November 1, 2026; a USD 200 fee until November 22, 2026; "
            "no refunds after that. Substitutions are welcome until December 1."
        ),
        "cancellation_fee": D("200.00"),
    },
    "ticket_types": [
        (
            "In person – member",
            D("1795.00"),
            None,
            True,
            False,
            [("Early bird", D("1545.00"), date(2026, 9, 30))],
        ),
        (
            "In person – non-member",
            D("1995.00"),
            None,
            False,
            False,
            [("Early bird", D("1745.00"), date(2026, 9, 30))],
        ),
        ("Virtual – member", D("645.00"), None, True, True, []),
        ("Virtual – non-member", D("795.00"), None, False, True, []),
    ],
    "sessions": [
        (
            0,
            (8, 30),
            (16, 30),
            "Mini-Course M1: Improvement Science Fundamentals",
            "mini_course",
            "Sun 1-2",
            "Mini-courses",
            120,
            D("450.00"),
            D("6.50"),
        ),
        (
            0,
            (8, 30),
            (16, 30),
            "Mini-Course M2: Leading Quality and Safety",
            "mini_course",
            "Sun 3-4",
            "Mini-courses",
            120,
            D("450.00"),
            D("6.50"),
        ),
        (
            0,
            (8, 30),
            (12, 0),
            "Mini-Course M3: Equity in Measurement (half day)",
            "mini_course",
            "Sun 5",
            "Mini-courses",
            80,
            D("250.00"),
            D("3.25"),
        ),
        (
            1,
            (8, 30),
            (16, 30),
            "Mini-Course M4: Psychological Safety in Teams",
            "mini_course",
            "Sun 1-2",
            "Mini-courses",
            120,
            D("450.00"),
            D("6.50"),
        ),
        (
            1,
            (8, 30),
            (16, 30),
            "Mini-Course M5: Data for Improvement",
            "mini_course",
            "Sun 3-4",
            "Mini-courses",
            120,
            D("450.00"),
            D("6.50"),
        ),
        (
            2,
            (8, 0),
            (9, 30),
            "Keynote: The Next Decade of Quality",
            "plenary",
            "Palms Ballroom",
            "Keynote",
            None,
            D("0"),
            D("1.50"),
        ),
        (
            2,
            (10, 0),
            (11, 15),
            "L1: Reliable Sepsis Care",
            "breakout",
            "Osceola 1",
            "Clinical Quality",
            400,
            D("0"),
            D("1.25"),
        ),
        (
            2,
            (10, 0),
            (11, 15),
            "L2: Co-design with Patients",
            "breakout",
            "Osceola 2",
            "Person-Centered Care",
            400,
            D("0"),
            D("1.25"),
        ),
        (
            2,
            (13, 0),
            (14, 15),
            "L3: Reducing Readmissions Together",
            "breakout",
            "Osceola 1",
            "Population Health",
            400,
            D("0"),
            D("1.25"),
        ),
        (
            3,
            (8, 0),
            (9, 30),
            "Keynote: Joy in Work",
            "plenary",
            "Palms Ballroom",
            "Keynote",
            None,
            D("0"),
            D("1.50"),
        ),
        (
            3,
            (10, 0),
            (11, 15),
            "L4: Safety Huddles that Work",
            "breakout",
            "Osceola 2",
            "Clinical Quality",
            400,
            D("0"),
            D("1.25"),
        ),
    ],
}


def _seed_event(spec: dict) -> Event:
    venue, _ = _upsert(
        Venue,
        {"name": spec["venue"]["name"], "city": spec["venue"]["city"]},
        {k: v for k, v in spec["venue"].items() if k not in ("name", "city")},
    )
    tz = Event(timezone=spec["timezone"]).tzinfo
    first_day = spec["first_day"]
    last_day = first_day + timedelta(days=spec["days"] - 1)
    values = dict(spec["values"])
    values.update(
        {
            "name": spec["name"],
            "timezone": spec["timezone"],
            "venue": venue,
            "starts_at": _at(tz, first_day, 7, 0),
            "ends_at": _at(tz, last_day, 17, 0),
            "registration_opens_at": _at(tz, date(2026, 6, 1), 9, 0),
            "registration_closes_at": _at(tz, first_day - timedelta(days=1), 23, 59),
            "substitution_deadline": _at(tz, first_day - timedelta(days=5), 23, 59),
        }
    )
    if spec["slug"] == CONGRESS["slug"]:
        values["refund_full_until"] = _at(tz, date(2027, 4, 1), 0, 0)
        values["refund_none_after"] = _at(tz, date(2027, 4, 29), 0, 0)
    else:
        values["refund_full_until"] = _at(tz, date(2026, 11, 2), 0, 0)
        values["refund_none_after"] = _at(tz, date(2026, 11, 23), 0, 0)
    event, _ = _upsert(Event, {"slug": spec["slug"]}, values)

    for position, (name, price, capacity, members, virtual, tiers) in enumerate(
        spec["ticket_types"]
    ):
        ticket_type, _ = _upsert(
            TicketType,
            {"event": event, "name": name},
            {
                "price": price,
                "capacity": capacity,
                "members_only": members,
                "is_virtual": virtual,
                "position": position,
            },
        )
        for tier_name, tier_price, last_day_of_tier in tiers:
            _upsert(
                PriceTier,
                {
                    "ticket_type": ticket_type,
                    "until": tier_until(event=event, until=last_day_of_tier),
                },
                {"name": tier_name, "price": tier_price},
            )

    for day, start, end, title, kind, room, track, capacity, price, ce in spec["sessions"]:
        session_day = first_day + timedelta(days=day)
        _upsert(
            Session,
            {"event": event, "title": title},
            {
                "kind": kind,
                "room": room,
                "track": track,
                "starts_at": _at(tz, session_day, *start),
                "ends_at": _at(tz, session_day, *end),
                "capacity": capacity,
                "price": price,
                "ce_credits": ce,
                "selectable": kind != "plenary",
            },
        )
    return event


@transaction.atomic
def seed_demo() -> list[Event]:
    """Create or refresh the demo events; a second run changes nothing."""
    return [_seed_event(CONGRESS), _seed_event(FORUM)]
