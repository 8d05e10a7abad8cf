"""CSV and XLSX writers for attendee exports, rosters and the venue's needs list.

Both stream rows from an iterator in constant memory: CSV row by row into the response,
XLSX through openpyxl's write-only workbook (rows go to a temporary file, strings are
written inline, so nothing grows with the number of rows).

No cell can run as a formula when a spreadsheet opens the file: text that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return (or their full-width forms, which some
spreadsheet programs also accept) gets a leading `'`, in CSV and XLSX alike, and XLSX
text cells are typed as strings. Numbers (amounts) stay numbers; times are written in
the event's time zone.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO
from zoneinfo import ZoneInfo

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from config.money import money_amount
from events.models import Event, Session
from events.questions import answer_text
from registrations.organizer.selectors import (
    EXPORT_FIELDS,
    ROSTER_FIELDS,
    VENUE_NEEDS_FIELDS,
    AttendeeFilters,
    attendees_for_export,
    questions_for_export,
    session_roster,
    venue_needs,
)

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
COLUMN_WIDTHS = {"email": 30, "sessions": 45, "organization": 28, "job_title": 24}


def neutralise(text: str) -> str:
    """Text a spreadsheet would read as a formula, made inert with a leading quote."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_cell(value, tz: ZoneInfo) -> str | Decimal | int:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return money_amount(value)
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


class _Echo:
    """A file-like whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence], tz: ZoneInfo) -> Iterator[str]:
    """The CSV text, one line at a time: the header, then each row as it arrives."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_cell(value, tz) for value in row])


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence], *, tz: ZoneInfo, filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(header, rows, tz), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # personal data: no copies in caches
    return response


def _xlsx_cell(sheet, value, tz: ZoneInfo):
    if value is None:
        return None
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.astimezone(tz).replace(tzinfo=None))
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0.00"
        return cell
    if isinstance(value, bool | int | float | date):
        return value
    text = neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    # openpyxl reads a string as a formula only when it starts with "=", which neutralised
    # text never does: a plain string is written as a string cell (t="inlineStr").
    return text


def write_xlsx(
    target: IO[bytes],
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    tz: ZoneInfo,
    sheet_title: str,
) -> None:
    """Write a one-sheet workbook to `target` in openpyxl's write-only (streaming) mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(name, 16)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value, tz) for value in row])
    workbook.save(target)


def xlsx_response(
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    tz: ZoneInfo,
    filename: str,
    sheet_title: str,
) -> FileResponse:
    """The workbook, built in a temporary file (deleted once sent) and streamed from it."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write_xlsx(spool, header, rows, tz=tz, sheet_title=sheet_title)
    spool.seek(0)
    response = FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
    response["Cache-Control"] = "no-store"
    return response


# --- The organizer's exports ------------------------------------------------------------

EXPORT_CHUNK_SIZE = 2000


def _filename(event: Event, what: str, extension: str) -> str:
    today = event.local(timezone.now()).date()
    return f"{event.slug}-{what}-{today:%Y%m%d}.{extension}"


def _with_answers(event: Event, filters: AttendeeFilters) -> tuple[list[str], Iterator]:
    """The export's header and rows: the standard columns, then one per question (its
    label), each cell the answer as a person reads it."""
    questions = questions_for_export(event=event)
    rows = attendees_for_export(event=event, filters=filters, at=timezone.now())

    def flat() -> Iterator[list]:
        for *standard, answers in rows.iterator(chunk_size=EXPORT_CHUNK_SIZE):
            yield standard + [answer_text(q, (answers or {}).get(str(q.pk))) for q in questions]

    return list(EXPORT_FIELDS) + [q.label for q in questions], flat()


def attendees_csv(*, event: Event, filters: AttendeeFilters) -> StreamingHttpResponse:
    """The attendee export as CSV, streamed row by row from one query."""
    header, rows = _with_answers(event, filters)
    return csv_response(
        header,
        rows,
        tz=event.tzinfo,
        filename=_filename(event, "attendees", "csv"),
    )


def attendees_xlsx(*, event: Event, filters: AttendeeFilters) -> FileResponse:
    """The attendee export as an Excel workbook (write-only mode, one query)."""
    header, rows = _with_answers(event, filters)
    return xlsx_response(
        header,
        rows,
        tz=event.tzinfo,
        filename=_filename(event, "attendees", "xlsx"),
        sheet_title="Attendees",
    )


def roster_csv(*, session: Session) -> StreamingHttpResponse:
    """Who is expected in the session's room, with their check-in there."""
    event = session.event
    rows = session_roster(session=session, at=timezone.now())
    return csv_response(
        list(ROSTER_FIELDS),
        rows.iterator(chunk_size=EXPORT_CHUNK_SIZE),
        tz=event.tzinfo,
        filename=_filename(event, f"session-{session.pk}-roster", "csv"),
    )


def venue_needs_csv(*, event: Event) -> StreamingHttpResponse:
    """Dietary and accessibility needs of the attendees holding seats, for the venue."""
    rows = venue_needs(event=event, at=timezone.now())
    return csv_response(
        list(VENUE_NEEDS_FIELDS),
        rows.iterator(chunk_size=EXPORT_CHUNK_SIZE),
        tz=event.tzinfo,
        filename=_filename(event, "venue-needs", "csv"),
    )
