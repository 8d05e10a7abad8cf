"""Waiting lists: join a sold-out ticket type; freed seats (of ticket types and of sessions)
become time-limited offers, passed on when they lapse."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from events.inventory import seats_left
from events.models import Event, TicketType
from registrations.capacity import count_seats, lock_event, seats_tally_forget
from registrations.errors import AlreadyWaitlisted, TicketsAvailable
from registrations.messaging.notify import notify_waitlist_offer
from registrations.models import (
    Registration,
    SessionWaitlistEntry,
    WaitlistEntry,
    lapsed_offer_q,
    live_offer_q,
)
from registrations.services.inputs import AttendeeInput
from registrations.services.session_waitlist import session_offers_make


def offer_hours() -> float:
    return float(getattr(settings, "WAITLIST_OFFER_HOURS", 48))


@transaction.atomic
def waitlist_join(
    *, ticket_type: TicketType, email: str, first_name: str, last_name: str
) -> WaitlistEntry:
    """Put someone on a sold-out ticket type's waiting list, in order of arrival.

    Raises TicketsAvailable when seats are left, AlreadyWaitlisted for a second entry.
    """
    event = lock_event(ticket_type.event_id)
    taken = count_seats(event)
    if _seats_for(event, ticket_type, taken) > 0:
        raise TicketsAvailable()
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(
                event=event,
                ticket_type=ticket_type,
                email=email.strip().lower(),
                first_name=first_name.strip(),
                last_name=last_name.strip(),
            )
    except IntegrityError as exc:
        raise AlreadyWaitlisted() from exc


def _seats_for(event: Event, ticket_type: TicketType, taken) -> int:
    """Seats a new buyer of `ticket_type` could take now (a large number when unlimited)."""
    left = seats_left(ticket_type.capacity, taken.ticket_types.get(ticket_type.id, 0))
    if not ticket_type.is_virtual:
        event_left = seats_left(event.capacity, taken.event)
        if event_left is not None:
            left = event_left if left is None else min(left, event_left)
    return 10**9 if left is None else left


def waitlist_offer_next(
    *, event: Event, at: datetime | None = None
) -> list[WaitlistEntry | SessionWaitlistEntry]:
    """Offer freed seats to the people waiting, first come first served: seats of the
    event's ticket types, then seats of its sessions (services.session_waitlist).

    Each offer holds one seat until `offer_expires_at` (WAITLIST_OFFER_HOURS) and is
    emailed. Lapsed offers are closed first, so their seats pass on; under the event lock
    the seats held by live offers are counted as taken, so no seat is offered twice.
    Call it inside the transaction that freed the seats, or on its own. An event no longer
    published makes no offers (nobody could take them up).
    """
    at = at or timezone.now()
    with transaction.atomic():
        event = lock_event(event.pk, tallies=True)
        if event.status != Event.Status.PUBLISHED:
            return []
        offered = [
            *_ticket_offers_make(event, at),
            *session_offers_make(
                event=event, at=at, expires_at=at + timedelta(hours=offer_hours())
            ),
        ]
        if offered:
            seats_tally_forget(event.pk)  # offers take seats the tally does not know of
        return offered


def _ticket_offers_make(event: Event, at: datetime) -> list[WaitlistEntry]:
    """Offers of the event's free ticket-type seats. Caller holds the event lock."""
    WaitlistEntry.objects.filter(lapsed_offer_q(at), event=event).update(
        status=WaitlistEntry.Status.LAPSED
    )
    waiting = list(
        WaitlistEntry.objects.filter(event=event, status=WaitlistEntry.Status.WAITING)
        .select_related("ticket_type")
        .order_by("created_at", "id")
    )
    if not waiting:
        return []
    taken = count_seats(event, at, session_ids=set())
    offered: list[WaitlistEntry] = []
    extra_by_type: dict[int, int] = {}
    extra_in_person = 0
    for entry in waiting:
        ticket_type = entry.ticket_type
        free = _seats_for(event, ticket_type, taken) - extra_by_type.get(ticket_type.id, 0)
        if not ticket_type.is_virtual and event.capacity is not None:
            free = min(free, seats_left(event.capacity, taken.event) - extra_in_person)
        if free <= 0:
            continue
        entry.status = WaitlistEntry.Status.OFFERED
        entry.offered_at = at
        entry.offer_expires_at = at + timedelta(hours=offer_hours())
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        extra_by_type[ticket_type.id] = extra_by_type.get(ticket_type.id, 0) + 1
        extra_in_person += 0 if ticket_type.is_virtual else 1
        notify_waitlist_offer(entry=entry)
        offered.append(entry)
    return offered


def waitlist_offers_pass_on(*, at: datetime | None = None) -> int:
    """Periodic (beat): in every event where an offer has lapsed or someone waits, close
    the lapsed offers and offer the free seats to the next people in line (ticket types
    and sessions), as waitlist_offer_next does. Returns how many offers were made."""
    at = at or timezone.now()
    event_ids = set(
        WaitlistEntry.objects.filter(
            lapsed_offer_q(at) | Q(status=WaitlistEntry.Status.WAITING, event__ends_at__gt=at)
        ).values_list("event_id", flat=True)
    ) | set(
        SessionWaitlistEntry.objects.filter(
            lapsed_offer_q(at)
            | Q(status=SessionWaitlistEntry.Status.WAITING, session__starts_at__gt=at)
        ).values_list("session__event_id", flat=True)
    )
    offered = 0
    published = Event.objects.filter(pk__in=event_ids, status=Event.Status.PUBLISHED)
    for event in published.order_by("pk"):
        offered += len(waitlist_offer_next(event=event, at=at))
    return offered


def waitlist_offer_redeem(
    event: Event,
    token: str,
    attendees: list[AttendeeInput],
    registration: Registration,
    at: datetime,
) -> WaitlistEntry:
    """Turn a live offer into `registration` (under the event lock): its reserved seat is
    then counted as the attendee's (the offer no longer counts), so nobody else can take
    it meanwhile."""
    offer = (
        WaitlistEntry.objects.select_for_update()
        .filter(live_offer_q(at), event=event, offer_token=token)
        .first()
    )
    if offer is None:
        raise ValidationError({"waitlist_offer": ["This waiting-list offer is no longer valid."]})
    if not any(a.ticket_type == offer.ticket_type_id for a in attendees):
        raise ValidationError(
            {"waitlist_offer": ["The offer is for another ticket type than the one chosen."]}
        )
    offer.status = WaitlistEntry.Status.REDEEMED
    offer.registration = registration
    offer.save(update_fields=["status", "registration"])
    return offer
