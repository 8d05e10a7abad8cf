"""Writes for the catalogue: events, ticket types with their price tiers, sessions.

Every write validates the whole object (model `clean()`, field validators, uniqueness)
before saving and raises django.core.exceptions.ValidationError with field errors;
nothing is saved when it raises.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from events.changes import (
    EVENT_SCHEDULE_FIELDS,
    SESSION_SCHEDULE_FIELDS,
    event_edited,
    event_schedule_changed,
    session_schedule_changed,
)
from events.models import Event, PriceTier, Session, TicketType, Venue

EVENT_FIELDS = {
    "slug",
    "name",
    "description",
    "timezone",
    "starts_at",
    "ends_at",
    "currency",
    "status",
    "attendance_mode",
    "virtual_join_url",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "substitution_deadline",
    "cancellation_policy",
    "refund_full_until",
    "cancellation_fee",
    "refund_none_after",
    "invoice_due_days",
    "tax_rate",
    "tax_name",
    "prices_include_tax",
    "invoice_issuer_name",
    "invoice_issuer_address",
    "invoice_issuer_tax_id",
    "invoice_bank_details",
}


def venue_get_or_create(
    *, name: str, address: str = "", city: str = "", country: str = ""
) -> Venue:
    venue, created = Venue.objects.get_or_create(
        name=name, city=city, defaults={"address": address, "country": country}
    )
    if not created and (
        address and venue.address != address or country and venue.country != country
    ):
        venue.address = address or venue.address
        venue.country = country or venue.country
        venue.save(update_fields=["address", "country"])
    return venue


def _apply(instance: Any, fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(instance, name, value)


@transaction.atomic
def event_create(
    *, created_by: AbstractBaseUser | None = None, venue: dict | None = None, **fields: Any
) -> Event:
    """Create an event (draft unless told otherwise); its creator becomes an organizer."""
    event = Event()
    _apply(event, fields, EVENT_FIELDS)
    if venue:
        event.venue = venue_get_or_create(**venue)
    event.full_clean()
    event.save()
    if created_by is not None and created_by.pk:
        event.organizers.add(created_by)
    return event


@transaction.atomic
def event_update(*, event: Event, venue: dict | None = None, **fields: Any) -> Event:
    """Change an event's fields; validates the result as a whole before saving.

    A change of time or place raises the calendar SEQUENCE and sends every attendee an
    updated invite (events.changes)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    before = {name: getattr(event, name) for name in EVENT_SCHEDULE_FIELDS if hasattr(event, name)}
    _apply(event, fields, EVENT_FIELDS)
    if venue:
        event.venue = venue_get_or_create(**venue)
    event.full_clean()
    event.save()
    _check_sessions_within_event(event)
    if any(getattr(event, name) != value for name, value in before.items()):
        event_schedule_changed(event)
    event_edited(event, fields=[*fields, *(["venue"] if venue is not None else [])])
    return event


def _check_sessions_within_event(event: Event) -> None:
    for session in event.sessions.all():
        try:
            session.clean()
        except ValidationError as exc:
            raise ValidationError(
                {"starts_at": [f"Session “{session.title}” would fall outside the event."]}
            ) from exc


def tier_until(*, event: Event, until: date | datetime) -> datetime:
    """A tier's end instant. A date means "through that day" in the event's time zone."""
    if isinstance(until, datetime):
        if until.tzinfo is None:
            return until.replace(tzinfo=event.tzinfo)
        return until
    return datetime.combine(until + timedelta(days=1), time.min, tzinfo=event.tzinfo)


@transaction.atomic
def ticket_type_create(
    *,
    event: Event,
    name: str,
    price: Decimal,
    price_tiers: list[dict] | None = None,
    **fields: Any,
) -> TicketType:
    """Create a ticket type and its price tiers (each `{price, until, name?}`)."""
    ticket_type = TicketType(event=event, name=name, price=price)
    _apply(
        ticket_type, fields, {"description", "capacity", "members_only", "is_virtual", "position"}
    )
    ticket_type.full_clean()
    ticket_type.save()
    _replace_tiers(ticket_type=ticket_type, tiers=price_tiers or [])
    event_edited(event, fields=["ticket_types"])
    return ticket_type


@transaction.atomic
def ticket_type_update(
    *, ticket_type: TicketType, price_tiers: list[dict] | None = None, **fields: Any
) -> TicketType:
    _apply(
        ticket_type,
        fields,
        {"name", "description", "price", "capacity", "members_only", "is_virtual", "position"},
    )
    ticket_type.full_clean()
    ticket_type.save()
    if price_tiers is not None:
        _replace_tiers(ticket_type=ticket_type, tiers=price_tiers)
    event_edited(ticket_type.event, fields=["ticket_types"])
    return ticket_type


def _replace_tiers(*, ticket_type: TicketType, tiers: list[dict]) -> None:
    ticket_type.price_tiers.all().delete()
    seen: set[datetime] = set()
    for index, tier in enumerate(tiers):
        until = tier_until(event=ticket_type.event, until=tier["until"])
        if until in seen:
            raise ValidationError(
                {f"price_tiers.{index}.until": ["Two tiers end at the same time."]}
            )
        seen.add(until)
        price_tier = PriceTier(
            ticket_type=ticket_type,
            name=tier.get("name") or "Early bird",
            price=tier["price"],
            until=until,
        )
        try:
            price_tier.full_clean(exclude=["ticket_type"])
        except ValidationError as exc:
            raise ValidationError(
                {f"price_tiers.{index}.{field}": msgs for field, msgs in exc.message_dict.items()}
            ) from exc
        price_tier.save()


SESSION_FIELDS = {
    "title",
    "description",
    "kind",
    "room",
    "track",
    "speakers",
    "starts_at",
    "ends_at",
    "capacity",
    "price",
    "ce_credits",
    "selectable",
}


@transaction.atomic
def session_create(*, event: Event, **fields: Any) -> Session:
    """Create a session; it must fall within the event's days (in the event's time zone)."""
    session = Session(event=event)
    _apply(session, fields, SESSION_FIELDS)
    session.full_clean()
    session.save()
    event_edited(event, fields=["sessions"])
    return session


@transaction.atomic
def session_update(*, session: Session, **fields: Any) -> Session:
    """Change a session; a new time or room sends its attendees an updated invite."""
    before = {name: getattr(session, name) for name in SESSION_SCHEDULE_FIELDS}
    _apply(session, fields, SESSION_FIELDS)
    session.full_clean()
    session.save()
    if any(getattr(session, name) != value for name, value in before.items()):
        session_schedule_changed(session)
    event_edited(session.event, fields=["sessions"])
    return session
