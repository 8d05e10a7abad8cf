"""What a builder makes of an outbox message: an `Email` (subject, heading, paragraphs,
details, actions, an invite, attachments) that the one layout renders as HTML and text."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Calendar:
    """An invite carried by the email: inline (for mail clients' scheduling) and as a file."""

    method: str  # REQUEST | CANCEL
    content: bytes
    filename: str = "invite.ics"


@dataclass(frozen=True)
class InlineImage:
    """An image shown in the HTML body (`<img src="cid:...">`), carried in the email."""

    cid: str
    content: bytes
    alt: str
    subtype: str = "png"
    width: int = 200


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
    images: list[InlineImage] = field(default_factory=list)


class NothingToSend(Exception):
    """The message no longer applies (its subject was deleted); it is closed unsent."""
