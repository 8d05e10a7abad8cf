"""Reads of invoices: a registration's documents as the API lists them, one by number."""

from django.db.models import QuerySet
from django.urls import reverse

from config.money import money_amount
from finance.models import Invoice
from registrations.models import Registration


def invoices_of(registration: Registration) -> list[Invoice]:
    """Its invoices and credit notes in the order they were issued (prefetched as
    `invoices` by registrations.selectors, or read)."""
    return sorted(registration.invoices.all(), key=lambda i: (i.issued_at, i.id))


def open_invoice(registration: Registration) -> Invoice | None:
    """The registration's invoice in force: the latest one (earlier ones were credited
    in full when it replaced them)."""
    return (
        Invoice.objects.filter(registration=registration, kind=Invoice.Kind.INVOICE)
        .order_by("-issued_at", "-id")
        .first()
    )


# What lists of invoices read: not the stored seller, buyer and lines.
LISTED_FIELDS = tuple(
    f.name for f in Invoice._meta.concrete_fields if f.name not in ("seller", "buyer", "lines")
)


def invoices_listed() -> QuerySet[Invoice]:
    """Invoices as lists show them (number, kind, dates, amounts, the number they
    correct): LISTED_FIELDS."""
    return Invoice.objects.select_related("refers_to").only(*LISTED_FIELDS, "refers_to__number")


def invoice_path(registration: Registration, invoice: Invoice) -> str:
    return reverse(
        "finance:document", kwargs={"token": registration.token, "number": invoice.number}
    )


def invoices_data(registration: Registration, absolute=lambda path: path) -> list[dict]:
    """`invoices[]` of a registration's answer (API.md)."""
    return [
        {
            "number": invoice.number,
            "kind": invoice.kind,
            "issued_at": registration.event.local(invoice.issued_at).isoformat(),
            "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
            "refers_to": invoice.refers_to.number if invoice.refers_to_id else None,
            "subtotal": money_amount(invoice.subtotal),
            "discount": money_amount(invoice.discount),
            "tax": money_amount(invoice.tax),
            "total": money_amount(invoice.total),
            "currency": invoice.currency,
            "url": absolute(invoice_path(registration, invoice)),
        }
        for invoice in invoices_of(registration)
    ]


def invoice_by_number(*, registration: Registration, number: str) -> Invoice:
    """Raises Invoice.DoesNotExist unless `number` is one of the registration's."""
    return Invoice.objects.select_related("refers_to").get(registration=registration, number=number)


def event_invoices(*, event_id: int) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(registration__event_id=event_id)
        .select_related("refers_to", "registration")
        .order_by("prefix", "year", "sequence")
    )
