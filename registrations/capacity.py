"""Seats: what is taken, and the lock that keeps them from being oversold.

Locking strategy (PostgreSQL; it holds across any number of gunicorn workers and
machines, unlike a process-local lock):

* Every write that *takes* seats of an event (a registration, a session swap, a waiting
  list offer, a late payment keeping its seat) locks that event's row with
  `SELECT ... FOR NO KEY UPDATE` (`lock_event`) and counts the seats taken under the
  lock, in the transaction of its write. Writers for the same event therefore run one
  after another, and each one counts what the previous ones committed: no level (event,
  ticket type, session) and no promo code's `max_uses` can be exceeded, whatever the
  concurrency.
* A registration writes its rows *before* taking the lock (nobody else sees them until
  it commits) and counts without them (`excluding`); refused, it raises and its writes
  are rolled back. Under the lock it only reads the seats, writes the tally, commits.
* Writes that only *free* seats (cancelling, expiring) need no lock: they can only make
  the next count smaller.
* Seats are counted, not kept in counters: a seat is taken by an attendee of a
  registration that is confirmed, or pending payment with `expires_at` still ahead, or
  by a live waiting-list offer, of a ticket type or of a session (`live_registration_q`,
  `live_offer_q` in
  registrations.models: the one definition, which the SQL is compiled from). A hold
  that lapses frees its seats at the instant it lapses, with no sweep needed; the
  periodic sweep only records the new status.
* Only the event row is locked, so there is one lock order and no deadlock.

The tally (how a registration avoids counting, so that an event of thousands takes a
registration as fast as an empty one):

* Counting costs time in proportion to the seats taken, under the lock. So each new
  registration also writes the event's `SeatTally`: the seats it counted (or read from
  the tally) plus its own. The next registration reads the tally instead of counting.
* The tally is an upper bound of the seats taken, never an exact count: seats freed
  since (a cancellation, a lapsed hold, an expired offer) are still in it. Deciding
  "there is room" on an upper bound never oversells; when the tally says "no room",
  the registration counts exactly before it answers, and writes the exact count back.
* It stays an upper bound because every other write that could add seats forgets it:
  `lock_event` does (session swaps, waiting-list offers, late payments), and so does
  any save of a registration, attendee, session choice or waiting-list entry made
  outside this path (the admin, say); the next registration then counts afresh.
* Everything a registration must know under the lock (the tally, or the count when
  there is none; the capacities as they stand now; whether one of its people is
  already registered; how many uses its promo code has left, counted in attendees) is
  read in one statement (`seat_state`), written in SQL
  (registrations.seat_sql).

On SQLite (development) `select_for_update` does nothing, but the database's IMMEDIATE
transactions let one writer in at a time, which gives the same guarantee.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models.signals import post_save
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from config.database import prepared_cursor
from events.inventory import SeatsTaken, register_seat_counter, seats_left
from events.models import Event, Session, TicketType
from registrations.errors import AlreadyRegistered, SessionFull, SoldOut
from registrations.models import (
    Attendee,
    Registration,
    SeatTally,
    SessionChoice,
    SessionWaitlistEntry,
    WaitlistEntry,
)
from registrations.seat_sql import seat_state_sql
from registrations.services.inputs import AttendeeInput


def lock_event(event_id: int, *, tallies: bool = False) -> Event:
    """Lock the event's row until the end of the transaction. Caller holds a transaction.

    `FOR NO KEY UPDATE`: writers of the same event still run one after another, but
    the lock does not wait for transactions that have inserted rows referring to the
    event (they hold `FOR KEY SHARE` on it), so a registration may write its rows first
    and take the lock last.

    The event's seat tally is forgotten, since the caller may add seats, unless it
    `tallies` them itself (registration_create, through `seats_tally`)."""
    if connection.vendor == "postgresql":
        event = _event_locked(event_id)
    else:  # SQLite (development): no row locks, IMMEDIATE transactions (see above)
        event = Event.objects.select_for_update(no_key=True).get(pk=event_id)
    if not tallies:
        seats_tally_forget(event_id)
    return event


def _event_locked(event_id: int) -> Event:
    """`Event.objects.select_for_update(no_key=True).get(pk=event_id)`, in a statement
    prepared once per connection and without the ORM's query building: a third of the CPU
    (bench/profile_request.py: `lock_event` cost a registration as much as saving it)."""
    if connection.get_autocommit():
        raise TransactionManagementError("lock_event needs a transaction.")
    fields = Event._meta.concrete_fields
    quote = connection.ops.quote_name
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(f.column) for f in fields)} "
            f"FROM {quote(Event._meta.db_table)} WHERE {quote(Event._meta.pk.column)} = %s "
            f"FOR NO KEY UPDATE",
            [event_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Event.DoesNotExist(f"Event {event_id} does not exist.")
    values = [
        f.from_db_value(value, None, connection) if hasattr(f, "from_db_value") else value
        for f, value in zip(fields, row, strict=True)
    ]
    return Event.from_db(connection.alias, [f.attname for f in fields], values)


@dataclass(frozen=True)
class SeatState:
    taken: SeatsTaken
    ticket_type_capacities: dict[int, int | None] = field(default_factory=dict)
    session_capacities: dict[int, int | None] = field(default_factory=dict)
    registered_emails: list[str] = field(default_factory=list)
    exact: bool = True  # False: `taken` is the tally, an upper bound
    promo_uses: int = 0  # of the promo code asked about (never from the tally)
    promo_max_uses: int | None = None  # its `max_uses` as it stands


def count_seats(
    event: Event,
    at: datetime | None = None,
    *,
    session_ids: set[int] | None = None,
    excluding: int | None = None,
) -> SeatsTaken:
    """Seats taken at `at` by live registrations and live waiting-list offers.

    `session_ids` limits the session counts to those sessions (an empty set: none);
    `excluding` is a registration not to count (the caller's own, being written)."""
    return seat_state(event.pk, at, session_ids=session_ids, excluding=excluding).taken


def seat_state(
    event_id: int,
    at: datetime | None = None,
    *,
    session_ids: set[int] | None = None,
    emails: list[str] = (),
    tallied: bool = False,
    excluding: int | None = None,
    promo_code_id: int | None = None,
) -> SeatState:
    """Seats taken at `at`, the capacities of the event's ticket types and of the sessions
    asked about (`session_ids`: None for all, an empty set for none), and which of
    `emails` (lower case) already hold a live seat of the event: one statement.

    `tallied`: take the seats from the event's tally when it has one (`exact` is then
    False); without one, count every session, so that the count can become the tally.
    `excluding`: a registration whose seats and people are not counted (the caller's
    own, written in the same transaction).
    `promo_code_id`: also read that code's uses (`promo_use_q`) and `max_uses`.

    The statement is built by registrations.seat_sql, its seat rule compiled from the Q
    objects of registrations.models (`live_registration_q`, `live_offer_q`).
    """
    sql, params = seat_state_sql(
        event_id,
        at or timezone.now(),
        session_ids=session_ids,
        emails=emails,
        tallied=tallied,
        excluding=excluding,
        promo_code_id=promo_code_id,
    )
    with prepared_cursor() as cursor:  # planned once per connection, not per registration
        cursor.execute(sql, params)
        return _seat_state_from_rows(cursor.fetchall())


def _seat_state_from_rows(rows: list[tuple]) -> SeatState:
    """Read the statement's rows: seats counted, or the tally when there was one."""
    by_type: Counter[int] = Counter()
    by_session: dict[int, int] = {}
    type_capacities: dict[int, int | None] = {}
    session_capacities: dict[int, int | None] = {}
    virtual: set[int] = set()
    registered: list[str] = []
    from_tally = None
    promo: dict[str, int | None] = {}
    for kind, key, n, text in rows:
        if kind == "type":
            by_type[key] += n
        elif kind == "session":  # a row for its choices, another for its offers
            by_session[key] = by_session.get(key, 0) + n
        elif kind == "session_capacity":
            session_capacities[key] = n
        elif kind == "registered":
            registered.append(text)
        elif kind == "tally":
            from_tally = json.loads(text)
        elif kind == "promo_uses":
            promo = {"promo_uses": n, "promo_max_uses": key}
        else:
            type_capacities[key] = n
            if kind == "virtual_capacity":
                virtual.add(key)
    if from_tally is not None:
        by_type = Counter({int(k): n for k, n in from_tally["types"].items()})
        by_session = {int(k): n for k, n in from_tally["sessions"].items()}
    taken = SeatsTaken(
        event=sum(n for type_id, n in by_type.items() if type_id not in virtual),
        ticket_types=dict(by_type),
        sessions=by_session,
    )
    return SeatState(
        taken, type_capacities, session_capacities, registered, from_tally is None, **promo
    )


def seats_tally(event_id: int, taken: SeatsTaken) -> None:
    """Write the event's tally (under the event lock): seats taken, as counted or as
    tallied before, plus the seats the caller has just taken."""
    taken_json = json.dumps(
        {
            "types": {str(k): n for k, n in taken.ticket_types.items() if n},
            "sessions": {str(k): n for k, n in taken.sessions.items() if n},
        }
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SeatTally._meta.db_table} (event_id, taken) VALUES (%s, %s) "
            f"ON CONFLICT (event_id) DO UPDATE SET taken = excluded.taken",
            [event_id, taken_json],
        )


def seats_tally_forget(event_id: int) -> None:
    SeatTally.objects.filter(event_id=event_id).delete()


# Whether a group fits -------------------------------------------------------------


def sold_out_now(
    event: Event,
    taken: SeatsTaken,
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
) -> bool:
    """Whether `taken` (seats with these attendees', or the tally's upper bound) fills
    the event, or a ticket type or session they took."""
    by_type, by_session = _seats_of(attendees)
    return (
        seats_left(event.capacity, taken.event) == 0
        or any(seats_left(ticket_types[t].capacity, taken.ticket_types[t]) == 0 for t in by_type)
        or any(seats_left(sessions[s].capacity, taken.sessions[s]) == 0 for s in by_session)
    )


def with_seats_of(
    taken: SeatsTaken, attendees: list[AttendeeInput], ticket_types: dict[int, TicketType]
) -> SeatsTaken:
    """`taken` plus the seats of `attendees`."""
    by_type, by_session = _seats_of(attendees)
    return SeatsTaken(
        event=taken.event + _in_person(by_type, ticket_types),
        ticket_types=dict(Counter(taken.ticket_types) + Counter(by_type)),
        sessions=dict(Counter(taken.sessions) + Counter(by_session)),
    )


def _seats_of(attendees: list[AttendeeInput]) -> tuple[Counter[int], Counter[int]]:
    """Seats the attendees want, by ticket type and by session."""
    by_type = Counter(a.ticket_type for a in attendees)
    by_session = Counter(sid for a in attendees for sid in a.sessions)
    return by_type, by_session


def _in_person(by_type: Counter[int], ticket_types: dict[int, TicketType]) -> int:
    """Of seats by ticket type, those at the venue (virtual tickets take none of the event's)."""
    return sum(n for tid, n in by_type.items() if not ticket_types[tid].is_virtual)


def refresh_capacities(
    state: SeatState, ticket_types: dict[int, TicketType], sessions: dict[int, Session]
) -> None:
    """Capacities as they stand under the lock: an organizer may have changed one since
    the catalogue was read."""
    for type_id, capacity in state.ticket_type_capacities.items():
        if type_id in ticket_types:
            ticket_types[type_id].capacity = capacity
    for session_id, capacity in state.session_capacities.items():
        if session_id in sessions:
            sessions[session_id].capacity = capacity


def check_not_registered(state: SeatState) -> None:
    if state.registered_emails:
        raise AlreadyRegistered(
            f"{state.registered_emails[0]} is already registered for this event."
        )


def check_capacity(
    event: Event,
    taken: SeatsTaken,
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
) -> None:
    wanted_by_type, wanted_by_session = _seats_of(attendees)
    in_person = _in_person(wanted_by_type, ticket_types)
    event_left = seats_left(event.capacity, taken.event)
    if event_left is not None and in_person > event_left:
        raise SoldOut(f"Only {event_left} seats are left for this event.")
    for tid, wanted in wanted_by_type.items():
        left = seats_left(ticket_types[tid].capacity, taken.ticket_types.get(tid, 0))
        if left is not None and wanted > left:
            raise SoldOut(f"Only {left} seats are left for “{ticket_types[tid].name}”.")
    for sid, wanted in wanted_by_session.items():
        left = seats_left(sessions[sid].capacity, taken.sessions.get(sid, 0))
        if left is not None and wanted > left:
            raise SessionFull(f"“{sessions[sid].title}” is full.")


def _forget_tally_on_save(sender, instance, created: bool = False, update_fields=None, **kwargs):
    """A whole-row save (the admin's) may add seats outside this module's path: the tally
    no longer bounds them. The services save only the fields they change, and take the
    event lock (which forgets the tally) when they add seats; registration_create writes
    its attendees and choices in bulk, without signals."""
    if update_fields is not None or (sender is Registration and created):
        return
    if sender is Attendee:
        tallies = SeatTally.objects.filter(event__registrations__id=instance.registration_id)
    elif sender in (SessionChoice, SessionWaitlistEntry):
        tallies = SeatTally.objects.filter(event__sessions__id=instance.session_id)
    else:
        tallies = SeatTally.objects.filter(event_id=instance.event_id)
    tallies.delete()


for _model in (Registration, Attendee, SessionChoice, WaitlistEntry, SessionWaitlistEntry):
    post_save.connect(_forget_tally_on_save, sender=_model, dispatch_uid=f"tally:{_model.__name__}")

register_seat_counter(count_seats)
