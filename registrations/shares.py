"""What each attendee paid: their own share of their registration's `amount_paid`.

A registration is paid as a whole; an attendee's share is that payment split across the
registration's attendees (in the order of their ids) in proportion to each one's price:
their ticket less their discount, plus their sessions' fees (`pricing.paid_shares`, in
integer cents, cumulative rounding). The shares of a registration add up to what it paid,
to the cent; paid in full, each is the attendee's price; unpaid, zero. Within an
attendee's share, their ticket comes first, then each session fee (in the order of the
choices' ids): the same split one level down, so a session's fees as paid add up, with
the tickets', to the same total.

The rule is written twice, held to one answer by tests/registrations/test_shares.py: in
Python for a registration in hand (`attendee_amounts_paid`: the API), and as SQL
expressions for querysets (`attendee_amount_paid`, `choice_amount_paid`: exports, the
organizer's list, stats), so that a list reads it in the query that reads its rows.
"""

from decimal import Decimal

from django.db.models import DecimalField, Expression, F

from registrations.models import Attendee, Registration, SessionChoice
from registrations.pricing import ZERO, paid_shares


def attendee_price(attendee: Attendee) -> Decimal:
    """The attendee's ticket less their discount, plus their sessions' fees (its
    `choices` prefetched, or read)."""
    fees = sum((choice.price for choice in attendee.choices.all()), ZERO)
    return attendee.ticket_price - attendee.discount + fees


def attendee_amounts_paid(registration: Registration) -> dict[int, Decimal]:
    """Each attendee's share of what the registration paid, by attendee id. Reads the
    registration's attendees and their choices (prefetched by
    registrations.selectors.registration_detail_queryset, or attached when created)."""
    attendees = sorted(registration.attendees.all(), key=lambda a: a.id)
    shares = paid_shares(registration.amount_paid, [attendee_price(a) for a in attendees])
    return {a.id: share for a, share in zip(attendees, shares, strict=True)}


# The same in SQL ------------------------------------------------------------------------


def attendee_amount_paid() -> "LineShare":
    """For an Attendee queryset: the attendee's share of what their registration paid
    (their ticket line and their session lines), whatever rows the queryset reads."""
    return LineShare(registration=F("registration_id"), attendee=F("pk"))


def choice_amount_paid() -> "LineShare":
    """For a SessionChoice queryset: what was paid of the session's fee, the part of its
    attendee's share that falls to this choice's line."""
    return LineShare(
        registration=F("attendee__registration_id"), attendee=F("attendee_id"), choice=F("pk")
    )


class LineShare(Expression):
    """A registration's lines in order, each attendee's (by id) ticket less discount
    (line 0) then their session fees (line: the choice's id), in cents; what the
    registration paid of them up to a point, rounded half up (pricing.paid_through), in
    integer arithmetic, the same on PostgreSQL and SQLite. The share of an attendee (or
    of one choice's line) is what was paid through it less what was paid before it.

    One correlated subquery: the registration's row, and its lines read by two index
    scans (its attendees; their choices). Subqueries nested per attendee (a sum of each
    one's fees) cost several times more, and their planner estimate sets off
    PostgreSQL's JIT compilation of the export (a second or more) where this does not.
    """

    output_field = DecimalField(max_digits=12, decimal_places=2)

    def __init__(self, *, registration, attendee, choice=None) -> None:
        super().__init__()
        self.sources = [registration, attendee] + ([choice] if choice is not None else [])

    def get_source_expressions(self) -> list:
        return self.sources

    def set_source_expressions(self, exprs) -> None:
        self.sources = list(exprs)

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        registration, attendee, *choice = (compiler.compile(e) for e in self.sources)
        span = _CHOICE_SPAN if choice else _ATTENDEE_SPAN
        sql = _SHARE_SQL.replace("{before}", span[0]).replace("{through}", span[1])
        params: list = []
        parts = {
            "registration": registration,
            "attendee": attendee,
            "choice": (choice or [None])[0],
        }
        return _fill(sql, parts, params), params


# Which lines come before an attendee's (or a choice's), and which up to it.
_ATTENDEE_SPAN = ("l.attendee_id < {attendee}", "l.attendee_id <= {attendee}")
_CHOICE_SPAN = (
    "(l.attendee_id < {attendee} OR (l.attendee_id = {attendee} AND l.line < {choice}))",
    "(l.attendee_id < {attendee} OR (l.attendee_id = {attendee} AND l.line <= {choice}))",
)
# Table names from the models' metadata; every value is the outer query's column.
_SHARE_SQL = (
    "COALESCE((SELECT (2 * v.paid * v.paid_through + v.total) / NULLIF(2 * v.total, 0) "
    "- (2 * v.paid * v.paid_before + v.total) / NULLIF(2 * v.total, 0) "
    "FROM (SELECT MAX(CAST(ROUND(r.amount_paid * 100) AS BIGINT)) AS paid, "
    "CAST(SUM(l.cents) AS BIGINT) AS total, "
    "CAST(SUM(CASE WHEN {before} THEN l.cents ELSE 0 END) AS BIGINT) AS paid_before, "
    "CAST(SUM(CASE WHEN {through} THEN l.cents ELSE 0 END) AS BIGINT) AS paid_through "
    f"FROM {Registration._meta.db_table} r, ("
    "SELECT t.id AS attendee_id, 0 AS line, "
    "CAST(ROUND((t.ticket_price - t.discount) * 100) AS BIGINT) AS cents "
    f"FROM {Attendee._meta.db_table} t WHERE t.registration_id = {{registration}} "
    "UNION ALL SELECT c.attendee_id, c.id, CAST(ROUND(c.price * 100) AS BIGINT) "
    f"FROM {SessionChoice._meta.db_table} c JOIN {Attendee._meta.db_table} ca "
    "ON ca.id = c.attendee_id WHERE ca.registration_id = {registration}"
    ") l WHERE r.id = {registration}) v), 0) * 0.01"
)


def _fill(sql: str, parts: dict[str, tuple[str, list]], params: list) -> str:
    """`sql` with each {name} replaced by its compiled expression, `params` extended in
    the order the placeholders come."""
    out, rest = [], sql
    while "{" in rest:
        head, _, tail = rest.partition("{")
        name, _, rest = tail.partition("}")
        fragment, fragment_params = parts[name]
        out += [head, fragment]
        params += fragment_params
    return "".join(out) + rest
