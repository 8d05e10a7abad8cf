"""Invoice numbers: `{INVOICE_NUMBER_PREFIX}{year}-{00000}`, consecutive, no gaps, never
reused, under any concurrency and on PostgreSQL and SQLite alike.

The counter row of the series is incremented by an UPDATE in the issuing transaction:
the row lock it takes (PostgreSQL) or the database write lock (SQLite) makes concurrent
issuers wait for each other until commit, so each reads its own number; a transaction
that rolls back gives its number back with it. Issuers take this lock last (after any
event or registration lock), so it is held only for the rest of their transaction.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from finance.models import InvoiceCounter


def next_in_series(*, prefix: str, year: int) -> int:
    """The next number of the series, taken in the caller's transaction."""
    series = InvoiceCounter.objects.filter(prefix=prefix, year=year)
    if not series.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():  # the series' first number: create its row
                InvoiceCounter.objects.create(prefix=prefix, year=year, last_number=1)
            return 1
        except IntegrityError:  # another issuer created it meanwhile: take the next
            series.update(last_number=F("last_number") + 1)
    return series.values_list("last_number", flat=True).get()


def format_number(*, prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}{year}-{sequence:05d}"
