"""The connection health check (config/postgresql): a connection the server has ended is
replaced before a request uses it, and a quiet one is used without a `SELECT 1` round
trip. Real PostgreSQL; the backend is ended with pg_terminate_backend, as a restart
ends every backend (tests/integration/test_database_restart.py restarts the server itself,
in CI only)."""

import select
import time
from unittest import mock

import psycopg
import pytest
from django.db import connection

from events.models import Event
from tests.factories import EventFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _terminate_backend() -> None:
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(50) and time.monotonic() < deadline:
        pass


def _next_request() -> None:
    """What Django does between requests (the request_started/finished signals)."""
    connection.close_if_unusable_or_obsolete()


def test_a_connection_the_server_ended_is_replaced_before_the_next_request_uses_it():
    EventFactory(slug="still-there")
    connection.ensure_connection()
    old_pid = connection.connection.info.backend_pid
    _terminate_backend()
    _next_request()

    assert Event.objects.filter(slug="still-there").exists()  # no OperationalError
    assert connection.connection.info.backend_pid != old_pid


def test_a_quiet_connection_is_used_without_a_select_1_round_trip():
    Event.objects.exists()
    with mock.patch.object(connection, "is_usable", wraps=connection.is_usable) as is_usable:
        for _ in range(3):
            _next_request()
            Event.objects.exists()
        assert is_usable.call_count == 0
        _terminate_backend()
        _next_request()
        Event.objects.exists()
        assert is_usable.call_count == 1  # the server spoke: the full check ran, and failed
