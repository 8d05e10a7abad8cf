"""Reads: a registration by its secret token, with everything its pages and API show."""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from config.database import prepared_cursor
from config.rows import Columns, attach_prefetched, keep_related
from events.models import Event, Session, TicketType, Venue
from finance.models import Invoice
from finance.selectors import LISTED_FIELDS, invoices_listed
from registrations.models import (
    Attendee,
    Registration,
    SessionChoice,
    SessionWaitlistEntry,
    WaitlistEntry,
    live_registration_q,
)
from registrations.pricing import TaxRule


def registration_detail_queryset() -> QuerySet[Registration]:
    return Registration.objects.select_related("event", "event__venue").prefetch_related(
        Prefetch(
            "attendees",
            queryset=Attendee.objects.select_related("ticket_type").prefetch_related(
                Prefetch(
                    "choices",
                    queryset=SessionChoice.objects.select_related("session").order_by(
                        "session__starts_at"
                    ),
                )
            ),
        ),
        Prefetch("invoices", queryset=invoices_listed()),
    )


def registration_by_token(*, token: str) -> Registration:
    """The registration whose secret is `token`, as registration_detail_queryset() reads
    it (event and venue, attendees with ticket types and session choices, invoices as
    listed), in four prepared statements (config.rows: the ORM spent more CPU compiling
    these than the page spent rendering). Raises Registration.DoesNotExist.

    The final comparison is constant-time, so the answer's timing says nothing about
    how much of a guessed token was right.
    """
    if not token or len(token) > 64:
        raise Registration.DoesNotExist
    if connection.vendor != "postgresql":  # SQLite (development): the ORM's queries
        registration = registration_detail_queryset().filter(token=token).first()
        if registration is None or not hmac.compare_digest(registration.token, token):
            raise Registration.DoesNotExist
        return registration
    with prepared_cursor() as cursor:
        cursor.execute(_BY_TOKEN.sql, [token])
        row = cursor.fetchone()
        if row is None or not hmac.compare_digest(row[_BY_TOKEN.token_at], token):
            raise Registration.DoesNotExist
        registration = _BY_TOKEN.registration(row)
        cursor.execute(_BY_TOKEN.attendees_sql, [registration.pk])
        attendees = [_BY_TOKEN.attendee(row, registration) for row in cursor.fetchall()]
        by_id = {attendee.pk: attendee for attendee in attendees}
        choices: dict[int, list[SessionChoice]] = {pk: [] for pk in by_id}
        if attendees:
            cursor.execute(_BY_TOKEN.choices_sql, [list(by_id)])
            for row in cursor.fetchall():
                choice = _BY_TOKEN.choice(row, by_id)
                choices[choice.attendee_id].append(choice)
        cursor.execute(_BY_TOKEN.invoices_sql, [registration.pk])
        invoices = [_BY_TOKEN.invoice(row, registration) for row in cursor.fetchall()]
    for attendee in attendees:
        attach_prefetched(attendee, "choices", choices[attendee.pk])
    attach_prefetched(registration, "attendees", attendees)
    attach_prefetched(registration, "invoices", invoices)
    return registration


class _RegistrationStatements:
    """registration_by_token's statements and how their rows become instances; the
    orders are registration_detail_queryset's (attendees in the order they were added,
    choices by start, invoices by number)."""

    registration_cols = Columns(Registration, "r")
    event_cols = Columns(Event, "e")
    venue_cols = Columns(Venue, "v")
    attendee_cols = Columns(Attendee, "a")
    ticket_cols = Columns(TicketType, "t")
    choice_cols = Columns(SessionChoice, "c")
    session_cols = Columns(Session, "s")
    invoice_cols = Columns(Invoice, "i", only=LISTED_FIELDS)
    corrects_cols = Columns(Invoice, "ri", only=("number",))

    @cached_property
    def token_at(self) -> int:
        return [f.name for f in self.registration_cols.fields].index("token")

    @cached_property
    def sql(self) -> str:
        return (  # names from the models' metadata; values are parameters
            f"SELECT {self.registration_cols.sql}, {self.event_cols.sql}, {self.venue_cols.sql} "
            "FROM registrations_registration r JOIN events_event e ON e.id = r.event_id "
            "LEFT JOIN events_venue v ON v.id = e.venue_id WHERE r.token = %s"
        )

    @cached_property
    def attendees_sql(self) -> str:
        return (  # names from the models' metadata; values are parameters
            f"SELECT {self.attendee_cols.sql}, {self.ticket_cols.sql} "
            "FROM registrations_attendee a JOIN events_tickettype t ON t.id = a.ticket_type_id "
            "WHERE a.registration_id = %s ORDER BY a.id"
        )

    @cached_property
    def choices_sql(self) -> str:
        return (  # names from the models' metadata; values are parameters
            f"SELECT {self.choice_cols.sql}, {self.session_cols.sql} "
            "FROM registrations_sessionchoice c JOIN events_session s ON s.id = c.session_id "
            "WHERE c.attendee_id = ANY(%s) ORDER BY s.starts_at, c.id"
        )

    @cached_property
    def invoices_sql(self) -> str:
        return (  # names from the models' metadata; values are parameters
            f"SELECT {self.invoice_cols.sql}, {self.corrects_cols.sql} FROM finance_invoice i "
            "LEFT JOIN finance_invoice ri ON ri.id = i.refers_to_id "
            "WHERE i.registration_id = %s ORDER BY i.prefix, i.year, i.sequence"
        )

    def registration(self, row) -> Registration:
        registration = self.registration_cols.build(row)
        event = self.event_cols.build(row, self.registration_cols.width())
        keep_related(
            event,
            "venue",
            self.venue_cols.build(row, self.registration_cols.width() + self.event_cols.width()),
        )
        keep_related(registration, "event", event)
        return registration

    def attendee(self, row, registration: Registration) -> Attendee:
        attendee = self.attendee_cols.build(row)
        keep_related(
            attendee, "ticket_type", self.ticket_cols.build(row, self.attendee_cols.width())
        )
        keep_related(attendee, "registration", registration)
        return attendee

    def choice(self, row, attendees: dict[int, Attendee]) -> SessionChoice:
        choice = self.choice_cols.build(row)
        keep_related(choice, "session", self.session_cols.build(row, self.choice_cols.width()))
        keep_related(choice, "attendee", attendees[choice.attendee_id])
        return choice

    def invoice(self, row, registration: Registration) -> Invoice:
        invoice = self.invoice_cols.build(row)
        keep_related(invoice, "refers_to", self.corrects_cols.build(row, self.invoice_cols.width()))
        keep_related(invoice, "registration", registration)
        return invoice


_BY_TOKEN = _RegistrationStatements()


def registration_by_token_or_404(*, token: str) -> Registration:
    """registration_by_token for views: an unknown token is a 404 (as get_object_or_404)."""
    try:
        return registration_by_token(token=token)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc


def attendee_by_own_token(*, token: str) -> Attendee:
    """The attendee whose own secret link is `token`, with their registration, event,
    ticket type and sessions. Raises Attendee.DoesNotExist; constant-time final check."""
    if not token or len(token) > 64:
        raise Attendee.DoesNotExist
    attendee = (
        Attendee.objects.select_related("registration__event__venue", "ticket_type")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=SessionChoice.objects.select_related("session").order_by(
                    "session__starts_at"
                ),
            )
        )
        .filter(token=token)
        .first()
    )
    if attendee is None or not hmac.compare_digest(attendee.token, token):
        raise Attendee.DoesNotExist
    return attendee


def attendee_by_own_token_or_404(*, token: str) -> Attendee:
    try:
        return attendee_by_own_token(token=token)
    except Attendee.DoesNotExist as exc:
        raise Http404 from exc


# Links are sent for registrations of events that ended at most this long ago (the CE
# certificate and receipts stay useful after the event).
LINKS_LOOK_BACK = timedelta(days=365)


@dataclass(frozen=True)
class RegistrationLinks:
    """What an address may open: registrations it bought, places it holds."""

    bought: list[Registration]
    attending: list[Attendee]

    def __bool__(self) -> bool:
        return bool(self.bought or self.attending)


def registration_links_for(*, email: str, at: datetime) -> RegistrationLinks:
    """The live registrations `email` bought and the live places it holds (as an
    attendee), of events not long over; the address in any case."""
    email = email.strip().lower()  # stored lower-cased: the indexes serve an exact match
    since = at - LINKS_LOOK_BACK
    bought = (
        Registration.objects.filter(live_registration_q(at), buyer_email=email)
        .filter(event__ends_at__gte=since)
        .select_related("event")
        .order_by("event__starts_at", "created_at")
    )
    attending = (
        Attendee.objects.filter(live_registration_q(at, "registration__"), email=email)
        .filter(registration__event__ends_at__gte=since)
        .select_related("registration__event")
        .order_by("registration__event__starts_at", "id")
    )
    return RegistrationLinks(bought=list(bought), attending=list(attending))


def waitlist_offer_by_token(*, token: str) -> WaitlistEntry:
    if not token or len(token) > 64:
        raise WaitlistEntry.DoesNotExist
    entry = (
        WaitlistEntry.objects.select_related("event", "ticket_type")
        .filter(offer_token=token)
        .first()
    )
    if entry is None or not hmac.compare_digest(entry.offer_token, token):
        raise WaitlistEntry.DoesNotExist
    return entry


def waitlist_position(*, entry: WaitlistEntry) -> int:
    """1 for the next person to get an offer of that ticket type, and so on."""
    return WaitlistEntry.objects.filter(
        ticket_type_id=entry.ticket_type_id,
        status=WaitlistEntry.Status.WAITING,
        created_at__lte=entry.created_at,
    ).count()


def session_offer_by_token(*, token: str) -> SessionWaitlistEntry:
    """A session's waiting-list entry by its offer's secret. Raises DoesNotExist."""
    if not token or len(token) > 64:
        raise SessionWaitlistEntry.DoesNotExist
    entry = (
        SessionWaitlistEntry.objects.select_related(
            "session", "attendee__registration__event", "attendee__ticket_type"
        )
        .filter(offer_token=token)
        .first()
    )
    if entry is None or not hmac.compare_digest(entry.offer_token, token):
        raise SessionWaitlistEntry.DoesNotExist
    return entry


def session_waitlist_position(*, entry: SessionWaitlistEntry) -> int:
    """1 for the next attendee to get an offer of that session, and so on."""
    return SessionWaitlistEntry.objects.filter(
        session_id=entry.session_id,
        status=SessionWaitlistEntry.Status.WAITING,
        created_at__lte=entry.created_at,
    ).count()


def session_waits_of(*, registration: Registration) -> dict[int, list[SessionWaitlistEntry]]:
    """The open session waiting-list entries of the registration's attendees, by attendee
    id, each with its `position` (while waiting) and its session."""
    waiting = SessionWaitlistEntry.Status.WAITING
    ahead = SessionWaitlistEntry.objects.filter(
        session=OuterRef("session"), status=waiting, created_at__lte=OuterRef("created_at")
    )
    entries = (
        SessionWaitlistEntry.objects.filter(
            attendee__registration=registration,
            status__in=[waiting, SessionWaitlistEntry.Status.OFFERED],
        )
        .select_related("session")
        .annotate(position=Subquery(ahead.values("session").annotate(n=Count("*")).values("n")))
        .order_by("session__starts_at", "id")
    )
    by_attendee: dict[int, list[SessionWaitlistEntry]] = {}
    for entry in entries:
        by_attendee.setdefault(entry.attendee_id, []).append(entry)
    return by_attendee


def question_has_answers(question_id: int) -> bool:
    """Whether any attendee answered the question (answers are kept by question id)."""
    return Attendee.objects.filter(answers__has_key=str(question_id)).exists()


def session_fee_due(*, entry: SessionWaitlistEntry) -> Decimal:
    """What adding an offered session costs its registration: the session's fee, and the
    tax the registration's total gains with it (tax rounded once, on the whole)."""
    registration = entry.attendee.registration
    return totals_with_fee(registration, entry.session.price)[2] - registration.total


def totals_with_fee(registration: Registration, fee: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """The registration's subtotal, tax and total with one more fee (pricing.Price's rule:
    tax on the whole after discounts, rounded once)."""
    subtotal = registration.subtotal + fee
    tax, total = TaxRule.of(registration.event).totals(subtotal - registration.discount)
    return subtotal, tax, total
