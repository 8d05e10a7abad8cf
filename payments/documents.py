"""The receipt of a registration (reportlab): what it costs, every payment received and
every refund, as they stand when it is downloaded. Invoices and credit notes are
finance's: numbered documents fixed when issued (finance.pdf)."""

import io

from django.conf import settings
from django.utils import timezone
from reportlab.pdfgen import canvas

from config.money import money_text
from finance.pdf import PAPERS, Page, register_fonts
from finance.selectors import invoices_of
from payments.models import Payment, Refund
from payments.providers import get_provider
from registrations.models import Registration


def receipt_pdf(registration: Registration) -> bytes:
    register_fonts()
    event, currency = registration.event, registration.currency
    buffer = io.BytesIO()
    size = PAPERS[settings.INVOICE_PAPER]
    pdf = canvas.Canvas(buffer, pagesize=size)
    pdf.setTitle(f"Receipt {registration.reference}")
    page = Page(pdf, size)
    page.text("Receipt", size=18, bold=True)
    page.gap()
    page.text(f"Registration: {registration.reference}", bold=True)
    page.text(f"Date: {timezone.localdate():%B %d, %Y}")
    page.text(f"Event: {event.name}")
    page.text(f"Registered by: {registration.buyer_first_name} {registration.buyer_last_name}")
    if registration.billing.get("organization"):
        page.text(f"Organization: {registration.billing['organization']}")
    if registration.billing.get("po_number"):
        page.text(f"PO number: {registration.billing['po_number']}")
    numbers = [i.number for i in invoices_of(registration)]
    if numbers:
        page.text(f"Invoices and credit notes: {', '.join(numbers)}")
    page.gap()
    for attendee in registration.attendees.all():
        page.text(f"{attendee.full_name}: {attendee.ticket_type.name}")
    page.gap()
    page.row("Total", money_text(registration.total, currency, localize=False), bold=True)
    page.gap()
    page.text("Payments received", bold=True)
    for payment in registration.payments.filter(status=Payment.Status.SUCCEEDED).order_by(
        "succeeded_at", "id"
    ):
        when = payment.succeeded_at or payment.created_at
        how = "Card payment" if get_provider(payment.provider).online else "Payment received"
        label = f"{when:%B %d, %Y}: {how}"
        if payment.note:
            label += f" ({payment.note})"
        page.row(label, money_text(payment.amount, currency, localize=False))
    refunds = Refund.objects.filter(
        payment__registration=registration, status=Refund.Status.SUCCEEDED
    ).order_by("created_at", "id")
    if refunds:
        page.gap()
        page.text("Refunds", bold=True)
        for refund in refunds:
            label = f"{refund.created_at:%B %d, %Y}: {refund.reason or 'Refund'}"
            page.row(label, money_text(-refund.amount, currency, localize=False))
    page.gap()
    page.row("Paid", money_text(registration.amount_paid, currency, localize=False))
    if registration.amount_refunded:
        page.row("Refunded", money_text(registration.amount_refunded, currency, localize=False))
    due = registration.amount_due if registration.holds_seats else 0
    page.row("Amount due", money_text(due, currency, localize=False), bold=True)
    page.gap()
    page.text(f"Manage your registration at {settings.SITE_URL}{registration.get_absolute_url()}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
