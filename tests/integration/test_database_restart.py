"""PostgreSQL restarts mid-traffic: requests in flight fail cleanly (503, never a 500
page with a traceback) and the next ones succeed, through gunicorn."""

import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import free_port, wait_for_port
from tests.factories import EventFactory, TicketTypeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _restart_postgres() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture
def gunicorn_server(transactional_db):
    if not shutil.which("pg_ctlcluster") or not os.path.isdir("/etc/postgresql"):
        pytest.skip("needs a local PostgreSQL cluster it may restart (pg_ctlcluster)")
    if not (os.environ.get("CI") or os.environ.get("ALLOW_POSTGRES_RESTART")):
        pytest.skip(
            "restarts the machine's PostgreSQL: runs in CI, or with ALLOW_POSTGRES_RESTART=1"
        )
    settings_dict = connection.settings_dict
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": f"postgres://{settings_dict['USER']}@127.0.0.1:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}",
        "DEBUG": "0",
        "SECRET_KEY": "restart-test-" + "s" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CELERY_BROKER_URL": "memory://",
        "THROTTLE_ENABLED": "0",
    }
    # DEBUG off serves static files from the collected manifest, as in production.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # never a pipe nobody reads: a full one blocks the server
    )
    wait_for_port(port)
    yield port
    server.terminate()
    server.wait(timeout=30)


def test_requests_during_a_database_restart_get_503_then_succeed(gunicorn_server):
    event = EventFactory()
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    port = gunicorn_server
    results: list[tuple[float, int, bytes]] = []
    stop = threading.Event()

    def client(offset: int) -> None:
        n = offset
        while not stop.is_set():
            n += 100
            body = json.dumps(
                {
                    "buyer": {"first_name": "B", "last_name": "X", "email": f"b{n}@example.org"},
                    "attendees": [
                        {
                            "ticket_type": ticket.id,
                            "first_name": "A",
                            "last_name": "X",
                            "email": f"a{n}@example.org",
                        }
                    ],
                }
            )
            for method, path, payload in (
                ("POST", f"/api/v1/events/{event.slug}/registrations/", body),
                ("GET", f"/events/{event.slug}/", None),
            ):
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    conn.request(method, path, payload, {"Content-Type": "application/json"})
                    response = conn.getresponse()
                    results.append((time.monotonic(), response.status, response.read()))
                except OSError as exc:
                    results.append(
                        (time.monotonic(), 0, f"{method} {type(exc).__name__} {exc}".encode())
                    )
            time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    # Restart once requests are being answered (a loaded machine warms the workers slowly).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and sum(1 for _, s, _ in results if s in (200, 201)) < 4:
        time.sleep(0.1)
    restart_started = time.monotonic()
    _restart_postgres()
    restarted = time.monotonic()
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    connection.close()  # this process's connection died with the restart too

    statuses = [status for _, status, _ in results]
    print(f"\nrestart took {restarted - restart_started:.1f} s; statuses {Counter(statuses)}")
    assert 500 not in statuses, [body[:200] for _, s, body in results if s == 500][:3]
    assert not any(b"Traceback" in body for _, _, body in results)
    assert set(statuses) <= {200, 201, 503}, sorted(set(statuses))
    before = [s for t, s, _ in results if t < restart_started]
    after = [s for t, s, _ in results if t > restarted + 1]
    assert before and set(before) <= {200, 201}
    assert after and set(after) <= {200, 201}, "requests after the restart must succeed"
