"""Waiting lists of sessions: an attendee waits for a full workshop or mini-course; a freed
seat becomes a time-limited offer that adds the session to their choices.

A session with a fee is added once its fee is paid: the offer's page takes the card
payment (payments.services.session_fees), and the payment, settled, redeems the offer
(`session_offer_redeem_paid`); a free session is added at once (`session_offer_accept`).
"""

from collections import Counter
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from events.inventory import seats_left
from events.models import Event, Session
from finance.services.issuing import invoice_reissue
from registrations.capacity import count_seats, lock_event
from registrations.errors import AlreadyWaitlisted, InvalidState, SessionFull
from registrations.messaging.notify import notify_session_waitlist_offer, notify_sessions_changed
from registrations.models import (
    Attendee,
    Registration,
    SessionChoice,
    SessionWaitlistEntry,
    lapsed_offer_q,
    live_offer_q,
)
from registrations.q_match import q_matches
from registrations.selectors import totals_with_fee
from registrations.services.rules import check_session_clashes

Status = SessionWaitlistEntry.Status
OPEN = (Status.WAITING, Status.OFFERED)


@transaction.atomic
def session_waitlist_join(
    *, attendee: Attendee, session_id: int, at: datetime | None = None
) -> SessionWaitlistEntry:
    """Put an attendee of a confirmed registration on a full session's waiting list, in
    order of arrival (under the event lock, so "full" is read as offers are made).

    Raises ValidationError on `session` (unknown for the event, open to everyone, already
    chosen, seats left), InvalidState (registration not confirmed, session
    started), AlreadyWaitlisted for a second open entry.
    """
    at = at or timezone.now()
    attendee = Attendee.objects.select_related("registration").get(pk=attendee.pk)
    event = lock_event(attendee.registration.event_id)
    session = Session.objects.filter(pk=session_id, event=event).first()
    _check_joinable(attendee, session, at)
    taken = count_seats(event, at, session_ids={session.id})
    if seats_left(session.capacity, taken.sessions.get(session.id, 0)) != 0:
        raise ValidationError(
            {"session": ["This session has seats left: add it to the attendee's sessions."]}
        )
    try:
        with transaction.atomic():
            return SessionWaitlistEntry.objects.create(attendee=attendee, session=session)
    except IntegrityError as exc:
        raise AlreadyWaitlisted("This attendee is already waiting for this session.") from exc


def _check_joinable(attendee: Attendee, session: Session | None, at: datetime) -> None:
    if session is None:
        raise ValidationError({"session": ["Unknown session for this event."]})
    if not session.selectable:
        raise ValidationError({"session": ["This session is open to everyone: no need to wait."]})
    if attendee.choices.filter(session=session).exists():
        raise ValidationError({"session": ["This session is already among the attendee's."]})
    if attendee.registration.status != Registration.Status.CONFIRMED:
        raise InvalidState("Only attendees of a confirmed registration can wait for a session.")
    if at >= session.starts_at:
        raise InvalidState(f"“{session.title}” has already started.")


def session_offers_make(
    *, event: Event, at: datetime, expires_at: datetime
) -> list[SessionWaitlistEntry]:
    """Offer the event's free session seats to the attendees waiting, first come first
    served per session; each offer holds its seat until `expires_at` (or the session's
    start, if sooner) and is emailed.

    Lapsed offers are closed first, and entries that no longer apply (the registration is
    no longer confirmed, the attendee has the session already) withdrawn, so that their
    seats pass on. Caller holds the event lock (services.waitlist.waitlist_offer_next).
    """
    entries = SessionWaitlistEntry.objects.filter(session__event=event)
    entries.filter(lapsed_offer_q(at)).update(status=Status.LAPSED)
    entries.filter(status__in=OPEN).exclude(
        attendee__registration__status=Registration.Status.CONFIRMED
    ).update(status=Status.WITHDRAWN)
    has_session = SessionChoice.objects.filter(
        attendee=OuterRef("attendee"), session=OuterRef("session")
    )
    entries.filter(Exists(has_session), status__in=OPEN).update(status=Status.WITHDRAWN)
    waiting = list(
        entries.filter(status=Status.WAITING, session__starts_at__gt=at)
        .select_related("session", "attendee")
        .order_by("created_at", "id")
    )
    if not waiting:
        return []
    taken = count_seats(event, at, session_ids={entry.session_id for entry in waiting})
    offered_now: Counter[int] = Counter()
    offered = []
    for entry in waiting:
        session = entry.session
        left = seats_left(session.capacity, taken.sessions.get(session.id, 0))
        if left is not None and left - offered_now[session.id] <= 0:
            continue
        entry.status = Status.OFFERED
        entry.offered_at = at
        entry.offer_expires_at = min(expires_at, session.starts_at)
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        offered_now[session.id] += 1
        notify_session_waitlist_offer(entry=entry)
        offered.append(entry)
    return offered


@transaction.atomic
def session_offer_accept(
    *, entry: SessionWaitlistEntry, at: datetime | None = None
) -> SessionChoice:
    """Add the offered session (one without a fee) to the attendee's choices, in the seat
    the offer held; the attendee gets its invite. Checked under the event lock, at this
    moment.

    Raises InvalidState when the offer is no longer live (lapsed, used, withdrawn), the
    registration is no longer confirmed or the session has a fee (its fee is paid first:
    payments.services.session_fees); SessionClash when it takes place at the same time as
    another of the attendee's sessions (the offer stays open: drop that one and accept
    again); SessionFull when its capacity was lowered.
    """
    at = at or timezone.now()
    entry = _lock_entry(entry.pk)
    if not q_matches(live_offer_q(at), entry):
        raise InvalidState("This offer is no longer open: it lapsed, or was used.")
    if entry.session.price > 0:
        raise InvalidState(f"“{entry.session.title}” has a fee: pay it to add the session.")
    return _redeem(entry, at)


def session_offer_check(*, entry: SessionWaitlistEntry, at: datetime | None = None) -> None:
    """Whether the offer can be taken up now (before its fee is paid): live, for a
    confirmed registration, the session not started, not clashing with the attendee's
    other sessions. Raises InvalidState or SessionClash as `session_offer_accept` does."""
    at = at or timezone.now()
    entry = SessionWaitlistEntry.objects.select_related("session", "attendee__registration").get(
        pk=entry.pk
    )
    if not q_matches(live_offer_q(at), entry):
        raise InvalidState("This offer is no longer open: it lapsed, or was used.")
    _check_redeemable(entry, at)
    chosen = [choice.session for choice in entry.attendee.choices.select_related("session")]
    if entry.session not in chosen:
        check_session_clashes([*chosen, entry.session])


@transaction.atomic
def session_offer_redeem_paid(
    *, entry_id: int, amount: Decimal, at: datetime | None = None
) -> SessionChoice:
    """The offered session's fee was paid (`amount`, `session_fee_due`): add it to the
    attendee's choices, the fee (and its tax) to the registration's total, the amount to
    what it paid; its invoice is credited and issued anew for the new total.

    The offer may have lapsed while the card was being paid: the session is still added
    when a seat is free for it. Raises InvalidState (used, withdrawn, registration no
    longer confirmed, session started or already chosen), SessionClash or SessionFull:
    the caller refunds the payment.
    """
    at = at or timezone.now()
    entry = _lock_entry(entry_id)
    if entry.status not in (Status.OFFERED, Status.LAPSED):
        raise InvalidState("This offer was used or withdrawn.")
    if entry.attendee.choices.filter(session=entry.session).exists():
        raise InvalidState(f"“{entry.session.title}” is already among the attendee's sessions.")
    choice = _redeem(entry, at)
    registration = (  # (the event is locked already, for no key update: not again here)
        Registration.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=entry.attendee.registration_id)
    )
    registration.subtotal, registration.tax, registration.total = totals_with_fee(
        registration, choice.price
    )
    registration.amount_paid += amount
    registration.save(update_fields=["subtotal", "tax", "total", "amount_paid"])
    invoice_reissue(registration=registration, reason="Session added")
    return choice


def _lock_entry(entry_id: int) -> SessionWaitlistEntry:
    session = Session.objects.only("event_id").get(waitlist__pk=entry_id)
    lock_event(session.event_id)
    return (
        SessionWaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("session", "attendee__registration")
        .get(pk=entry_id)
    )


def _check_redeemable(entry: SessionWaitlistEntry, at: datetime) -> None:
    if entry.attendee.registration.status != Registration.Status.CONFIRMED:
        raise InvalidState("Only attendees of a confirmed registration can add a session.")
    if at >= entry.session.starts_at:
        raise InvalidState(f"“{entry.session.title}” has already started.")


def _redeem(entry: SessionWaitlistEntry, at: datetime) -> SessionChoice:
    """Turn the offer into a session choice (caller holds the event lock and the entry)."""
    session, attendee = entry.session, entry.attendee
    _check_redeemable(entry, at)
    chosen = [choice.session for choice in attendee.choices.select_related("session")]
    if session in chosen:  # added meanwhile another way: the offer has nothing left to do
        entry.status = Status.REDEEMED  # (its seat passes on at the next sweep)
        entry.save(update_fields=["status"])
        return attendee.choices.get(session=session)
    check_session_clashes([*chosen, session])
    entry.status = Status.REDEEMED
    entry.save(update_fields=["status"])
    # The offer's seat becomes the choice's: counted without the offer, it must still fit.
    taken = count_seats(entry.session.event, at, session_ids={session.id})
    left = seats_left(session.capacity, taken.sessions.get(session.id, 0))
    if left is not None and left < 1:
        raise SessionFull(f"“{session.title}” is full.")
    choice = SessionChoice.objects.create(attendee=attendee, session=session, price=session.price)
    notify_sessions_changed(attendee=attendee, removed=[], added=[choice])
    return choice
