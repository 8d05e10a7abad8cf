"""PDF documents of a registration: the receipt and the invoice (reportlab)."""

import io
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from registrations.models import Registration


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _document(registration: Registration, title: str, extra_lines: list[str]) -> bytes:
    event = registration.event
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{title} {registration.reference}")
    width, height = A4
    y = height - 25 * mm

    def line(text: str, size: int = 10, bold: bool = False, gap: float = 6) -> None:
        nonlocal y
        if y < 25 * mm:
            pdf.showPage()
            y = height - 25 * mm
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        pdf.drawString(20 * mm, y, text)
        y -= gap * mm

    line(title, 20, bold=True, gap=10)
    line(f"Reference: {registration.reference}", 12, bold=True)
    line(f"Date: {timezone.localdate():%B %d, %Y}")
    line(f"Event: {event.name}")
    line(f"When: {event.local(event.starts_at):%B %d, %Y} – {event.local(event.ends_at):%B %d, %Y}")
    if event.venue:
        line(f"Where: {event.venue}")
    line(
        f"Billed to: {registration.buyer_first_name} {registration.buyer_last_name} "
        f"<{registration.buyer_email}>",
        gap=10,
    )
    line("Items", 12, bold=True)
    for attendee in registration.attendees.all():
        line(
            f"{attendee.full_name} — {attendee.ticket_type.name}: "
            f"{_money(attendee.ticket_price, registration.currency)}"
        )
        if attendee.discount:
            line(f"    Discount: -{_money(attendee.discount, registration.currency)}")
        for choice in attendee.choices.all():
            if choice.price:
                line(f"    {choice.session.title}: {_money(choice.price, registration.currency)}")
    y -= 4 * mm
    line(f"Total: {_money(registration.total, registration.currency)}", 12, bold=True)
    line(f"Paid: {_money(registration.amount_paid, registration.currency)}")
    if registration.amount_refunded:
        line(f"Refunded: {_money(registration.amount_refunded, registration.currency)}")
    y -= 4 * mm
    for text in extra_lines:
        line(text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def receipt_pdf(registration: Registration) -> bytes:
    return _document(
        registration,
        "Receipt",
        [
            f"Thank you. Manage your registration at {settings.SITE_URL}{registration.get_absolute_url()}"
        ],
    )


def invoice_pdf(registration: Registration) -> bytes:
    due = registration.expires_at
    return _document(
        registration,
        "Invoice",
        [
            f"Amount due: {_money(registration.amount_due, registration.currency)}",
            f"Payment due by: {registration.event.local(due):%B %d, %Y}" if due else "",
            f"Please pay by bank transfer quoting the reference {registration.reference}.",
            "Your seats are held until the due date; they are released if unpaid.",
        ],
    )
