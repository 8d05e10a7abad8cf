"""Property: whatever it is given, registration_create either registers or refuses with a
ValidationError or a Conflict, and a refusal leaves no row behind.

Inputs are what the two input layers (the API serializers and the forms) can hand over,
and much they cannot: garbage and huge ids, unknown sessions, odd unicode, duplicate
emails, unknown professions and payment methods, bogus promo codes and waiting-list
offers. Texts stay within the model's lengths and free of NUL, which both layers
guarantee before a service is called (pinned for the API by the last test here).
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.errors import Conflict
from payments.models import Payment
from registrations.capacity import count_seats
from registrations.messaging.models import OutboxMessage
from registrations.models import (
    Attendee,
    PromoCode,
    Registration,
    SessionChoice,
    WaitlistEntry,
)
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.registration import registration_create
from tests.fuzz.seed import FuzzEvent, seed_fuzz_event
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db

TABLES = (Registration, Attendee, SessionChoice, WaitlistEntry, OutboxMessage, Payment)
HUGE = st.integers(min_value=-(2**70), max_value=2**70)
# Any unicode but NUL and lone surrogates (refused by the input layers, see module doc).
TEXT = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))


def text(max_size: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(TEXT, max_size=max_size),
        st.sampled_from(["", " ", "Ada", "Zoë Ñúñez", "李小龍", "' OR 1=1 --", "=HYPERLINK()"]),
    )


EMAILS = st.one_of(
    st.sampled_from(["ada@example.org", "ADA@example.org ", "bob@example.org", "x@y.z"]),
    st.emails().filter(lambda e: len(e) <= 254),
    text(60),
)


class Rollback(Exception):
    """Ends an example's savepoint, so that each example starts from the seeded event."""


def strategies(fuzz: FuzzEvent):
    ids = st.one_of(st.sampled_from(fuzz.ticket_type_ids), HUGE)
    session_ids = st.lists(st.one_of(st.sampled_from(fuzz.session_ids), HUGE), max_size=5).map(
        tuple
    )
    credentials = st.one_of(
        st.just({}),
        st.dictionaries(
            st.sampled_from(
                [
                    "npi",
                    "license_number",
                    "license_state",
                    "nabp_eprofile_id",
                    "birth_mmdd",
                    "favourite_colour",
                ]
            ),
            st.one_of(text(12), st.sampled_from(["1234567893", "MA", "0229", "1399"])),
            max_size=3,
        ),
    )
    question_ids = [str(q.id) for q in fuzz.event.questions.all()]
    answers = st.dictionaries(
        st.one_of(st.sampled_from(question_ids), text(6)),
        st.one_of(
            text(40),
            st.sampled_from(["Veg", "Fish", "GB", "us", "2027-02-29", "1990-01-31", ""]),
            st.lists(st.sampled_from(["A", "B", "C", "D"]), max_size=4),
            st.booleans(),
            st.none(),
            st.integers(),
            st.dictionaries(text(3), text(3), max_size=2),
        ),
        max_size=4,
    )
    attendee = st.builds(
        AttendeeInput,
        ticket_type=ids,
        first_name=text(100),
        last_name=text(100),
        email=EMAILS,
        organization=text(200),
        job_title=text(200),
        profession=st.sampled_from(["", "nurse", "physician", "pharmacist", "other"]),
        member_number=text(40),
        dietary_needs=text(300),
        accessibility_needs=text(300),
        sessions=session_ids,
        credentials=credentials,
        answers=answers,
    )
    return {
        "buyer": st.builds(BuyerInput, first_name=text(100), last_name=text(100), email=EMAILS),
        "attendees": st.lists(attendee, max_size=4) | st.lists(attendee, min_size=51, max_size=52),
        "promo_code": st.one_of(st.sampled_from(["", *fuzz.promo_codes, "member10 "]), text(40)),
        "payment_method": st.one_of(st.sampled_from(["card", "invoice"]), text(10)),
        "waitlist_offer": st.one_of(st.just(""), text(64)),
    }


def assert_within_capacity(fuzz: FuzzEvent) -> None:
    taken = count_seats(fuzz.event)
    assert taken.event <= fuzz.event.capacity
    for ticket_type in fuzz.ticket_types:
        if ticket_type.capacity is not None:
            assert taken.ticket_types.get(ticket_type.id, 0) <= ticket_type.capacity
    for session in fuzz.sessions:
        if session.capacity is not None:
            assert taken.sessions.get(session.id, 0) <= session.capacity


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def example_rolled_back() -> transaction.Atomic:
    """A transaction around one example, rolled back after it. Marked as a test case's
    own, as Django marks them, so that the service's durable transaction nests in it as
    it nests in a test case's."""
    block = transaction.atomic()
    block._from_testcase = True
    return block


@pytest.mark.fuzz
def test_registration_create_registers_or_refuses_cleanly(db):
    fuzz = seed_fuzz_event()
    promo_uses = {c.code: c.registrations.count() for c in PromoCode.objects.all()}

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(st.fixed_dictionaries(strategies(fuzz)))
    def register_anything(kwargs):
        try:
            with example_rolled_back():
                before = counts()
                try:
                    registration = registration_create(event=fuzz.event, **kwargs)
                except (ValidationError, Conflict):
                    assert counts() == before, "a refused registration left rows behind"
                else:
                    assert registration.attendees.count() == len(kwargs["attendees"])
                    assert registration.total == registration.subtotal - registration.discount
                    assert registration.total >= 0
                    assert_within_capacity(fuzz)
                raise Rollback
        except Rollback:
            pass

    register_anything()
    assert {c.code: c.registrations.count() for c in PromoCode.objects.all()} == promo_uses


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "x" * 101),
        ("first_name", "Ada\x00"),
        ("profession", "astronaut"),
        ("organization", "y" * 201),
        ("member_number", "\x00"),
    ],
)
def test_the_api_refuses_what_the_service_leaves_to_it(api, field, value):
    """registration_create trusts its callers for lengths, NUL and the profession's
    choices (PostgreSQL would raise DataError); the API must refuse them with a 400."""
    fuzz = seed_fuzz_event()
    person = attendee(fuzz.ticket_types[0]) | {field: value}

    response = register(api, fuzz.event, body(person))

    assert response.status_code == 400
    assert f"attendees.0.{field}" in response.json()["errors"]
    assert not Registration.objects.exists()
