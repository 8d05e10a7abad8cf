"""Event stats for the dashboard and the stats API: counts by status, ticket type and
session; revenue (in all, and what the attendees of each ticket type and each session's
fees paid, from each attendee's own share: registrations.shares); capacity left; waiting
list; check-ins; attendees by day.

A fixed number of queries (about a dozen) whatever the event's size.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from config.money import money_amount
from events.inventory import SeatsTaken, seats_left
from events.models import Event
from registrations.capacity import count_seats
from registrations.models import Attendee, CheckIn, Registration, SessionChoice, WaitlistEntry
from registrations.organizer.selectors import effective_status_expression, live_attendees
from registrations.shares import attendee_amount_paid, choice_amount_paid

Status = Registration.Status
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _money(amount: Decimal) -> str:
    return money_amount(amount)


def _by_status(rows) -> dict:
    """{key: {status: n}} from (key, status, n) rows, with every status present."""
    grouped: dict = {}
    for key, status, n in rows:
        grouped.setdefault(key, dict.fromkeys(Status.values, 0))[status] = n
    return grouped


def registrations_by_day(*, event: Event, at: datetime) -> list[tuple[date, int]]:
    """Attendees of live registrations by the day (event's time zone) they registered."""
    return list(
        live_attendees(event, at)
        .annotate(day=TruncDate("registration__created_at", tzinfo=event.tzinfo))
        .order_by()
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )


def event_stats(*, event: Event, at: datetime) -> dict:
    """Counts by status, ticket type and session; revenue; capacity left; waiting list;
    check-ins; attendees by day. A fixed number of queries whatever the event's size."""
    registrations = _registrations_by_status(event, at)
    by_ticket_type = _attendees_by_ticket_type(event, at)
    attendees = dict.fromkeys(Status.values, 0)
    for counts in by_ticket_type.values():
        for status, n in counts.items():
            attendees[status] += n
    session_check_ins = _check_ins_by_session(event)
    taken = count_seats(event, at)
    ticket_types = _ticket_type_rows(event, taken, by_ticket_type, _paid_by_ticket_type(event))
    sessions = _session_rows(event, at, taken, session_check_ins, _fees_paid_by_session(event))
    return {
        "event": event.slug,
        "generated_at": event.local(at).isoformat(),
        "registrations": {"total": sum(registrations.values()), "by_status": registrations},
        "attendees": {"total": sum(attendees.values()), "by_status": attendees},
        "ticket_types": ticket_types,
        "sessions": sessions,
        "revenue": _revenue(event),
        "capacity": _capacity(event, taken, ticket_types, sessions),
        "waiting_list": _waiting_list(event),
        "check_ins": {
            "door": CheckIn.objects.filter(
                attendee__registration__event=event, session__isnull=True
            ).count(),
            "expected": attendees[Status.CONFIRMED],
            "sessions": sum(session_check_ins.values()),
        },
        "registrations_by_day": [
            {"date": day, "attendees": n} for day, n in registrations_by_day(event=event, at=at)
        ],
    }


def _registrations_by_status(event: Event, at: datetime) -> dict[str, int]:
    return dict.fromkeys(Status.values, 0) | dict(
        Registration.objects.filter(event=event)
        .annotate(s=effective_status_expression(at))
        .order_by()
        .values_list("s")
        .annotate(n=Count("id"))
    )


def _attendees_by_ticket_type(event: Event, at: datetime) -> dict:
    return _by_status(
        Attendee.objects.filter(registration__event=event)
        .annotate(s=effective_status_expression(at, "registration__"))
        .order_by()
        .values_list("ticket_type", "s")
        .annotate(n=Count("id"))
    )


def _check_ins_by_session(event: Event) -> dict[int, int]:
    return dict(
        CheckIn.objects.filter(session__event=event)
        .order_by()
        .values_list("session")
        .annotate(n=Count("id"))
    )


def _paid_by_ticket_type(event: Event) -> dict[int, Decimal]:
    """What the attendees of each ticket type paid (their tickets and sessions), from
    each one's own share: the ticket types add up to what the registrations paid."""
    return dict(
        Attendee.objects.filter(registration__event=event)
        .annotate(share=attendee_amount_paid())
        .order_by()
        .values_list("ticket_type")
        .annotate(paid=Sum("share"))
    )


def _fees_paid_by_session(event: Event) -> dict[int, Decimal]:
    """What was paid of each session's fees: the session's part of each share."""
    return dict(
        SessionChoice.objects.filter(session__event=event)
        .annotate(share=choice_amount_paid())
        .order_by()
        .values_list("session")
        .annotate(paid=Sum("share"))
    )


def _ticket_type_rows(
    event: Event, taken: SeatsTaken, by_ticket_type: dict, paid: dict[int, Decimal]
) -> list[dict]:
    rows = []
    for ticket_type in event.ticket_types.all():
        seats_taken = taken.ticket_types.get(ticket_type.id, 0)
        rows.append(
            {
                "id": ticket_type.id,
                "name": ticket_type.name,
                "is_virtual": ticket_type.is_virtual,
                "capacity": ticket_type.capacity,
                "taken": seats_taken,
                "left": seats_left(ticket_type.capacity, seats_taken),
                "by_status": by_ticket_type.get(ticket_type.id, dict.fromkeys(Status.values, 0)),
                "amount_paid": _money(paid.get(ticket_type.id, ZERO)),
            }
        )
    return rows


def _session_rows(
    event: Event,
    at: datetime,
    taken: SeatsTaken,
    check_ins: dict[int, int],
    fees_paid: dict[int, Decimal],
) -> list[dict]:
    by_session = _by_status(
        SessionChoice.objects.filter(session__event=event)
        .annotate(s=effective_status_expression(at, "attendee__registration__"))
        .order_by()
        .values_list("session", "s")
        .annotate(n=Count("id"))
    )
    rows = []
    for session in event.sessions.all():
        seats_taken = taken.sessions.get(session.id, 0)
        rows.append(
            {
                "id": session.id,
                "title": session.title,
                "starts_at": event.local(session.starts_at).isoformat(),
                "selectable": session.selectable,
                "capacity": session.capacity,
                "taken": seats_taken,
                "left": seats_left(session.capacity, seats_taken),
                "by_status": by_session.get(session.id, dict.fromkeys(Status.values, 0)),
                "checked_in": check_ins.get(session.id, 0),
                "fees_paid": _money(fees_paid.get(session.id, ZERO)),
            }
        )
    return rows


def _revenue(event: Event) -> dict:
    money = Registration.objects.filter(event=event).aggregate(
        paid=Sum("amount_paid", default=ZERO), refunded=Sum("amount_refunded", default=ZERO)
    )
    return {
        "amount": _money(money["paid"] - money["refunded"]),
        "paid": _money(money["paid"]),
        "refunded": _money(money["refunded"]),
        "currency": event.currency,
    }


def _capacity(
    event: Event, taken: SeatsTaken, ticket_types: list[dict], sessions: list[dict]
) -> dict:
    """Seats left: the event's, then each ticket type's and session's by id (as text)."""
    return {
        "event": {
            "capacity": event.capacity,
            "taken": taken.event,
            "left": seats_left(event.capacity, taken.event),
        },
        "ticket_types": {str(t["id"]): t["left"] for t in ticket_types},
        "sessions": {str(s["id"]): s["left"] for s in sessions},
    }


def _waiting_list(event: Event) -> dict:
    waitlist = dict(
        WaitlistEntry.objects.filter(event=event)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {
        "length": waitlist.get(WaitlistEntry.Status.WAITING, 0),
        "offered": waitlist.get(WaitlistEntry.Status.OFFERED, 0),
    }
