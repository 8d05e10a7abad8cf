"""The organizer's wording of the emails: per event and kind, a subject, an intro and a
closing in plain text with a fixed set of placeholders, `{first_name}` and the like.

No template language reaches organizers: a placeholder is a bare name from PLACEHOLDERS
(no attributes, indexes, conversions or formats), checked when saved; filling it in is
`str.format_map` over plain strings. The text goes into the Email's subject and
paragraphs, which the layout escapes in the HTML body and puts as is in the text body.
"""

import string
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string

from audit.models import AuditEntry
from audit.services import audit_record
from events.models import Event
from registrations import invites
from registrations.messaging.email import Email
from registrations.messaging.models import EmailText, Kind, OutboxMessage

PLACEHOLDERS = ("first_name", "last_name", "event", "reference", "starts_at", "manage_url")
# The names of API.md for the kinds organizers word most; every other Kind by its value.
KIND_NAMES = {
    "confirmation": Kind.ATTENDEE_CONFIRMATION,
    "order": Kind.ORDER_CONFIRMATION,
    "pending_payment": Kind.HOLD_EXPIRING,
    "invoice": Kind.INVOICE,
    "reminder": Kind.REMINDER,
    "waitlist_offer": Kind.WAITLIST_OFFER,
    "cancellation": Kind.CANCELLATION,
    "certificate": Kind.CERTIFICATE,
} | {
    kind.value: kind
    for kind in Kind
    if kind
    not in (
        Kind.ATTENDEE_CONFIRMATION,
        Kind.ORDER_CONFIRMATION,
        Kind.HOLD_EXPIRING,
    )
}
LIMITS = {"subject": 200, "intro": 4000, "closing": 4000}


def kind_of(name: str) -> Kind:
    """The outbox Kind an API kind name words. Raises KeyError."""
    return KIND_NAMES[name]


def placeholders_check(text: str) -> list[str]:
    """What is wrong with the placeholders of `text` (empty: nothing)."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return ["Braces must come in pairs around a placeholder; write {{ or }} for a brace."]
    problems = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = (
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            problems.append(
                f"Unknown placeholder {shown}: use "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                + "."
            )
    return problems


@transaction.atomic
def email_text_set(
    *, event: Event, kind: str, subject: str, intro: str, closing: str
) -> EmailText | None:
    """Save the event's wording of `kind` (a Kind value); all blank: back to the system's
    own (returns None). Raises ValidationError on `subject`, `intro`, `closing`."""
    values = {"subject": subject.strip(), "intro": intro.strip(), "closing": closing.strip()}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if len(value) > LIMITS[name]:
            errors[name] = [f"At most {LIMITS[name]} characters."]
        elif "\x00" in value or (name == "subject" and ("\n" in value or "\r" in value)):
            errors[name] = ["Contains a character that is not allowed."]
        elif problems := placeholders_check(value):
            errors[name] = problems
    if errors:
        raise ValidationError(errors)
    audit_record(
        action=AuditEntry.Action.EVENT_UPDATE,
        event=event,
        details={"fields": [f"email_texts.{kind}"]},
    )
    if not any(values.values()):
        EmailText.objects.filter(event=event, kind=kind).delete()
        return None
    text, _ = EmailText.objects.update_or_create(event=event, kind=kind, defaults=values)
    return text


def email_text_get(*, event: Event, kind: str) -> EmailText:
    """The event's wording of `kind`, or an unsaved blank one."""
    return EmailText.objects.filter(event=event, kind=kind).first() or EmailText(
        event=event, kind=kind
    )


@dataclass(frozen=True)
class Values:
    first_name: str
    last_name: str
    event: str
    reference: str
    starts_at: str
    manage_url: str


def fill(text: str, values: Values) -> str:
    """`text` with its placeholders filled in (checked when saved; an unknown one left as
    written rather than failing an email)."""
    if placeholders_check(text):
        return text
    return text.format_map(vars(values))


def with_organizer_text(email: Email, text: EmailText | None, values: Values) -> Email:
    """`email` with the organizer's subject (when given), intro first and closing last."""
    if text is None:
        return email
    paragraphs = list(email.paragraphs)
    if text.intro:
        paragraphs.insert(0, fill(text.intro, values))
    if text.closing:
        paragraphs.append(fill(text.closing, values))
    subject = fill(text.subject, values) if text.subject else email.subject
    return replace(email, subject=subject, paragraphs=paragraphs)


def message_values(message: OutboxMessage) -> tuple[Event, Values] | None:
    """The event of an outbox message and its placeholders' values: the attendee's for
    an attendee's email, the buyer's for the buyer's, the person waiting for an offer."""
    registration, attendee, entry = message.registration, message.attendee, message.waitlist_entry
    if attendee is not None:
        registration = attendee.registration
        first, last = attendee.first_name, attendee.last_name
    elif registration is not None:
        first, last = registration.buyer_first_name, registration.buyer_last_name
    elif entry is not None:
        first, last = entry.first_name, entry.last_name
    else:
        return None
    event = registration.event if registration is not None else entry.event
    return event, Values(
        first_name=first,
        last_name=last,
        event=event.name,
        reference=registration.reference if registration is not None else "",
        starts_at=starts_at_text(event),
        manage_url=recipient_link(message),
    )


def recipient_link(message: OutboxMessage) -> str:
    """The private link an email may carry: an attendee's email links to the attendee's
    own page, never to the buyer's, and only when it goes to the attendee's current
    address (not to a person replaced); the buyer's, to the registration's page."""
    attendee, registration = message.attendee, message.registration
    if attendee is not None:
        same = message.to_email.lower() == attendee.email.lower()
        return invites.attendee_manage_url(attendee) if same else ""
    return invites.manage_url(registration) if registration else ""


def starts_at_text(event: Event) -> str:
    local = event.local(event.starts_at)
    return f"{local:%A %B} {local.day}, {local:%Y, %H:%M} ({event.timezone})"


def apply_to_message(email: Email, message: OutboxMessage) -> Email:
    """The builder's email with the event's wording of the message's kind, if any."""
    found = message_values(message)
    if found is None:
        return email
    event, values = found
    text = EmailText.objects.filter(event=event, kind=message.kind).first()
    return with_organizer_text(email, text, values)


def email_text_preview(*, event: Event, kind: str, text: EmailText | None = None) -> dict:
    """The email of `kind` with the event's wording (or `text`, not saved yet) filled in
    for a sample attendee, as the layout renders it: {subject, text, html}."""
    text = text if text is not None else email_text_get(event=event, kind=kind)
    values = Values(
        first_name="Ada",
        last_name="Lovelace",
        event=event.name,
        reference="SAMPLE-7KQ2M",
        starts_at=starts_at_text(event),
        manage_url=f"{settings.SITE_URL}/registrations/sample-link/",
    )
    email = Email(
        subject=f"{Kind(kind).label}: {event.name}",
        heading=event.name,
        paragraphs=["[What the system writes in this email: tickets, sessions, amounts, links.]"],
    )
    email = with_organizer_text(email, text, values)
    context = {"email": email, "event_name": event.name, "manage_url": values.manage_url}
    # render_to_string marks its output safe; the text body is not HTML (pages that show
    # it escape it: organizer/email_texts.html).
    return {
        "subject": email.subject,
        "text": render_to_string("emails/layout.txt", context),
        "html": render_to_string("emails/layout.html", context),
    }
