"""Reads: a registration by its secret token, with everything its pages and API show."""

import hmac

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from registrations.models import Attendee, Registration, SessionChoice, WaitlistEntry


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
        )
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
