"""Schemathesis against the OpenAPI schema: no input makes any API operation answer 5xx.

The schema is read from the WSGI app (/api/schema/). Each operation gets a bounded,
reproducible set of generated requests (valid and invalid by the schema): half keep what
Schemathesis draws, half get real keys of a seeded event (slug, registration tokens and
references, attendee, session and ticket-type ids in the path; ticket types, sessions and
badge codes in the body), so the fuzz reaches past the 404s and "unknown ticket type"
400s. Every request carries the token of a staff organizer of that event, so the
organizer operations run too. Cards go to the local Stripe server, as in the payment tests.

Deselect with `-m "not fuzz"`.
"""

from contextlib import contextmanager
from decimal import Decimal

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from registrations.models import Attendee, Registration
from tests.factories import OrganizerFactory
from tests.fuzz.seed import FuzzEvent, seed_fuzz_event
from tests.registrations.helpers import attendee, body, register

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
EXAMPLES_PER_OPERATION = 25


class World:
    """The seeded rows whose keys replace the drawn path parameters."""

    def __init__(self, fuzz: FuzzEvent, registrations: list[Registration], token: str):
        self.fuzz = fuzz
        self.registrations = registrations
        self.auth = {"Authorization": f"Token {token}"}
        self.badge_codes = list(
            Attendee.objects.filter(registration__in=registrations).values_list(
                "badge_code", flat=True
            )
        )

    def path_parameters(self, path: str, drawn: dict, pick: int) -> dict:
        registration = self.registrations[pick % len(self.registrations)]
        attendees = list(registration.attendees.values_list("id", flat=True))
        ids = self.fuzz.ticket_type_ids if "/ticket-types/" in path else self.fuzz.session_ids
        real = {
            "slug": self.fuzz.event.slug,
            "token": registration.token,
            "reference": registration.reference,
            "attendee_id": attendees[pick % len(attendees)] if attendees else 1,
            "id": ids[pick % len(ids)],
        }
        return {name: real.get(name, value) for name, value in drawn.items()}

    def body(self, path: str, drawn, pick: int):
        """The drawn body with the keys it names swapped for real ones: ticket types,
        sessions (a subset by the bits of `pick`), badge codes for check-ins; blank names
        filled in, so that some registrations get through to the service."""
        if isinstance(drawn, list):
            return [self.body(path, item, pick) for item in drawn]
        if not isinstance(drawn, dict):
            return drawn
        tickets, sessions = self.fuzz.ticket_type_ids, self.fuzz.session_ids
        swapped = {key: self.body(path, value, pick) for key, value in drawn.items()}
        if "ticket_type" in swapped:
            swapped["ticket_type"] = tickets[pick % len(tickets)]
        if isinstance(swapped.get("ticket_types"), list):
            swapped["ticket_types"] = [tickets[pick % len(tickets)]]
        if isinstance(swapped.get("sessions"), list):
            swapped["sessions"] = [sid for bit, sid in enumerate(sessions) if pick >> bit & 1]
        for name in ("first_name", "last_name"):  # the schema omits minLength: 1
            if isinstance(swapped.get(name), str) and not swapped[name].strip():
                swapped[name] = f"Fuzz{pick}"
        if "code" in swapped and "check-in" in path:
            swapped["code"] = self.badge_codes[pick % len(self.badge_codes)]
        return swapped


@contextmanager
def connection_kept_open():
    """Schemathesis calls the real WSGI handler, whose request signals would close the
    database connection in the middle of the test's transaction. Django's test client
    keeps close_old_connections away from them while it calls; so does this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, api, stripe) -> World:
    fuzz = seed_fuzz_event()
    free, paid, member, last = fuzz.ticket_types
    workshop_a, _, mini_course, _ = fuzz.sessions
    payloads = [
        body(
            attendee(free, [workshop_a], profession="physician", credentials={"npi": "1234567893"})
        ),
        body(attendee(paid, [mini_course]), attendee(paid), payment_method="card"),
        body(attendee(member, member_number="M-1"), payment_method="invoice"),
        body(attendee(last)),
    ]
    references = []
    for payload in payloads:
        response = register(api, fuzz.event, payload)
        assert response.status_code == 201, response.json()
        references.append(response.json()["reference"])
    registrations = list(Registration.objects.filter(reference__in=references))
    cancelled = registrations[-1]
    cancelled.status, cancelled.amount_paid = Registration.Status.CANCELLED, Decimal("0.00")
    cancelled.save(update_fields=["status", "amount_paid"])
    organizer = OrganizerFactory(username="fuzz-organizer")
    fuzz.event.organizers.add(organizer)
    token, _ = Token.objects.get_or_create(user=organizer)
    assert Attendee.objects.filter(registration__in=registrations).count() == 5
    return World(fuzz, registrations, token.key)


@pytest.mark.fuzz
@schema.parametrize()
@schema.given(use_real_keys=st.booleans(), pick=st.integers(min_value=0, max_value=15))
@hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_makes_the_api_fail(case, use_real_keys, pick, world):
    if use_real_keys:
        if case.path_parameters:
            case.path_parameters = world.path_parameters(case.path, case.path_parameters, pick)
        if isinstance(case.body, dict | list):
            case.body = world.body(case.path, case.body, pick)
    with connection_kept_open():
        response = case.call(headers=world.auth)
    case.validate_response(response, checks=[not_a_server_error], headers=world.auth)
