"""Periodic chores of finance (Celery beat)."""

from celery import shared_task

from finance.services.issuing import invoices_issue_missing
from finance.services.reminders import invoices_remind_unpaid


@shared_task(acks_late=True, ignore_result=True)
def remind_unpaid_invoices() -> int:
    """Periodic: reminders of unpaid invoices before their due date and on it."""
    return invoices_remind_unpaid()


@shared_task(acks_late=True, ignore_result=True)
def issue_missing_invoices() -> int:
    """Periodic: invoices for invoice registrations that a crash left without one."""
    return invoices_issue_missing()
