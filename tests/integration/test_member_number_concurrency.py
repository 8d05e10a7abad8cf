"""One member number, one attendee per event, under real concurrency on PostgreSQL."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from registrations.models import Attendee
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.registration import registration_create
from tests.factories import EventFactory, MemberFactory, TicketTypeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

AT_ONCE = 8


def test_one_member_number_given_at_once_by_several_gives_one_registration():
    event = EventFactory()
    ticket = TicketTypeFactory(event=event, members_only=True, price=Decimal("300.00"))
    MemberFactory(number="IHI-0042", last_name="Hopper")
    barrier = threading.Barrier(AT_ONCE)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            registration_create(
                event=event,
                buyer=BuyerInput(first_name="B", last_name=str(n), email=f"b{n}@example.org"),
                attendees=[
                    AttendeeInput(
                        ticket_type=ticket.id,
                        first_name="Grace",
                        last_name="Hopper",
                        email=f"grace{n}@example.org",
                        member_number="IHI-0042",
                    )
                ],
            )
            outcome = "ok"
        except ValidationError as exc:
            outcome = "; ".join(exc.message_dict.get("attendees.0.member_number", ["other"]))
        except Exception as exc:  # noqa: BLE001 - any other failure is reported by name
            outcome = type(exc).__name__
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        list(pool.map(buy, range(AT_ONCE)))
    close_old_connections()
    assert Counter(outcomes) == {
        "ok": 1,
        "This member number is already used by another attendee of this event.": AT_ONCE - 1,
    }
    assert Attendee.objects.filter(member_number="IHI-0042").count() == 1
