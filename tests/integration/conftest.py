"""Real parts for integration tests: an SMTP server, a Celery worker process, Redis."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
# A Redis database of its own, flushed for each test (another number lets two runs share
# one Redis).
BROKER_DB = int(os.environ.get("TEST_BROKER_REDIS_DB", "15"))


class Inbox:
    """Collects what the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            self.messages.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages) < count:
            time.sleep(0.05)
        return list(self.messages)


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    try:
        yield inbox
    finally:
        controller.stop()


def _redis_url() -> str:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return base.rsplit("/", 1)[0] + f"/{BROKER_DB}"


@pytest.fixture
def broker_url():
    url = _redis_url()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.flushdb()
    except redis.RedisError:
        pytest.skip("needs Redis (REDIS_URL)")
    use_broker(url)
    yield url
    client.flushdb()
    use_broker(url)


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker (e.g. one that is down)."""
    from kombu import pools

    from config.celery import app

    app.conf.broker_url = url
    pools.reset()  # kombu keeps producer pools per connection, process-wide
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_live(broker_url):
    """Tasks go to the real broker (not run in-process) for this test."""
    from config.celery import app

    app.conf.task_always_eager = False
    yield broker_url


class CeleryProcess:
    """A real `celery` process (`arguments` after `celery -A config`) with `env`."""

    arguments: tuple[str, ...] = ()

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *self.arguments],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        self.process.wait(timeout=30)
        self.process = None


class Worker(CeleryProcess):
    """A real `celery worker` process against the test database, broker and SMTP server."""

    arguments = (
        "worker",
        *("-Q", "celery,email", "-P", "prefork", "-c", "2"),
        *("--without-mingle", "--without-gossip", "-l", "WARNING"),
    )


@pytest.fixture
def worker_factory(celery_live, smtp_server, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the shared PostgreSQL test database")
    settings_dict = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        ),
        "CELERY_BROKER_URL": celery_live,
        "EMAIL_URL": smtp_server.url,
        "SITE_URL": "http://testserver",
    }
    workers: list[Worker] = []

    def make() -> Worker:
        worker = Worker(env)
        workers.append(worker)
        return worker

    make.env = env  # what beat_factory starts its processes with
    yield make
    for worker in workers:
        worker.stop(kill=True)


class Beat(CeleryProcess):
    """A real `celery beat` process: it sends the tasks of settings.CELERY_BEAT_SCHEDULE to
    the test broker when they are due; its schedule file lives in a temporary folder."""

    def __init__(self, env: dict[str, str], schedule_file: Path) -> None:
        super().__init__(env)
        self.arguments = ("beat", "-s", str(schedule_file), "--max-interval", "1", "-l", "WARNING")


@pytest.fixture
def beat_factory(worker_factory, tmp_path):
    """`beat_factory(SETTING="value", ...)`: a beat process next to the worker processes,
    with these environment variables (e.g. a short interval for one periodic task)."""
    beats: list[Beat] = []

    def make(**env: str) -> Beat:
        beat = Beat(worker_factory.env | env, tmp_path / f"celerybeat-schedule-{len(beats)}")
        beats.append(beat)
        return beat

    yield make
    for beat in beats:
        beat.stop()
