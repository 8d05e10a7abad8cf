"""Transactional emails: each outbox kind has one builder (kinds.py) that turns an
OutboxMessage into an `Email`; one layout (templates/emails/layout.*) renders them all as
HTML and plain text. A new email is one builder plus one entry in kinds.BUILDERS.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Calendar:
    """An invite carried by the email: inline (for mail clients' scheduling) and as a file."""

    method: str  # REQUEST | CANCEL
    content: bytes
    filename: str = "invite.ics"


@dataclass(frozen=True)
class Email:
    subject: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    actions: list[tuple[str, str]] = field(default_factory=list)  # (label, absolute url)
    calendar_links: list[dict] = field(default_factory=list)
    calendar: Calendar | None = None
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


class NothingToSend(Exception):
    """The message no longer applies (its subject was deleted); it is closed unsent."""
