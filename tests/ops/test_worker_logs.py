"""A registration's request id follows it into its email task, in a real Celery worker,
whose logs are JSON lines like the web's (PostgreSQL and Redis needed)."""

import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.factories import EventFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
BROKER_DB = 14  # a Redis database of its own, flushed around the test


@pytest.fixture
def broker_url():
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    url = base.rsplit("/", 1)[0] + f"/{BROKER_DB}"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.flushdb()
    except redis.RedisError:
        pytest.skip("needs Redis (REDIS_URL)")
    from config.celery import app
    from tests.integration.conftest import use_broker

    previous = app.conf.broker_url
    use_broker(url)
    app.conf.task_always_eager = False  # tests/conftest.py puts it back
    yield url
    use_broker(previous)
    client.flushdb()


@pytest.fixture
def worker_log(broker_url, tmp_path):
    """A `celery worker` process; yields the path of its log (stderr)."""
    db = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "DATA_DIR": str(tmp_path),  # its emails go to files there
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    env.pop("EMAIL_URL", None)
    log = tmp_path / "worker.log"
    with log.open("w") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "celery,email"]
            + ["-P", "solo", "--without-mingle", "--without-gossip", "-l", "INFO"],
            cwd=ROOT,
            env=env,
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
        try:
            yield log
        finally:
            process.terminate()
            process.wait(timeout=30)


def json_lines(path: Path) -> list[dict]:
    lines = []
    for line in path.read_text().splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_the_confirmation_email_task_logs_under_the_registrations_request_id(client, worker_log):
    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("0.00"))
    response = client.post(
        f"/api/v1/events/{ticket.event.slug}/registrations/",
        body(attendee(ticket, email="grace@example.org")),
        content_type="application/json",
        HTTP_X_REQUEST_ID="reg-req-4711",
    )
    assert response.status_code == 201 and response["X-Request-ID"] == "reg-req-4711"
    token = response.json()["token"]

    deadline = time.monotonic() + 60
    done: list[dict] = []
    while time.monotonic() < deadline and not done:
        time.sleep(0.25)
        done = [
            line
            for line in json_lines(worker_log)
            if "send_outbox_message" in line["message"] and "succeeded" in line["message"]
        ]
    assert done, worker_log.read_text()[-3000:]
    assert all(line["request_id"] == "reg-req-4711" for line in done)
    text = worker_log.read_text()
    assert token not in text and "grace@example.org" not in text
    # Between tasks the worker logs under no request id.
    received = [line for line in json_lines(worker_log) if "received" in line["message"]]
    assert received and all(line["request_id"] is None for line in received)
