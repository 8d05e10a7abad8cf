from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import (
    EventFactory,
    OrganizerFactory,
    SessionFactory,
    TicketTypeFactory,
    UserFactory,
)


@pytest.fixture
def event(db):
    return EventFactory(capacity=100, name="Patient Safety Congress", slug="psc")


@pytest.fixture
def ticket(event):
    return TicketTypeFactory(event=event, name="Full conference", price=Decimal("500.00"))


@pytest.fixture
def workshop(event):
    return SessionFactory(event=event, title="Human factors workshop", capacity=30)


@pytest.fixture
def managed(event, organizer):
    """The `organizer` manages `event`."""
    event.organizers.add(organizer)
    return event


@pytest.fixture
def org_api(managed, organizer_api):
    return organizer_api


@pytest.fixture
def org_client(managed, organizer, client):
    client.force_login(organizer)
    return client


def token_client(user) -> APIClient:
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


@pytest.fixture
def other_organizer(db):
    """Staff, organizer of another event only."""
    user = OrganizerFactory(username="elsewhere")
    EventFactory(slug="another-event").organizers.add(user)
    return user


@pytest.fixture
def plain_user(db):
    return UserFactory(username="plain")
