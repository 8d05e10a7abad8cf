"""Writing the outbox: emails written in the transaction of the change they tell of.

`outbox_enqueue` writes the row and, once the transaction commits, queues the Celery task
that delivers it (messaging.tasks; the several emails of a new registration go as one
task). If the broker is down or the worker dies, the row stays unsent and the periodic
`requeue_unsent_outbox` queues it again; `outbox_deliver` claims a row before sending it
and records `sent_at` after, so a row is sent once (twice only if a worker dies in
between).
"""

from django.db import IntegrityError, transaction

from config.inserts import insert_new
from registrations.messaging.models import OutboxMessage
from registrations.messaging.tasks import queue_delivery
from registrations.models import Attendee, Registration, WaitlistEntry


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
    transaction.on_commit(lambda: queue_delivery([message.pk]))
    return message


def outbox_enqueue_new(notices: list[dict]) -> list[OutboxMessage]:
    """Write several emails in one statement, each given as `outbox_enqueue`'s arguments.

    Only for notices whose dedupe keys name rows created in the same transaction (a new
    registration's): they cannot exist yet, so no savepoint guards each row. A clash
    would be a bug, and raises IntegrityError."""
    messages = insert_new(
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
    transaction.on_commit(lambda: queue_delivery(ids))
    return messages
