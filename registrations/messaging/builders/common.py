"""What every builder shares: money and times as attendees read them, absolute links,
and the message's subject rows (a builder raises NothingToSend when they are gone)."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from config.money import money_text
from events.calendar import event_location
from events.models import Event
from registrations.messaging.email import NothingToSend
from registrations.messaging.models import OutboxMessage
from registrations.models import Attendee, Registration


def money(amount: Decimal, currency: str) -> str:
    return money_text(amount, currency)


def when_text(event: Event, start: datetime, end: datetime | None = None) -> str:
    local_start = event.local(start)
    text = f"{local_start:%A %B} {local_start.day}, {local_start:%Y, %H:%M}"
    if end is not None:
        local_end = event.local(end)
        if local_end.date() == local_start.date():
            text += f"–{local_end:%H:%M}"
        else:
            text += f" – {local_end:%A %B} {local_end.day}, {local_end:%H:%M}"
    return f"{text} ({event.timezone})"


def url(name: str, token: str) -> str:
    return f"{settings.SITE_URL}{reverse(name, kwargs={'token': token})}"


def registration_of(message: OutboxMessage) -> Registration:
    if message.registration is None:
        raise NothingToSend("the registration is gone")
    return message.registration


def attendee_of(message: OutboxMessage) -> Attendee:
    if message.attendee is None:
        raise NothingToSend("the attendee is gone")
    return message.attendee


def event_details(event: Event, *, joins_online: bool = False) -> list[tuple[str, str]]:
    """When and where; the join link only for someone who `joins_online`."""
    details = [(_("When"), when_text(event, event.starts_at, event.ends_at))]
    if joins_online and event.virtual_join_url:
        return [*details, (_("Join online"), event.virtual_join_url)]
    where = event_location(event)
    if where:
        details.append((_("Where"), where))
    return details


def own_link(message: OutboxMessage, attendee: Attendee) -> list[tuple[str, str]]:
    """The attendee's own link as an action, only in a message to the attendee's current
    address (a cancelled invite to the person replaced must not carry the new one's)."""
    if message.to_email.lower() != attendee.email.lower():
        return []
    return [(_("Your registration"), f"{settings.SITE_URL}{attendee.get_absolute_url()}")]
