"""Invoice numbers: `{INVOICE_NUMBER_PREFIX}{year}-{00000}`, consecutive, no gaps, never
reused, under any concurrency and on PostgreSQL and SQLite alike.

The counter row of the series is incremented by an UPDATE in the issuing transaction:
the row lock it takes (PostgreSQL) or the database write lock (SQLite) makes concurrent
issuers wait for each other until commit, so each reads its own number; a transaction
that rolls back gives its number back with it. Issuers take this lock last (after any
event or registration lock), so it is held only for the rest of their transaction.
"""

from django.db import IntegrityError, connection, transaction

from finance.models import InvoiceCounter

# One statement: the increment and its result (PostgreSQL, and SQLite from 3.35).
_TAKE_NEXT = (
    f"UPDATE {InvoiceCounter._meta.db_table} SET last_number = last_number + 1 "  # noqa: S608
    "WHERE prefix = %s AND year = %s RETURNING last_number"
)


def next_in_series(*, prefix: str, year: int) -> int:
    """The next number of the series, taken in the caller's transaction."""
    taken = _take_next(prefix, year)
    if taken is not None:
        return taken
    try:
        with transaction.atomic():  # the series' first number: create its row
            InvoiceCounter.objects.create(prefix=prefix, year=year, last_number=1)
        return 1
    except IntegrityError:  # another issuer created it meanwhile: take the next
        return _take_next(prefix, year)


def _take_next(prefix: str, year: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_NEXT, [prefix, year])
        row = cursor.fetchone()
    return row[0] if row else None


def format_number(*, prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}{year}-{sequence:05d}"
