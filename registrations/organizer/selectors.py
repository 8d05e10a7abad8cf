"""Reads for the organizer: the attendee list, its exports, rosters and venue needs.

A registration's status is read as attendees and organizers see it: a pending
registration whose hold has lapsed is `expired` even before the sweep records it. The
filters and the status column express that in SQL (`effective_status_q`,
`effective_status_expression`) with the Q objects `effective_status` itself evaluates
(`live_hold_q`, `lapsed_hold_q`), so lists and exports agree with it.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower, Trim

from events.models import Event, Question, Session, TicketType
from registrations.models import (
    Attendee,
    CheckIn,
    Registration,
    SessionChoice,
    lapsed_hold_q,
    live_hold_q,
    live_registration_q,
)
from registrations.shares import attendee_amount_paid

Status = Registration.Status
SESSIONS_SEPARATOR = "; "
MAX_SEARCH_TERMS = 6


@dataclass(frozen=True)
class AttendeeFilters:
    q: str = ""
    status: str = ""
    ticket_type: TicketType | None = None
    session: Session | None = None
    profession: str = ""
    checked_in: bool | None = None
    question: Question | None = None  # with `answer`: attendees who gave it ("": any answer)
    answer: str = ""

    def as_query(self) -> dict[str, str]:
        """The filters as query-string parameters (for export and badge links)."""
        values = {
            "q": self.q,
            "status": self.status,
            "ticket_type": str(self.ticket_type.pk) if self.ticket_type else "",
            "session": str(self.session.pk) if self.session else "",
            "profession": self.profession,
            "checked_in": "" if self.checked_in is None else str(self.checked_in).lower(),
            "question": str(self.question.pk) if self.question else "",
            "answer": self.answer,
        }
        return {key: value for key, value in values.items() if value}


def effective_status_q(status: str, at: datetime, prefix: str = "") -> Q:
    """Q for registrations (reached through `prefix`) whose effective status is `status`."""
    if status == Status.EXPIRED:
        return Q(**{f"{prefix}status": Status.EXPIRED}) | lapsed_hold_q(at, prefix)
    if status == Status.PENDING_PAYMENT:
        return live_hold_q(at, prefix)
    return Q(**{f"{prefix}status": status})


def effective_status_expression(at: datetime, prefix: str = "") -> Case:
    """The effective status as a SQL expression, for annotations and GROUP BY."""
    return Case(
        When(lapsed_hold_q(at, prefix), then=Value(Status.EXPIRED.value)),
        default=F(f"{prefix}status"),
        output_field=CharField(),
    )


def door_check_ins(attendee_ref: str = "pk") -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(attendee=OuterRef(attendee_ref), session__isnull=True)


def _search_q(text: str) -> Q:
    """Every word must match a name, email, organization, reference or badge code."""
    query = Q()
    for term in text.split()[:MAX_SEARCH_TERMS]:
        query &= (
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(organization__icontains=term)
            | Q(registration__reference__icontains=term)
            | Q(badge_code__iexact=term)
        )
    return query


def answer_q(question: Question, answer: str) -> Q:
    """Attendees who answered `question` with `answer` (one of the choices, for those with
    several; "yes"/"no" for a yes-or-no question; any answer when blank). By JSON
    containment: answer keys are digits, which key lookups would take for array indexes."""
    key = str(question.pk)
    if not answer:
        return Q(answers__has_key=key)
    value: object = answer
    if question.kind == Question.Kind.BOOLEAN:
        value = answer.lower() in ("yes", "true", "1")
    elif question.kind == Question.Kind.MULTIPLE_CHOICE:
        value = [answer]
    elif question.kind == Question.Kind.COUNTRY:
        value = answer.upper()
    if connection.features.supports_json_field_contains:
        return Q(answers__contains={key: value})
    # The development SQLite: near enough, the answer somewhere in the attendee's answers.
    return Q(answers__has_key=key) & Q(answers__icontains=json.dumps(answer))


def _in_session(session: Session) -> Exists | Q:
    if not session.selectable:  # a plenary: everyone attends
        return Q()
    return Exists(SessionChoice.objects.filter(attendee=OuterRef("pk"), session=session))


def attendees_filtered(
    *, event: Event, filters: AttendeeFilters, at: datetime
) -> QuerySet[Attendee]:
    """The event's attendees that pass `filters`, each with `effective_status` and
    `door_checked_in_at` annotated, ordered by name. Plain: callers add what they show."""
    attendees = Attendee.objects.filter(registration__event=event).annotate(
        effective_status=effective_status_expression(at, "registration__"),
        door_checked_in_at=Subquery(door_check_ins().values("checked_in_at")[:1]),
    )
    if filters.status:
        attendees = attendees.filter(effective_status_q(filters.status, at, "registration__"))
    if filters.ticket_type is not None:
        attendees = attendees.filter(ticket_type=filters.ticket_type)
    if filters.session is not None:
        attendees = attendees.filter(_in_session(filters.session))
    if filters.profession:
        attendees = attendees.filter(profession=filters.profession)
    if filters.checked_in is not None:
        has_checked_in = Exists(door_check_ins())
        attendees = attendees.filter(has_checked_in if filters.checked_in else ~has_checked_in)
    if filters.q:
        attendees = attendees.filter(_search_q(filters.q))
    if filters.question is not None:
        attendees = attendees.filter(answer_q(filters.question, filters.answer))
    return attendees.order_by("last_name", "first_name", "id")


def attendees_for_list(
    *, event: Event, filters: AttendeeFilters, at: datetime
) -> QuerySet[Attendee]:
    """Attendees for a page of the list (HTML and API): registration and ticket type
    joined, each attendee's own share of what was paid (`amount_paid_share`), chosen
    sessions prefetched in their order of time (one extra query a page)."""
    return (
        attendees_filtered(event=event, filters=filters, at=at)
        .annotate(amount_paid_share=attendee_amount_paid())
        .select_related("registration", "ticket_type")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=SessionChoice.objects.select_related("session").order_by(
                    "session__starts_at", "session__title"
                ),
            )
        )
    )


def _session_titles() -> Subquery:
    """The attendee's chosen session titles in one string, computed by the database (one
    query for the whole export). In time order where the database can order inside an
    aggregate (PostgreSQL, SQLite 3.44+); older SQLite lists them in session-id order."""
    ordered = connection.features.supports_aggregate_order_by_clause
    titles = StringAgg(
        "session__title",
        Value(SESSIONS_SEPARATOR),
        order_by=("session__starts_at", "session__title") if ordered else None,
    )
    return Subquery(
        SessionChoice.objects.filter(attendee=OuterRef("pk"))
        .order_by()
        .values("attendee")
        .annotate(titles=titles)
        .values("titles"),
        output_field=CharField(),
    )


EXPORT_FIELDS = {
    "reference": "registration__reference",
    "status": "effective_status",
    "ticket_type": "ticket_type__name",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "organization": "organization",
    "job_title": "job_title",
    "profession": "profession",
    "sessions": "session_titles",
    "amount_paid": "amount_paid_share",  # the attendee's own share (registrations.shares)
    "currency": "registration__currency",
    "registered_at": "registration__created_at",
    "checked_in_at": "door_checked_in_at",
    "badge_code": "badge_code",
    "dietary_needs": "dietary_needs",
    "accessibility_needs": "accessibility_needs",
}


def attendees_for_export(*, event: Event, filters: AttendeeFilters, at: datetime) -> QuerySet:
    """One flat row (a tuple in EXPORT_FIELDS order, then the attendee's answers by
    question id) per attendee, in a single query whatever the size; iterate it with
    `.iterator(chunk_size=...)`."""
    return (
        attendees_filtered(event=event, filters=filters, at=at)
        .annotate(session_titles=_session_titles(), amount_paid_share=attendee_amount_paid())
        .values_list(*EXPORT_FIELDS.values(), "answers")
    )


def questions_for_export(*, event: Event) -> list[Question]:
    """The event's questions, one export column each after the standard ones, in the
    order of the form; questions taken off the form too (their answers stay)."""
    return list(event.questions.order_by("position", "id"))


ROSTER_FIELDS = {
    "reference": "registration__reference",
    "status": "effective_status",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "organization": "organization",
    "job_title": "job_title",
    "profession": "profession",
    "ticket_type": "ticket_type__name",
    "badge_code": "badge_code",
    "checked_in_at": "session_checked_in_at",
}


def session_roster(*, session: Session, at: datetime) -> QuerySet:
    """Who is expected in the room: attendees of live registrations (confirmed, or
    awaiting payment with a live hold) who chose the session, or everyone for a session
    that is not chosen (a plenary); one row (ROSTER_FIELDS order) each, one query."""
    attendees = Attendee.objects.filter(registration__event_id=session.event_id).filter(
        live_registration_q(at, "registration__")
    )
    if session.selectable:
        attendees = attendees.filter(
            Exists(SessionChoice.objects.filter(attendee=OuterRef("pk"), session=session))
        )
    checked_in = CheckIn.objects.filter(attendee=OuterRef("pk"), session=session)
    return (
        attendees.annotate(
            effective_status=effective_status_expression(at, "registration__"),
            session_checked_in_at=Subquery(checked_in.values("checked_in_at")[:1]),
        )
        .order_by("last_name", "first_name", "id")
        .values_list(*ROSTER_FIELDS.values())
    )


VENUE_NEEDS_FIELDS = {
    "reference": "registration__reference",
    "status": "effective_status",
    "first_name": "first_name",
    "last_name": "last_name",
    "organization": "organization",
    "ticket_type": "ticket_type__name",
    "dietary_needs": "dietary_needs",
    "accessibility_needs": "accessibility_needs",
}


def live_attendees(event: Event, at: datetime) -> QuerySet[Attendee]:
    """Attendees of registrations holding seats: confirmed, or pending with a live hold."""
    return Attendee.objects.filter(registration__event=event).filter(
        live_registration_q(at, "registration__")
    )


def venue_needs(*, event: Event, at: datetime) -> QuerySet:
    """Attendees of live registrations with a dietary or accessibility need (one query)."""
    return (
        live_attendees(event, at)
        .exclude(dietary_needs="", accessibility_needs="")
        .annotate(effective_status=effective_status_expression(at, "registration__"))
        .order_by("last_name", "first_name", "id")
        .values_list(*VENUE_NEEDS_FIELDS.values())
    )


def venue_needs_counts(*, event: Event, at: datetime) -> dict[str, list[tuple[str, int]]]:
    """How many live attendees gave each need (free text, compared without regard to case
    or surrounding spaces), most frequent first: {"dietary_needs": [(need, n), ...], ...}."""
    counts = {}
    for field in ("dietary_needs", "accessibility_needs"):
        rows = (
            live_attendees(event, at)
            .exclude(**{field: ""})
            .annotate(need=Lower(Trim(field)))
            .order_by()
            .values_list("need")
            .annotate(n=Count("id"))
            .order_by("-n", "need")
        )
        counts[field] = list(rows)
    return counts
