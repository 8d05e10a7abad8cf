"""Writes for continuing-education credit: attendees attest sessions, organizers release
certificates (which queues one certificate email per eligible attendee)."""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from config.errors import Conflict, InvalidState
from events.models import Event, Session
from registrations.ce.selectors import (
    ZERO_HOURS,
    AttendeeCredits,
    ce_credits_for_event,
    credited_sessions,
)
from registrations.messaging.notify import certificates_notified, notify_certificate
from registrations.models import Attendee, Attestation, Registration


class CertificateNotAvailable(Conflict):
    code = "not_available"
    default_detail = "The certificate is not available yet."


def certificate_url(attendee: Attendee) -> str:
    """The certificate at the attendee's own link (their emails carry no buyer's link)."""
    path = reverse("registrations:attendee_own_certificate", kwargs={"token": attendee.token})
    return f"{settings.SITE_URL}{path}"


def certificate_check_available(*, credits: AttendeeCredits) -> None:
    """Return when the attendee may have a certificate: the event's certificates are
    released, their registration is confirmed and they have credit hours.

    Raises CertificateNotAvailable (409 `not_available`) saying which is missing.
    """
    attendee = credits.attendee
    registration = attendee.registration
    if registration.event.certificates_released_at is None:
        raise CertificateNotAvailable(
            "Certificates are not available yet: the organizers release them after the event."
        )
    if registration.effective_status != Registration.Status.CONFIRMED:
        raise CertificateNotAvailable("Certificates are issued for confirmed registrations only.")
    if credits.total_hours <= ZERO_HOURS:
        raise CertificateNotAvailable("No continuing-education credit is recorded for you.")


def _session_ids(raw: Iterable) -> list[int]:
    ids, bad = [], []
    for value in raw:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            bad.append(str(value))
    if bad:
        raise ValidationError({"sessions": [f"Not a session id: {', '.join(bad)}."]})
    return list(dict.fromkeys(ids))  # unique, in the order given


def _attestation_errors(
    attendee: Attendee, ids: list[int], sessions: dict[int, Session], at: datetime
) -> list[str]:
    event_id = attendee.registration.event_id
    chosen = set(attendee.choices.values_list("session_id", flat=True))
    errors = []
    for session_id in ids:
        session = sessions.get(session_id)
        if session is None:
            errors.append(f"No session has the id {session_id}.")
        elif session.event_id != event_id:
            errors.append(f"Session {session_id} belongs to another event.")
        elif session.selectable and session_id not in chosen:
            errors.append(f"“{session.title}” is not one of the sessions you chose.")
        elif session.starts_at > at:
            errors.append(f"“{session.title}” has not started yet.")
    return errors


@transaction.atomic
def attestation_submit(
    *, attendee: Attendee, session_ids: Iterable[int | str], at: datetime | None = None
) -> list[Attestation]:
    """Record that `attendee` attended `session_ids`; returns the attestations created.

    Only sessions the attendee chose, or the event's non-selectable sessions, once they
    have started (`starts_at <= at`). All or nothing; attesting a session again is a
    no-op. If certificates are already released and the attendee now has credit, their
    certificate email is queued (once). Raises ValidationError({"sessions": [...]}) for
    unknown, other-event, unchosen or not-yet-started sessions (or none given), and
    InvalidState unless the registration is confirmed and the event's rule lets
    attestations count.
    """
    at = at or timezone.now()
    registration = attendee.registration
    event = registration.event
    if registration.effective_status != Registration.Status.CONFIRMED:
        raise InvalidState("Only attendees of a confirmed registration can attest attendance.")
    if event.ce_attendance_rule == Event.CeAttendanceRule.CHECK_IN:
        raise InvalidState(
            "For this event, attendance counts only when you are checked in at the session."
        )
    ids = _session_ids(session_ids)
    if not ids:
        raise ValidationError({"sessions": ["Choose at least one session you attended."]})
    sessions = Session.objects.in_bulk(ids)
    errors = _attestation_errors(attendee, ids, sessions, at)
    if errors:
        raise ValidationError({"sessions": errors})
    already = set(
        Attestation.objects.filter(attendee=attendee, session_id__in=ids).values_list(
            "session_id", flat=True
        )
    )
    new = [
        Attestation(attendee=attendee, session=sessions[i], attested_at=at)
        for i in ids
        if i not in already
    ]
    # ignore_conflicts: a concurrent identical submission is a no-op too, not an error.
    Attestation.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        # Read afresh: the instance may predate the release. (An attestation racing the
        # release may be missed by it; releasing again queues the email.)
        event.certificates_released_at = (
            Event.objects.filter(pk=event.pk)
            .values_list("certificates_released_at", flat=True)
            .get()
        )
        if event.certificates_released_at is not None:
            _enqueue_certificate(credited_sessions(attendee=attendee))
    return new


def _enqueue_certificate(credits: AttendeeCredits) -> bool:
    """Queue the certificate email of an eligible attendee, once ever."""
    try:
        certificate_check_available(credits=credits)
    except CertificateNotAvailable:
        return False
    return notify_certificate(
        attendee=credits.attendee,
        total_hours=str(credits.total_hours),
        certificate_url=certificate_url(credits.attendee),
    )


@transaction.atomic
def certificates_release(*, event: Event, at: datetime | None = None) -> int:
    """Make `event`'s certificates downloadable and queue one certificate email per
    eligible attendee (confirmed registration, credit hours > 0); returns how many
    emails were queued by this call.

    Idempotent: a second release keeps the first release time and queues emails only
    for attendees who became eligible since (dedupe key `certificate:{attendee id}`).
    Sets `certificates_released_at` on the given instance too.
    """
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.certificates_released_at is None:
        locked.certificates_released_at = at or timezone.now()
        locked.save(update_fields=["certificates_released_at", "updated_at"])
    event.certificates_released_at = locked.certificates_released_at
    already_queued = certificates_notified(event=locked)
    queued = 0
    for credits in ce_credits_for_event(event=locked):
        attendee = credits.attendee
        if attendee.id in already_queued:
            continue  # the dedupe key would refuse it; skip the failing insert
        attendee.registration.event = locked  # spares a query per attendee
        queued += _enqueue_certificate(credits)
    audit_record(
        action=AuditEntry.Action.CERTIFICATES_RELEASE,
        event=locked,
        details={"emails_queued": queued},
    )
    return queued
