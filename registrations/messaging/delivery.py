"""Rendering and sending outbox messages, each at most once."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from registrations.invites import manage_url
from registrations.messaging.builders import BUILDERS
from registrations.messaging.email import Email, NothingToSend
from registrations.messaging.models import OutboxMessage

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


class TransientEmailError(Exception):
    """Sending failed for a reason that may pass (mail server down): retry later."""


def render(message: OutboxMessage) -> EmailMultiAlternatives:
    email: Email = BUILDERS[message.kind](message)
    registration = message.registration
    event_name = (
        registration.event.name
        if registration
        else message.waitlist_entry.event.name
        if message.waitlist_entry
        else ""
    )
    context = {
        "email": email,
        "event_name": event_name,
        "manage_url": manage_url(registration) if registration else "",
    }
    mail = EmailMultiAlternatives(
        subject=email.subject,
        body=render_to_string("emails/layout.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers={"X-Outbox-Id": str(message.pk)},
    )
    mail.attach_alternative(render_to_string("emails/layout.html", context), "text/html")
    if email.calendar is not None:
        ics = email.calendar.content.decode()
        # Inline for mail clients that schedule (Gmail, Outlook), and as a file for the rest.
        mail.attach_alternative(ics, f"text/calendar; method={email.calendar.method}")
        mail.attach(email.calendar.filename, email.calendar.content, "application/ics")
    for filename, content, mimetype in email.attachments:
        mail.attach(filename, content, mimetype)
    return mail


_connection = None


def _send(mail: EmailMultiAlternatives) -> None:
    """Send over a connection kept open for the worker process's life (one SMTP handshake
    for many messages); a connection the server dropped is reopened once."""
    global _connection
    if _connection is None:
        _connection = get_connection()
        _connection.open()
    try:
        _connection.send_messages([mail])
    except smtplib.SMTPServerDisconnected:
        _connection.close()
        _connection.open()
        _connection.send_messages([mail])
    except Exception:
        _connection.close()
        _connection = None
        raise


def _unsent_message_locked(message_id: int) -> OutboxMessage | None:
    """The row, locked, with what builders read (None when sent or locked elsewhere)."""
    message = (
        OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("registration__event__venue", "attendee__ticket_type", "waitlist_entry")
        .filter(pk=message_id, sent_at__isnull=True)
        .first()
    )
    if (
        message is not None
        and message.attendee is not None
        and message.attendee.registration_id == message.registration_id
    ):
        # The attendee's registration is the message's, read above with its event and
        # venue: builders reach it through the attendee without two more queries.
        message.attendee.registration = message.registration
    return message


def outbox_deliver(*, message_id: int) -> bool:
    """Send one outbox message unless it was sent already. Returns whether it sent now.

    The row is locked while sending (a second worker skips it), and `sent_at` is set in the
    same transaction. Raises TransientEmailError when the mail server fails (retry).
    """
    failure: Exception | None = None
    with transaction.atomic():
        message = _unsent_message_locked(message_id)
        if message is None:
            return False  # sent already, or being sent by another worker right now
        message.attempts += 1
        try:
            _send(render(message))
        except NothingToSend as exc:
            message.last_error = f"not sent: {exc}"[:300]
            message.sent_at = timezone.now()  # closed: nothing will ever be sent
        except TRANSIENT_ERRORS as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:300]
            failure = exc
        else:
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "sent_at"])
    if failure is not None:
        logger.warning(
            "outbox %s: sending failed, will retry (%s)", message_id, type(failure).__name__
        )
        raise TransientEmailError(str(failure)) from failure
    return message.sent_at is not None and not message.last_error
