"""Reads: a registration by its secret token, with everything its pages and API show."""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from finance.selectors import invoices_listed
from registrations.models import (
    Attendee,
    Registration,
    SessionChoice,
    SessionWaitlistEntry,
    WaitlistEntry,
    live_registration_q,
)
from registrations.pricing import TaxRule


def registration_detail_queryset() -> QuerySet[Registration]:
    return Registration.objects.select_related("event", "event__venue").prefetch_related(
        Prefetch(
            "attendees",
            queryset=Attendee.objects.select_related("ticket_type").prefetch_related(
                Prefetch(
                    "choices",
                    queryset=SessionChoice.objects.select_related("session").order_by(
                        "session__starts_at"
                    ),
                )
            ),
        ),
        Prefetch("invoices", queryset=invoices_listed()),
    )


def registration_by_token(*, token: str) -> Registration:
    """The registration whose secret is `token`. Raises Registration.DoesNotExist.

    The final comparison is constant-time, so the answer's timing says nothing about
    how much of a guessed token was right.
    """
    if not token or len(token) > 64:
        raise Registration.DoesNotExist
    registration = registration_detail_queryset().filter(token=token).first()
    if registration is None or not hmac.compare_digest(registration.token, token):
        raise Registration.DoesNotExist
    return registration


def registration_by_token_or_404(*, token: str) -> Registration:
    """registration_by_token for views: an unknown token is a 404 (as get_object_or_404)."""
    try:
        return registration_by_token(token=token)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc


def attendee_by_own_token(*, token: str) -> Attendee:
    """The attendee whose own secret link is `token`, with their registration, event,
    ticket type and sessions. Raises Attendee.DoesNotExist; constant-time final check."""
    if not token or len(token) > 64:
        raise Attendee.DoesNotExist
    attendee = (
        Attendee.objects.select_related("registration__event__venue", "ticket_type")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=SessionChoice.objects.select_related("session").order_by(
                    "session__starts_at"
                ),
            )
        )
        .filter(token=token)
        .first()
    )
    if attendee is None or not hmac.compare_digest(attendee.token, token):
        raise Attendee.DoesNotExist
    return attendee


def attendee_by_own_token_or_404(*, token: str) -> Attendee:
    try:
        return attendee_by_own_token(token=token)
    except Attendee.DoesNotExist as exc:
        raise Http404 from exc


# Links are sent for registrations of events that ended at most this long ago (the CE
# certificate and receipts stay useful after the event).
LINKS_LOOK_BACK = timedelta(days=365)


@dataclass(frozen=True)
class RegistrationLinks:
    """What an address may open: registrations it bought, places it holds."""

    bought: list[Registration]
    attending: list[Attendee]

    def __bool__(self) -> bool:
        return bool(self.bought or self.attending)


def registration_links_for(*, email: str, at: datetime) -> RegistrationLinks:
    """The live registrations `email` bought and the live places it holds (as an
    attendee), of events not long over; the address in any case."""
    email = email.strip().lower()  # stored lower-cased: the indexes serve an exact match
    since = at - LINKS_LOOK_BACK
    bought = (
        Registration.objects.filter(live_registration_q(at), buyer_email=email)
        .filter(event__ends_at__gte=since)
        .select_related("event")
        .order_by("event__starts_at", "created_at")
    )
    attending = (
        Attendee.objects.filter(live_registration_q(at, "registration__"), email=email)
        .filter(registration__event__ends_at__gte=since)
        .select_related("registration__event")
        .order_by("registration__event__starts_at", "id")
    )
    return RegistrationLinks(bought=list(bought), attending=list(attending))


def waitlist_offer_by_token(*, token: str) -> WaitlistEntry:
    if not token or len(token) > 64:
        raise WaitlistEntry.DoesNotExist
    entry = (
        WaitlistEntry.objects.select_related("event", "ticket_type")
        .filter(offer_token=token)
        .first()
    )
    if entry is None or not hmac.compare_digest(entry.offer_token, token):
        raise WaitlistEntry.DoesNotExist
    return entry


def waitlist_position(*, entry: WaitlistEntry) -> int:
    """1 for the next person to get an offer of that ticket type, and so on."""
    return WaitlistEntry.objects.filter(
        ticket_type_id=entry.ticket_type_id,
        status=WaitlistEntry.Status.WAITING,
        created_at__lte=entry.created_at,
    ).count()


def session_offer_by_token(*, token: str) -> SessionWaitlistEntry:
    """A session's waiting-list entry by its offer's secret. Raises DoesNotExist."""
    if not token or len(token) > 64:
        raise SessionWaitlistEntry.DoesNotExist
    entry = (
        SessionWaitlistEntry.objects.select_related(
            "session", "attendee__registration__event", "attendee__ticket_type"
        )
        .filter(offer_token=token)
        .first()
    )
    if entry is None or not hmac.compare_digest(entry.offer_token, token):
        raise SessionWaitlistEntry.DoesNotExist
    return entry


def session_waitlist_position(*, entry: SessionWaitlistEntry) -> int:
    """1 for the next attendee to get an offer of that session, and so on."""
    return SessionWaitlistEntry.objects.filter(
        session_id=entry.session_id,
        status=SessionWaitlistEntry.Status.WAITING,
        created_at__lte=entry.created_at,
    ).count()


def session_waits_of(*, registration: Registration) -> dict[int, list[SessionWaitlistEntry]]:
    """The open session waiting-list entries of the registration's attendees, by attendee
    id, each with its `position` (while waiting) and its session."""
    waiting = SessionWaitlistEntry.Status.WAITING
    ahead = SessionWaitlistEntry.objects.filter(
        session=OuterRef("session"), status=waiting, created_at__lte=OuterRef("created_at")
    )
    entries = (
        SessionWaitlistEntry.objects.filter(
            attendee__registration=registration,
            status__in=[waiting, SessionWaitlistEntry.Status.OFFERED],
        )
        .select_related("session")
        .annotate(position=Subquery(ahead.values("session").annotate(n=Count("*")).values("n")))
        .order_by("session__starts_at", "id")
    )
    by_attendee: dict[int, list[SessionWaitlistEntry]] = {}
    for entry in entries:
        by_attendee.setdefault(entry.attendee_id, []).append(entry)
    return by_attendee


def question_has_answers(question_id: int) -> bool:
    """Whether any attendee answered the question (answers are kept by question id)."""
    return Attendee.objects.filter(answers__has_key=str(question_id)).exists()


def session_fee_due(*, entry: SessionWaitlistEntry) -> Decimal:
    """What adding an offered session costs its registration: the session's fee, and the
    tax the registration's total gains with it (tax rounded once, on the whole)."""
    registration = entry.attendee.registration
    return totals_with_fee(registration, entry.session.price)[2] - registration.total


def totals_with_fee(registration: Registration, fee: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """The registration's subtotal, tax and total with one more fee (pricing.Price's rule:
    tax on the whole after discounts, rounded once)."""
    subtotal = registration.subtotal + fee
    tax, total = TaxRule.of(registration.event).totals(subtotal - registration.discount)
    return subtotal, tax, total
