"""A worker killed (SIGKILL) in the middle of a burst of confirmations loses no email."""

import email
import os
import signal
from collections import Counter
from decimal import Decimal

import pytest

from registrations.messaging.models import OutboxMessage
from tests.factories import EventFactory, TicketTypeFactory
from tests.integration.test_email_worker import register_free

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REGISTRATIONS = 40  # two emails each: 80 emails
CLAIM_SECONDS = 3  # how long a worker's claim on an email lasts (OUTBOX_CLAIM_SECONDS)


def test_sigkill_mid_burst_every_email_delivered_and_duplicates_counted(
    worker_factory, beat_factory, smtp_server
):
    event = EventFactory()
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    for n in range(REGISTRATIONS):
        register_free(event, ticket, n)
    total = OutboxMessage.objects.count()
    assert total == 2 * REGISTRATIONS

    first = worker_factory()
    first.env["OUTBOX_CLAIM_SECONDS"] = str(CLAIM_SECONDS)
    first.start()
    smtp_server.wait_for(total // 4)  # a quarter is out: kill the worker and its children
    _kill_tree(first)
    first.process = None
    delivered_before_kill = len(smtp_server.messages)
    assert delivered_before_kill < total

    second = worker_factory()
    second.env["OUTBOX_CLAIM_SECONDS"] = str(CLAIM_SECONDS)
    second.start()
    # Beat's re-queue (every minute in production), every second here: the emails the
    # killed worker had claimed come free once their claims lapse.
    beat_factory(OUTBOX_REQUEUE_SECONDS="1", OUTBOX_REQUEUE_AFTER_SECONDS="0").start()
    smtp_server.wait_for(total, timeout=60)
    smtp_server.wait_for(total + 1, timeout=3)  # let any duplicate arrive

    ids = Counter(email.message_from_bytes(raw)["X-Outbox-Id"] for raw in smtp_server.messages)
    duplicates = sum(n - 1 for n in ids.values())
    print(
        f"\nSIGKILL after {delivered_before_kill} of {total} emails: "
        f"{len(ids)} distinct delivered, {duplicates} duplicates"
    )
    assert len(ids) == total, "an email was lost"
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
    # At-least-once: a kill between the SMTP answer and the commit can send one twice.
    assert duplicates <= 2


def _kill_tree(worker) -> None:
    """SIGKILL the worker's main process and its pool children at once."""
    pid = worker.process.pid
    children = []
    path = f"/proc/{pid}/task/{pid}/children"
    if os.path.exists(path):
        with open(path) as handle:
            children = [int(p) for p in handle.read().split()]
    for child in children:
        os.kill(child, signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)
    worker.process.wait(timeout=10)
