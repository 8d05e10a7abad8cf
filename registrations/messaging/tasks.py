"""Delivery tasks: ids in, the row is claimed, sent and recorded (messaging.delivery).

Periodic chores that decide *whom* to tell (reminders, expiring holds) live apart, in
registrations.tasks; these only deliver what the outbox holds.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from config.broker import publish
from registrations.messaging.delivery import TransientEmailError, outbox_deliver
from registrations.messaging.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12


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
def requeue_unsent_outbox(older_than_seconds: float = 120) -> int:
    """Periodic: queue again the emails left unsent (broker down, worker killed)."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    not_in_hand = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    ids = list(
        OutboxMessage.objects.filter(
            not_in_hand, sent_at__isnull=True, created_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:1000]
    )
    for message_id in ids:
        queue_delivery([message_id])
    return len(ids)


def queue_delivery(message_ids: list[int]) -> None:
    """Queue the delivery of these rows: one task for the emails of one change (queueing
    costs the web process more CPU than writing the rows, hence config.broker.publish). A
    broker that is down is logged, not raised: the rows stay unsent and
    requeue_unsent_outbox queues them later."""
    try:
        if len(message_ids) == 1:
            publish(send_outbox_message, (message_ids[0],))
        elif message_ids:
            publish(send_outbox_messages, (list(message_ids),))
    except Exception:  # noqa: BLE001 - broker down: the periodic re-queue sends them later
        logger.warning("outbox %s not queued (broker unavailable); will be re-queued", message_ids)
