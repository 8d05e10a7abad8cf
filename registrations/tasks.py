"""Celery tasks of registrations: ids in, fetch, guard, call a service."""

from celery import shared_task

from registrations.emails.delivery import TransientEmailError, outbox_deliver
from registrations.notifications import notify_expiring_holds, notify_reminders
from registrations.outbox import outbox_requeue_unsent
from registrations.services.registration import registrations_expire_lapsed


@shared_task(
    autoretry_for=(TransientEmailError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def send_outbox_message(message_id: int) -> None:
    """Render and send one email; a message already sent is left alone (tasks can run twice)."""
    outbox_deliver(message_id=message_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_outbox_messages(message_ids: list[int]) -> None:
    """The emails of one change (a group's confirmations and invites), queued as one task:
    each is sent in turn; one that fails for a passing reason goes on alone, with the
    retries of send_outbox_message."""
    for message_id in message_ids:
        try:
            outbox_deliver(message_id=message_id)
        except TransientEmailError:
            send_outbox_message.delay(message_id)


@shared_task(acks_late=True, ignore_result=True)
def requeue_unsent_outbox() -> int:
    """Periodic: queue again the emails left unsent (broker down, worker killed)."""
    return outbox_requeue_unsent()


@shared_task(acks_late=True, ignore_result=True)
def expire_lapsed_holds() -> int:
    """Periodic (beat): record lapsed holds as expired and offer their seats onwards."""
    return registrations_expire_lapsed()


@shared_task(acks_late=True, ignore_result=True)
def send_reminders() -> int:
    """Periodic: the reminder a configurable number of days before each event."""
    return notify_reminders()


@shared_task(acks_late=True, ignore_result=True)
def warn_expiring_holds() -> int:
    """Periodic: tell buyers whose seat hold ends soon."""
    return notify_expiring_holds()
