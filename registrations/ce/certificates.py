"""The CE certificate of an attendee, as a PDF (reportlab; text stays extractable)."""

import io
from datetime import date
from decimal import Decimal
from functools import cache
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from registrations.ce.selectors import AttendeeCredits, attendee_credentials, credited_sessions
from registrations.models import Attendee, Profession

CREDENTIAL_LABELS = {
    "npi": "NPI",
    "license_number": "License number",
    "license_state": "License state",
    "nabp_eprofile_id": "NABP e-Profile ID",
}
# birth_mmdd goes to the accreditor (ce-report.csv) only: a certificate is shown to
# employers and boards, and a birth date adds nothing to identify the holder there.
ON_CERTIFICATE = tuple(CREDENTIAL_LABELS)


@cache
def _fonts() -> tuple[str, str]:
    """DejaVu Sans where installed (names in Polish, Greek, Cyrillic...), else Helvetica."""
    try:
        pdfmetrics.registerFont(TTFont("CertSans", "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont("CertSans-Bold", "DejaVuSans-Bold.ttf"))
    except (TTFError, OSError):
        return "Helvetica", "Helvetica-Bold"
    return "CertSans", "CertSans-Bold"


def _day(value: date) -> str:
    return f"{value:%B} {value.day}, {value:%Y}"


def _hours(value: Decimal) -> str:
    return f"{value:.2f}"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=20, leading=26, alignment=1),
        "name": ParagraphStyle("name", fontName=bold, fontSize=18, leading=24, alignment=1),
        "event": ParagraphStyle("event", fontName=bold, fontSize=14, leading=18, alignment=1),
        "center": ParagraphStyle("center", fontName=regular, fontSize=11, leading=15, alignment=1),
        "body": ParagraphStyle("body", fontName=regular, fontSize=10, leading=13),
        "bold": ParagraphStyle("bold", fontName=bold, fontSize=11, leading=15),
    }


def _text(value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(value), style)


def certificate_pdf(attendee: Attendee) -> bytes:
    """The attendee's CE certificate: name, profession and identifiers, the event, each
    credited session with its date and hours, the total and the date of issue.

    Renders what is credited now; whether the attendee may have it (released, confirmed,
    hours > 0) is `services.certificate_check_available`'s business.
    """
    return certificate_pdf_from_credits(credited_sessions(attendee=attendee))


def certificate_pdf_from_credits(credits: AttendeeCredits) -> bytes:
    """The certificate of `credits.attendee` from credits already read."""
    attendee = credits.attendee
    event = attendee.registration.event
    released = event.certificates_released_at
    # The day in the event's zone (UTC's may already be the next day, or still the last).
    issued = event.local(released or timezone.now()).date()
    styles = _styles()
    story = [
        *_heading(attendee, styles),
        _sessions_table(credits, styles),
        Spacer(1, 10 * mm),
        _text(f"Total: {_hours(credits.total_hours)} credit hours", styles["bold"]),
        _text(f"Date of issue: {_day(issued)}", styles["body"]),
        _text(f"Registration reference: {attendee.registration.reference}", styles["body"]),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"CE certificate – {attendee.full_name} – {event.name}",
        author=event.name,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=25 * mm,
        bottomMargin=20 * mm,
    )
    document.build(story)
    return buffer.getvalue()


def _heading(attendee: Attendee, styles: dict[str, ParagraphStyle]) -> list:
    event = attendee.registration.event
    first_day, last_day = event.local(event.starts_at).date(), event.local(event.ends_at).date()
    dates = _day(first_day) if first_day == last_day else f"{_day(first_day)} – {_day(last_day)}"
    profession = Profession(attendee.profession).label if attendee.profession else "—"
    identifiers = attendee_credentials(attendee)
    heading = [
        _text("Certificate of Continuing Education", styles["title"]),
        Spacer(1, 8 * mm),
        _text("This certifies that", styles["center"]),
        Spacer(1, 2 * mm),
        _text(attendee.full_name, styles["name"]),
        _text(f"Profession: {profession}", styles["center"]),
    ]
    for name in ON_CERTIFICATE:
        if name in identifiers:
            label = CREDENTIAL_LABELS[name]
            heading.append(_text(f"{label}: {identifiers[name]}", styles["center"]))
    return [
        *heading,
        Spacer(1, 4 * mm),
        _text("attended the following sessions of", styles["center"]),
        _text(event.name, styles["event"]),
        _text(dates + (f" · {event.venue}" if event.venue else ""), styles["center"]),
        Spacer(1, 8 * mm),
    ]


def _sessions_table(credits: AttendeeCredits, styles: dict[str, ParagraphStyle]) -> Table:
    event = credits.attendee.registration.event
    regular, bold = _fonts()
    rows = [["Date", "Session", "Hours"]]
    for item in credits.sessions:
        rows.append(
            [
                _day(event.local(item.session.starts_at).date()),
                _text(item.session.title, styles["body"]),
                _hours(item.hours),
            ]
        )
    rows.append(["", _text("Total credit hours", styles["bold"]), _hours(credits.total_hours)])
    table = Table(rows, colWidths=[40 * mm, 105 * mm, 20 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), regular),
                ("FONTNAME", (0, 0), (-1, 0), bold),
                ("FONTNAME", (0, -1), (-1, -1), bold),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ]
        )
    )
    return table
