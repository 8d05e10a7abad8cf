"""Reads: a registration by its secret token, with everything its pages and API show."""

import hmac

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from finance.selectors import invoices_listed
from registrations.models import (
    Attendee,
    Registration,
    SessionChoice,
    SessionWaitlistEntry,
    WaitlistEntry,
)


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
