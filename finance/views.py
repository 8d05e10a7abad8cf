"""An invoice or credit note as PDF, readable with its registration's secret token."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from finance import selectors
from finance.models import Invoice
from finance.pdf import invoice_pdf_kept
from registrations import selectors as registration_selectors


@require_GET
def document(request: HttpRequest, token: str, number: str) -> HttpResponse:
    registration = registration_selectors.registration_by_token_or_404(token=token)
    try:
        invoice = selectors.invoice_by_number(registration=registration, number=number)
    except Invoice.DoesNotExist:
        raise Http404 from None
    return pdf_response(invoice_pdf_kept(invoice), f"{invoice.number}.pdf")


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
