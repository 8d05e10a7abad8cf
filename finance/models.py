"""Invoices and credit notes: numbered, immutable documents.

An invoice is written once, when it is issued, with everything it shows (seller, buyer,
lines, amounts, dates, paper), and never changed: its PDF is rendered from these stored
values only (finance.pdf), so it reads the same whatever happens to the registration
afterwards. A change is a new document: a credit note (negative amounts, referring to
its invoice), and where needed a new invoice.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registrations.models import Registration


class ImmutableDocument(Exception):
    """An issued invoice or credit note cannot be changed or deleted."""


class InvoiceCounter(models.Model):
    """The last number used in one series (prefix and year). Incremented in the
    transaction that issues the document, so a number is used once the document commits,
    and given back (no gap) if it rolls back; the row's lock orders concurrent issuers."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="invoice_counter_per_series")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}: {self.last_number}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    number = models.CharField(max_length=40, unique=True)
    prefix = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    refers_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        help_text=_("The invoice a credit note corrects."),
    )
    issued_at = models.DateTimeField()
    issue_date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3)
    # Amounts as the document shows them: negative on a credit note.
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    discount = models.DecimalField(max_digits=12, decimal_places=2)
    tax = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    tax_name = models.CharField(max_length=40, blank=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    prices_include_tax = models.BooleanField(default=False)
    # {name, address, tax_id, bank_details}; {organization, name, email, address lines,
    # tax_id, po_number}; [{description, amount}]; what the document says of the event.
    seller = models.JSONField()
    buyer = models.JSONField()
    lines = models.JSONField()
    reference = models.CharField(max_length=20)
    event_name = models.CharField(max_length=200)
    payment_method = models.CharField(max_length=10)
    paper = models.CharField(max_length=6)

    class Meta:
        ordering = ["prefix", "year", "sequence"]
        indexes = [models.Index(fields=["registration", "kind"], name="invoice_registration_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year", "sequence"], name="invoice_number_once"
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", refers_to__isnull=True)
                | Q(kind="credit_note", refers_to__isnull=False),
                name="invoice_credit_note_refers",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableDocument(f"{self.number} is issued and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocument(f"{self.number} is issued and cannot be deleted.")


class InvoicePdf(models.Model):
    """The PDF of a document as first rendered (finance.pdf, from the stored values), kept
    so that it is served byte for byte the same for ever, whatever later versions of the
    layout would draw."""

    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, primary_key=True, related_name="pdf"
    )
    content = models.BinaryField()
    rendered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.invoice_id}.pdf"
