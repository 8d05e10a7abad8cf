"""A congress like the demo one, and the few moves the browser tests share."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from events.models import Event, Session, TicketType
from tests.factories import EventFactory, PriceTierFactory, SessionFactory, TicketTypeFactory

CARD_OK = "4242 4242 4242 4242"


@dataclass
class Congress:
    event: Event
    member: TicketType
    non_member: TicketType
    workshop_a: Session
    workshop_b: Session
    keynote: Session


def congress() -> Congress:
    """A three-day congress in New York whose first morning has two paid workshops at the
    same time; member and non-member rates (early bird), a student rate with few seats, a
    keynote everyone attends, and a cancellation policy that still refunds in full."""
    first_day = (timezone.now() + timedelta(days=40)).date()
    starts = datetime.combine(first_day, time(8, 0), tzinfo=ZoneInfo("America/New_York"))
    event = EventFactory(
        slug="patient-safety-congress",
        name="Patient Safety Congress",
        description="Three days on safer care. Pre-conference workshops have their own seats.",
        starts_at=starts,
        ends_at=starts + timedelta(days=2, hours=9),
        attendance_mode=Event.AttendanceMode.IN_PERSON,
        capacity=1200,
        cancellation_policy="Full refund until 30 days before the congress.",
        refund_full_until=starts - timedelta(days=30),
        venue__name="Hyatt Regency Orlando",
        venue__city="Orlando",
    )
    member = TicketTypeFactory(
        event=event, name="Full conference – member", price=Decimal("1195.00"), members_only=True
    )
    non_member = TicketTypeFactory(
        event=event, name="Full conference – non-member", price=Decimal("1395.00"), position=1
    )
    PriceTierFactory(ticket_type=non_member, price=Decimal("1195.00"))
    TicketTypeFactory(
        event=event, name="Student or resident", price=Decimal("495.00"), capacity=2, position=2
    )
    workshop = {"event": event, "starts_at": starts, "ends_at": starts + timedelta(hours=4)}
    workshop_a = SessionFactory(
        **workshop,
        title="Workshop A: Human Factors in Everyday Care",
        room="Room 310",
        capacity=60,
        price=Decimal("295.00"),
        ce_credits=Decimal("3.50"),
    )
    workshop_b = SessionFactory(
        **workshop,
        title="Workshop B: Diagnostic Excellence in Practice",
        room="Room 312",
        capacity=60,
        price=Decimal("295.00"),
        ce_credits=Decimal("3.50"),
    )
    keynote = SessionFactory(
        event=event,
        title="Opening Keynote: Safety as a System Property",
        kind=Session.Kind.PLENARY,
        starts_at=starts + timedelta(hours=5, minutes=30),
        ends_at=starts + timedelta(hours=7),
        capacity=None,
        selectable=False,
        ce_credits=Decimal("1.50"),
    )
    return Congress(event, member, non_member, workshop_a, workshop_b, keynote)


def fill_card(page, number: str = CARD_OK) -> None:
    """Fill the local Stripe.js stand-in's card field (plain inputs, labelled by pay.js)."""
    card = page.locator("#card-element")
    card.get_by_label("Card number").fill(number.replace(" ", ""))
    card.get_by_label("Expiry month").fill("12")
    card.get_by_label("Expiry year").fill("34")
    card.get_by_label("CVC").fill("123")
    card.get_by_label("Postal code").fill("32819")
