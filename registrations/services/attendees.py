"""Self-service changes to an attendee: details, substitution, session swaps."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from events.inventory import seats_left
from members.models import normalize_number
from registrations.capacity import count_seats, lock_event
from registrations.ce.credentials import clean_credentials
from registrations.errors import InvalidState, SessionFull, SubstitutionClosed
from registrations.messaging.notify import notify_sessions_changed, notify_substitution
from registrations.models import (
    Attendee,
    Attestation,
    CheckIn,
    Registration,
    SessionChoice,
    SessionWaitlistEntry,
    live_registration_q,
    new_code,
    new_token,
)
from registrations.services.members import attendee_answers_after, check_member_number_of
from registrations.services.rules import check_session_clashes
from registrations.services.waitlist import waitlist_offer_next

DETAIL_FIELDS = {
    "organization",
    "job_title",
    "profession",
    "member_number",
    "dietary_needs",
    "accessibility_needs",
    "credentials",
    "answers",
}
IDENTITY_FIELDS = {"first_name", "last_name", "email"}
# What belongs to the person rather than the seat: a substitute starts without them.
PERSONAL_FIELDS = {
    "profession": "",
    "credentials": {},
    "member_number": "",
    "job_title": "",
    "dietary_needs": "",
    "accessibility_needs": "",
    "answers": {},
}


def _check_changeable(registration: Registration, at: datetime) -> None:
    if registration.effective_status not in (
        Registration.Status.PENDING_PAYMENT,
        Registration.Status.CONFIRMED,
    ):
        raise InvalidState(f"A registration that is {registration.effective_status} cannot change.")
    if at >= registration.event.ends_at:
        raise InvalidState("The event is over.")


@transaction.atomic
def attendee_update(*, attendee: Attendee, at: datetime | None = None, **changes) -> Attendee:
    """Change an attendee's details; a new name or email only until the event's
    substitution deadline (or its start). A new email is a substitution: the seat goes to
    another person, with a new badge code and none of the previous person's identifiers,
    needs, check-ins or CE records (what this change gives is theirs); the previous person's
    invites are cancelled and the new person is welcomed. Raises SubstitutionClosed,
    InvalidState, ValidationError (email already registered, a members-only ticket without
    the new person's member number)."""
    at = at or timezone.now()
    attendee = (
        Attendee.objects.select_for_update()
        .select_related("registration__event")
        .get(pk=attendee.pk)
    )
    registration = attendee.registration
    event = registration.event
    _check_changeable(registration, at)
    unknown = set(changes) - DETAIL_FIELDS - IDENTITY_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    if "email" in changes:
        changes["email"] = changes["email"].strip().lower()
    identity_changes = {
        k for k in IDENTITY_FIELDS & set(changes) if changes[k].strip() != getattr(attendee, k)
    }
    if identity_changes:
        deadline = event.substitution_deadline or event.starts_at
        if at >= deadline:
            raise SubstitutionClosed()
    if "email" in identity_changes:
        lock_event(event.pk)  # two substitutions to one person must not both pass
        clash = (
            Attendee.objects.filter(registration__event=event, email=changes["email"])
            .exclude(pk=attendee.pk)
            .filter(live_registration_q(at, "registration__"))
            .exists()
        )
        if clash:
            raise ValidationError({"email": ["This person is already registered for this event."]})
    old_email, old_badge = attendee.email, attendee.badge_code
    handover = "email" in identity_changes
    if handover:
        changes = _hand_over_seat(attendee) | changes
    if "credentials" in changes or "profession" in changes:
        profession = changes.get("profession", attendee.profession)
        credentials = changes.get("credentials", attendee.credentials)
        if "profession" in changes and "credentials" not in changes:
            credentials = {}  # another profession's identifiers no longer apply
        changes["credentials"] = clean_credentials(profession, credentials)
    if "answers" in changes:
        changes["answers"] = attendee_answers_after(attendee=attendee, given=changes["answers"])
    for name, value in changes.items():
        setattr(attendee, name, value.strip() if isinstance(value, str) else value)
    if handover and attendee.ticket_type.members_only and not attendee.member_number:
        raise ValidationError(
            {"member_number": ["This ticket is for members: give the new person's number."]}
        )
    if attendee.ticket_type.members_only and "member_number" in changes:
        attendee.member_number = normalize_number(attendee.member_number)
        check_member_number_of(attendee=attendee, at=at)
    attendee.full_clean(exclude=["registration", "ticket_type", "badge_code", "token"])
    attendee.save(update_fields=sorted(changes))
    if identity_changes:
        notify_substitution(attendee=attendee, old_email=old_email)
        details = {"attendee": attendee.pk, "fields": sorted(identity_changes)}
        if handover:  # who replaced whom, by badge: the log holds no names
            details |= {"previous_badge_code": old_badge, "badge_code": attendee.badge_code}
        audit_record(
            action=AuditEntry.Action.SUBSTITUTE,
            event=event,
            target=attendee.registration.reference,
            details=details,
        )
    return attendee


def _hand_over_seat(attendee: Attendee) -> dict:
    """Forget the previous person: their check-ins and CE attestations go, and the changes
    that blank their own fields and give the seat a new badge code and attendee link are
    returned."""
    CheckIn.objects.filter(attendee=attendee).delete()
    Attestation.objects.filter(attendee=attendee).delete()
    badge_code = new_code(10)
    while Attendee.objects.filter(badge_code=badge_code).exists():
        badge_code = new_code(10)
    # A new person, a new link of their own: the previous person's link stops working.
    return {**PERSONAL_FIELDS, "badge_code": badge_code, "token": new_token()}


@transaction.atomic
def attendee_sessions_change(
    *, attendee: Attendee, session_ids: list[int], at: datetime | None = None
) -> Attendee:
    """Swap an attendee's chosen sessions: capacity and clashes checked under the event
    lock. The fees must stay the same (a swap never changes what was paid).
    Raises SessionFull, SessionClash, InvalidState, ValidationError."""
    at = at or timezone.now()
    attendee = Attendee.objects.select_related("registration__event").get(pk=attendee.pk)
    registration = attendee.registration
    _check_changeable(registration, at)
    event = lock_event(registration.event_id)
    sessions = {s.id: s for s in event.sessions.all()}
    if len(set(session_ids)) != len(session_ids):
        raise ValidationError({"sessions": ["The same session is chosen twice."]})
    unknown = [sid for sid in session_ids if sid not in sessions]
    if unknown:
        raise ValidationError({"sessions": [f"Unknown session for this event: {unknown[0]}."]})
    if any(not sessions[sid].selectable for sid in session_ids):
        raise ValidationError({"sessions": ["This session is open to everyone."]})
    current = {c.session_id: c for c in attendee.choices.all()}
    added = [sid for sid in session_ids if sid not in current]
    removed = [sid for sid in current if sid not in session_ids]
    if not added and not removed:
        return attendee
    started = [sid for sid in added + removed if sessions[sid].starts_at <= at]
    if started:
        raise InvalidState(f"“{sessions[started[0]].title}” has already started.")
    check_session_clashes([sessions[sid] for sid in session_ids])
    old_fees = sum(current[sid].price for sid in current)
    new_fees = sum(
        (current[sid].price if sid in current else sessions[sid].price) for sid in session_ids
    )
    if old_fees != new_fees:
        raise InvalidState(
            "The new choice costs a different amount; please contact the organizer to change it."
        )
    taken = count_seats(event, at)
    for sid in added:
        left = seats_left(sessions[sid].capacity, taken.sessions.get(sid, 0))
        if left is not None and left < 1:
            raise SessionFull(f"“{sessions[sid].title}” is full.")
    dropped = [(current[sid].pk, sid) for sid in removed]
    SessionChoice.objects.filter(attendee=attendee, session_id__in=removed).delete()
    new_choices = [
        SessionChoice.objects.create(
            attendee=attendee, session=sessions[sid], price=sessions[sid].price
        )
        for sid in added
    ]
    notify_sessions_changed(attendee=attendee, removed=dropped, added=new_choices)
    waited = SessionWaitlistEntry.objects.filter(
        attendee=attendee,
        session_id__in=added,
        status__in=[SessionWaitlistEntry.Status.WAITING, SessionWaitlistEntry.Status.OFFERED],
    ).update(status=SessionWaitlistEntry.Status.REDEEMED)  # a held seat is one to pass on
    if removed or waited:  # seats freed: the first attendee waiting for each gets an offer
        waitlist_offer_next(event=event, at=at)
    return attendee


@transaction.atomic
def attendee_change(
    *, attendee: Attendee, sessions: list[int] | None = None, at: datetime | None = None, **details
) -> Attendee:
    """Details and session choices in one all-or-nothing change."""
    if details:
        attendee = attendee_update(attendee=attendee, at=at, **details)
    if sessions is not None:
        attendee = attendee_sessions_change(attendee=attendee, session_ids=sessions, at=at)
    return attendee


@transaction.atomic
def attendee_own_change(
    *, attendee: Attendee, sessions: list[int] | None = None, at: datetime | None = None, **details
) -> Attendee:
    """A change an attendee makes from their own link, as attendee_change but never their
    email (handing the seat to someone else is the buyer's decision); the audit log
    records which fields changed (never their values). Raises as attendee_change."""
    if "email" in details:
        raise ValidationError({"email": ["Ask the person who registered you to change it."]})
    attendee = attendee_change(attendee=attendee, sessions=sessions, at=at, **details)
    fields = sorted(details) + (["sessions"] if sessions is not None else [])
    audit_record(
        action=AuditEntry.Action.ATTENDEE_OWN_CHANGE,
        event=attendee.registration.event,
        target=attendee.registration.reference,
        details={"attendee": attendee.pk, "fields": fields},
    )
    return attendee
