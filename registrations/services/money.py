"""What registrations know of money: refunds recorded, the cancellation policy, flags.

Called by `payments` (the only app that talks to a payment provider); no provider here.
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from finance.services.issuing import invoices_settle
from registrations.errors import InvalidState
from registrations.messaging.notify import notify_registration_cancelled
from registrations.models import ZERO, Registration
from registrations.services.waitlist import waitlist_offer_next


def cancellation_refund_due(*, registration: Registration, at: datetime | None = None) -> Decimal:
    """What cancelling now gives back under the event's policy: in full until
    `refund_full_until`, less `cancellation_fee` until `refund_none_after`, then nothing.
    Without dates, in full."""
    at = at or timezone.now()
    event = registration.event
    refundable = registration.amount_paid - registration.amount_refunded
    if refundable <= 0:
        return ZERO
    if event.refund_none_after and at >= event.refund_none_after:
        return ZERO
    if event.refund_full_until and at >= event.refund_full_until:
        return max(refundable - event.cancellation_fee, ZERO)
    return refundable


@transaction.atomic
def registration_record_refund(*, registration_id: int, amount: Decimal) -> Registration:
    """Add a refund to the registration; once everything paid is refunded it is
    `refunded`. A full refund of a live registration is its cancellation: its seats are
    freed, the waiting list is offered them, the buyer and attendees are told and the
    invites cancelled. A partial refund changes nothing else. Raises InvalidState for
    more than was paid."""
    registration = Registration.objects.select_for_update().get(pk=registration_id)
    if amount <= 0 or registration.amount_refunded + amount > registration.amount_paid:
        raise InvalidState("A refund cannot exceed what was paid.")
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.amount_refunded += amount
    fields = ["amount_refunded"]
    # (A registration with nothing to pay keeps its status when a session fee it paid
    # is refunded: the session was never added.)
    if (
        registration.amount_refunded == registration.amount_paid
        and registration.amount_paid > 0
        and registration.total > 0
    ):
        registration.status = Registration.Status.REFUNDED
        registration.expires_at = None
        fields += ["status", "expires_at"]
        if was_confirmed:
            registration.cancelled_at = timezone.now()
            fields.append("cancelled_at")
    registration.save(update_fields=fields)
    invoices_settle(registration=registration, reason="Refund")
    if registration.status == Registration.Status.REFUNDED and was_confirmed:
        notify_registration_cancelled(
            registration=registration, was_confirmed=True, refund=registration.amount_refunded
        )
        waitlist_offer_next(event=registration.event)
    return registration


def registration_flag(*, registration_id: int, reason: str) -> None:
    """Mark a registration for an organizer's attention (disputes, mismatched amounts)."""
    Registration.objects.filter(pk=registration_id).update(needs_attention=reason[:300])


@transaction.atomic
def registration_record_payment(*, registration_id: int, amount: Decimal) -> Registration:
    """Record money received without confirming: a late payment whose seats went to
    someone else, about to be refunded in full."""
    registration = Registration.objects.select_for_update().get(pk=registration_id)
    registration.amount_paid += amount
    registration.save(update_fields=["amount_paid"])
    return registration
