"""registrations.capacity.lock_event reads the event as the ORM would, under the lock."""

import threading

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from events.models import Event
from registrations.capacity import lock_event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_the_locked_event_is_the_event_as_stored():
    event = EventFactory(capacity=120, cancellation_policy="No refunds after May.")
    with transaction.atomic():
        locked = lock_event(event.pk)
    stored = Event.objects.get(pk=event.pk)
    for field in Event._meta.concrete_fields:
        assert getattr(locked, field.attname) == getattr(stored, field.attname), field.name
    assert locked._state.adding is False and locked._state.db == "default"


def test_an_unknown_event_is_does_not_exist():
    with transaction.atomic(), pytest.raises(Event.DoesNotExist):
        lock_event(10**9)


@pytest.mark.django_db(transaction=True)
def test_the_lock_needs_a_transaction():
    event = EventFactory()
    with pytest.raises(TransactionManagementError):
        lock_event(event.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_writer_waits_for_the_first():
    event = EventFactory()
    order: list[str] = []
    locked = threading.Event()

    def second() -> None:
        locked.wait(5)
        with transaction.atomic():
            lock_event(event.pk)
            order.append("second")
        connection.close()

    thread = threading.Thread(target=second)
    thread.start()
    with transaction.atomic():
        lock_event(event.pk)
        locked.set()
        thread.join(0.5)  # the second writer is blocked meanwhile
        order.append("first")
    thread.join(10)
    assert order == ["first", "second"]
