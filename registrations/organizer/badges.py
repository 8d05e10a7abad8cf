"""Printable name badges: eight to an A4 page (2 × 4, 95 × 68 mm, cut lines drawn), each
with the attendee's name, organization, ticket type, and the badge code as a QR code
(drawn as vector squares, so it prints sharp at any size) for check-in scanners.
"""

import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import IO

import reportlab
import segno
from django.http import FileResponse
from django.utils import timezone
from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from events.models import Event
from registrations.models import Attendee
from registrations.organizer.selectors import AttendeeFilters, attendees_filtered

BADGE_WIDTH, BADGE_HEIGHT = 95 * mm, 68 * mm
COLUMNS, ROWS = 2, 4
PADDING = 5 * mm
QR_SIDE = 30 * mm
GREY = Color(0.45, 0.45, 0.45)
BAND = Color(0.04, 0.36, 0.68)
# Fonts with more than Latin-1, so that names such as "Łukasz" or "Nguyễn" print: DejaVu
# where the system has it, else the Vera fonts that ship with reportlab.
FONT_CANDIDATES = [
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
    (
        Path(reportlab.__file__).parent / "fonts" / "Vera.ttf",
        Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf",
    ),
]


@cache
def fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered with reportlab once."""
    for regular, bold in FONT_CANDIDATES:
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("BadgeSans", str(regular)))
            pdfmetrics.registerFont(TTFont("BadgeSans-Bold", str(bold)))
            return "BadgeSans", "BadgeSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def fit_text(text: str, font: str, size: float, width: float, smallest: float) -> tuple[str, float]:
    """Shrink the font down to `smallest` until `text` fits `width`, then cut with "…"."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text, size
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…", size


def draw_qr(pdf: Canvas, code: str, x: float, y: float, side: float) -> None:
    """The QR code of `code` with its quiet zone, as filled squares (runs merged per row)."""
    qr = segno.make_qr(code, error="m")
    matrix = qr.matrix
    border = 4  # modules of quiet zone inside `side`, as the QR standard asks
    module = side / (len(matrix) + 2 * border)
    pdf.setFillColor(white)
    pdf.rect(x, y, side, side, stroke=0, fill=1)
    pdf.setFillColor(black)
    for row_index, row in enumerate(matrix):
        top = y + side - (row_index + border + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            left = x + (start + border) * module
            pdf.rect(left, top, (column - start) * module, module, stroke=0, fill=1)


def draw_badge(pdf: Canvas, attendee: Attendee, event: Event, x: float, y: float) -> None:
    regular, bold = fonts()
    pdf.setStrokeColor(GREY)
    pdf.setLineWidth(0.3)
    pdf.setDash(2, 2)
    pdf.rect(x, y, BADGE_WIDTH, BADGE_HEIGHT, stroke=1, fill=0)  # cut line
    pdf.setDash()
    text_width = BADGE_WIDTH - QR_SIDE - 3 * PADDING
    left, top = x + PADDING, y + BADGE_HEIGHT - PADDING

    pdf.setFillColor(GREY)
    line, size = fit_text(event.name, regular, 8, text_width, 6)
    pdf.setFont(regular, size)
    pdf.drawString(left, top - 8, line)

    pdf.setFillColor(black)
    # Fixed baselines, so that a long name, shrunk to fit, never runs into the next line.
    baseline = top - 8 - 9 * mm
    for text, font, size, smallest in (
        (attendee.first_name, bold, 22, 10),
        (attendee.last_name, bold, 16, 9),
    ):
        line, size = fit_text(text, font, size, text_width, smallest)
        pdf.setFont(font, size)
        pdf.drawString(left, baseline, line)
        baseline -= 7.5 * mm
    baseline += 0.5 * mm
    organization = simpleSplit(attendee.organization, regular, 9.5, text_width)
    if len(organization) > 2:
        organization = [
            organization[0],
            fit_text(" ".join(organization[1:]), regular, 9.5, text_width, 9.5)[0],
        ]
    for line in organization:
        pdf.setFont(regular, 9.5)
        pdf.drawString(left, baseline, line)
        baseline -= 4.2 * mm
    if attendee.job_title:
        line, size = fit_text(attendee.job_title, regular, 9, text_width, 7)
        pdf.setFillColor(GREY)
        pdf.setFont(regular, size)
        pdf.drawString(left, baseline, line)

    band_height = 9 * mm
    pdf.setFillColor(BAND)
    pdf.rect(x, y, BADGE_WIDTH, band_height, stroke=0, fill=1)
    pdf.setFillColor(white)
    line, size = fit_text(attendee.ticket_type.name, bold, 11, BADGE_WIDTH - 2 * PADDING, 7)
    pdf.setFont(bold, size)
    pdf.drawString(left, y + (band_height - size) / 2 + 1, line)

    qr_x = x + BADGE_WIDTH - PADDING - QR_SIDE
    qr_y = y + band_height + 6 * mm
    draw_qr(pdf, attendee.badge_code, qr_x, qr_y, QR_SIDE)
    pdf.setFillColor(black)
    pdf.setFont("Courier", 8)
    pdf.drawCentredString(qr_x + QR_SIDE / 2, qr_y - 3.5 * mm, attendee.badge_code)


def write_badges(target: IO[bytes], attendees: Iterable[Attendee], *, event: Event) -> int:
    """Write the badge sheet PDF of `attendees` (with ticket_type loaded) to `target`.
    Returns the number of badges. An empty list gives one page that says so."""
    pdf = Canvas(target, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Badges – {event.name}")
    pdf.setAuthor(event.name)
    page_width, page_height = A4
    margin_x = (page_width - COLUMNS * BADGE_WIDTH) / 2
    margin_y = (page_height - ROWS * BADGE_HEIGHT) / 2
    per_page = COLUMNS * ROWS
    count = 0
    for attendee in attendees:
        slot = count % per_page
        if count and slot == 0:
            pdf.showPage()
        column, row = slot % COLUMNS, slot // COLUMNS
        x = margin_x + column * BADGE_WIDTH
        y = page_height - margin_y - (row + 1) * BADGE_HEIGHT
        draw_badge(pdf, attendee, event, x, y)
        count += 1
    if count == 0:
        pdf.setFont(fonts()[0], 14)
        pdf.drawString(20 * mm, page_height - 30 * mm, "No attendees match these filters.")
    pdf.showPage()
    pdf.save()
    return count


def badges_pdf(*, event: Event, filters: AttendeeFilters) -> FileResponse:
    """The badge sheet of the attendees passing `filters`, opened inline for printing."""
    attendees = (
        attendees_filtered(event=event, filters=filters, at=timezone.now())
        .select_related("ticket_type")
        .iterator(chunk_size=500)
    )
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write_badges(spool, attendees, event=event)
    spool.seek(0)
    response = FileResponse(
        spool, filename=f"{event.slug}-badges.pdf", content_type="application/pdf"
    )
    response["Cache-Control"] = "no-store"
    return response
