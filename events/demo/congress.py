"""IHI Patient Safety Congress 2027: three days in Orlando, pre-conference workshops with
their own seats and fees on the first morning, member and non-member rates."""

from datetime import date
from decimal import Decimal

from events.models import Event

D = Decimal

CONGRESS = {
    "slug": "patient-safety-congress-2027",
    "name": "IHI Patient Safety Congress 2027",
    "timezone": "America/New_York",
    "first_day": date(2027, 5, 12),
    "days": 3,
    # The refund windows of the cancellation policy below, from local midnight of these days.
    "refund_full_until": date(2027, 4, 1),
    "refund_none_after": date(2027, 4, 29),
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
