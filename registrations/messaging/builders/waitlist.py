"""Emails of the sessions' waiting lists: a seat held for an attendee who waits."""

from django.conf import settings
from django.utils.translation import gettext as _

from registrations import invites
from registrations.messaging.builders.common import attendee_of, money, when_text
from registrations.messaging.email import Email, NothingToSend
from registrations.messaging.models import OutboxMessage
from registrations.models import SessionWaitlistEntry
from registrations.selectors import session_fee_due


def session_offer(message: OutboxMessage) -> Email:
    """The offer of a seat in a full session, with the private link that adds it."""
    attendee = attendee_of(message)
    entry = (
        SessionWaitlistEntry.objects.select_related("session")
        .filter(pk=message.context.get("entry_id"), attendee=attendee)
        .first()
    )
    if entry is None:
        raise NothingToSend("the waiting-list entry is gone")
    if not entry.offer_is_live:
        raise NothingToSend("the offer is no longer open")
    session, event = entry.session, attendee.registration.event
    details = [(_("When"), when_text(event, session.starts_at, session.ends_at))]
    if session.room:
        details.append((_("Room"), session.room))
    if session.price > 0:
        due = session_fee_due(entry=entry)
        details.append((_("Fee"), money(due, attendee.registration.currency)))
    return Email(
        subject=_("A seat is free for you: %(session)s") % {"session": session.title},
        heading=_("A seat in “%(session)s” is held for you") % {"session": session.title},
        paragraphs=[
            _(
                "Dear %(name)s, a seat in “%(session)s” at %(event)s has become free. It is "
                "held for you until %(until)s; after that it goes to the next person waiting."
            )
            % {
                "name": attendee.first_name,
                "session": session.title,
                "event": event.name,
                "until": when_text(event, entry.offer_expires_at),
            },
            _(
                "Follow the link to add it to your sessions. It cannot be added if it takes "
                "place at the same time as one of your other sessions: drop that one first."
            ),
            *(
                [_("Its fee is paid by card on that page; once paid, the session is added.")]
                if session.price > 0
                else []
            ),
        ],
        details=details,
        actions=[
            (_("Add this session"), f"{settings.SITE_URL}{entry.get_absolute_url()}"),
            (_("Your registration"), invites.attendee_manage_url(attendee)),
        ],
    )
