"""When to tell whom: the entry points of messaging. Each function writes outbox rows
(messaging.outbox) inside the transaction of the change, so an email exists if and only
if the change committed.

Dedupe keys make each notice idempotent: confirming twice, or a task running twice,
writes one row.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from events.models import Event, Session
from registrations.messaging.models import Kind, OutboxMessage
from registrations.messaging.outbox import outbox_enqueue, outbox_enqueue_new
from registrations.models import (
    Attendee,
    Registration,
    SessionChoice,
    SessionWaitlistEntry,
    WaitlistEntry,
    live_hold_q,
)


def notify_registration_created(*, registration: Registration, attendees: list[Attendee]) -> None:
    """What a registration just written tells: when free (confirmed at once) its
    confirmations; otherwise nothing yet (an invoice is sent with its number,
    notify_invoice_issued; a card payment's confirmation once it is paid).

    `attendees` are its rows, with their choices. Every notice names rows created in this
    same transaction, so none can exist yet: they are written in one statement."""
    if registration.status == Registration.Status.CONFIRMED:
        outbox_enqueue_new(_confirmation_notices(registration, attendees))


def notify_registration_confirmed(*, registration: Registration, resend: bool = False) -> None:
    """Order confirmation to the buyer; each attendee their confirmation with the event's
    invite, and one invite per chosen session."""
    suffix = f":resend:{timezone.now().timestamp()}" if resend else ""
    attendees = registration.attendees.prefetch_related("choices")
    for notice in _confirmation_notices(registration, attendees, suffix=suffix):
        outbox_enqueue(**notice)


def _confirmation_notices(registration: Registration, attendees, *, suffix: str = "") -> list[dict]:
    notices = [
        {
            "kind": Kind.ORDER_CONFIRMATION,
            "to_email": registration.buyer_email,
            "registration": registration,
            "dedupe_key": f"order_confirmation:{registration.pk}{suffix}",
        }
    ]
    for attendee in attendees:
        notices += _welcome_notices(attendee, suffix=suffix)
    return notices


def _welcome_attendee(attendee: Attendee, *, suffix: str = "") -> None:
    for notice in _welcome_notices(attendee, suffix=suffix):
        outbox_enqueue(**notice)


def _welcome_notices(attendee: Attendee, *, suffix: str = "") -> list[dict]:
    return [
        {
            "kind": Kind.ATTENDEE_CONFIRMATION,
            "to_email": attendee.email,
            "attendee": attendee,
            "dedupe_key": f"attendee_confirmation:{attendee.pk}:{attendee.email}{suffix}",
        }
    ] + [
        _session_invite_notice(attendee, choice, "REQUEST", suffix=suffix)
        for choice in attendee.choices.all()
    ]


def _session_invite(
    attendee: Attendee, choice: SessionChoice, method: str, *, suffix: str = "", to_email: str = ""
) -> None:
    outbox_enqueue(
        **_session_invite_notice(attendee, choice, method, suffix=suffix, to_email=to_email)
    )


def _session_invite_notice(
    attendee: Attendee, choice: SessionChoice, method: str, *, suffix: str = "", to_email: str = ""
) -> dict:
    to_email = to_email or attendee.email
    return {
        "kind": Kind.SESSION_INVITE,
        "to_email": to_email,
        "attendee": attendee,
        "context": {"method": method, "choice_id": choice.pk, "session_id": choice.session_id},
        "dedupe_key": f"session_invite:{choice.pk}:{method}:{to_email}{suffix}",
    }


def notify_invoice_issued(*, registration: Registration) -> None:
    """The invoice of a registration held until it is paid: to the buyer, and to the
    accounts-payable email of the billing details when it is another. Written in the
    transaction that issues the invoice, once per registration (the caller holds its
    row and checks it had none): one statement, one task."""
    notices = [
        {
            "kind": Kind.INVOICE,
            "to_email": registration.buyer_email,
            "registration": registration,
            "dedupe_key": f"invoice:{registration.pk}",
        }
    ]
    accounts_payable = registration.billing.get("email", "")
    if accounts_payable and accounts_payable != registration.buyer_email:
        notices.append(
            notices[0]
            | {"to_email": accounts_payable, "dedupe_key": f"invoice:{registration.pk}:ap"}
        )
    outbox_enqueue_new(notices)


def notify_invoice_reminder(
    *, registration: Registration, invoice_id: int, number: str, due_date: str, stage: str
) -> bool:
    """Remind the billing email (else the buyer) of an unpaid invoice: `stage` "before"
    its due date or "due" on it; once per invoice and stage. Returns whether queued now."""
    message = outbox_enqueue(
        kind=Kind.INVOICE_REMINDER,
        to_email=registration.billing.get("email") or registration.buyer_email,
        registration=registration,
        context={"number": number, "due_date": due_date, "stage": stage},
        dedupe_key=f"invoice_reminder:{invoice_id}:{stage}",
    )
    return message is not None


def notify_registration_cancelled(
    *, registration: Registration, was_confirmed: bool, refund: Decimal = Decimal("0")
) -> None:
    """The buyer is told (with the refund); attendees who had invites get cancellations."""
    outbox_enqueue(
        kind=Kind.CANCELLATION,
        to_email=registration.buyer_email,
        registration=registration,
        context={"refund": str(refund)},
        dedupe_key=f"cancellation:{registration.pk}",
    )
    if not was_confirmed:
        return
    for attendee in registration.attendees.prefetch_related("choices"):
        outbox_enqueue(
            kind=Kind.CANCELLATION,
            to_email=attendee.email,
            attendee=attendee,
            dedupe_key=f"cancellation:{registration.pk}:attendee:{attendee.pk}",
        )
        for choice in attendee.choices.all():
            _session_invite(attendee, choice, "CANCEL")


def notify_substitution(*, attendee: Attendee, old_email: str) -> None:
    """The replaced person's entries are cancelled; the new person is welcomed."""
    if attendee.registration.status != Registration.Status.CONFIRMED:
        return
    if old_email and old_email != attendee.email:
        outbox_enqueue(
            kind=Kind.SUBSTITUTION,
            to_email=old_email,
            attendee=attendee,
            dedupe_key=f"substitution:{attendee.pk}:{old_email}:{timezone.now().timestamp()}",
        )
        for choice in attendee.choices.all():
            _session_invite(attendee, choice, "CANCEL", to_email=old_email)
    _welcome_attendee(attendee, suffix=f":{timezone.now().timestamp()}")


def notify_sessions_changed(
    *, attendee: Attendee, removed: list[tuple[int, int]], added: list[SessionChoice]
) -> None:
    """A swap: the dropped sessions' entries are cancelled, the new ones invited.
    `removed` holds (choice id, session id) of choices already deleted."""
    if attendee.registration.status != Registration.Status.CONFIRMED:
        return
    for choice_id, session_id in removed:
        outbox_enqueue(
            kind=Kind.SESSION_INVITE,
            to_email=attendee.email,
            attendee=attendee,
            context={"method": "CANCEL", "choice_id": choice_id, "session_id": session_id},
            dedupe_key=f"session_invite:{choice_id}:CANCEL:{attendee.email}",
        )
    for choice in added:
        _session_invite(attendee, choice, "REQUEST")


def notify_schedule_changed(*, event: Event, session: Session | None = None) -> None:
    """Every affected attendee gets an updated invite (same UID, higher SEQUENCE)."""
    attendees = Attendee.objects.filter(
        registration__event=event, registration__status=Registration.Status.CONFIRMED
    )
    if session is not None:
        attendees = attendees.filter(choices__session=session)
        sequence, context = session.calendar_sequence, {"session_id": session.pk}
        key = f"session{session.pk}"
    else:
        sequence, context, key = event.calendar_sequence, {}, f"event{event.pk}"
    for attendee in attendees.only("pk", "email", "registration_id"):
        outbox_enqueue(
            kind=Kind.EVENT_CHANGED,
            to_email=attendee.email,
            attendee=attendee,
            context=context,
            dedupe_key=f"changed:{key}:seq{sequence}:att{attendee.pk}",
        )


def notify_waitlist_offer(*, entry: WaitlistEntry) -> None:
    outbox_enqueue(
        kind=Kind.WAITLIST_OFFER,
        to_email=entry.email,
        waitlist_entry=entry,
        dedupe_key=f"waitlist_offer:{entry.pk}:{entry.offered_at.timestamp() if entry.offered_at else ''}",
    )


def notify_session_waitlist_offer(*, entry: SessionWaitlistEntry) -> None:
    """The attendee's offer of a seat in the session they wait for, with its private link."""
    outbox_enqueue(
        kind=Kind.SESSION_WAITLIST_OFFER,
        to_email=entry.attendee.email,
        attendee=entry.attendee,
        context={"entry_id": entry.pk},
        dedupe_key=f"session_waitlist_offer:{entry.pk}:{entry.offered_at.timestamp()}",
    )


def notify_payment_failed(*, registration: Registration, reason: str, event_id: str) -> None:
    outbox_enqueue(
        kind=Kind.PAYMENT_FAILED,
        to_email=registration.buyer_email,
        registration=registration,
        context={"reason": reason},
        dedupe_key=f"payment_failed:{registration.pk}:{event_id}",
    )


def notify_late_payment_refunded(
    *,
    registration: Registration,
    amount: Decimal,
    payment_id: int,
    session: str = "",
    to_email: str = "",
) -> None:
    """The buyer's payment came too late and `amount` goes back (sent after commit: the
    email states the amount, not what is recorded as refunded when it is rendered).
    `session`: the payment was the fee of that session, offered from its waiting list,
    which could no longer be added; `to_email` then the attendee who paid it."""
    outbox_enqueue(
        kind=Kind.LATE_PAYMENT_REFUNDED,
        to_email=to_email or registration.buyer_email,
        registration=registration,
        context={"refund": str(amount), "session": session},
        dedupe_key=f"late_payment_refunded:{payment_id}",
    )


def notify_reminders(*, now=None) -> int:
    """Reminders to confirmed attendees of events starting within their reminder window."""
    now = now or timezone.now()
    count = 0
    for event in Event.objects.filter(
        status=Event.Status.PUBLISHED, starts_at__gt=now, reminder_days_before__gt=0
    ):
        if event.starts_at - now > timedelta(days=event.reminder_days_before):
            continue
        for attendee in Attendee.objects.filter(
            registration__event=event, registration__status=Registration.Status.CONFIRMED
        ).only("pk", "email", "registration_id"):
            if outbox_enqueue(
                kind=Kind.REMINDER,
                to_email=attendee.email,
                attendee=attendee,
                dedupe_key=f"reminder:{event.pk}:{attendee.pk}",
            ):
                count += 1
    return count


# A hold shorter than this is a buyer at the payment page right now: no email (it would
# arrive when they have paid, or when the seats are gone). Longer holds are warned when a
# quarter of the hold is left, at most HOLD_WARNING_AHEAD before it ends.
HOLD_WARNING_MIN_HOLD = timedelta(hours=1)
HOLD_WARNING_AHEAD = timedelta(days=3)


def hold_warning_at(*, created_at, expires_at):
    """When the buyer of a hold from `created_at` to `expires_at` is warned; None for a
    hold too short to warn of."""
    length = expires_at - created_at
    if length < HOLD_WARNING_MIN_HOLD:
        return None
    return expires_at - min(length / 4, HOLD_WARNING_AHEAD)


def notify_expiring_holds(*, now=None) -> int:
    """Tell each buyer whose seat hold is due for its warning (hold_warning_at), once."""
    now = now or timezone.now()
    candidates = Registration.objects.filter(
        live_hold_q(now), expires_at__lte=now + HOLD_WARNING_AHEAD
    ).exclude(outbox__kind=Kind.HOLD_EXPIRING)
    count = 0
    for registration in candidates:
        warn_at = hold_warning_at(
            created_at=registration.created_at, expires_at=registration.expires_at
        )
        if warn_at is None or warn_at > now:
            continue
        if outbox_enqueue(
            kind=Kind.HOLD_EXPIRING,
            to_email=registration.buyer_email,
            registration=registration,
            dedupe_key=f"hold_expiring:{registration.pk}",
        ):
            count += 1
    return count


def _certificate_dedupe_key(attendee_id: int) -> str:
    return f"certificate:{attendee_id}"


def notify_certificate(*, attendee: Attendee, total_hours: str, certificate_url: str) -> bool:
    """The attendee's CE certificate, once ever. Returns whether it was queued now."""
    message = outbox_enqueue(
        kind=Kind.CERTIFICATE,
        to_email=attendee.email,
        attendee=attendee,
        registration=attendee.registration,
        context={
            "event": attendee.registration.event.name,
            "total_hours": total_hours,
            "certificate_url": certificate_url,
        },
        dedupe_key=_certificate_dedupe_key(attendee.pk),
    )
    return message is not None


def certificates_notified(*, event: Event) -> set[int]:
    """The attendees of `event` whose certificate email is queued or sent already."""
    keys = OutboxMessage.objects.filter(
        kind=Kind.CERTIFICATE, registration__event=event
    ).values_list("dedupe_key", flat=True)
    return {int(key.rpartition(":")[2]) for key in keys if key}


# "Find my registration": at most this many emails of links per address and hour, however
# many requests arrive (from however many clients): a flood sends a few emails, no more.
LINKS_EMAILS_PER_HOUR = 3


def notify_registration_links(*, email: str, at=None) -> OutboxMessage | None:
    """Email `email` the links it may use (built when sent, from what is live then).
    Returns None when the address already had its emails this hour: the unique dedupe
    key of each of the hour's slots holds under any concurrency."""
    at = at or timezone.now()
    address = email.strip().lower()
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]  # no address in the key
    hour = at.strftime("%Y%m%d%H")
    for slot in range(LINKS_EMAILS_PER_HOUR):
        message = outbox_enqueue(
            kind=Kind.REGISTRATION_LINKS,
            to_email=address,
            dedupe_key=f"registration_links:{digest}:{hour}:{slot}",
        )
        if message is not None:
            return message
    return None
