"""Cached catalogues forgotten when what they show changes.

Any save or delete of an event, ticket type, price tier, session, question or team rate (through the services,
the admin or the API) drops that event's cached catalogue once the transaction commits,
so the next reader builds it afresh from the database. (Seats taken are not edits: the
catalogue shows them up to CATALOGUE_CACHE_SECONDS late.)
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from events.models import Event, GroupRate, PriceTier, Question, Session, TicketType
from events.selectors import catalogue_forget_on_commit


@receiver([post_save, post_delete], sender=Event)
def _event_changed(sender, instance: Event, **kwargs) -> None:
    _forget_on_commit(instance.slug)


@receiver([post_save, post_delete], sender=TicketType)
@receiver([post_save, post_delete], sender=Session)
@receiver([post_save, post_delete], sender=Question)
@receiver([post_save, post_delete], sender=GroupRate)
def _part_changed(sender, instance: TicketType | Session | Question | GroupRate, **kwargs) -> None:
    _forget_on_commit(_slug_of(instance.event_id))


@receiver([post_save, post_delete], sender=PriceTier)
def _tier_changed(sender, instance: PriceTier, **kwargs) -> None:
    slug = (
        Event.objects.filter(ticket_types__id=instance.ticket_type_id)
        .values_list("slug", flat=True)
        .first()
    )
    _forget_on_commit(slug)


def _slug_of(event_id: int) -> str | None:
    return Event.objects.filter(pk=event_id).values_list("slug", flat=True).first()


def _forget_on_commit(slug: str | None) -> None:
    if slug:
        catalogue_forget_on_commit(slug=slug)
