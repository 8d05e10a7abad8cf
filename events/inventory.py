"""Seats taken, as the catalogue needs them to show what is left.

What counts as a taken seat (a confirmed registration, a live hold) is the registration
app's knowledge. `events` imports nothing from it: the registrations app registers its
counter here when it starts (RegistrationsConfig.ready), and the catalogue asks through
`seats_taken()`. Without a counter nothing is taken.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from events.models import Event


@dataclass(frozen=True)
class SeatsTaken:
    event: int = 0  # seats that count against the event's overall capacity
    ticket_types: dict[int, int] = field(default_factory=dict)
    sessions: dict[int, int] = field(default_factory=dict)


SeatCounter = Callable[["Event"], SeatsTaken]
_counter: SeatCounter = lambda event: SeatsTaken()  # noqa: E731


def register_seat_counter(counter: SeatCounter) -> None:
    global _counter
    _counter = counter


def seats_taken(event: "Event") -> SeatsTaken:
    return _counter(event)


def seats_left(capacity: int | None, taken: int) -> int | None:
    return None if capacity is None else max(capacity - taken, 0)
