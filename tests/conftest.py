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
