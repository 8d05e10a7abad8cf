"""Reads for the catalogue: published events, one event with prices and seats left."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from secrets import token_hex

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from events.inventory import seats_left, seats_taken
from events.models import Event, GroupRate, PriceTier, Question, Session, TicketType


def event_list_published() -> QuerySet[Event]:
    return Event.objects.published().select_related("venue").order_by("starts_at", "name")


def event_get_visible(*, slug: str) -> Event:
    """One public event with its ticket types, tiers, sessions, active questions and team
    rates. Raises Event.DoesNotExist."""
    return (
        Event.objects.visible()
        .select_related("venue")
        .prefetch_related(
            Prefetch(
                "ticket_types",
                queryset=TicketType.objects.prefetch_related(
                    Prefetch("price_tiers", queryset=PriceTier.objects.order_by("until"))
                ),
            ),
            Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "title")),
            Prefetch(
                "questions",
                queryset=Question.objects.filter(is_active=True).prefetch_related("ticket_types"),
            ),
            Prefetch("group_rates", queryset=GroupRate.objects.prefetch_related("ticket_types")),
        )
        .get(slug=slug)
    )


@dataclass(frozen=True)
class TicketOffer:
    ticket_type: TicketType
    price: Decimal
    price_tier: str  # e.g. "Early bird until January 15, 2027", or "" for the regular price
    available: int | None  # None: unlimited
    sold_out: bool


@dataclass(frozen=True)
class SessionOffer:
    session: Session
    available: int | None


@dataclass(frozen=True)
class Catalogue:
    event: Event
    tickets: list[TicketOffer]
    sessions: list[SessionOffer]
    event_available: int | None
    # Drawn when it is computed: a page rendered from this catalogue is kept under it.
    stamp: str = ""


def event_catalogue(*, event: Event, at: datetime) -> Catalogue:
    """Today's price and seats left for each ticket type and session of a prefetched event."""
    taken = seats_taken(event)
    event_left = seats_left(event.capacity, taken.event)
    tickets = []
    for ticket_type in event.ticket_types.all():
        tier = ticket_type.tier_at(at)
        left = seats_left(ticket_type.capacity, taken.ticket_types.get(ticket_type.id, 0))
        if event_left is not None and not ticket_type.is_virtual:
            left = event_left if left is None else min(left, event_left)
        tickets.append(
            TicketOffer(
                ticket_type=ticket_type,
                price=tier.price if tier else ticket_type.price,
                price_tier=tier.label(event.tzinfo) if tier else "",
                available=left,
                sold_out=left == 0,
            )
        )
    sessions = [
        SessionOffer(
            session=session,
            available=seats_left(session.capacity, taken.sessions.get(session.id, 0)),
        )
        for session in event.sessions.all()
    ]
    return Catalogue(
        event=event,
        tickets=tickets,
        sessions=sessions,
        event_available=event_left,
        stamp=token_hex(8),
    )


CATALOGUE_CACHE_SECONDS = 5


def event_catalogue_cached(*, slug: str) -> Catalogue:
    """The public catalogue of an event, cached for a few seconds: the event page, the
    registration form and the registration API all start from it, and they are the
    busiest requests of a registration rush. Raises Event.DoesNotExist.

    Seats left may lag by up to CATALOGUE_CACHE_SECONDS: registering always counts afresh
    under the event lock. An organizer's edit of the event, a ticket type, a price tier
    or a session forgets the entry when it commits (events.signals), so it shows at once.
    """
    key = _catalogue_key(slug)
    catalogue = cache.get(key)
    if catalogue is None:
        catalogue = event_catalogue(event=event_get_visible(slug=slug), at=timezone.now())
        cache.set(key, catalogue, CATALOGUE_CACHE_SECONDS)
    return catalogue


def event_catalogue_cached_or_404(*, slug: str) -> Catalogue:
    """event_catalogue_cached for views: an unknown or hidden event is a 404."""
    try:
        return event_catalogue_cached(slug=slug)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


def catalogue_forget(*, slug: str) -> None:
    """Drop the cached catalogue of an event (after an organizer's edit); what pages kept
    from it goes with it (events.fragments)."""
    cache.delete(_catalogue_key(slug))


def catalogue_forget_on_commit(*, slug: str) -> None:
    """Forget now, and again once the transaction commits: a reader between the two may
    have cached the state from before the change."""
    catalogue_forget(slug=slug)
    transaction.on_commit(lambda: catalogue_forget(slug=slug))


def _catalogue_key(slug: str) -> str:
    return f"catalogue:{slug}"
