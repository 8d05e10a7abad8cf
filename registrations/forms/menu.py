"""The catalogue as the register and manage forms show it: ticket options with today's
price and seats, session options by day with their seats and same-time clashes."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any

from events.models import Event, Question
from events.selectors import Catalogue


@dataclass(frozen=True)
class TicketOption:
    id: int
    name: str
    description: str
    price: Decimal
    price_tier: str
    available: int | None
    sold_out: bool
    members_only: bool
    disabled: bool


@dataclass(frozen=True)
class SessionOption:
    id: int
    title: str
    kind: str
    room: str
    starts_at: datetime
    ends_at: datetime
    price: Decimal
    ce_credits: Decimal
    available: int | None
    same_time_as: tuple[str, ...]

    @property
    def full(self) -> bool:
        return self.available == 0


@dataclass(frozen=True)
class Menu:
    """Today's offer of one event, as the forms show it: prices, seats, clashes."""

    currency: str
    tickets: tuple[TicketOption, ...]
    days: tuple[tuple[date, tuple[SessionOption, ...]], ...]
    questions: tuple[Question, ...] = ()  # the active ones, in order, ticket types prefetched
    stamp: str = ""  # the catalogue's (Catalogue.stamp)

    @property
    def sessions(self) -> list[SessionOption]:
        return [option for _day, options in self.days for option in options]


def registration_menu(catalogue: Catalogue, *, offer_ticket_type_id: int | None = None) -> Menu:
    """The catalogue as choices. A sold-out ticket type stays choosable for the holder of
    a waiting-list offer for it (the offer's seat is what makes it look sold out)."""
    event: Event = catalogue.event
    tickets = tuple(
        TicketOption(
            id=offer.ticket_type.id,
            name=offer.ticket_type.name,
            description=offer.ticket_type.description,
            price=offer.price,
            price_tier=offer.price_tier,
            available=offer.available,
            sold_out=offer.sold_out,
            members_only=offer.ticket_type.members_only,
            disabled=offer.sold_out and offer.ticket_type.id != offer_ticket_type_id,
        )
        for offer in catalogue.tickets
    )
    selectable = [offer for offer in catalogue.sessions if offer.session.selectable]
    options = [
        SessionOption(
            id=offer.session.id,
            title=offer.session.title,
            kind=offer.session.get_kind_display(),
            room=offer.session.room,
            starts_at=offer.session.starts_at,
            ends_at=offer.session.ends_at,
            price=offer.session.price,
            ce_credits=offer.session.ce_credits,
            available=offer.available,
            same_time_as=tuple(
                other.session.title
                for other in selectable
                if other is not offer and other.session.overlaps(offer.session)
            ),
        )
        for offer in sorted(selectable, key=lambda o: (o.session.starts_at, o.session.title))
    ]
    days = tuple(
        (day, tuple(group))
        for day, group in groupby(options, key=lambda option: event.local(option.starts_at).date())
    )
    questions = tuple(q for q in event.questions.all() if q.is_active)
    return Menu(
        currency=event.currency,
        tickets=tickets,
        days=days,
        questions=questions,
        stamp=catalogue.stamp,
    )


def chosen_values(value: Any) -> set[str]:
    """What a choice field's bound value holds, as strings (one value, a list or none)."""
    if value in (None, ""):
        return set()
    if isinstance(value, list | tuple):
        return {str(item) for item in value}
    return {str(value)}
