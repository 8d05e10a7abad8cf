"""Page cost: the event page under concurrent load from cache (wrk through gunicorn), and
the CPU a whole browser-style purchase costs the server (event page, form, review,
confirm with invoice payment, confirmation page). Prints figures; never pass/fail.

    .venv/bin/python bench/pages.py [--purchases 50] [--workers 4] [--connections 32]

Needs PostgreSQL (database `confreg_bench`, created if missing) and Redis; `wrk` (Debian
package) for the load part, skipped without it.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE confreg_bench"],
        capture_output=True,
        check=False,
    )
    env = os.environ | {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/confreg_bench",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECRET_KEY": "bench-" + "p" * 50,
        "THROTTLE_ENABLED": "0",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from decimal import Decimal

    from tests.factories import EventFactory, SessionFactory, TicketTypeFactory

    event = EventFactory(slug=f"pages-{int(time.time())}", venue=None)
    ticket = TicketTypeFactory(event=event, price=Decimal("450.00"), capacity=100000)
    for _ in range(10):
        SessionFactory(event=event, capacity=None)

    purchase_cpu(event, ticket, args.purchases)
    if shutil.which("wrk"):
        event_page_load(event, args, env)
    else:
        print("wrk not installed (apt-get install wrk): event page load skipped")


def purchase_cpu(event, ticket, count: int) -> None:
    """In-process, so the server's CPU is the process's: the four pages of a purchase.

    One test client serves every purchase, as one gunicorn worker serves many visitors
    (a new client would set up the middleware again, which a server does once); its
    cookies are cleared, so that each purchase is a new visitor with a new session."""
    from django.test import Client

    client = Client()

    def one(n: int) -> None:
        client.cookies.clear()
        client.get(f"/events/{event.slug}/")
        url = f"/registrations/register/{event.slug}/"
        client.get(url)
        form = {
            "action": "review",
            "buyer-first_name": "Ada",
            "buyer-last_name": "Ng",
            "buyer-email": f"buyer{n}@example.org",
            "attendees-TOTAL_FORMS": "1",
            "attendees-INITIAL_FORMS": "1",
            "attendees-MIN_NUM_FORMS": "1",
            "attendees-MAX_NUM_FORMS": "50",
            "order-promo_code": "",
            "order-payment_method": "invoice",
            "billing-organization": "Mercy General",
            "billing-email": "ap@mercy.example.org",
            "billing-address_line1": "1 Hospital Way",
            "billing-city": "Boston",
            "billing-country": "US",
            "order-waitlist_offer": "",
            "attendees-0-ticket_type": str(ticket.id),
            "attendees-0-first_name": "Ada",
            "attendees-0-last_name": "Ng",
            "attendees-0-email": f"a{n}-{time.time()}@example.org",
        }
        review = client.post(url, form)
        hidden = dict(
            re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)"', review.content.decode()
            )
        )
        confirmed = client.post(url, hidden | {"action": "confirm"})
        assert confirmed.status_code == 302, confirmed.status_code
        client.get(confirmed["Location"])

    one(-1)  # warm up
    started_cpu, started = time.process_time(), time.perf_counter()
    for n in range(count):
        one(n)
    cpu = (time.process_time() - started_cpu) / count
    wall = (time.perf_counter() - started) / count
    print(
        f"purchase (event page, form, review, confirm, confirmation): "
        f"{cpu:.3f} CPU-s and {wall * 1000:.0f} ms each over {count} purchases"
    )


def event_page_load(event, args, env) -> None:
    port = 8767
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        for path in (f"/events/{event.slug}/", "/api/v1/events/", "/healthz"):
            result = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "--latency",
                    f"http://127.0.0.1:{port}{path}",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            rps = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
            p50 = re.search(r"^\s+50%\s+(\S+)", result.stdout, re.MULTILINE)
            p99 = re.search(r"^\s+99%\s+(\S+)", result.stdout, re.MULTILINE)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
            print(
                f"{path:<40} {rps.group(1) if rps else '?':>8} req/s  median "
                f"{p50.group(1) if p50 else '?'}  p99 {p99.group(1) if p99 else '?'}  "
                f"non-2xx {errors.group(1) if errors else 0}"
            )
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
