"""Importing the member list from CSV: streamed, in batches, in one transaction.

The file is read a line at a time and written in batches (PostgreSQL: COPY into a
temporary table, then one upsert; other databases: bulk upserts), so a list of 100,000
members imports in seconds and in memory that does not grow with the file (only the
first MAX_REJECTED_REPORTED rejected lines are kept for the report; all are counted).
A failed import changes nothing. bench/member_import.py measures it.
"""

import csv
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction

from members.models import Member, normalize_number

COLUMNS = ("member_number", "email", "last_name", "valid_until")
BATCH_SIZE = 5000
MAX_REJECTED_REPORTED = 1000
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    removed: int = 0
    rejected_count: int = 0
    rejected: list[dict] = field(default_factory=list)  # {"line", "reason"}, the first ones

    def reject(self, line: int, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_REJECTED_REPORTED:
            self.rejected.append({"line": line, "reason": reason})


def members_import(*, source: IO[bytes], replace: bool = False) -> ImportReport:
    """Import the CSV `source` (header `member_number,email,last_name,valid_until`, any
    order, UTF-8). Merges by member number (a later line of the same number wins);
    with `replace`, members not in the file are removed. Rows that cannot be read are
    left out and reported by line. Raises ValidationError on `file` when the file is not
    a CSV with those columns; then nothing changes."""
    text = io.TextIOWrapper(getattr(source, "file", source), encoding="utf-8-sig", newline="")
    try:
        return _import(csv.reader(text), replace)
    finally:
        text.detach()  # the caller's file stays open


def _import(rows: Iterator[list[str]], replace: bool) -> ImportReport:
    try:
        header = [name.strip().lower() for name in next(rows)]
    except (StopIteration, UnicodeDecodeError, csv.Error):
        raise ValidationError({"file": ["The file is empty or not UTF-8 CSV."]}) from None
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ValidationError(
            {"file": [f"The first line must name the columns {', '.join(COLUMNS)}."]}
        )
    where = {name: header.index(name) for name in COLUMNS}
    report = ImportReport()
    batch_id = uuid.uuid4().hex
    with transaction.atomic():
        before = Member.objects.count()
        if connection.vendor == "postgresql":
            writer = _CopyWriter(batch_id)
        else:
            writer = _BulkWriter(batch_id, report)
        line = 1  # the header: a first data line that cannot be read is line 2
        try:
            for line, values in enumerate(rows, start=2):
                member = _parse(values, where, line, report)
                if member is not None:
                    writer.add(line, member)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ValidationError({"file": [f"Line {line + 1} cannot be read: {exc}"]}) from None
        writer.finish(report)
        touched = Member.objects.filter(import_batch=batch_id).count()
        if replace:
            report.removed, _ = Member.objects.exclude(import_batch=batch_id).delete()
        report.created = Member.objects.count() - before + report.removed
        report.updated = touched - report.created
    report.rejected.sort(key=lambda r: r["line"])
    return report


def _parse(values: list[str], where: dict[str, int], line: int, report: ImportReport):
    if not any(v.strip() for v in values):
        return None  # a blank line
    if len(values) < len(where):
        report.reject(line, "Fewer columns than the header names.")
        return None
    number = normalize_number(values[where["member_number"]])
    email = values[where["email"]].strip().lower()
    last_name = values[where["last_name"]].strip()
    until = values[where["valid_until"]].strip()
    reason = ""
    if not number or len(number) > 40 or "\x00" in number:
        reason = "The member number is missing or longer than 40 characters."
    elif not email and not last_name:
        reason = "Give an email or a last name to check members against."
    elif len(email) > 254 or len(last_name) > 100 or "\x00" in email + last_name:
        reason = "The email or last name is too long."
    elif email and not _is_email(email):
        reason = f"“{email[:80]}” is not an email address."
    if not reason:
        try:
            if not DATE_PATTERN.match(until):
                raise ValueError
            valid_until = date.fromisoformat(until)
        except ValueError:
            reason = "valid_until must be a date such as 2027-12-31."
    if reason:
        report.reject(line, reason)
        return None
    return (number, email, last_name, valid_until)


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


class _CopyWriter:
    """PostgreSQL: COPY batches into a temporary table, then one upsert from it."""

    def __init__(self, batch_id: str) -> None:
        self.batch_id = batch_id
        self.batch: list[tuple] = []
        with connection.cursor() as cursor:
            # Dropped at commit, or here if an outer transaction (a test) outlived it.
            cursor.execute("DROP TABLE IF EXISTS pg_temp.member_import")
            cursor.execute(
                "CREATE TEMPORARY TABLE member_import (line integer, number text, email text, "
                "last_name text, valid_until date) ON COMMIT DROP"
            )

    def add(self, line: int, member: tuple) -> None:
        self.batch.append((line, *member))
        if len(self.batch) >= BATCH_SIZE:
            self._flush()

    def _flush(self) -> None:
        with connection.cursor() as cursor:
            copy_sql = "COPY member_import (line, number, email, last_name, valid_until) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in self.batch:
                    copy.write_row(row)
        self.batch = []

    def finish(self, report: ImportReport) -> None:
        self._flush()
        table = Member._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.line, t.number FROM member_import t WHERE EXISTS (SELECT 1 FROM "
                "member_import u WHERE u.number = t.number AND u.line > t.line) "
                "ORDER BY t.line LIMIT %s",
                [MAX_REJECTED_REPORTED],
            )
            for line, number in cursor.fetchall():
                report.reject(
                    line, f"Member number {number} appears again later; the later line counts."
                )
            cursor.execute(
                f"INSERT INTO {table} (number, email, last_name, valid_until, import_batch) "
                "SELECT DISTINCT ON (number) number, email, last_name, valid_until, %s "
                "FROM member_import ORDER BY number, line DESC "
                "ON CONFLICT (number) DO UPDATE SET email = EXCLUDED.email, "
                "last_name = EXCLUDED.last_name, valid_until = EXCLUDED.valid_until, "
                "import_batch = EXCLUDED.import_batch",
                [self.batch_id],
            )


class _BulkWriter:
    """Other databases (the development SQLite): bulk upserts, a batch at a time (a number
    twice within one batch is reported; across batches the later line wins silently)."""

    def __init__(self, batch_id: str, report: ImportReport) -> None:
        self.batch_id = batch_id
        self.report = report
        self.batch: dict[str, tuple[int, Member]] = {}

    def add(self, line: int, member: tuple) -> None:
        number, email, last_name, valid_until = member
        if number in self.batch:
            self.report.reject(
                self.batch[number][0],
                f"Member number {number} appears again later; the later line counts.",
            )
        self.batch[number] = (
            line,
            Member(
                number=number,
                email=email,
                last_name=last_name,
                valid_until=valid_until,
                import_batch=self.batch_id,
            ),
        )
        if len(self.batch) >= BATCH_SIZE:
            self._flush()

    def _flush(self) -> None:
        Member.objects.bulk_create(
            [member for _, member in self.batch.values()],
            update_conflicts=True,
            unique_fields=["number"],
            update_fields=["email", "last_name", "valid_until", "import_batch"],
        )
        self.batch = {}

    def finish(self, report: ImportReport) -> None:
        self._flush()
