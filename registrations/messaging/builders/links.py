"""The email of "find my registration": the links an address may use, as they stand when
it is sent (the buyer's link of each registration it bought, the attendee's own link of
each place it holds). No new login: the ordinary links."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.messaging.builders.common import when_text
from registrations.messaging.email import Email, NothingToSend
from registrations.messaging.models import OutboxMessage
from registrations.selectors import registration_links_for


def registration_links(message: OutboxMessage) -> Email:
    links = registration_links_for(email=message.to_email, at=timezone.now())
    if not links:
        raise NothingToSend("the address has no live registration")
    details = []
    actions = []
    for registration in links.bought:
        event = registration.event
        details.append(
            (
                _("%(event)s, registration %(reference)s (you registered it)")
                % {"event": event.name, "reference": registration.reference},
                when_text(event, event.starts_at, event.ends_at),
            )
        )
        actions.append(
            (
                _("Manage registration %(reference)s") % {"reference": registration.reference},
                f"{settings.SITE_URL}{registration.get_absolute_url()}",
            )
        )
    for attendee in links.attending:
        event = attendee.registration.event
        details.append(
            (
                _("%(event)s: your place (%(name)s)")
                % {"event": event.name, "name": attendee.full_name},
                when_text(event, event.starts_at, event.ends_at),
            )
        )
        actions.append(
            (
                _("Your place at %(event)s") % {"event": event.name},
                f"{settings.SITE_URL}{attendee.get_absolute_url()}",
            )
        )
    return Email(
        subject=_("Your registration links"),
        heading=_("Here are your registration links"),
        paragraphs=[
            _(
                "Someone (we hope you) asked for the links to the registrations of this "
                "address. Keep them private: anyone with a link can use it. If you did not "
                "ask, you can ignore this email."
            )
        ],
        details=details,
        actions=actions,
    )
