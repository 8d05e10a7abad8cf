"""config.inserts.insert_new writes the rows `bulk_create` would: the same values read
back, field by field, for every kind of field the registration path writes (text, email,
choices, decimals, aware datetimes, JSON, keys, nulls), and the same refusals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from config.inserts import insert_new
from registrations.messaging.models import Kind, OutboxMessage
from registrations.models import Attendee, PaymentMethod, Profession, Registration
from tests.factories import EventFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


def _registration(event, reference: str) -> Registration:
    return Registration(
        event=event,
        reference=reference,
        status=Registration.Status.PENDING_PAYMENT,
        payment_method=PaymentMethod.INVOICE,
        buyer_first_name="Zoë",
        buyer_last_name="O'Brien <b>",
        buyer_email="zoe@example.org",
        currency="EUR",
        subtotal=Decimal("450.00"),
        tax=Decimal("85.50"),
        total=Decimal("535.50"),
        billing={"organization": "Szpital Łódź", "country": "PL", "nested": {"a": [1, None]}},
        expires_at=timezone.now() + timedelta(days=30),
    )


def _attendees(registration, ticket) -> list[Attendee]:
    return [
        Attendee(
            registration=registration,
            ticket_type=ticket,
            first_name=f"A{n}",
            last_name="Ng",
            email=f"a{n}@example.org",
            profession=Profession.NURSE,
            credentials={"license_number": "RN-1", "license_state": "MA"} if n else {},
            answers={"12": ["x", "y"], "13": True},
            badge_code=f"{registration.reference[:4]}{n}",
            ticket_price=Decimal("450.00"),
            discount=Decimal("45.00") if n else Decimal("0"),
            discount_kind="promo" if n else "",
        )
        for n in range(3)
    ]


def _read(model, pk) -> dict:
    row = model.objects.get(pk=pk)
    values = model_to_dict(row)
    values.pop("id")
    return values


def test_rows_read_back_as_bulk_create_writes_them():
    event = EventFactory()
    ticket = TicketTypeFactory(event=event)
    ours = insert_new([_registration(event, "OURS-1")])[0]
    theirs = Registration.objects.bulk_create([_registration(event, "THEIRS-1")])[0]
    assert ours.pk and not ours._state.adding
    a, b = _read(Registration, ours.pk), _read(Registration, theirs.pk)
    for values in (a, b):
        values.pop("reference"), values.pop("created_at")
        values.pop("expires_at")
    assert a == b
    assert Registration.objects.get(pk=ours.pk).token == ours.token

    our_rows = insert_new(_attendees(ours, ticket))
    their_rows = Attendee.objects.bulk_create(_attendees(theirs, ticket))
    assert [r.pk for r in our_rows] == sorted(r.pk for r in our_rows)  # in the order given
    for mine, other in zip(our_rows, their_rows, strict=True):
        x, y = _read(Attendee, mine.pk), _read(Attendee, other.pk)
        assert x.pop("registration") == ours.pk and y.pop("registration") == theirs.pk
        for values in (x, y):
            values.pop("created_at"), values.pop("badge_code")
        assert x == y
        stored = Attendee.objects.get(pk=mine.pk)
        assert (stored.badge_code, stored.token) == (mine.badge_code, mine.token)

    message = insert_new(
        [
            OutboxMessage(
                kind=Kind.ORDER_CONFIRMATION,
                to_email="zoe@example.org",
                registration=ours,
                dedupe_key=f"order_confirmation:{ours.pk}",
            )
        ]
    )[0]
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.kind, stored.context, stored.attendee_id, stored.sent_at) == (
        "order_confirmation",
        {},
        None,
        None,
    )


def test_a_clash_is_refused_and_nothing_is_written():
    event = EventFactory()
    insert_new([_registration(event, "SAME-1")])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_new([_registration(event, "SAME-1")])
    assert Registration.objects.filter(reference="SAME-1").count() == 1
    assert insert_new([]) == []
