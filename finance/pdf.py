"""Invoice and credit-note PDFs, rendered from the stored document only (never from the
registration), with reportlab's invariant mode: the same document gives the same PDF,
byte for byte, whenever it is downloaded.

Text is set in DejaVu Sans (Latin, Greek, Cyrillic: "Łukasiewicz", "Παπαδόπουλος",
"Ольга" print as written), from the font files of Debian's fonts-dejavu-core
(INVOICE_FONT_DIR); nothing is fetched at run time.
"""

import io
import logging
from decimal import Decimal
from pathlib import Path

import reportlab
from django.conf import settings
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from config.money import money_text
from finance.models import Invoice, InvoicePdf

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAPERS = {"letter": LETTER, "a4": A4}
MARGIN = 18 * mm
logger = logging.getLogger(__name__)


def register_fonts() -> None:
    """Load DejaVu Sans once per process. Without Debian's font files (a development
    machine without fonts-dejavu-core) reportlab's own Bitstream Vera stands in, with a
    warning: Latin prints, Greek and Cyrillic do not."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(settings.INVOICE_FONT_DIR)
    files = {FONT: folder / "DejaVuSans.ttf", FONT_BOLD: folder / "DejaVuSans-Bold.ttf"}
    if not all(path.exists() for path in files.values()):
        logger.warning("%s has no DejaVu Sans: install fonts-dejavu-core", folder)
        vera = Path(reportlab.__file__).parent / "fonts"
        files = {FONT: vera / "Vera.ttf", FONT_BOLD: vera / "VeraBd.ttf"}
    for name, path in files.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))


class Page:
    """A column of text lines that turns the page when it is full."""

    def __init__(self, pdf: canvas.Canvas, size: tuple[float, float]) -> None:
        self.pdf, (self.width, self.height) = pdf, size
        self.y = self.height - MARGIN

    def room(self, needed: float) -> None:
        if self.y - needed < MARGIN:
            self.pdf.showPage()
            self.y = self.height - MARGIN

    def text(self, text: str, *, size: float = 10, bold: bool = False, x: float = MARGIN) -> None:
        self.room(size * 1.5)
        self.pdf.setFont(FONT_BOLD if bold else FONT, size)
        for part in _wrap(text, FONT_BOLD if bold else FONT, size, self.width - x - MARGIN):
            self.room(size * 1.5)
            self.pdf.drawString(x, self.y, part)
            self.y -= size * 1.4

    def row(self, left: str, right: str, *, bold: bool = False, size: float = 10) -> None:
        """A description and, right-aligned, an amount."""
        font = FONT_BOLD if bold else FONT
        parts = _wrap(left, font, size, self.width - 2 * MARGIN - 40 * mm)
        self.room(size * 1.5 * len(parts))
        self.pdf.setFont(font, size)
        self.pdf.drawRightString(self.width - MARGIN, self.y, right)
        for part in parts:
            self.pdf.drawString(MARGIN, self.y, part)
            self.y -= size * 1.4

    def gap(self, points: float = 8) -> None:
        self.y -= points

    def rule(self) -> None:
        self.room(6)
        self.pdf.line(MARGIN, self.y + 4, self.width - MARGIN, self.y + 4)
        self.y -= 6


def invoice_pdf_kept(invoice: Invoice) -> bytes:
    """The document's PDF as first rendered: rendered and kept on its first download
    (outside the issuing transaction, which holds the number's lock), then served as
    kept."""
    kept = InvoicePdf.objects.filter(invoice=invoice).values_list("content", flat=True).first()
    if kept is not None:
        return bytes(kept)
    content = invoice_pdf(invoice)
    InvoicePdf.objects.get_or_create(invoice=invoice, defaults={"content": content})
    return bytes(InvoicePdf.objects.get(invoice=invoice).content)


def invoice_pdf(invoice: Invoice) -> bytes:
    """The document as issued: seller, buyer and PO number, lines, discount, tax, total,
    due date (an invoice) or the invoice it corrects (a credit note)."""
    register_fonts()
    buffer = io.BytesIO()
    size = PAPERS.get(invoice.paper, LETTER)
    pdf = canvas.Canvas(buffer, pagesize=size, invariant=1)
    is_credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    title = "Credit note" if is_credit else "Invoice"
    pdf.setTitle(f"{title} {invoice.number}")
    pdf.setAuthor(invoice.seller.get("name", ""))
    page = Page(pdf, size)
    page.text(f"{title} {invoice.number}", size=18, bold=True)
    page.gap()
    _seller(page, invoice.seller)
    page.gap()
    _facts(page, invoice)
    page.gap()
    page.text("Bill to", bold=True)
    for line in buyer_lines(invoice.buyer):
        page.text(line)
    page.gap()
    _amounts(page, invoice)
    page.gap(12)
    _closing(page, invoice)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _seller(page: Page, seller: dict) -> None:
    page.text(seller.get("name", ""), size=12, bold=True)
    for line in (seller.get("address") or "").splitlines():
        page.text(line)
    if seller.get("tax_id"):
        page.text(f"Tax id: {seller['tax_id']}")


def _facts(page: Page, invoice: Invoice) -> None:
    page.text(f"Number: {invoice.number}", bold=True)
    page.text(
        f"Date of issue: {invoice.issue_date:%B} {invoice.issue_date.day}, {invoice.issue_date:%Y}"
    )
    if invoice.refers_to_id:
        page.text(f"Corrects invoice: {invoice.refers_to.number}")
        if invoice.reason:
            page.text(f"Reason: {invoice.reason}")
    elif invoice.due_date:
        page.text(f"Due date: {invoice.due_date:%B} {invoice.due_date.day}, {invoice.due_date:%Y}")
    if invoice.buyer.get("po_number"):
        page.text(f"PO number: {invoice.buyer['po_number']}", bold=True)
    page.text(f"Registration: {invoice.reference}, {invoice.event_name}")


def buyer_lines(buyer: dict) -> list[str]:
    place = " ".join(p for p in (buyer.get("postal_code"), buyer.get("city")) if p)
    lines = [
        buyer.get("organization", ""),
        f"Attn. {buyer['name']}" if buyer.get("organization") else buyer.get("name", ""),
        buyer.get("address_line1", ""),
        buyer.get("address_line2", ""),
        ", ".join(p for p in (place, buyer.get("region")) if p),
        buyer.get("country", ""),
        f"Tax id: {buyer['tax_id']}" if buyer.get("tax_id") else "",
        buyer.get("email", ""),
    ]
    return [line for line in lines if line]


def _amounts(page: Page, invoice: Invoice) -> None:
    currency = invoice.currency
    page.row("Description", "Amount", bold=True)
    page.rule()
    for line in invoice.lines:
        page.row(line["description"], money_text(Decimal(line["amount"]), currency, localize=False))
    page.rule()
    page.row("Subtotal", _m(invoice.subtotal, currency))
    if invoice.discount:
        page.row("Discounts", _m(-invoice.discount, currency))
        page.row("Net of discounts", _m(invoice.subtotal - invoice.discount, currency))
    if invoice.tax or invoice.tax_rate:
        name = invoice.tax_name or "Tax"
        rate = f"{invoice.tax_rate.normalize():f}%"
        label = f"{name} {rate} included" if invoice.prices_include_tax else f"{name} {rate}"
        page.row(label, _m(invoice.tax, currency))
    page.row("Total", _m(invoice.total, currency), bold=True, size=12)


def _closing(page: Page, invoice: Invoice) -> None:
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        page.text("This credit note reduces the amount billed by the invoice it corrects.")
        return
    if invoice.payment_method == "card":
        page.text("Paid by card at registration.")
        return
    bank = invoice.seller.get("bank_details") or ""
    page.text(f"Please pay by the due date, quoting {invoice.number}.")
    if bank:
        page.gap(4)
        page.text("Bank details", bold=True)
        for line in bank.splitlines():
            page.text(line)


def _m(amount: Decimal, currency: str) -> str:
    return money_text(amount, currency, localize=False)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` broken into lines that fit `width` (at spaces; a long word alone)."""
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(candidate, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current]
