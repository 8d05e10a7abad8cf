"""The organizer's own questions and team rates: writes, and the rules an answer follows.

Answers are stored by the registrations app, keyed by question id; this module only
says what a valid answer is (`answers_clean`), so the API, the forms and the attendee's
later changes all check the same thing.
"""

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from events.changes import event_edited
from events.countries import COUNTRIES
from events.models import Event, GroupRate, Question, TicketType

TEXT_LIMITS = {Question.Kind.TEXT: 300, Question.Kind.LONG_TEXT: 5000}
CHOICE_KINDS = (Question.Kind.CHOICE, Question.Kind.MULTIPLE_CHOICE)
MAX_CHOICES = 50
QUESTION_FIELDS = {"label", "kind", "required", "choices", "help_text", "position", "is_active"}
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# Writes ------------------------------------------------------------------------------


@transaction.atomic
def question_create(
    *, event: Event, ticket_types: list[int] | None = None, **fields: Any
) -> Question:
    """Add a question to the event's form. Raises ValidationError with field errors."""
    question = Question(event=event)
    return _question_save(question, fields, ticket_types)


@transaction.atomic
def question_update(
    *, question: Question, ticket_types: list[int] | None = None, **fields: Any
) -> Question:
    """Change a question; answers given already stay with it (they are keyed by its id).
    Its kind and choices cannot change once answered: the answers would no longer fit
    (a new label or help text is fine)."""
    if question_answered(question) and (
        ("kind" in fields and fields["kind"] != question.kind)
        or ("choices" in fields and any(c not in fields["choices"] for c in question.choices))
    ):
        raise ValidationError(
            {"kind": ["Answered already: its kind stays, and its choices can only grow."]}
        )
    return _question_save(question, fields, ticket_types)


def _question_save(
    question: Question, fields: dict[str, Any], ticket_types: list[int] | None
) -> Question:
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(question, name, value)
    question.label = question.label.strip()
    question.choices = [str(c).strip() for c in question.choices or [] if str(c).strip()]
    errors: dict[str, list[str]] = {}
    if not question.label:
        errors["label"] = ["Give the question's wording."]
    if question.kind in CHOICE_KINDS:
        if len(question.choices) < 2:
            errors["choices"] = ["Give at least two choices."]
        elif len(question.choices) > MAX_CHOICES:
            errors["choices"] = [f"At most {MAX_CHOICES} choices."]
        elif len(set(question.choices)) != len(question.choices):
            errors["choices"] = ["Each choice once."]
        elif any(len(c) > 200 for c in question.choices):
            errors["choices"] = ["Each choice at most 200 characters."]
    elif question.choices:
        errors["choices"] = ["Only questions with choices take choices."]
    types = _event_ticket_types(question.event, ticket_types, errors)
    if errors:
        raise ValidationError(errors)
    question.full_clean(exclude=["event"])
    question.save()
    if ticket_types is not None:
        question.ticket_types.set(types)
    event_edited(question.event, fields=["questions"])
    return question


@transaction.atomic
def question_deactivate(*, question: Question) -> Question:
    """Take a question off the form; its answers stay (exports, the attendee's page)."""
    question.is_active = False
    question.save(update_fields=["is_active"])
    event_edited(question.event, fields=["questions"])
    return question


# Who stores answers tells whether a question has any (events imports no other app):
# RegistrationsConfig.ready() registers a function of the question's id.
_answered_checks: list[Callable[[int], bool]] = []


def on_question_answered_check(check: Callable[[int], bool]) -> None:
    if check not in _answered_checks:
        _answered_checks.append(check)


def question_answered(question: Question) -> bool:
    return any(check(question.id) for check in _answered_checks)


@transaction.atomic
def question_remove(*, question: Question) -> bool:
    """Delete a question nobody has answered; deactivate one with answers, which keep
    it (exports, the attendee's page). Returns whether it was deleted."""
    if question_answered(question):
        question_deactivate(question=question)
        return False
    event = question.event
    question.delete()
    event_edited(event, fields=["questions"])
    return True


@transaction.atomic
def group_rate_create(
    *,
    event: Event,
    min_attendees: int,
    percent_off: Decimal,
    ticket_types: list[int] | None = None,
) -> GroupRate:
    """Add a team-rate tier. Raises ValidationError with field errors."""
    errors: dict[str, list[str]] = {}
    if min_attendees < 2:
        errors["min_attendees"] = ["A team is at least 2 attendees."]
    if not Decimal(0) < percent_off <= Decimal(100):
        errors["percent_off"] = ["More than 0 and at most 100."]
    types = _event_ticket_types(event, ticket_types, errors)
    if errors:
        raise ValidationError(errors)
    rate = GroupRate.objects.create(
        event=event, min_attendees=min_attendees, percent_off=percent_off
    )
    rate.ticket_types.set(types)
    event_edited(event, fields=["group_rates"])
    return rate


@transaction.atomic
def group_rate_delete(*, rate: GroupRate) -> None:
    """Remove a tier; registrations priced with it keep their price."""
    event = rate.event
    rate.delete()
    event_edited(event, fields=["group_rates"])


def _event_ticket_types(
    event: Event, ids: list[int] | None, errors: dict[str, list[str]]
) -> list[TicketType]:
    types = list(TicketType.objects.filter(event=event, pk__in=ids or []))
    if ids and len(types) != len(set(ids)):
        errors["ticket_types"] = ["Every ticket type must belong to this event."]
    return types


# Answers -----------------------------------------------------------------------------


def questions_for(questions: list[Question], ticket_type_id: int) -> list[Question]:
    """The active questions an attendee of this ticket type is asked, in order."""
    return [q for q in questions if q.is_active and q.asks(ticket_type_id)]


def answers_clean(
    *, questions: list[Question], ticket_type_id: int, answers: dict[str, Any]
) -> dict[str, Any]:
    """The answers to keep, keyed by question id (as a string), blanks left out.

    Raises ValidationError keyed by question id: an unknown question, a question not
    asked of this ticket type, a missing required answer, a value of the wrong kind."""
    asked = {str(q.id): q for q in questions_for(questions, ticket_type_id)}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key in answers:
        if str(key) not in asked:
            errors[str(key)] = ["Not a question of this event for this ticket type."]
    for key, question in asked.items():
        value = answers.get(key, answers.get(question.id))
        if _blank(value):
            if question.required:
                errors[key] = ["This question needs an answer."]
            continue
        try:
            cleaned[key] = answer_clean(question, value)
        except ValidationError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _blank(value: Any) -> bool:
    return (
        value is None
        or value == ""
        or value == []
        or (isinstance(value, str) and not value.strip())
    )


def answer_clean(question: Question, value: Any) -> Any:
    """One answer, checked against the question's kind. Raises ValidationError."""
    kind = question.kind
    if kind in TEXT_LIMITS:
        if not isinstance(value, str):
            raise ValidationError("Give text.")
        value = value.strip()
        if len(value) > TEXT_LIMITS[kind]:
            raise ValidationError(f"At most {TEXT_LIMITS[kind]} characters.")
        if "\x00" in value:
            raise ValidationError("Contains a character that is not allowed.")
        return value
    if kind == Question.Kind.CHOICE:
        if not isinstance(value, str) or value not in question.choices:
            raise ValidationError("Choose one of the choices given.")
        return value
    if kind == Question.Kind.MULTIPLE_CHOICE:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError("Give a list of the choices given.")
        if any(v not in question.choices for v in value) or len(set(value)) != len(value):
            raise ValidationError("Choose among the choices given, each once.")
        return [c for c in question.choices if c in value]  # the organizer's order
    if kind == Question.Kind.BOOLEAN:
        if not isinstance(value, bool):
            raise ValidationError("Answer true or false.")
        return value
    if kind == Question.Kind.DATE:
        try:
            if not isinstance(value, str) or not DATE_PATTERN.match(value):
                raise ValueError
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError("Give a date as YYYY-MM-DD.") from None
    if kind == Question.Kind.COUNTRY:
        if not isinstance(value, str) or value.strip().upper() not in COUNTRIES:
            raise ValidationError("Give an ISO 3166 country code, such as US or GB.")
        return value.strip().upper()
    raise ValidationError("Unknown kind of question.")


def answer_text(question: Question, value: Any) -> str:
    """An answer as a person reads it (pages, exports)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if question.kind == Question.Kind.COUNTRY:
        return COUNTRIES.get(str(value), str(value))
    return str(value)


def answer_rows(answers: dict[str, Any], questions: list[Question]) -> list[tuple[str, str]]:
    """Someone's answers as (question, answer) rows to read, in the questions' order;
    questions taken off the form included (their answers stay)."""
    return [
        (q.label, answer_text(q, answers.get(str(q.id)))) for q in questions if str(q.id) in answers
    ]
