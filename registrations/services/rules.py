"""The rules about a registration's input, and its price, whoever asks: registering,
the review step's price preview (registrations.preview), an attendee's change of sessions.

They depend on nothing but the input and the catalogue, so registration_create checks
them before it takes the event lock."""

from datetime import datetime

from django.core.exceptions import ValidationError

from events.models import Event, Question, Session, TicketType
from events.questions import answers_clean
from finance.billing import billing_check
from registrations.ce.credentials import clean_credentials
from registrations.errors import SessionClash
from registrations.models import PaymentMethod, Profession
from registrations.pricing import Discount, GroupTier, Line, Price, TaxRule, price_lines
from registrations.services.inputs import AttendeeInput, BuyerInput

MAX_ATTENDEES = 50
# What registering reads of the event; the cached catalogue has it prefetched already.
CATALOGUE_PREFETCH = (
    "ticket_types__price_tiers",
    "sessions",
    "questions__ticket_types",
    "group_rates__ticket_types",
)


def check_buyer(buyer: BuyerInput, *, payment_method: str = PaymentMethod.CARD) -> None:
    """The buyer's fields, and billing details: required (those an invoice needs) for
    payment by invoice, checked when given for a card."""
    errors: dict[str, list[str]] = {}
    for name, limit in BUYER_TEXT_LIMITS.items():
        value = getattr(buyer, name)
        if "\x00" in value:
            errors[f"buyer.{name}"] = ["Contains a character that is not allowed."]
        elif len(value) > limit:
            errors[f"buyer.{name}"] = [f"At most {limit} characters."]
    try:
        billing_check(buyer.billing.cleaned(), required=payment_method == PaymentMethod.INVOICE)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def registration_validate(
    *,
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
    payment_method: str,
    questions: list[Question] | None = None,
) -> None:
    """The rules about the input itself, shared by registration_create and the review
    step's price preview: known ticket types and sessions of this event, member numbers
    for member rates, each person once, no two chosen sessions at the same time, the
    event's questions answered (`questions`: the event's, prefetched).
    Raises ValidationError (field keys such as `attendees.1.email`,
    `attendees.0.answers.12`) or SessionClash."""
    _validate_fields(attendees, ticket_types, sessions, payment_method, questions or [])
    for attendee in attendees:
        check_session_clashes([sessions[sid] for sid in attendee.sessions])


def registration_price(
    *,
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
    discount: Discount | None,
    at: datetime,
    event: Event,
) -> Price:
    """Each attendee's ticket at the tier in force at `at`, session fees, the discount or
    the event's team rate (group_tiers_of), whichever is better for each attendee, and the
    event's tax."""
    return price_lines(
        [
            Line(
                ticket_type_id=a.ticket_type,
                ticket_price=ticket_types[a.ticket_type].price_at(at),
                session_prices=tuple(sessions[sid].price for sid in a.sessions),
            )
            for a in attendees
        ],
        discount,
        group_tiers_of(event),
        TaxRule.of(event),
    )


def group_tiers_of(event: Event) -> tuple[GroupTier, ...]:
    """The event's team rates as pricing takes them (reads a prefetch of `group_rates`
    with their `ticket_types`, as the catalogue has)."""
    return tuple(
        GroupTier(
            min_attendees=rate.min_attendees,
            percent_off=rate.percent_off,
            ticket_type_ids=frozenset(t.id for t in rate.ticket_types.all()),
        )
        for rate in event.group_rates.all()
    )


def _validate_fields(
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
    payment_method: str,
    questions: list[Question],
) -> None:
    errors: dict[str, list[str]] = {}
    if not attendees:
        errors["attendees"] = ["Register at least one attendee."]
    if len(attendees) > MAX_ATTENDEES:
        errors["attendees"] = [f"At most {MAX_ATTENDEES} attendees in one registration."]
    if payment_method not in PaymentMethod.values:
        errors["payment_method"] = ["Choose card or invoice."]
    seen_emails: dict[str, int] = {}
    for index, attendee in enumerate(attendees):
        prefix = f"attendees.{index}"
        errors.update(_text_errors(prefix, attendee))
        ticket_type = ticket_types.get(attendee.ticket_type)
        if ticket_type is None:
            errors[f"{prefix}.ticket_type"] = ["Unknown ticket type for this event."]
        elif ticket_type.members_only and not attendee.member_number.strip():
            errors[f"{prefix}.member_number"] = ["This rate is for members: give a member number."]
        unknown = [sid for sid in attendee.sessions if sid not in sessions]
        if unknown:
            errors[f"{prefix}.sessions"] = [f"Unknown session for this event: {unknown[0]}."]
        elif any(not sessions[sid].selectable for sid in attendee.sessions):
            errors[f"{prefix}.sessions"] = [
                "This session is open to everyone: no need to choose it."
            ]
        elif len(set(attendee.sessions)) != len(attendee.sessions):
            errors[f"{prefix}.sessions"] = ["The same session is chosen twice."]
        try:
            clean_credentials(attendee.profession, attendee.credentials)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"{prefix}.credentials.{name}"] = messages
        if ticket_type is not None:
            try:
                answers_clean(
                    questions=questions, ticket_type_id=ticket_type.id, answers=attendee.answers
                )
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    errors[f"{prefix}.answers.{key}"] = messages
        email = attendee.email.strip().lower()
        if email in seen_emails:
            errors[f"{prefix}.email"] = [
                f"Attendee {seen_emails[email] + 1} has the same email: each person once."
            ]
        seen_emails.setdefault(email, index)
    if errors:
        raise ValidationError(errors)


BUYER_TEXT_LIMITS = {"first_name": 100, "last_name": 100, "email": 254}
ATTENDEE_TEXT_LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "organization": 200,
    "job_title": 200,
    "member_number": 40,
    "dietary_needs": 300,
    "accessibility_needs": 300,
}


def _text_errors(prefix: str, attendee: AttendeeInput) -> dict[str, list[str]]:
    """What the database would refuse, said as field errors (the API and forms check
    these too; the service must hold for any caller)."""
    errors: dict[str, list[str]] = {}
    for name, limit in ATTENDEE_TEXT_LIMITS.items():
        value = getattr(attendee, name)
        if len(value) > limit:
            errors[f"{prefix}.{name}"] = [f"At most {limit} characters."]
        elif "\x00" in value:
            errors[f"{prefix}.{name}"] = ["Contains a character that is not allowed."]
    if attendee.profession not in ("", *Profession.values):
        errors[f"{prefix}.profession"] = ["Choose nurse, physician, pharmacist or other."]
    return errors


def check_session_clashes(chosen: list[Session]) -> None:
    ordered = sorted(chosen, key=lambda s: s.starts_at)
    for first, second in zip(ordered, ordered[1:], strict=False):
        if first.overlaps(second):
            raise SessionClash(f"“{first.title}” and “{second.title}” take place at the same time.")
