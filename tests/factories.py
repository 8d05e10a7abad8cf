"""factory_boy factories for the catalogue, registrations and payments."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from events.models import Event, PriceTier, Session, TicketType, Venue
from members.models import Member


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")


class OrganizerFactory(UserFactory):
    is_staff = True


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Convention Center {n}")
    city = "Boston"
    country = "United States"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    name = factory.Sequence(lambda n: f"Quality Forum {n}")
    venue = factory.SubFactory(VenueFactory)
    timezone = "America/New_York"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(days=2))
    currency = "USD"
    status = Event.Status.PUBLISHED
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    registration_closes_at = factory.LazyAttribute(lambda e: e.starts_at - timedelta(hours=1))


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Full conference {n}")
    price = Decimal("500.00")


class PriceTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceTier

    ticket_type = factory.SubFactory(TicketTypeFactory)
    name = "Early bird"
    price = Decimal("400.00")
    until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5))


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    kind = Session.Kind.WORKSHOP
    starts_at = factory.LazyAttribute(lambda s: s.event.starts_at + timedelta(hours=2))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=3))
    capacity = 30
    price = Decimal("0.00")
    ce_credits = Decimal("3.00")


class MemberFactory(factory.django.DjangoModelFactory):
    """A line of the institute's member list, valid for a year."""

    class Meta:
        model = Member
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: f"M-{n}")
    email = factory.LazyAttribute(lambda m: f"{m.number.lower()}@example.org")
    last_name = "Ng"
    valid_until = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=365)).date())
