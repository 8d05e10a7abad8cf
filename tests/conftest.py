"""Shared fixtures. Live services (Stripe server, SMTP sink, worker) live in tests/integration."""

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import OrganizerFactory


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL; on SQLite they are skipped, saying why."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (as .ci/run does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def organizer(db):
    return OrganizerFactory(username="org")


@pytest.fixture
def organizer_api(organizer) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=organizer)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# --- Live services -----------------------------------------------------------------------

import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


@pytest.fixture(scope="session")
def stripe_server():
    """A real local Stripe-compatible server (localstripe), fresh for the session."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def stripe(stripe_server, settings):
    """Point the app at the local Stripe server."""
    settings.STRIPE_API_BASE = stripe_server
    settings.STRIPE_JS_URL = f"{stripe_server}/js.stripe.com/v3/"
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_local"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    return stripe_server


@pytest.fixture
def stripe_webhooks(stripe, live_server):
    """Have the Stripe server deliver its signed webhooks to a live test server."""
    response = requests.post(
        f"{stripe}/_config/webhooks/tests",
        data={
            "url": f"{live_server.url}/payments/stripe/webhook/",
            "secret": "whsec_test_secret",
        },
        timeout=5,
    )
    response.raise_for_status()
    return live_server


@pytest.fixture(autouse=True)
def celery_eager():
    """Unit tests run tasks in-process (after commit); the worker tests use a real worker."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (cached catalogues, throttling counters)."""
    from django.core.cache import cache

    cache.clear()
    yield
