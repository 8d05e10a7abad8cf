"""The two demo events of API.md, written idempotently (running twice changes nothing).

congress.py  IHI Patient Safety Congress 2027 (in person, pre-conference workshops)
forum.py     IHI National Forum 2026 (hybrid, mini-courses that overlap)
seeding.py   writing one event from its spec: venue, event, ticket types, tiers, sessions
"""

from django.db import transaction

from events.demo.congress import CONGRESS
from events.demo.forum import FORUM
from events.demo.seeding import seed_event
from events.models import Event


@transaction.atomic
def seed_demo() -> list[Event]:
    """Create or refresh the demo events; a second run changes nothing."""
    return [seed_event(CONGRESS), seed_event(FORUM)]
