"""Registration rush: many concurrent registration POSTs against gunicorn and PostgreSQL.

Prints registrations per second, median and p95 latency, and checks that no seat was
oversold. A benchmark, never a test: it prints figures and exits 0 unless oversold.

    .venv/bin/python bench/rush.py [--requests 2000] [--clients 32] [--seats 500] [--free]

Uses DATABASE_URL if it points at PostgreSQL; otherwise creates the database
`confreg_bench` on 127.0.0.1:5432 (user postgres).
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seats", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--free", action="store_true", help="free tickets (confirmed at once)")
    args = parser.parse_args()

    env = os.environ.copy()
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE confreg_bench"],
            capture_output=True,
            check=False,
        )
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/confreg_bench"
    env.update(
        {
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECRET_KEY": "bench-" + "k" * 50,
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.update(env)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from decimal import Decimal

    from registrations.models import Attendee
    from tests.factories import EventFactory, TicketTypeFactory

    event = EventFactory(slug=f"rush-{int(time.time())}")
    ticket = TicketTypeFactory(
        event=event, capacity=args.seats, price=Decimal("0.00" if args.free else "450.00")
    )

    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "config.wsgi",
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
        latencies, statuses, elapsed = _fire(args, event.slug, ticket.id)
    finally:
        server.terminate()
        server.wait(timeout=20)

    taken = Attendee.objects.filter(ticket_type=ticket).count()
    ok = statuses.get(201, 0)
    latencies.sort()
    print(
        f"requests {args.requests}  clients {args.clients}  gunicorn workers {args.workers}  "
        f"seats {args.seats}  {'free' if args.free else 'paid'} tickets"
    )
    print(f"statuses {dict(sorted(statuses.items()))}")
    print(
        f"throughput {args.requests / elapsed:.1f} requests/s  ({ok / elapsed:.1f} registrations/s)"
    )
    print(
        f"latency median {statistics.median(latencies) * 1000:.1f} ms  "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f} ms"
    )
    oversold = taken > args.seats
    print(f"seats taken {taken} of {args.seats}: {'OVERSOLD' if oversold else 'no oversell'}")
    return 1 if oversold else 0


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
