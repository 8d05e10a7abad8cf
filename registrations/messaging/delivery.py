"""Rendering and sending outbox messages: each at least once, and once unless a worker
dies between sending and recording it (a claim per row, no transaction around SMTP)."""

import functools
import logging
import smtplib
from datetime import datetime, timedelta
from email import policy as email_policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from config.transactions import outside_transactions
from registrations.messaging.builders import BUILDERS
from registrations.messaging.email import Email, InlineImage, NothingToSend
from registrations.messaging.models import OutboxMessage
from registrations.messaging.texts import apply_to_message, recipient_link

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


class TransientEmailError(Exception):
    """Sending failed for a reason that may pass (mail server down): retry later."""


class _RememberingHeaderRegistry(HeaderRegistry):
    """The standard header factory, remembering its work. The standard one makes a new
    class for every header, and parses again the Content-Type and encoding headers that
    every part of every email repeats: half the time of turning an email into bytes.
    A parsed header is an immutable value, so one can stand in many messages."""

    @functools.cache  # noqa: B019 - one registry for the process's life
    def __getitem__(self, name: str) -> type[BaseHeader]:
        return super().__getitem__(name)

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one registry for the process's life
    def _parsed(self, name: str, value: str) -> BaseHeader:
        return super().__call__(name, value)

    def __call__(self, name: str, value) -> BaseHeader:
        if type(value) is str:
            return self._parsed(name, value)
        return super().__call__(name, value)


_HEADERS = _RememberingHeaderRegistry()


@functools.lru_cache(maxsize=8)
def _remembering(policy: email_policy.EmailPolicy) -> email_policy.EmailPolicy:
    if type(policy.header_factory) is not HeaderRegistry:
        return policy  # a factory of its own: leave it be
    return policy.clone(header_factory=_HEADERS)


class OutboxEmail(EmailMultiAlternatives):
    """An EmailMultiAlternatives whose MIME headers are parsed once per process, not once
    per email (the bytes are the same)."""

    def message(self, *, policy: email_policy.EmailPolicy = email_policy.default):
        return super().message(policy=_remembering(policy))


def render(message: OutboxMessage) -> EmailMultiAlternatives:
    email: Email = apply_to_message(BUILDERS[message.kind](message), message)
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
        "manage_url": recipient_link(message),
    }
    mail = OutboxEmail(
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
    for image in email.images:
        mail.attach(_inline_image(image))
    return mail


def _inline_image(image: InlineImage) -> MIMEPart:
    """An image the HTML body shows by its Content-ID (inline, not a download)."""
    part = MIMEPart()
    part.set_content(
        image.content,
        maintype="image",
        subtype=image.subtype,
        disposition="inline",
        filename=f"{image.cid}.{image.subtype}",
        cid=f"<{image.cid}>",
    )
    return part


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


def _claim(message_id: int) -> datetime | None:
    """Claim an unsent row for this worker for OUTBOX_CLAIM_SECONDS, in one statement (no
    transaction held). Returns the claim (its end, which names it), or None when the row
    is sent, or claimed by a worker still within its claim."""
    now = timezone.now()
    claim = now + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)
    claimable = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    claimed = OutboxMessage.objects.filter(claimable, pk=message_id, sent_at__isnull=True).update(
        claimed_until=claim, attempts=F("attempts") + 1
    )
    return claim if claimed else None


def _message_to_render(message_id: int) -> OutboxMessage:
    """The claimed row with what builders read."""
    # get(), not first(): a row by its key needs no ORDER BY, and compiling one over six
    # joined tables took more CPU than running the query.
    message = OutboxMessage.objects.select_related(
        "registration__event__venue", "attendee__ticket_type", "waitlist_entry"
    ).get(pk=message_id)
    if message.attendee is not None and message.attendee.registration_id == message.registration_id:
        # The attendee's registration is the message's, read above with its event and
        # venue: builders reach it through the attendee without two more queries.
        message.attendee.registration = message.registration
    return message


def _record(message_id: int, claim: datetime, **fields) -> None:
    """Record the outcome and let go of the claim, if it is still this worker's."""
    recorded = OutboxMessage.objects.filter(pk=message_id, claimed_until=claim).update(
        claimed_until=None, **fields
    )
    if not recorded:  # the claim lapsed and another worker took the row (slow send)
        logger.warning("outbox %s: claim lapsed before the outcome was recorded", message_id)


def outbox_deliver(*, message_id: int) -> bool:
    """Send one outbox message unless it was sent already. Returns whether it sent now.

    The row is claimed for a while (a second worker skips it), the email rendered and sent
    with no transaction open (SMTP is a network call), then `sent_at` recorded. A worker
    that dies between sending and recording leaves the claim to lapse: the email is sent
    again (at least once; never twice otherwise). Raises TransientEmailError when the mail
    server fails (retry).
    """
    outside_transactions()
    claim = _claim(message_id)
    if claim is None:
        return False  # sent already, or being sent by another worker right now
    message = _message_to_render(message_id)
    try:
        mail = render(message)
    except NothingToSend as exc:
        _record(message_id, claim, sent_at=timezone.now(), last_error=f"not sent: {exc}"[:300])
        return False  # closed: nothing will ever be sent
    try:
        _send(mail)
    except TRANSIENT_ERRORS as exc:
        _record(message_id, claim, last_error=f"{type(exc).__name__}: {exc}"[:300])
        logger.warning("outbox %s: sending failed, will retry (%s)", message_id, type(exc).__name__)
        raise TransientEmailError(str(exc)) from exc
    _record(message_id, claim, sent_at=timezone.now(), last_error="")
    return True
