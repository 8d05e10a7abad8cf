"""The two demo events of API.md, written idempotently (running twice changes nothing).

congress.py  IHI Patient Safety Congress 2027 (in person, pre-conference workshops)
forum.py     IHI National Forum 2026 (hybrid, mini-courses that overlap)
seeding.py   writing one event from its spec: venue, event, ticket types, tiers, sessions
"""

from collections.abc import Callable

from django.db import transaction

from events.demo.congress import CONGRESS
from events.demo.forum import FORUM
from events.demo.seeding import seed_event
from events.models import Event

# Other apps add their demo data (events imports no other app): the members app its demo
# members, registered in MembersConfig.ready().
_extras: list[Callable[[], None]] = []


def on_seed_demo(seed: Callable[[], None]) -> None:
    if seed not in _extras:
        _extras.append(seed)


@transaction.atomic
def seed_demo() -> list[Event]:
    """Create or refresh the demo events (and the other apps' demo data); a second run
    changes nothing."""
    events = [seed_event(CONGRESS), seed_event(FORUM)]
    for seed in _extras:
        seed()
    return events
