"""Payment tasks: carrying out refunds after commit, and periodic chores (Celery beat)."""

from celery import shared_task
from django.conf import settings

from payments.errors import PaymentUnavailable
from payments.services.intents import payments_cancel_stale
from payments.services.refund_sending import refund_submit, refunds_retry_pending


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=10,
)
def submit_refund(self, refund_id: int) -> None:
    """Send a requested refund to its provider; retried with backoff while the provider
    cannot be reached. Safe to run twice (refund_submit leaves a done refund alone)."""
    try:
        refund_submit(refund_id=refund_id)
    except PaymentUnavailable as exc:
        delay = settings.REFUND_RETRY_SECONDS * (2**self.request.retries)
        raise self.retry(exc=exc, countdown=min(delay, 3600)) from exc


@shared_task(acks_late=True, ignore_result=True)
def cancel_stale_payments() -> int:
    return payments_cancel_stale()


@shared_task(acks_late=True, ignore_result=True)
def retry_pending_refunds() -> int:
    return refunds_retry_pending()
