"""Member rates, checked: a members-only ticket needs a number on the institute's list
(members app), valid on the event's first day, whose email or last name is the
attendee's; one number, one attendee per event."""

from datetime import datetime

from django.core.exceptions import ValidationError

from events.models import Event, TicketType
from events.questions import answers_clean, questions_for
from members.models import normalize_number
from members.selectors import member_rate_refusal
from registrations.capacity import lock_event
from registrations.errors import SoldOut
from registrations.models import Attendee, live_registration_q
from registrations.services.inputs import AttendeeInput

NUMBER_TAKEN = "This member number is already used by another attendee of this event."


def check_member_numbers(
    *, event: Event, attendees: list[AttendeeInput], ticket_types: dict[int, TicketType]
) -> None:
    """Each attendee of a members-only ticket gives a number that entitles them; no number
    twice in the group. Raises ValidationError on `attendees.N.member_number`. Read
    without a lock: check_member_numbers_free says whether others hold the number."""
    first_day = event.local(event.starts_at).date()
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, attendee in enumerate(attendees):
        ticket_type = ticket_types.get(attendee.ticket_type)
        number = normalize_number(attendee.member_number)
        if ticket_type is None or not ticket_type.members_only or not number:
            continue  # a missing number is services.rules' error
        reason = member_rate_refusal(
            number=number, email=attendee.email, last_name=attendee.last_name, on=first_day
        )
        if not reason and number in seen:
            reason = "Each member number once: another attendee here gives it."
        if reason:
            errors[f"attendees.{index}.member_number"] = [reason]
        seen.add(number)
    if errors:
        raise ValidationError(errors)


def check_member_numbers_free(
    event: Event,
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    excluding: int | None,
    at: datetime,
) -> None:
    """No attendee of another registration of the event holding seats gives the same
    member number. Caller holds the event lock (registrations.capacity.lock_event): two
    registrations giving one number at once are serialized, and the second is refused."""
    numbers = {
        normalize_number(a.member_number): index
        for index, a in enumerate(attendees)
        if a.member_number.strip() and ticket_types[a.ticket_type].members_only
    }
    if not numbers:
        return
    taken = set(
        Attendee.objects.filter(
            live_registration_q(at, "registration__"),
            registration__event=event,
            ticket_type__members_only=True,
            member_number__in=list(numbers),
        )
        .exclude(registration_id=excluding)
        .values_list("member_number", flat=True)
    )
    if taken:
        raise ValidationError(
            {f"attendees.{numbers[n]}.member_number": [NUMBER_TAKEN] for n in sorted(taken)}
        )


def member_numbers_kept_check(
    event: Event,
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    registration_id: int,
    at: datetime,
) -> None:
    """A late payment of a lapsed hold keeps its member rates only if nobody took their
    numbers meanwhile; raises SoldOut otherwise (the payment is refunded). Caller holds
    the event lock."""
    try:
        check_member_numbers_free(event, attendees, ticket_types, registration_id, at)
    except ValidationError as exc:
        raise SoldOut("A member number went to another attendee meanwhile.") from exc


def check_member_number_of(*, attendee: Attendee, at: datetime) -> None:
    """An attendee of a members-only ticket changes their number (or hands their seat on):
    the same checks as registering, under the event lock. Raises ValidationError on
    `member_number`. Caller holds a transaction."""
    registration = attendee.registration
    event = registration.event
    wanted = AttendeeInput(
        ticket_type=attendee.ticket_type_id,
        first_name=attendee.first_name,
        last_name=attendee.last_name,
        email=attendee.email,
        member_number=attendee.member_number,
    )
    types = {attendee.ticket_type_id: attendee.ticket_type}
    try:
        check_member_numbers(event=event, attendees=[wanted], ticket_types=types)
        lock_event(event.pk)
        _check_free_of_others(event, attendee, at)
    except ValidationError as exc:
        messages = [m for ms in exc.message_dict.values() for m in ms]
        raise ValidationError({"member_number": messages}) from None


def _check_free_of_others(event: Event, attendee: Attendee, at: datetime) -> None:
    taken = (
        Attendee.objects.filter(
            live_registration_q(at, "registration__"),
            registration__event=event,
            ticket_type__members_only=True,
            member_number=attendee.member_number,
        )
        .exclude(pk=attendee.pk)
        .exists()
    )
    if taken:
        raise ValidationError({"member_number": [NUMBER_TAKEN]})


def attendee_answers_after(*, attendee: Attendee, given: dict) -> dict:
    """The attendee's answers once `given` (by question id; a blank clears one) is
    applied, checked as at registration. Answers to questions taken off the form stay.
    Raises ValidationError on `answers.<id>`."""
    questions = list(attendee.registration.event.questions.prefetch_related("ticket_types"))
    asked = {str(q.id) for q in questions_for(questions, attendee.ticket_type_id)}
    current = {k: v for k, v in attendee.answers.items() if k in asked}
    kept = {k: v for k, v in attendee.answers.items() if k not in asked}
    try:
        cleaned = answers_clean(
            questions=questions,
            ticket_type_id=attendee.ticket_type_id,
            answers=current | {str(k): v for k, v in given.items()},
        )
    except ValidationError as exc:
        raise ValidationError(
            {f"answers.{key}": messages for key, messages in exc.message_dict.items()}
        ) from None
    return kept | cleaned
