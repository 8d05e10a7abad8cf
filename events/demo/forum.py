"""IHI National Forum 2026: four days in Kissimmee and online (hybrid), two days of
mini-courses that run at the same time, then keynotes and learning labs."""

from datetime import date
from decimal import Decimal

from events.models import Event

D = Decimal

FORUM = {
    "slug": "national-forum-2026",
    "name": "IHI National Forum 2026",
    "timezone": "America/New_York",
    "first_day": date(2026, 12, 6),
    "days": 4,
    # The refund windows of the cancellation policy below, from local midnight of these days.
    "refund_full_until": date(2026, 11, 2),
    "refund_none_after": date(2026, 11, 23),
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
        # name, price, capacity, members_only, virtual, tiers [(name, price, last day)]
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
    # day index, start, end, title, kind, room, track, capacity, price, ce
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
    # label, kind, required, choices, help text
    "questions": [
        (
            "Lunch choice",
            "choice",
            True,
            ["Vegetarian", "Vegan", "Fish", "Chicken", "No lunch, thanks"],
            "For the boxed lunch on the mini-course days.",
        ),
        ("First time at the Forum?", "boolean", False, [], ""),
    ],
    # Team rates: (from this many attendees, percent off each ticket)
    "group_rates": [(5, D("10")), (10, D("15"))],
}
