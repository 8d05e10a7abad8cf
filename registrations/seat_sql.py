"""The one statement `capacity.seat_state` reads everything with under the event lock.

A UNION ALL of parts, each row (kind, id, n, text): seats counted by ticket type and by
session, unless the event's tally is read instead; capacities as they stand; which of
the people registering already hold a seat; the uses of their promo code, if it has a
limit. Seats held are those the Q objects of registrations.models call held
(`live_registration_q`, `live_offer_q`), compiled into SQL here (`held_where`) rather
than restated.
"""

from collections.abc import Callable
from datetime import datetime

from django.db import connection
from django.db.models import DateTimeField, Expression, Model, Q

from events.models import Session, TicketType
from registrations.models import (
    Attendee,
    PromoCode,
    Registration,
    SeatTally,
    SessionChoice,
    SessionWaitlistEntry,
    WaitlistEntry,
    live_offer_q,
    live_registration_q,
)

_Part = tuple[str, list]
_ATTENDEE, _REGISTRATION = Attendee._meta.db_table, Registration._meta.db_table
_SESSION, _TALLY = Session._meta.db_table, SeatTally._meta.db_table


def seat_state_sql(
    event_id: int,
    at: datetime,
    *,
    session_ids: set[int] | None,
    emails: list[str],
    tallied: bool,
    excluding: int | None,
    promo_code_id: int | None = None,
) -> _Part:
    """The statement and its parameters, as `capacity.seat_state` documents them."""
    live = _live_registration(at, excluding)
    untallied = _untallied(event_id) if tallied else ("", [])
    parts = _count_parts(event_id, at, live, untallied, None if tallied else session_ids)
    parts += _capacity_parts(event_id, session_ids)
    if emails:
        parts.append(_registered_part(event_id, emails, live))
    if tallied:
        parts.append(_tally_part(event_id))
    if promo_code_id is not None:
        parts.append(_promo_uses_part(promo_code_id, live))
    return " UNION ALL ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps]


def _live_registration(at: datetime, excluding: int | None) -> _Part:
    """Registration `r` holds seats at `at`, and is not the one `excluding`."""
    sql, params = held_where(live_registration_q, Registration, "r", at)
    return f"{sql} AND r.id <> %s", [*params, excluding or 0]


def _untallied(event_id: int) -> _Part:
    """Counting is needed only when the event has no tally: the tally part reads it."""
    return f" AND NOT EXISTS (SELECT 1 FROM {_TALLY} WHERE event_id = %s)", [event_id]


def _count_parts(
    event_id: int, at: datetime, live: _Part, untallied: _Part, session_ids: set[int] | None
) -> list[_Part]:
    """Seats held, by ticket type (by attendees, by offers) and by session (by choices, by
    offers: a session may have a row of each, which the reader adds up)."""
    (live, live_params), (untallied, untallied_params) = live, untallied
    offered, offered_params = held_where(live_offer_q, WaitlistEntry, "w", at)
    parts = [
        (
            f"SELECT 'type' AS kind, a.ticket_type_id AS id, COUNT(*) AS n, NULL AS text "
            f"FROM {_ATTENDEE} a JOIN {_REGISTRATION} r ON r.id = a.registration_id "
            f"WHERE r.event_id = %s AND {live}{untallied} GROUP BY a.ticket_type_id",
            [event_id, *live_params, *untallied_params],
        ),
        (
            f"SELECT 'type', w.ticket_type_id, COUNT(*), NULL FROM "
            f"{WaitlistEntry._meta.db_table} w WHERE w.event_id = %s "
            f"AND {offered}{untallied} GROUP BY w.ticket_type_id",
            [event_id, *offered_params, *untallied_params],
        ),
    ]
    if session_ids is None or session_ids:
        where, params = _sessions_in(event_id, session_ids)
        parts.append(
            (
                f"SELECT 'session', c.session_id, COUNT(*), NULL FROM "
                f"{SessionChoice._meta.db_table} c JOIN {_SESSION} s ON s.id = c.session_id "
                f"JOIN {_ATTENDEE} a ON a.id = c.attendee_id "
                f"JOIN {_REGISTRATION} r ON r.id = a.registration_id "
                f"WHERE {where} AND r.event_id = %s AND {live}{untallied} "
                f"GROUP BY c.session_id",
                [*params, event_id, *live_params, *untallied_params],
            )
        )
        session_offered, session_offered_params = held_where(
            live_offer_q, SessionWaitlistEntry, "o", at
        )
        parts.append(
            (
                f"SELECT 'session', o.session_id, COUNT(*), NULL FROM "
                f"{SessionWaitlistEntry._meta.db_table} o JOIN {_SESSION} s ON s.id = o.session_id "
                f"WHERE {where} AND {session_offered}{untallied} GROUP BY o.session_id",
                [*params, *session_offered_params, *untallied_params],
            )
        )
    return parts


def _capacity_parts(event_id: int, session_ids: set[int] | None) -> list[_Part]:
    """Capacities as they stand: of every ticket type of the event (and whether it is
    virtual, its seats not the event's), and of the sessions asked about."""
    parts = [
        (
            f"SELECT CASE WHEN t.is_virtual THEN 'virtual_capacity' ELSE 'capacity' END, "
            f"t.id, t.capacity, NULL FROM {TicketType._meta.db_table} t WHERE t.event_id = %s",
            [event_id],
        )
    ]
    if session_ids is None or session_ids:
        where, params = _sessions_in(event_id, session_ids)
        parts.append(
            (
                f"SELECT 'session_capacity', s.id, s.capacity, NULL FROM {_SESSION} s WHERE {where}",
                params,
            )
        )
    return parts


def _registered_part(event_id: int, emails: list[str], live: _Part) -> _Part:
    """Which of `emails` hold a live seat of the event.

    From the emails to their registrations, never the other way round (a scalar subquery,
    which PostgreSQL does not turn into a join), whatever the statistics say: an event
    that just opened has none."""
    live, live_params = live
    return (
        f"SELECT 'registered', NULL, NULL, a.email FROM {_ATTENDEE} a "
        f"WHERE a.email IN ({', '.join(['%s'] * len(emails))}) AND (SELECT r.event_id "
        f"FROM {_REGISTRATION} r WHERE r.id = a.registration_id AND {live}) = %s",
        [*emails, *live_params, event_id],
    )


def _promo_uses_part(promo_code_id: int, live: _Part) -> _Part:
    """The code's `max_uses` as it stands, and its uses: the attendees it discounted of
    registrations holding seats (`promo_use_q`), never counted from the tally."""
    live, live_params = live
    return (
        f"SELECT 'promo_uses', (SELECT max_uses FROM {PromoCode._meta.db_table} "
        f"WHERE id = %s), COUNT(*), NULL FROM {_ATTENDEE} a "
        f"JOIN {_REGISTRATION} r ON r.id = a.registration_id "
        f"WHERE r.promo_code_id = %s AND a.discount > 0 "
        f"AND a.discount_kind <> 'group' AND {live}",
        [promo_code_id, promo_code_id, *live_params],
    )


def _tally_part(event_id: int) -> _Part:
    return (
        f"SELECT 'tally', NULL, NULL, CAST(taken AS TEXT) FROM {_TALLY} WHERE event_id = %s",
        [event_id],
    )


def _sessions_in(event_id: int, ids: set[int] | None) -> _Part:
    if ids is None:
        return "s.event_id = %s", [event_id]
    return f"s.id IN ({', '.join(['%s'] * len(ids))})", sorted(ids)


# The seat rule in SQL, compiled from its Q objects --------------------------------------


class _At(Expression):
    """Where the moment goes in a compiled fragment: the fragment is compiled once, and
    each statement gives `at` its value."""

    output_field = DateTimeField()

    def as_sql(self, compiler, connection) -> _Part:
        return "%s", [self]


_compiled: dict[tuple, _Part] = {}


def held_where(rule: Callable[..., Q], model: type[Model], alias: str, at: datetime) -> _Part:
    """`rule(at)` (a Q on `model`) as a SQL condition on the table aliased `alias`.

    Compiled by Django's query compiler once per database vendor, then reused with `at`
    put in: compiling both rules costs about 250 µs, reusing them 4 µs, and seat_state
    runs under the event lock."""
    key = (connection.vendor, rule, model, alias)
    if key not in _compiled:
        query = model._default_manager.filter(rule(_At())).query
        if len(query.alias_map) > 1:
            raise ValueError(f"{rule.__name__} needs a join: seat_state cannot use it as it is")
        where = query.where.relabeled_clone({model._meta.db_table: alias})
        sql, params = where.as_sql(query.get_compiler(connection=connection), connection)
        _compiled[key] = f"({sql})", params
    sql, params = _compiled[key]
    when = connection.ops.adapt_datetimefield_value(at)
    return sql, [when if isinstance(param, _At) else param for param in params]
