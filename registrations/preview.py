"""A price preview for the register page's review step. Reads only: nothing is saved,
no seat is held; registration_create prices again, under the event lock, on confirm."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from events.models import Event, Session, TicketType
from registrations.models import PromoCode
from registrations.pricing import Discount, LinePrice
from registrations.services.inputs import AttendeeInput
from registrations.services.promo import (
    promo_code_check_uses,
    promo_code_resolve,
    promo_uses_wanted,
)

# The same rules and prices as registration_create, so that the review step reports what
# confirming would refuse, and the price it would charge, before anyone presses "Confirm".
from registrations.services.rules import registration_price, registration_validate


@dataclass(frozen=True)
class SessionPreview:
    title: str
    starts_at: datetime
    ends_at: datetime
    price: Decimal


@dataclass(frozen=True)
class AttendeePreview:
    first_name: str
    last_name: str
    email: str
    ticket_type: str
    price_tier: str
    ticket_price: Decimal
    discount: Decimal
    discount_kind: str  # "promo", "group" (the team rate), ""
    sessions: tuple[SessionPreview, ...]
    session_fees: Decimal
    total: Decimal


@dataclass(frozen=True)
class RegistrationPreview:
    currency: str
    attendees: tuple[AttendeePreview, ...]
    promo_code: str  # as resolved (upper case), "" without one
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    tax_name: str
    prices_include_tax: bool
    total: Decimal


def registration_preview(
    *,
    event: Event,
    attendees: list[AttendeeInput],
    promo_code: str = "",
    payment_method: str = "card",
    at: datetime,
) -> RegistrationPreview:
    """What registering `attendees` would cost at `at`, per attendee and in total.

    `event` should come with its ticket types (and their tiers) and sessions prefetched
    (events.selectors.event_get_visible). Raises ValidationError with the field keys of
    registration_create (`attendees.0.member_number`, `promo_code`), and SessionClash.
    """
    ticket_types = {t.id: t for t in event.ticket_types.all()}
    sessions = {s.id: s for s in event.sessions.all()}
    registration_validate(
        attendees=attendees,
        ticket_types=ticket_types,
        sessions=sessions,
        payment_method=payment_method,
        questions=list(event.questions.all()),
    )
    code = ""
    promo: PromoCode | None = None
    discount: Discount | None = None
    if promo_code.strip():
        promo, discount = promo_code_resolve(event=event, code=promo_code, at=at)
        code = promo.code
    price = registration_price(
        attendees=attendees,
        ticket_types=ticket_types,
        sessions=sessions,
        discount=discount,
        at=at,
        event=event,
    )
    if promo_uses := promo_uses_wanted(promo=promo, price=price):
        promo_code_check_uses(promo=promo, wanted=promo_uses, at=at)
    previews = tuple(
        _attendee_preview(event, attendee, line, ticket_types[attendee.ticket_type], sessions, at)
        for attendee, line in zip(attendees, price.lines, strict=True)
    )
    return RegistrationPreview(
        currency=event.currency,
        attendees=previews,
        promo_code=code,
        subtotal=price.subtotal,
        discount=price.discount,
        tax=price.tax,
        tax_name=event.tax_name,
        prices_include_tax=event.prices_include_tax,
        total=price.total,
    )


def _attendee_preview(
    event: Event,
    attendee: AttendeeInput,
    line: LinePrice,
    ticket_type: TicketType,
    sessions: dict[int, Session],
    at: datetime,
) -> AttendeePreview:
    tier = ticket_type.tier_at(at)
    chosen = sorted((sessions[sid] for sid in attendee.sessions), key=lambda s: s.starts_at)
    return AttendeePreview(
        first_name=attendee.first_name,
        last_name=attendee.last_name,
        email=attendee.email,
        ticket_type=ticket_type.name,
        price_tier=tier.label(event.tzinfo) if tier else "",
        ticket_price=line.ticket_price,
        discount=line.discount,
        discount_kind=line.discount_kind,
        sessions=tuple(
            SessionPreview(title=s.title, starts_at=s.starts_at, ends_at=s.ends_at, price=s.price)
            for s in chosen
        ),
        session_fees=line.sessions,
        total=line.total,
    )
