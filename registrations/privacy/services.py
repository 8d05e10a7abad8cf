"""Personal data of a registration's people: a download of everything held, and erasure.

Both reach a registration through its secret token (the attendee's own link). The export
is a document (JSON-ready dict), like a receipt; erasure replaces personal data with
neutral placeholders and keeps what the law or the accreditor requires (see
`registration_erase` for the rule).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from config.errors import InvalidState
from registrations.ce.selectors import credited_sessions
from registrations.messaging.models import OutboxMessage
from registrations.models import (
    Attendee,
    Attestation,
    CheckIn,
    Registration,
    SessionChoice,
    WaitlistEntry,
)
from registrations.services.waitlist import waitlist_offer_next

ERASED_NAME = "Erased"
# RFC 2606 reserves .invalid: these addresses can never be delivered. A domain with a dot
# (rather than a bare "@invalid") keeps them valid for Django's EmailValidator, so forms
# and the admin still accept an erased row.
ERASED_DOMAIN = "erased.invalid"
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
)


def erased_email(kind: str, pk: int) -> str:
    """The placeholder address of an erased person: `kind` is r (buyer of registration
    `pk`), a (attendee), w (waiting-list entry)."""
    return f"erased-{kind}{pk}@{ERASED_DOMAIN}"


def registration_is_erased(registration: Registration) -> bool:
    return registration.buyer_email == erased_email("r", registration.pk)


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _session_ref(session) -> dict | None:
    if session is None:
        return None
    return {"id": session.id, "title": session.title, "starts_at": _when(session.starts_at)}


# --- Export ----------------------------------------------------------------------------


def _attendee_data(attendee: Attendee) -> dict:
    return {
        "id": attendee.id,
        "first_name": attendee.first_name,
        "last_name": attendee.last_name,
        "email": attendee.email,
        "organization": attendee.organization,
        "job_title": attendee.job_title,
        "profession": attendee.profession,
        "credentials": attendee.credentials if isinstance(attendee.credentials, dict) else {},
        "member_number": attendee.member_number,
        "dietary_needs": attendee.dietary_needs,
        "accessibility_needs": attendee.accessibility_needs,
        "badge_code": attendee.badge_code,
        "ticket_type": {"id": attendee.ticket_type_id, "name": attendee.ticket_type.name},
        "ticket_price": _money(attendee.ticket_price),
        "discount": _money(attendee.discount),
        "registered_at": _when(attendee.created_at),
        "sessions": [
            _session_ref(choice.session) | {"price": _money(choice.price)}
            for choice in attendee.choices.all()
        ],
        "check_ins": [
            {"session": _session_ref(row.session), "checked_in_at": _when(row.checked_in_at)}
            for row in attendee.check_ins.all()
        ],
        "attestations": [
            {"session": _session_ref(row.session), "attested_at": _when(row.attested_at)}
            for row in attendee.attestations.all()
        ],
    }


def _attendees(registration: Registration) -> list[Attendee]:
    return list(
        registration.attendees.select_related("ticket_type")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=SessionChoice.objects.select_related("session").order_by(
                    "session__starts_at", "id"
                ),
            ),
            Prefetch(
                "check_ins",
                queryset=CheckIn.objects.select_related("session").order_by("checked_in_at", "id"),
            ),
            Prefetch(
                "attestations",
                queryset=Attestation.objects.select_related("session").order_by(
                    "attested_at", "id"
                ),
            ),
        )
        .order_by("id")
    )


def _people_emails(registration: Registration, attendees: list[Attendee]) -> set[str]:
    emails = {registration.buyer_email} | {a.email for a in attendees}
    return {e.strip().lower() for e in emails if e and not e.endswith(f"@{ERASED_DOMAIN}")}


def _waitlist_entries(registration: Registration, emails: set[str]):
    return WaitlistEntry.objects.filter(
        Q(event_id=registration.event_id) & (Q(email__in=emails) | Q(registration=registration))
    )


def _outbox(registration: Registration, attendee_ids: list[int], entry_ids: list[int]):
    """The emails written to these people (no joins, so rows can be locked on PostgreSQL)."""
    return OutboxMessage.objects.filter(
        Q(registration_id=registration.pk)
        | Q(attendee_id__in=attendee_ids)
        | Q(waitlist_entry_id__in=entry_ids)
    )


def personal_data_export(*, registration: Registration) -> dict:
    """Everything held about the people of `registration` (buyer, attendees, their session
    choices, check-ins, attestations, waiting-list entries with their emails for the same
    event, emails sent to them, payments and refunds), as a JSON-ready dict.

    Reads only, in a fixed number of queries. No card data exists to include (the card
    provider holds it); payment secrets are left out.
    """
    registration = Registration.objects.select_related("event", "promo_code").get(
        pk=registration.pk
    )
    event = registration.event
    attendees = _attendees(registration)
    entries = list(
        _waitlist_entries(registration, _people_emails(registration, attendees))
        .select_related("ticket_type")
        .order_by("created_at", "id")
    )
    emails = _outbox(registration, [a.id for a in attendees], [e.id for e in entries]).order_by(
        "created_at", "id"
    )
    payments = list(registration.payments.prefetch_related("refunds").order_by("created_at", "id"))
    return {
        "generated_at": _when(timezone.now()),
        "erased": registration_is_erased(registration),
        "registration": {
            "reference": registration.reference,
            "event": {
                "slug": event.slug,
                "name": event.name,
                "starts_at": _when(event.starts_at),
                "ends_at": _when(event.ends_at),
            },
            "status": registration.effective_status,
            "payment_method": registration.payment_method,
            "promo_code": registration.promo_code.code if registration.promo_code else None,
            "currency": registration.currency,
            "subtotal": _money(registration.subtotal),
            "discount": _money(registration.discount),
            "total": _money(registration.total),
            "amount_paid": _money(registration.amount_paid),
            "amount_refunded": _money(registration.amount_refunded),
            "created_at": _when(registration.created_at),
            "confirmed_at": _when(registration.confirmed_at),
            "cancelled_at": _when(registration.cancelled_at),
        },
        "buyer": {
            "first_name": registration.buyer_first_name,
            "last_name": registration.buyer_last_name,
            "email": registration.buyer_email,
        },
        "attendees": [_attendee_data(a) for a in attendees],
        "waiting_list": [
            {
                "id": entry.id,
                "ticket_type": {"id": entry.ticket_type_id, "name": entry.ticket_type.name},
                "first_name": entry.first_name,
                "last_name": entry.last_name,
                "email": entry.email,
                "status": entry.status,
                "joined_at": _when(entry.created_at),
                "offered_at": _when(entry.offered_at),
                "offer_expires_at": _when(entry.offer_expires_at),
            }
            for entry in entries
        ],
        "emails": [
            {
                "kind": message.kind,
                "to_email": message.to_email,
                "created_at": _when(message.created_at),
                "sent_at": _when(message.sent_at),
            }
            for message in emails
        ],
        "payments": [
            {
                "id": payment.id,
                "provider": payment.provider,
                "provider_ref": payment.provider_ref,
                "amount": _money(payment.amount),
                "currency": payment.currency,
                "status": payment.status,
                "created_at": _when(payment.created_at),
                "succeeded_at": _when(payment.succeeded_at),
            }
            for payment in payments
        ],
        "refunds": [
            {
                "id": refund.id,
                "payment": payment.id,
                "amount": _money(refund.amount),
                "currency": payment.currency,
                "status": refund.status,
                "reason": refund.reason,
                "created_at": _when(refund.created_at),
            }
            for payment in payments
            for refund in sorted(payment.refunds.all(), key=lambda r: (r.created_at, r.id))
        ],
    }


# --- Erasure ---------------------------------------------------------------------------


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
      member number, dietary and accessibility needs -> empty.
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
      audit log (which holds no personal data).

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
        _waitlist_entries(registration, _people_emails(registration, attendees))
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
    return _report(registration, attendees, credited)


def _erase_attendees(attendees: list[Attendee], credited: dict[int, int]) -> None:
    for attendee in attendees:
        for name in ALWAYS_ERASED_FIELDS:
            setattr(attendee, name, "")
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
        _outbox(registration, [a.id for a in attendees], [e.id for e in entries])
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
            seat_released |= entry.status == WaitlistEntry.Status.OFFERED
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
