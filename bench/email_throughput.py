"""Email throughput: emails per second through one Celery worker to a local SMTP server,
with and without the calendar invite, and the worker's CPU per email (Linux). Prints
figures; never pass/fail.

    .venv/bin/python bench/email_throughput.py [--emails 500] [--concurrency 2] [--rounds 3]

After a short warm-up, each round sends the same rows again; on a shared machine compare
the medians (and the CPU per email, which other load disturbs less than the rate).

Needs PostgreSQL and Redis. The database is DATABASE_URL when it names a PostgreSQL one,
else `confreg_bench` (either is created if missing); the broker is BENCH_BROKER_URL
(default Redis database 14), which is flushed, so give each concurrent run a database of
its own. The SMTP server listens on a free port.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

# (Not named bench/email.py: run as a script, that name would hide the standard
# library's `email` package from every benchmark in this folder.)
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")


class Inbox:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        with self.lock:
            self.count += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=2, help="worker pool processes")
    parser.add_argument(
        "--rounds", type=int, default=3, help="times each batch is sent (the same rows again)"
    )
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        database_url = "postgres://postgres@127.0.0.1:5432/confreg_bench"
    database = urlsplit(database_url)
    subprocess.run(  # fails harmlessly when it exists
        [
            "psql",
            database._replace(path="/postgres").geturl(),
            "-qc",
            f'CREATE DATABASE "{database.path.lstrip("/")}"',
        ],
        capture_output=True,
        check=False,
    )
    env = os.environ | {
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": BROKER,
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    import redis
    from aiosmtpd.controller import Controller

    from registrations.messaging.models import OutboxMessage

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    env["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"

    without_invite, with_invite = _make_messages(args.emails)
    redis.Redis.from_url(BROKER).flushdb()  # only what this benchmark queues from here on
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "celery,email",
            "-c",
            str(args.concurrency),
            "--without-mingle",
            "--without-gossip",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # worker start-up is not what is measured
        # Nor is opening connections and compiling templates: a few of each kind first.
        _deliver(without_invite[:20] + with_invite[:20], inbox)
        rates: dict[str, list[float]] = {"without invite": [], "with invite": []}
        for _round in range(args.rounds):
            for label, ids in (("without invite", without_invite), ("with invite", with_invite)):
                OutboxMessage.objects.filter(pk__in=ids).update(sent_at=None)  # each round anew
                cpu_before = _cpu_seconds(worker.pid)
                elapsed = _deliver(ids, inbox)
                cpu_after = _cpu_seconds(worker.pid)
                rates[label].append(len(ids) / elapsed)
                cpu = (
                    f", worker CPU {(cpu_after - cpu_before) / len(ids) * 1000:4.1f} ms/email"
                    if cpu_before is not None and cpu_after is not None
                    else ""
                )
                print(
                    f"{label:<15} {len(ids)} emails in {elapsed:6.2f} s: "
                    f"{len(ids) / elapsed:7.1f} emails/s (1 worker, {args.concurrency} processes)"
                    f"{cpu}",
                    flush=True,
                )
        if args.rounds > 1:
            print(
                f"median of {args.rounds} rounds: "
                + ", ".join(f"{label} {statistics.median(r):.1f}/s" for label, r in rates.items())
            )
        unsent = OutboxMessage.objects.filter(
            pk__in=without_invite + with_invite, sent_at__isnull=True
        )
        print(f"unsent after the run: {unsent.count()}")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        controller.stop()


def _deliver(ids: list[int], inbox: Inbox) -> float:
    """Queue one task per message; seconds until the SMTP server has them all. Returns once
    the worker has also marked them sent, so that a next round can mark them unsent."""
    from registrations.messaging.models import OutboxMessage
    from registrations.messaging.tasks import send_outbox_message

    target = inbox.count + len(ids)
    started = time.perf_counter()
    for message_id in ids:
        send_outbox_message.delay(message_id)
    while inbox.count < target and time.perf_counter() - started < 600:
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    unsent = OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True)
    deadline = time.perf_counter() + 10
    while unsent.exists() and time.perf_counter() < deadline:
        time.sleep(0.05)
    return elapsed


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user and system) of a process and its children, from /proc (Linux)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0.0
        for process in [str(pid), *children]:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total
    except (OSError, ValueError, IndexError):
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _make_messages(count: int) -> tuple[list[int], list[int]]:
    """`count` free registrations: their order confirmations carry no invite, their
    attendee confirmations do. Returns the two lists of outbox ids, unsent."""
    from decimal import Decimal

    from config.celery import app
    from registrations.messaging.models import OutboxMessage
    from registrations.services.inputs import AttendeeInput, BuyerInput
    from registrations.services.registration import registration_create
    from tests.factories import EventFactory, TicketTypeFactory

    app.conf.task_always_eager = False
    event = EventFactory(slug=f"email-bench-{int(time.time())}", venue=None)
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    for n in range(count):
        registration_create(
            event=event,
            buyer=BuyerInput(first_name="B", last_name=str(n), email=f"buyer{n}@example.org"),
            attendees=[
                AttendeeInput(
                    ticket_type=ticket.id,
                    first_name="A",
                    last_name=str(n),
                    email=f"a{n}@example.org",
                )
            ],
        )
    rows = OutboxMessage.objects.filter(registration__event=event)
    rows.update(sent_at=None)
    kinds = OutboxMessage.Kind
    return (
        list(rows.filter(kind=kinds.ORDER_CONFIRMATION).values_list("pk", flat=True)),
        list(rows.filter(kind=kinds.ATTENDEE_CONFIRMATION).values_list("pk", flat=True)),
    )


if __name__ == "__main__":
    main()
