"""Emails to each attendee: confirmation and invites, changes, reminders, offers,
certificates."""

import io

import segno
from django.conf import settings
from django.utils.translation import gettext as _

from events.models import Session
from registrations import invites
from registrations.ce.certificates import certificate_pdf
from registrations.messaging.builders.common import (
    attendee_of,
    event_details,
    own_link,
    when_text,
)
from registrations.messaging.email import Calendar, Email, InlineImage, NothingToSend
from registrations.messaging.models import OutboxMessage
from registrations.models import SessionChoice


def attendee_confirmation(message: OutboxMessage) -> Email:
    attendee = attendee_of(message)
    registration = attendee.registration
    event = registration.event
    entry = invites.attendee_event_entry(attendee)
    sessions = [c.session for c in attendee.choices.prefetch_related("session")]
    details = [
        (_("Ticket"), attendee.ticket_type.name),
        (_("Badge code"), attendee.badge_code),  # also as the QR code below, for the desk
        *event_details(event, joins_online=attendee.joins_online),
    ]
    for session in sessions:
        details.append((session.title, when_text(event, session.starts_at, session.ends_at)))
    paragraphs = [
        _("Dear %(name)s, you are registered for %(event)s.")
        % {"name": attendee.first_name, "event": event.name}
    ]
    if sessions:
        paragraphs.append(
            _("Each of your chosen sessions comes with its own invite, in a separate email.")
        )
    return Email(
        subject=_("You're registered: %(event)s") % {"event": event.name},
        heading=_("See you at %(event)s") % {"event": event.name},
        paragraphs=paragraphs,
        details=details,
        actions=[(_("Your registration"), invites.attendee_manage_url(attendee))],
        calendar_links=invites.calendar_links([entry]),
        calendar=Calendar(
            "REQUEST", invites.invite(attendee, entry, method="REQUEST", to_email=message.to_email)
        ),
        images=[badge_qr(attendee)],
    )


def badge_qr(attendee) -> InlineImage:
    """The attendee's badge code as a QR code the check-in desk scans from a phone."""
    buffer = io.BytesIO()
    segno.make_qr(attendee.badge_code, error="m").save(buffer, kind="png", scale=8, border=4)
    return InlineImage(
        cid=f"badge-{attendee.pk}",
        content=buffer.getvalue(),
        alt=_("Badge QR code %(code)s") % {"code": attendee.badge_code},
    )


def session_invite(message: OutboxMessage) -> Email:
    """An invite to one chosen session, or its cancellation (context["method"])."""
    attendee = attendee_of(message)
    method = message.context.get("method", "REQUEST")
    session = (
        Session.objects.select_related("event", "event__venue")
        .filter(pk=message.context.get("session_id"))
        .first()
    )
    if session is None:
        raise NothingToSend("the session is gone")
    choice = SessionChoice(pk=message.context["choice_id"], attendee=attendee, session=session)
    entry = invites.attendee_session_entry(choice, cancelled=method == "CANCEL")
    event = session.event
    if method == "CANCEL":
        subject = _("Cancelled: %(title)s") % {"title": session.title}
        heading = _("This session is no longer in your programme")
        paragraphs = [
            _("%(title)s has been removed from your registration for %(event)s.")
            % {"title": session.title, "event": event.name}
        ]
    else:
        subject = _("Your session: %(title)s") % {"title": session.title}
        heading = session.title
        paragraphs = [_("You have a seat in this session of %(event)s.") % {"event": event.name}]
    return Email(
        subject=subject,
        heading=heading,
        paragraphs=paragraphs,
        details=[
            (_("When"), when_text(event, session.starts_at, session.ends_at)),
            (_("Where"), entry.location),
        ],
        actions=own_link(message, attendee),
        calendar_links=[] if method == "CANCEL" else invites.calendar_links([entry]),
        calendar=Calendar(
            method, invites.invite(attendee, entry, method=method, to_email=message.to_email)
        ),
    )


def substitution(message: OutboxMessage) -> Email:
    """To the person replaced: their place went to a colleague; their entry is removed."""
    attendee = attendee_of(message)
    event = attendee.registration.event
    entry = invites.attendee_event_entry(attendee, cancelled=True)
    return Email(
        subject=_("Your place at %(event)s has been transferred") % {"event": event.name},
        heading=_("Your place has a new holder"),
        paragraphs=[
            _(
                "Your place at %(event)s now belongs to %(name)s. The attached update removes the event from your calendar."
            )
            % {"event": event.name, "name": attendee.full_name},
        ],
        calendar=Calendar(
            "CANCEL", invites.invite(attendee, entry, method="CANCEL", to_email=message.to_email)
        ),
    )


def event_changed(message: OutboxMessage) -> Email:
    """An updated invite (same UID, higher SEQUENCE) for the event or one session."""
    attendee = attendee_of(message)
    event = attendee.registration.event
    session_id = message.context.get("session_id")
    if session_id:
        choice = attendee.choices.select_related("session").filter(session_id=session_id).first()
        if choice is None:
            raise NothingToSend("the attendee left the session")
        entry = invites.attendee_session_entry(choice)
        what = choice.session.title
        when = when_text(event, choice.session.starts_at, choice.session.ends_at)
    else:
        entry = invites.attendee_event_entry(attendee)
        what = event.name
        when = when_text(event, event.starts_at, event.ends_at)
    return Email(
        subject=_("Updated: %(what)s") % {"what": what},
        heading=_("The time or place has changed"),
        paragraphs=[
            _("%(what)s has changed. Your calendar entry is updated by the attached invite.")
            % {"what": what}
        ],
        details=[(_("When"), when), (_("Where"), entry.location)],
        actions=[(_("Your registration"), invites.attendee_manage_url(attendee))],
        calendar_links=invites.calendar_links([entry]),
        calendar=Calendar(
            "REQUEST", invites.invite(attendee, entry, method="REQUEST", to_email=message.to_email)
        ),
    )


def reminder(message: OutboxMessage) -> Email:
    attendee = attendee_of(message)
    event = attendee.registration.event
    details = [*event_details(event, joins_online=attendee.joins_online)]
    for choice in attendee.choices.prefetch_related("session"):
        details.append(
            (
                choice.session.title,
                when_text(event, choice.session.starts_at, choice.session.ends_at),
            )
        )
    return Email(
        subject=_("Soon: %(event)s") % {"event": event.name},
        heading=_("%(event)s is coming up") % {"event": event.name},
        paragraphs=[
            _("Dear %(name)s, we look forward to seeing you. Bring your badge code: %(code)s.")
            % {"name": attendee.first_name, "code": attendee.badge_code}
        ],
        details=details,
        actions=[(_("Your registration"), invites.attendee_manage_url(attendee))],
    )


def waitlist_offer(message: OutboxMessage) -> Email:
    entry = message.waitlist_entry
    if entry is None:
        raise NothingToSend("the waiting-list entry is gone")
    event = entry.event
    until = when_text(event, entry.offer_expires_at) if entry.offer_expires_at else "—"
    return Email(
        subject=_("A seat is free for you: %(event)s") % {"event": event.name},
        heading=_("Good news: a seat is waiting for you"),
        paragraphs=[
            _(
                "Dear %(name)s, a place for “%(ticket)s” has become free and is held for you until %(until)s."
            )
            % {"name": entry.first_name, "ticket": entry.ticket_type.name, "until": until},
        ],
        actions=[(_("Claim your seat"), f"{settings.SITE_URL}{entry.get_absolute_url()}")],
    )


def certificate(message: OutboxMessage) -> Email:
    attendee = attendee_of(message)
    event = attendee.registration.event
    return Email(
        subject=_("Your continuing-education certificate: %(event)s") % {"event": event.name},
        heading=_("Your certificate"),
        paragraphs=[
            _(
                "Dear %(name)s, your certificate of attendance with your continuing-education credit hours is attached."
            )
            % {"name": attendee.first_name}
        ],
        actions=[(_("Your registration"), invites.attendee_manage_url(attendee))],
        attachments=[
            (
                f"certificate-{attendee.registration.reference}.pdf",
                certificate_pdf(attendee),
                "application/pdf",
            )
        ],
    )
