"""Registrations after they are made: lapsed holds recorded as expired (a periodic task),
confirmations sent again (an organizer's action)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from events.models import Event
from finance.services.issuing import invoices_settle
from registrations.errors import InvalidState
from registrations.messaging.notify import notify_registration_confirmed
from registrations.models import Registration, lapsed_hold_q
from registrations.services.waitlist import waitlist_offer_next


def registrations_expire_lapsed(*, at: datetime | None = None) -> int:
    """Record lapsed holds as `expired` and offer their seats to the waiting list.

    Seats were already free from the instant each hold lapsed; this makes the status
    stored match what readers see. Returns how many registrations expired.
    """
    at = at or timezone.now()
    expired = 0
    lapsed = Registration.objects.filter(lapsed_hold_q(at))
    event_ids = set(lapsed.values_list("event_id", flat=True))
    for event_id in event_ids:
        with transaction.atomic():
            invoiced = set(
                lapsed.filter(event_id=event_id, invoices__isnull=False).values_list(
                    "pk", flat=True
                )
            )
            expired += lapsed.filter(event_id=event_id).update(status=Registration.Status.EXPIRED)
            # Read again after the UPDATE, which skipped any paid meanwhile: only the
            # registrations it expired have their invoice voided (unpaid by the due date).
            for registration in Registration.objects.select_for_update().filter(
                pk__in=invoiced, status=Registration.Status.EXPIRED
            ):
                invoices_settle(registration=registration, reason="Unpaid by the due date")
            waitlist_offer_next(event=Event.objects.get(pk=event_id), at=at)
    return expired


@transaction.atomic
def registration_resend_confirmation(*, registration: Registration) -> None:
    """Send the confirmation emails and invites again (an organizer's action).
    Raises InvalidState unless the registration is confirmed."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.CONFIRMED:
        raise InvalidState("Only a confirmed registration has a confirmation to resend.")
    notify_registration_confirmed(registration=registration, resend=True)
    audit_record(
        action=AuditEntry.Action.RESEND, event=registration.event, target=registration.reference
    )
