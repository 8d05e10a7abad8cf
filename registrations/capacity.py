"""Seats: what is taken, and the lock that keeps them from being oversold.

Locking strategy (PostgreSQL; it holds across any number of gunicorn workers and
machines, unlike a process-local lock):

* Every write that *takes* seats of an event (a registration, a session swap, a waiting
  list offer, a late payment keeping its seat) first locks that event's row with
  `SELECT ... FOR UPDATE` (`lock_event`), then counts the seats taken, then writes, all
  in one transaction. Writers for the same event therefore run one after another, and
  each one counts what the previous ones committed: no level (event, ticket type,
  session) and no promo code's `max_uses` can be exceeded, whatever the concurrency.
* Writes that only *free* seats (cancelling, expiring) need no lock: they can only make
  the next count smaller.
* Seats are counted, not kept in counters: a seat is taken by an attendee of a
  registration that is confirmed, or pending payment with `expires_at` still ahead, or
  by a live waiting-list offer. A hold that lapses frees its seats at the instant it
  lapses, with no sweep needed; the periodic sweep only records the new status.
* Only the event row is locked, so there is one lock order and no deadlock.

On SQLite (development) `select_for_update` does nothing, but the database's IMMEDIATE
transactions let one writer in at a time, which gives the same guarantee.
"""

from collections import Counter
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from events.inventory import SeatsTaken, register_seat_counter
from events.models import Event
from registrations.models import Attendee, SessionChoice, WaitlistEntry, live_registration_q


def lock_event(event_id: int) -> Event:
    """Lock the event's row until the end of the transaction. Caller holds a transaction."""
    return Event.objects.select_for_update().get(pk=event_id)


def count_seats(
    event: Event,
    at: datetime | None = None,
    *,
    session_ids: set[int] | None = None,
    virtual_ids: set[int] | None = None,
) -> SeatsTaken:
    """Seats taken at `at` by live registrations and live waiting-list offers.

    `session_ids` limits the session counts to those sessions (an empty set: none, and
    no query); `virtual_ids`, the event's virtual ticket types, saves looking them up.
    """
    at = at or timezone.now()
    by_ticket_type = Counter(
        dict(
            Attendee.objects.filter(registration__event=event)
            .filter(live_registration_q(at, "registration__"))
            .order_by()
            .values_list("ticket_type")
            .annotate(n=Count("id"))
        )
    )
    by_ticket_type.update(
        dict(
            WaitlistEntry.objects.filter(
                event=event, status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=at
            )
            .order_by()
            .values_list("ticket_type")
            .annotate(n=Count("id"))
        )
    )
    by_session: dict[int, int] = {}
    if session_ids is None or session_ids:
        choices = SessionChoice.objects.filter(session__event=event)
        if session_ids is not None:
            choices = choices.filter(session_id__in=session_ids)
        by_session = dict(
            choices.filter(live_registration_q(at, "attendee__registration__"))
            .order_by()
            .values_list("session")
            .annotate(n=Count("id"))
        )
    if virtual_ids is None:
        virtual_ids = set(event.ticket_types.filter(is_virtual=True).values_list("id", flat=True))
    event_seats = sum(n for type_id, n in by_ticket_type.items() if type_id not in virtual_ids)
    return SeatsTaken(event=event_seats, ticket_types=dict(by_ticket_type), sessions=by_session)


register_seat_counter(count_seats)
