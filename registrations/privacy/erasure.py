"""Erasure of a registration's personal data: neutral placeholders replace it, and what
the law or the accreditor requires is kept (see `registration_erase` for the rule)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from config.errors import InvalidState
from registrations.ce.selectors import credited_sessions
from registrations.messaging.models import OutboxMessage
from registrations.models import Attendee, Attestation, CheckIn, Registration, WaitlistEntry
from registrations.privacy.people import (
    erased_email,
    outbox_messages,
    people_emails,
    waitlist_entries,
)
from registrations.services.waitlist import waitlist_offer_next

ERASED_NAME = "Erased"
ERASED_REASON = "not sent: personal data erased"
ERASABLE_STATUSES = (
    Registration.Status.CANCELLED,
    Registration.Status.EXPIRED,
    Registration.Status.REFUNDED,
)
# What an attendee with CE credit keeps (the accreditor's record), and what everyone loses.
CE_KEPT_FIELDS = ("first_name", "last_name", "profession", "credentials")
ALWAYS_ERASED_FIELDS = (
    "email",
    "organization",
    "job_title",
    "member_number",
    "dietary_needs",
    "accessibility_needs",
    "answers",
)


@dataclass(frozen=True)
class ErasureReport:
    """What erasure removed (field paths) and what it kept, each with the reason."""

    reference: str
    erased: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    ce_records_kept: int = 0  # attendees whose CE record is retained


def registration_erasable(*, registration: Registration, at: datetime) -> bool:
    """Whether personal data may be erased at `at`: the registration no longer holds
    seats (cancelled, expired, refunded), or its event is over."""
    return registration.effective_status in ERASABLE_STATUSES or at >= registration.event.ends_at


@transaction.atomic
def registration_erase(*, registration: Registration, at: datetime | None = None) -> ErasureReport:
    """Erase the personal data of `registration`'s people, keeping the records the law and
    the accreditor require. Idempotent: a second call changes nothing and reports the same.

    The rule:
    - Buyer: first name, last name -> "Erased"; email -> erased-r<id>@erased.invalid.
    - Every attendee: email -> erased-a<id>@erased.invalid; organization, job title,
      member number, dietary and accessibility needs, answers to the event's questions
      -> empty.
    - An attendee without CE credit (registrations.ce.selectors.credited_sessions) also
      loses first and last name (-> "Erased"), profession, credentials, and the session
      check-ins and attestations (evidence only for a credit they did not earn).
    - An attendee with CE credit keeps first and last name, profession, credentials, and
      their check-ins and attestations: accreditors require CE records to be retained.
    - Emails to these people (outbox rows of the registration, its attendees and the
      waiting-list entries below): address -> placeholder, context and dedupe key
      anonymised; rows not sent yet are closed (never sent).
    - Waiting-list entries of the same event with the buyer's or an attendee's email (or
      that led to this registration): names -> "Erased", email -> placeholder; open ones
      are withdrawn and a seat an open offer held passes to the next person waiting.
    - Kept: the registration's reference, status, amounts, promo code, payments and
      refunds (financial records), session choices and ticket types (they price the
      registration), door check-ins and badge codes (no longer identify anyone), the
      audit log (which holds no personal data), where the erasure itself is recorded.

    Allowed once the registration is cancelled, expired or refunded, or its event is
    over; raises InvalidState ("cancel first") for a live registration. The secret token
    keeps working, so the attendee's link shows the erased registration.
    """
    at = at or timezone.now()
    registration = (
        Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    )
    if not registration_erasable(registration=registration, at=at):
        raise InvalidState(
            "This registration is still live: cancel it first, or wait until the event is over."
        )
    attendees = list(
        Attendee.objects.select_for_update(of=("self",))
        .select_related("registration__event")
        .filter(registration=registration)
        .order_by("id")
    )
    credited = {a.id: len(credited_sessions(attendee=a).sessions) for a in attendees}
    credited = {attendee_id: n for attendee_id, n in credited.items() if n}
    entries = list(
        waitlist_entries(registration, people_emails(registration, attendees))
        .select_for_update()
        .order_by("id")
    )
    _erase_outbox(registration, attendees, entries, at)
    _erase_waitlist_entries(registration, entries, at)
    _erase_attendees(attendees, credited)
    registration.buyer_first_name = ERASED_NAME
    registration.buyer_last_name = ERASED_NAME
    registration.buyer_email = erased_email("r", registration.pk)
    registration.save(update_fields=["buyer_first_name", "buyer_last_name", "buyer_email"])
    report = _report(registration, attendees, credited)
    audit_record(
        action=AuditEntry.Action.DATA_ERASURE,
        event=registration.event,
        target=report.reference,
        details={"attendees": len(attendees), "ce_records_kept": report.ce_records_kept},
    )
    return report


def _erase_attendees(attendees: list[Attendee], credited: dict[int, int]) -> None:
    for attendee in attendees:
        for name in ALWAYS_ERASED_FIELDS:
            setattr(attendee, name, {} if name == "answers" else "")
        attendee.email = erased_email("a", attendee.pk)
        if attendee.id not in credited:
            attendee.first_name = attendee.last_name = ERASED_NAME
            attendee.profession = ""
            attendee.credentials = {}
    Attendee.objects.bulk_update(attendees, [*ALWAYS_ERASED_FIELDS, *CE_KEPT_FIELDS])
    uncredited = [a.id for a in attendees if a.id not in credited]
    Attestation.objects.filter(attendee_id__in=uncredited).delete()
    CheckIn.objects.filter(attendee_id__in=uncredited, session__isnull=False).delete()


def _erase_outbox(
    registration: Registration,
    attendees: list[Attendee],
    entries: list[WaitlistEntry],
    at: datetime,
) -> None:
    messages = list(
        outbox_messages(registration, [a.id for a in attendees], [e.id for e in entries])
        .select_for_update()
        .order_by("id")
    )
    for message in messages:
        if message.attendee_id:
            message.to_email = erased_email("a", message.attendee_id)
        elif message.waitlist_entry_id:
            message.to_email = erased_email("w", message.waitlist_entry_id)
        else:
            message.to_email = erased_email("r", registration.pk)
        message.context = {}
        if message.dedupe_key is not None:
            message.dedupe_key = f"erased:{message.pk}"
        if message.sent_at is None:  # the worker skips rows with sent_at: never sent now
            message.sent_at = at
            message.last_error = ERASED_REASON
    OutboxMessage.objects.bulk_update(
        messages, ["to_email", "context", "dedupe_key", "sent_at", "last_error"]
    )


def _erase_waitlist_entries(
    registration: Registration, entries: list[WaitlistEntry], at: datetime
) -> None:
    open_statuses = (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)
    seat_released = False
    for entry in entries:
        entry.first_name = entry.last_name = ERASED_NAME
        entry.email = erased_email("w", entry.pk)
        if entry.status in open_statuses:
            seat_released |= entry.offer_is_live
            entry.status = WaitlistEntry.Status.WITHDRAWN
    WaitlistEntry.objects.bulk_update(entries, ["first_name", "last_name", "email", "status"])
    if seat_released:
        waitlist_offer_next(event=registration.event, at=at)


def _report(
    registration: Registration, attendees: list[Attendee], credited: dict[int, int]
) -> ErasureReport:
    erased = ["buyer.first_name", "buyer.last_name", "buyer.email"]
    kept = [
        "reference, status, amounts, payments and refunds: financial records kept for accounting",
        "session choices, ticket types, door check-ins and badge codes: needed for the "
        "accounts and event statistics, and no longer identify anyone",
    ]
    for attendee in attendees:
        prefix = f"attendees.{attendee.id}"
        erased += [f"{prefix}.{name}" for name in ALWAYS_ERASED_FIELDS]
        if attendee.id in credited:
            kept.append(
                f"{prefix}: first_name, last_name, profession, credentials, check-ins and "
                f"attestations: continuing-education record of {credited[attendee.id]} "
                "credited session(s), which accreditors require to be retained"
            )
        else:
            erased += [f"{prefix}.{name}" for name in CE_KEPT_FIELDS]
            erased += [f"{prefix}.session_check_ins", f"{prefix}.attestations"]
    erased += [
        "emails.to_email",
        "emails.context",
        "emails.unsent (closed, never sent)",
        "waiting_list.first_name",
        "waiting_list.last_name",
        "waiting_list.email",
    ]
    return ErasureReport(
        reference=registration.reference, erased=erased, kept=kept, ce_records_kept=len(credited)
    )
