"""Reads for continuing-education credit: which sessions count, for how many hours.

A session is credited to an attendee when the event's attendance rule is met by the
evidence on record (CheckIn rows with a session, Attestation rows) and the session is
worth more than zero hours for the attendee's profession. Everything here reads the
evidence of many attendees in a fixed number of queries, so pages, exports and the
certificate release cost the same however large the event.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import connection
from django.db.models import Q, QuerySet

from config.database import prepared_cursor
from config.rows import Columns
from events.models import Event, Session
from registrations.ce.credentials import FIELDS_BY_PROFESSION
from registrations.models import Attendee, Attestation, CheckIn, Registration
from registrations.selectors import registration_by_token

ZERO_HOURS = Decimal("0.00")
HOURS_STEP = Decimal("0.01")

Rule = Event.CeAttendanceRule


class Evidence:
    """How attendance of a session is proven (the report's `evidence` column)."""

    CHECK_IN = "check_in"
    ATTESTATION = "attestation"
    BOTH = "both"


def session_hours(*, session: Session, profession: str) -> Decimal:
    """Credit hours of `session` for `profession`: its per-profession figure where one is
    listed, else `ce_credits`. Never negative; an unreadable override falls back to
    `ce_credits` rather than failing a page or a certificate."""
    by_profession = session.ce_credits_by_profession
    override = by_profession.get(profession) if isinstance(by_profession, dict) else None
    if override is not None and profession:
        try:
            hours = Decimal(str(override))
            if hours.is_finite() and hours < 1000:
                return max(hours, ZERO_HOURS).quantize(HOURS_STEP)
        except (InvalidOperation, ValueError):
            pass
    return max(session.ce_credits, ZERO_HOURS).quantize(HOURS_STEP)


def evidence_meets_rule(*, rule: str, checked_in: bool, attested: bool) -> str | None:
    """The evidence that counts under `rule`, or None when the rule is not met."""
    if rule == Rule.CHECK_IN:
        return Evidence.CHECK_IN if checked_in else None
    if rule == Rule.ATTESTATION:
        return Evidence.ATTESTATION if attested else None
    if rule == Rule.BOTH:
        return Evidence.BOTH if checked_in and attested else None
    # either (the default)
    if checked_in and attested:
        return Evidence.BOTH
    if checked_in:
        return Evidence.CHECK_IN
    if attested:
        return Evidence.ATTESTATION
    return None


@dataclass(frozen=True)
class CreditedSession:
    session: Session
    hours: Decimal
    evidence: str


@dataclass(frozen=True)
class AttendeeCredits:
    """An attendee's credited sessions (in time order) and what they add up to."""

    attendee: Attendee
    rule: str
    sessions: list[CreditedSession] = field(default_factory=list)

    @property
    def total_hours(self) -> Decimal:
        return sum((item.hours for item in self.sessions), ZERO_HOURS).quantize(HOURS_STEP)

    @property
    def session_ids(self) -> set[int]:
        return {item.session.id for item in self.sessions}


@dataclass(frozen=True)
class _EvidenceOnRecord:
    checked_in: set[tuple[int, int]]  # (attendee_id, session_id)
    attested: set[tuple[int, int]]


def _evidence(attendee_filter: Q) -> _EvidenceOnRecord:
    """Two queries: the session check-ins and attestations that `attendee_filter` (a Q
    over CheckIn and Attestation rows alike) selects."""
    checked_in = set(
        CheckIn.objects.filter(attendee_filter, session__isnull=False).values_list(
            "attendee_id", "session_id"
        )
    )
    attested = set(
        Attestation.objects.filter(attendee_filter).values_list("attendee_id", "session_id")
    )
    return _EvidenceOnRecord(checked_in=checked_in, attested=attested)


def _evidence_of_attendees(attendee_ids: list[int]) -> _EvidenceOnRecord:
    """_evidence of these attendees, in one prepared statement on PostgreSQL."""
    if connection.vendor != "postgresql":
        return _evidence(Q(attendee_id__in=attendee_ids))
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT 'c', attendee_id, session_id FROM {CheckIn._meta.db_table} "
            "WHERE attendee_id = ANY(%s) AND session_id IS NOT NULL UNION ALL "
            f"SELECT 'a', attendee_id, session_id FROM {Attestation._meta.db_table} "
            "WHERE attendee_id = ANY(%s)",
            [attendee_ids, attendee_ids],
        )
        rows = cursor.fetchall()
    return _EvidenceOnRecord(
        checked_in={(a, s) for kind, a, s in rows if kind == "c"},
        attested={(a, s) for kind, a, s in rows if kind == "a"},
    )


def _credits(
    attendee: Attendee, event: Event, sessions: Sequence[Session], evidence: _EvidenceOnRecord
) -> AttendeeCredits:
    credited = []
    for session in sessions:
        key = (attendee.id, session.id)
        proof = evidence_meets_rule(
            rule=event.ce_attendance_rule,
            checked_in=key in evidence.checked_in,
            attested=key in evidence.attested,
        )
        if proof is None:
            continue
        hours = session_hours(session=session, profession=attendee.profession)
        if hours > ZERO_HOURS:
            credited.append(CreditedSession(session=session, hours=hours, evidence=proof))
    return AttendeeCredits(attendee=attendee, rule=event.ce_attendance_rule, sessions=credited)


_SESSION = Columns(Session, "s")


def event_sessions(*, event: Event) -> list[Session]:
    """The event's sessions in time order (one query; prepared on PostgreSQL, where the
    ORM spent more CPU compiling it than running it: bench/profile_request.py purchase)."""
    if connection.vendor != "postgresql":
        return list(Session.objects.filter(event=event).order_by("starts_at", "title", "id"))
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT {_SESSION.sql} FROM {Session._meta.db_table} s "
            "WHERE s.event_id = %s ORDER BY s.starts_at, s.title, s.id",
            [event.pk],
        )
        return [_SESSION.build(row) for row in cursor.fetchall()]


def credited_sessions(*, attendee: Attendee) -> AttendeeCredits:
    """The sessions `attendee` attended according to their event's rule, each with the
    hours for their profession, and the total (three queries; four without a cached
    registration/event)."""
    event = attendee.registration.event
    sessions = event_sessions(event=event)
    evidence = _evidence(Q(attendee_id=attendee.id))
    return _credits(attendee, event, sessions, evidence)


def attendee_by_token(*, token: str, attendee_id: int) -> Attendee:
    """Attendee `attendee_id` of the registration whose secret is `token` (its registration
    and event cached on it). Raises Attendee.DoesNotExist for an unknown token or an
    attendee of another registration alike."""
    try:
        registration = registration_by_token(token=token)
    except Registration.DoesNotExist as exc:
        raise Attendee.DoesNotExist from exc
    attendee = next((a for a in registration.attendees.all() if a.id == attendee_id), None)
    if attendee is None:
        raise Attendee.DoesNotExist
    return attendee


def confirmed_attendees(*, event: Event) -> QuerySet[Attendee]:
    return (
        Attendee.objects.filter(
            registration__event=event, registration__status=Registration.Status.CONFIRMED
        )
        .select_related("registration")
        .order_by("last_name", "first_name", "id")
    )


def ce_credits_for_event(*, event: Event) -> list[AttendeeCredits]:
    """Credits of every attendee of a confirmed registration of `event`, in four queries."""
    sessions = event_sessions(event=event)
    attendees = list(confirmed_attendees(event=event))
    evidence = _evidence(
        Q(
            attendee__registration__event=event,
            attendee__registration__status=Registration.Status.CONFIRMED,
        )
    )
    return [_credits(attendee, event, sessions, evidence) for attendee in attendees]


def attestable_sessions(
    *, attendee: Attendee, sessions: Sequence[Session], at: datetime
) -> list[Session]:
    """Sessions `attendee` may attest at `at`: the ones they chose, and the event's
    non-selectable ones (plenaries everyone attends), once started. Reads the attendee's
    choices through `.all()` so that a prefetch serves it."""
    chosen = {choice.session_id for choice in attendee.choices.all()}
    return [s for s in sessions if (s.id in chosen or not s.selectable) and s.starts_at <= at]


def event_awards_ce(sessions: Iterable[Session]) -> bool:
    return any(s.ce_credits > ZERO_HOURS or s.ce_credits_by_profession for s in sessions)


@dataclass(frozen=True)
class AttestableSession:
    session: Session
    hours: Decimal
    attested: bool


@dataclass(frozen=True)
class AttendeeCeOverview:
    """What the manage page shows of one attendee: credits, and what they may attest."""

    credits: AttendeeCredits
    attestable: list[AttestableSession]
    awards_ce: bool

    @property
    def anything_to_attest(self) -> bool:
        return any(not item.attested for item in self.attestable)


def ce_overview_for_registration(
    *, registration: Registration, at: datetime
) -> dict[int, AttendeeCeOverview]:
    """Per attendee id of `registration`: credits and attestable sessions at `at`, in
    three queries for the whole group (attendees and choices as prefetched by
    `registrations.selectors.registration_detail_queryset`)."""
    event = registration.event
    sessions = event_sessions(event=event)
    attendees = list(registration.attendees.all())
    evidence = _evidence_of_attendees([a.id for a in attendees])
    awards = event_awards_ce(sessions)
    overview = {}
    for attendee in attendees:
        attestable = [
            AttestableSession(
                session=session,
                hours=session_hours(session=session, profession=attendee.profession),
                attested=(attendee.id, session.id) in evidence.attested,
            )
            for session in attestable_sessions(attendee=attendee, sessions=sessions, at=at)
        ]
        overview[attendee.id] = AttendeeCeOverview(
            credits=_credits(attendee, event, sessions, evidence),
            attestable=attestable,
            awards_ce=awards,
        )
    return overview


# --- The accreditor's report -----------------------------------------------------------

CREDENTIAL_FIELDS = ("npi", "license_number", "license_state", "nabp_eprofile_id", "birth_mmdd")


@dataclass(frozen=True)
class CeReportRow:
    event: str
    reference: str
    first_name: str
    last_name: str
    email: str
    profession: str
    npi: str
    license_number: str
    license_state: str
    nabp_eprofile_id: str
    birth_mmdd: str
    session_id: int
    session_title: str
    session_date: date
    hours: Decimal
    evidence: str


def attendee_credentials(attendee: Attendee) -> dict[str, str]:
    """The attendee's identifiers that belong to their profession (others are ignored:
    a profession changed after registration must not carry stale identifiers)."""
    wanted = FIELDS_BY_PROFESSION.get(attendee.profession, ())
    stored = attendee.credentials if isinstance(attendee.credentials, dict) else {}
    return {name: str(stored[name]) for name in wanted if stored.get(name)}


def ce_report_rows(*, event: Event) -> list[CeReportRow]:
    """One row per attendee (confirmed registrations) and credited session, ordered by
    attendee name then session time; four queries whatever the size of the event."""
    rows = []
    for credits in ce_credits_for_event(event=event):
        attendee = credits.attendee
        identifiers = attendee_credentials(attendee)
        for item in credits.sessions:
            rows.append(
                CeReportRow(
                    event=event.name,
                    reference=attendee.registration.reference,
                    first_name=attendee.first_name,
                    last_name=attendee.last_name,
                    email=attendee.email,
                    profession=attendee.profession,
                    **{name: identifiers.get(name, "") for name in CREDENTIAL_FIELDS},
                    session_id=item.session.id,
                    session_title=item.session.title,
                    session_date=event.local(item.session.starts_at).date(),
                    hours=item.hours,
                    evidence=item.evidence,
                )
            )
    return rows
