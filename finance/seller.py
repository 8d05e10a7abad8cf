"""Who issues the invoices: the INVOICE_ISSUER_* settings, each overridable per event."""

from django.conf import settings

from events.models import Event


def seller_for(event: Event) -> dict[str, str]:
    return {
        "name": event.invoice_issuer_name or settings.INVOICE_ISSUER_NAME,
        "address": event.invoice_issuer_address or settings.INVOICE_ISSUER_ADDRESS,
        "tax_id": event.invoice_issuer_tax_id or settings.INVOICE_ISSUER_TAX_ID,
        "bank_details": event.invoice_bank_details or settings.INVOICE_BANK_DETAILS,
    }
