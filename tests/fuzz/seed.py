"""The event both fuzzers aim at: free, paid, member-only and nearly sold-out tickets,
sessions that clash, a full one, a paid one and a plenary, promo codes of each kind."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from events.models import Event, GroupRate, Question, Session, TicketType
from registrations.models import PromoCode
from tests.factories import EventFactory, MemberFactory, SessionFactory, TicketTypeFactory


@dataclass
class FuzzEvent:
    event: Event
    ticket_types: list[TicketType]
    sessions: list[Session]
    promo_codes: list[str]

    @property
    def ticket_type_ids(self) -> list[int]:
        return [t.id for t in self.ticket_types]

    @property
    def session_ids(self) -> list[int]:
        return [s.id for s in self.sessions]


def seed_fuzz_event(slug: str = "fuzz-forum-2027") -> FuzzEvent:
    event = EventFactory(slug=slug, name="Fuzz Forum 2027", capacity=40)
    ticket_types = [
        TicketTypeFactory(event=event, name="Free virtual", price=Decimal("0.00"), is_virtual=True),
        TicketTypeFactory(event=event, name="Full conference", price=Decimal("500.00")),
        TicketTypeFactory(
            event=event, name="Member rate", price=Decimal("350.00"), members_only=True
        ),
        TicketTypeFactory(event=event, name="Last seats", price=Decimal("99.99"), capacity=2),
    ]
    start = event.starts_at
    sessions = [
        SessionFactory(event=event, title="Workshop A", starts_at=start, capacity=20),
        SessionFactory(  # clashes with A
            event=event, title="Workshop B", starts_at=start + timedelta(hours=1), capacity=20
        ),
        SessionFactory(
            event=event,
            title="Paid mini-course",
            starts_at=start + timedelta(hours=5),
            price=Decimal("75.00"),
            capacity=1,
        ),
        SessionFactory(
            event=event,
            title="Opening plenary",
            kind=Session.Kind.PLENARY,
            selectable=False,
            capacity=None,
            starts_at=start + timedelta(hours=9),
        ),
    ]
    codes = [
        PromoCode.objects.create(event=event, code="MEMBER10", percent_off=Decimal("10")),
        PromoCode.objects.create(event=event, code="FREE", percent_off=Decimal("100")),
        PromoCode.objects.create(event=event, code="FIFTY", amount_off=Decimal("50.00")),
        PromoCode.objects.create(
            event=event,
            code="OLD",
            amount_off=Decimal("10.00"),
            valid_until=timezone.now() - timedelta(days=1),
        ),
        PromoCode.objects.create(event=event, code="ONCE", percent_off=Decimal("5"), max_uses=1),
    ]
    codes[2].ticket_types.add(ticket_types[1])
    # The organizer's parts: a member on the list, questions of each kind, a team rate.
    MemberFactory(number="M-1", last_name="Ng")
    for kind, choices in [
        ("text", []),
        ("choice", ["Veg", "Fish"]),
        ("multiple_choice", ["A", "B", "C"]),
        ("boolean", []),
        ("date", []),
        ("country", []),
    ]:
        Question.objects.create(event=event, label=f"Q {kind}", kind=kind, choices=choices)
    GroupRate.objects.create(event=event, min_attendees=3, percent_off=Decimal("10"))
    return FuzzEvent(event, ticket_types, sessions, [c.code for c in codes])
