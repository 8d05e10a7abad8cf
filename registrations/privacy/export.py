"""The download of everything held about a registration's people, as a document (a
JSON-ready dict), like a receipt. One helper per section of the document."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from config.money import money_amount
from payments.models import Payment, Refund
from registrations.messaging.models import OutboxMessage
from registrations.models import (
    Attendee,
    Attestation,
    CheckIn,
    Registration,
    SessionChoice,
    WaitlistEntry,
)
from registrations.privacy.people import (
    outbox_messages,
    people_emails,
    registration_is_erased,
    waitlist_entries,
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
    attendees = _attendees(registration)
    entries = list(
        waitlist_entries(registration, people_emails(registration, attendees))
        .select_related("ticket_type")
        .order_by("created_at", "id")
    )
    emails = outbox_messages(
        registration, [a.id for a in attendees], [e.id for e in entries]
    ).order_by("created_at", "id")
    payments = list(registration.payments.prefetch_related("refunds").order_by("created_at", "id"))
    return {
        "generated_at": _when(timezone.now()),
        "erased": registration_is_erased(registration),
        "registration": _registration_data(registration),
        "buyer": {
            "first_name": registration.buyer_first_name,
            "last_name": registration.buyer_last_name,
            "email": registration.buyer_email,
        },
        "attendees": [_attendee_data(a) for a in attendees],
        "waiting_list": [_waitlist_entry_data(entry) for entry in entries],
        "emails": [_email_data(message) for message in emails],
        "payments": [_payment_data(payment) for payment in payments],
        "refunds": [
            _refund_data(refund, payment)
            for payment in payments
            for refund in sorted(payment.refunds.all(), key=lambda r: (r.created_at, r.id))
        ],
    }


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _money(value: Decimal) -> str:
    return money_amount(value)


def _session_ref(session) -> dict | None:
    if session is None:
        return None
    return {"id": session.id, "title": session.title, "starts_at": _when(session.starts_at)}


def _registration_data(registration: Registration) -> dict:
    event = registration.event
    return {
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
        "answers": attendee.answers,
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


def _waitlist_entry_data(entry: WaitlistEntry) -> dict:
    return {
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


def _email_data(message: OutboxMessage) -> dict:
    return {
        "kind": message.kind,
        "to_email": message.to_email,
        "created_at": _when(message.created_at),
        "sent_at": _when(message.sent_at),
    }


def _payment_data(payment: Payment) -> dict:
    return {
        "id": payment.id,
        "provider": payment.provider,
        "provider_ref": payment.provider_ref,
        "amount": _money(payment.amount),
        "currency": payment.currency,
        "status": payment.status,
        "created_at": _when(payment.created_at),
        "succeeded_at": _when(payment.succeeded_at),
    }


def _refund_data(refund: Refund, payment: Payment) -> dict:
    """A refund in its payment's currency (a refund records none of its own)."""
    return {
        "id": refund.id,
        "payment": payment.id,
        "amount": _money(refund.amount),
        "currency": payment.currency,
        "status": refund.status,
        "reason": refund.reason,
        "created_at": _when(refund.created_at),
    }
