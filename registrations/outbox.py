"""The transactional outbox: emails written in the transaction of the change they tell of.

`outbox_enqueue` writes the row and, once the transaction commits, queues the Celery task
that delivers it (registrations.tasks.send_outbox_message; the several emails of a new
registration go as one send_outbox_messages task). If the broker is down or the
worker dies, the row stays unsent and the periodic `requeue_unsent_outbox` queues it
again; `outbox_deliver` sends a row at most once (row lock + `sent_at`).
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from registrations.models import Attendee, OutboxMessage, Registration, WaitlistEntry

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12


def outbox_enqueue(
    *,
    kind: str,
    to_email: str,
    registration: Registration | None = None,
    attendee: Attendee | None = None,
    waitlist_entry: WaitlistEntry | None = None,
    context: dict | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Write an email to send. Call inside the transaction of the change it announces.

    With `dedupe_key`, a second enqueue of the same key is a no-op (returns None).
    """
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                kind=kind,
                to_email=to_email,
                registration=registration or (attendee.registration if attendee else None),
                attendee=attendee,
                waitlist_entry=waitlist_entry,
                context=context or {},
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    transaction.on_commit(lambda: _queue(message.pk))
    return message


def outbox_enqueue_new(notices: list[dict]) -> list[OutboxMessage]:
    """Write several emails in one statement, each given as `outbox_enqueue`'s arguments.

    Only for notices whose dedupe keys name rows created in the same transaction (a new
    registration's): they cannot exist yet, so no savepoint guards each row. A clash
    would be a bug, and raises IntegrityError."""
    messages = OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind=notice["kind"],
                to_email=notice["to_email"],
                registration=notice.get("registration") or notice["attendee"].registration,
                attendee=notice.get("attendee"),
                context=notice.get("context") or {},
                dedupe_key=notice["dedupe_key"],
            )
            for notice in notices
        ]
    )
    ids = [message.pk for message in messages]
    transaction.on_commit(lambda: _queue_many(ids))
    return messages


def _queue(message_id: int) -> None:
    from registrations.tasks import send_outbox_message

    try:
        send_outbox_message.delay(message_id)
    except Exception:  # noqa: BLE001 - broker down: the periodic re-queue sends it later
        logger.warning("outbox %s not queued (broker unavailable); will be re-queued", message_id)


def _queue_many(message_ids: list[int]) -> None:
    """One task for the emails of one change: queueing costs the web process more CPU
    than writing the rows."""
    if len(message_ids) == 1:
        _queue(message_ids[0])
        return
    from registrations.tasks import send_outbox_messages

    try:
        send_outbox_messages.delay(message_ids)
    except Exception:  # noqa: BLE001 - broker down: the periodic re-queue sends them later
        logger.warning("outbox %s not queued (broker unavailable); will be re-queued", message_ids)


def outbox_requeue_unsent(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Queue again the rows that stayed unsent (broker down, worker killed)."""
    cutoff = timezone.now() - older_than
    ids = list(
        OutboxMessage.objects.filter(
            sent_at__isnull=True, created_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:1000]
    )
    for message_id in ids:
        _queue(message_id)
    return len(ids)
