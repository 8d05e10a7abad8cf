"""Periodic payment chores (Celery beat)."""

from celery import shared_task

from payments.services import payments_cancel_stale, refunds_retry_pending


@shared_task(acks_late=True, ignore_result=True)
def cancel_stale_payments() -> int:
    return payments_cancel_stale()


@shared_task(acks_late=True, ignore_result=True)
def retry_pending_refunds() -> int:
    return refunds_retry_pending()
