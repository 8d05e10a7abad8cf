"""Writing one demo event from its spec (a dict like congress.CONGRESS): the venue, the
event, its ticket types with their price tiers, its sessions.

Every row is looked up by its natural key and only brought up to date, so seeding twice
changes nothing.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models

from events.models import Event, GroupRate, PriceTier, Question, Session, TicketType, Venue
from events.services import tier_until


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


def seed_event(spec: dict) -> Event:
    """Create or refresh the event of `spec` with its ticket types and sessions."""
    event = _seed_event_row(spec)
    _seed_ticket_types(event, spec["ticket_types"])
    _seed_sessions(event, spec["first_day"], spec["sessions"])
    _seed_questions_and_rates(event, spec.get("questions", []), spec.get("group_rates", []))
    return event


def _seed_event_row(spec: dict) -> Event:
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
            "refund_full_until": _at(tz, spec["refund_full_until"], 0, 0),
            "refund_none_after": _at(tz, spec["refund_none_after"], 0, 0),
        }
    )
    event, _ = _upsert(Event, {"slug": spec["slug"]}, values)
    return event


def _seed_ticket_types(event: Event, ticket_types: list[tuple]) -> None:
    for position, (name, price, capacity, members, virtual, tiers) in enumerate(ticket_types):
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


def _seed_sessions(event: Event, first_day: date, sessions: list[tuple]) -> None:
    tz = event.tzinfo
    for day, start, end, title, kind, room, track, capacity, price, ce in sessions:
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


def _seed_questions_and_rates(event: Event, questions: list[tuple], rates: list[tuple]) -> None:
    for position, (label, kind, required, choices, help_text) in enumerate(questions):
        _upsert(
            Question,
            {"event": event, "label": label},
            {
                "kind": kind,
                "required": required,
                "choices": choices,
                "help_text": help_text,
                "position": position,
            },
        )
    for min_attendees, percent_off in rates:
        _upsert(
            GroupRate,
            {"event": event, "min_attendees": min_attendees},
            {"percent_off": percent_off},
        )
