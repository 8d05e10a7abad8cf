from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.models import Event, PriceTier, TicketType
from events.services import tier_until

NEW_YORK = ZoneInfo("America/New_York")


def _ticket_with_tiers(*tiers: tuple[Decimal, datetime]) -> TicketType:
    """An unsaved ticket type whose tiers are served from a prefetch-like cache."""
    ticket = TicketType(pk=1, name="Full", price=Decimal("500.00"))
    ticket._prefetched_objects_cache = {
        "price_tiers": [PriceTier(name="Tier", price=price, until=until) for price, until in tiers]
    }
    return ticket


def test_tier_until_a_date_means_through_that_day_in_the_events_zone():
    event = Event(timezone="America/New_York")
    until = tier_until(event=event, until=date(2027, 1, 15))
    assert until == datetime(2027, 1, 16, 0, 0, tzinfo=NEW_YORK)
    assert until.astimezone(UTC) == datetime(2027, 1, 16, 5, 0, tzinfo=UTC)


def test_tier_switches_at_local_midnight_not_utc_midnight():
    early_end = datetime(2027, 1, 16, 0, 0, tzinfo=NEW_YORK)
    ticket = _ticket_with_tiers((Decimal("400.00"), early_end))
    # 23:59 on the 15th in New York is 04:59 UTC on the 16th: still early bird.
    assert ticket.price_at(datetime(2027, 1, 16, 4, 59, tzinfo=UTC)) == Decimal("400.00")
    assert ticket.price_at(early_end - timedelta(microseconds=1)) == Decimal("400.00")
    assert ticket.price_at(early_end) == Decimal("500.00")


def test_earliest_open_tier_wins():
    super_early = datetime(2027, 1, 1, tzinfo=NEW_YORK)
    early = datetime(2027, 2, 1, tzinfo=NEW_YORK)
    ticket = _ticket_with_tiers((Decimal("450.00"), early), (Decimal("350.00"), super_early))
    assert ticket.price_at(datetime(2026, 12, 1, tzinfo=NEW_YORK)) == Decimal("350.00")
    assert ticket.price_at(datetime(2027, 1, 20, tzinfo=NEW_YORK)) == Decimal("450.00")
    assert ticket.price_at(datetime(2027, 3, 1, tzinfo=NEW_YORK)) == Decimal("500.00")


@given(
    offsets=st.lists(
        st.integers(min_value=-1000, max_value=1000), min_size=0, max_size=5, unique=True
    ),
    probe=st.integers(min_value=-1200, max_value=1200),
)
def test_price_is_always_one_of_the_tiers_or_the_regular_price(offsets, probe):
    base = datetime(2027, 1, 1, tzinfo=NEW_YORK)
    tiers = [(Decimal(100 + i), base + timedelta(hours=h)) for i, h in enumerate(offsets)]
    ticket = _ticket_with_tiers(*tiers)
    moment = base + timedelta(hours=probe)
    price = ticket.price_at(moment)
    open_tiers = sorted((until, p) for p, until in tiers if moment < until)
    assert price == (open_tiers[0][1] if open_tiers else Decimal("500.00"))


@pytest.mark.django_db
def test_event_detail_price_follows_the_tier_in_force(api):
    from tests.factories import PriceTierFactory

    tier = PriceTierFactory(until=datetime(2020, 1, 1, tzinfo=UTC))
    body = api.get(f"/api/v1/events/{tier.ticket_type.event.slug}/").json()
    assert body["ticket_types"][0]["price"] == "500.00"
    assert body["ticket_types"][0]["price_tier"] == ""
