"""Reminders of unpaid invoices, to the billing email: INVOICE_REMINDER_DAYS before the
due date, and on it. Run by beat (finance.tasks); each reminder is sent once (the
outbox's dedupe key per invoice and stage), however often the sweep runs."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from finance.models import Invoice
from finance.selectors import open_invoice
from registrations.messaging.notify import notify_invoice_reminder
from registrations.models import PaymentMethod, Registration, live_hold_q


def invoices_remind_unpaid(*, now: datetime | None = None) -> int:
    """Queue the reminders due at `now`; returns how many were queued now."""
    now = now or timezone.now()
    ahead = timedelta(days=settings.INVOICE_REMINDER_DAYS)
    candidates = (
        Invoice.objects.filter(
            kind=Invoice.Kind.INVOICE,
            due_date__isnull=False,
            due_date__lte=(now + ahead).date() + timedelta(days=1),
            registration__payment_method=PaymentMethod.INVOICE,
        )
        .filter(live_hold_q(now, "registration__"))
        .select_related("registration", "registration__event")
        .order_by("id")
    )
    queued = 0
    for invoice in candidates:
        registration = invoice.registration
        today = registration.event.local(now).date()
        if today >= invoice.due_date:
            stage = "due"
        elif today >= invoice.due_date - ahead > invoice.issue_date:
            stage = "before"  # not for an invoice issued within the window: it is news
        else:
            continue
        queued += _remind(registration, invoice, stage)
    return queued


@transaction.atomic
def _remind(registration: Registration, invoice: Invoice, stage: str) -> bool:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.amount_due <= 0 or open_invoice(registration) != invoice:
        return False
    return notify_invoice_reminder(
        registration=registration,
        invoice_id=invoice.pk,
        number=invoice.number,
        due_date=invoice.due_date.isoformat(),
        stage=stage,
    )
