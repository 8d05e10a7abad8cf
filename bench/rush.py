"""Registration rush: many concurrent registration POSTs against gunicorn and PostgreSQL.

Prints requests and registrations per second, median and p95 latency, CPU seconds per
registration, and checks that no seat was oversold; beside the same load against the
floor (bench/floor_app.py: one conditional UPDATE and one INSERT per request through the
same gunicorn). A benchmark, never a test: exits non-zero only on oversell.

    .venv/bin/python bench/rush.py [--requests 2000] [--clients 32] [--seats 500] [--free]

Uses DATABASE_URL if it points at PostgreSQL; otherwise the database `confreg_bench` on
127.0.0.1:5432 (user postgres), created if missing. Cache and broker: BENCH_REDIS_URL, else
REDIS_URL, else redis://127.0.0.1:6379/4; that Redis database is emptied first. gunicorn
listens on --port (default BENCH_PORT, else 8765), which must be free: runs side by side
need their own database, Redis database and port.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Result:
    label: str
    elapsed: float
    latencies: list[float]
    statuses: dict[int, int]
    cpu_seconds: float

    def report(self, requests: int) -> str:
        self.latencies.sort()
        ok = self.statuses.get(201, 0)
        p95 = self.latencies[max(int(len(self.latencies) * 0.95) - 1, 0)]
        return (
            f"{self.label:<10} {requests / self.elapsed:7.1f} req/s  {ok / self.elapsed:7.1f} reg/s  "
            f"median {statistics.median(self.latencies) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  "
            f"server CPU {self.cpu_seconds / max(requests, 1) * 1000:5.1f} ms/request  "
            f"statuses {dict(sorted(self.statuses.items()))}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8765")))
    parser.add_argument("--free", action="store_true", help="free tickets (confirmed at once)")
    parser.add_argument(
        "--payment",
        choices=["invoice", "card"],
        default="invoice",
        help="paid tickets by invoice (no Stripe call) or by card (a local Stripe server "
        "is started: every registration then creates a PaymentIntent)",
    )
    parser.add_argument("--no-floor", action="store_true", help="skip the floor measurement")
    args = parser.parse_args()

    env = os.environ.copy()
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE confreg_bench"],
            capture_output=True,
            check=False,
        )
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/confreg_bench"
    env |= {
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "bench-" + "k" * 50,
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "THROTTLE_ENABLED": "0",  # measure the registration path, not the rate limiter
        # Cache and broker in Redis, as in production (its own database, emptied first).
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL")
        or os.environ.get("REDIS_URL")
        or "redis://127.0.0.1:6379/4",
    }
    os.environ.update(env)
    _check_port_free(args.port)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from decimal import Decimal

    from registrations.models import Attendee
    from tests.factories import EventFactory, TicketTypeFactory

    print(
        f"{args.requests} requests, {args.clients} clients, gunicorn {args.workers} workers, "
        f"{args.seats} seats, {'free' if args.free else 'paid by ' + args.payment} tickets"
    )
    if not args.no_floor:
        floor = measure("bench.floor_app", "floor", args, env, ticket_id=0, reset=args.seats)
        print(floor.report(args.requests))

    event = EventFactory(slug=f"rush-{int(time.time())}", venue=None)
    ticket = TicketTypeFactory(
        event=event, capacity=args.seats, price=Decimal("0.00" if args.free else "450.00")
    )
    stripe = None
    if args.payment == "card" and not args.free:
        stripe = subprocess.Popen(
            [sys.executable, "-m", "localstripe", "--port", "8420", "--from-scratch"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(2)
    try:
        result = measure("config.wsgi", event.slug, args, env, ticket_id=ticket.id)
    finally:
        if stripe is not None:
            stripe.terminate()
    print(result.report(args.requests))
    if not args.no_floor:
        print(f"app/floor throughput: {floor.elapsed / result.elapsed:.2f}")
    taken = Attendee.objects.filter(ticket_type=ticket).count()
    oversold = taken > args.seats
    print(f"seats taken {taken} of {args.seats}: {'OVERSOLD' if oversold else 'no oversell'}")
    return 1 if oversold else 0


def measure(
    module: str, slug: str, args, env, *, ticket_id: int, reset: int | None = None
) -> Result:
    if reset is not None:
        subprocess.run(
            [sys.executable, "-c", f"import bench.floor_app as f; f.reset({reset})"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            f"{module}:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_ready(args.port)
        cpu_before = _cpu_seconds(server.pid)
        latencies, statuses, elapsed = _fire(args, slug, ticket_id)
        cpu = _cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=20)
    return Result("floor" if reset is not None else "app", elapsed, latencies, statuses, cpu)


def _cpu_seconds(pid: int) -> float:
    """User+system CPU of the gunicorn master and its workers (Linux /proc)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (FileNotFoundError, IndexError):
            pass
    return total


def _check_port_free(port: int) -> None:
    """Refuse a port another server holds: the bench would measure that server instead."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(f"port {port} is in use: pass --port or set BENCH_PORT") from None


def _wait_ready(port: int) -> None:
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/events/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _fire(args, slug: str, ticket_id: int):
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(args.requests))

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        for n in counter:
            payload = json.dumps(
                {
                    "buyer": {"first_name": "B", "last_name": str(n), "email": f"b{n}@example.org"},
                    "attendees": [
                        {
                            "ticket_type": ticket_id,
                            "first_name": "A",
                            "last_name": str(n),
                            "email": f"a{n}@example.org",
                        }
                    ],
                    "payment_method": args.payment,
                    "billing": {
                        "organization": "Mercy General",
                        "email": "ap@mercy.example.org",
                        "address_line1": "1 Hospital Way",
                        "city": "Boston",
                        "country": "US",
                    },
                }
            )
            start = time.perf_counter()
            conn.request(
                "POST",
                f"/api/v1/events/{slug}/registrations/",
                payload,
                {"Content-Type": "application/json"},
            )
            response = conn.getresponse()
            response.read()
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                statuses[response.status] = statuses.get(response.status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
