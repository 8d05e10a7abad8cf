"""The organizer's finance API: the report, and the invoice register (CSV, Excel)."""

from decimal import Decimal

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AuditEntry
from audit.request import audit_request
from config.money import money_amount
from events.models import Event
from events.permissions import IsOrganizer, Perm, organizer_event
from finance.report import REGISTER_COLUMNS, finance_report, register_rows
from payments.services.fees import payment_fees_collect
from registrations.organizer.exports import csv_response, xlsx_response

FILE = OpenApiResponse(response=OpenApiTypes.BINARY, description="The invoice register.")


def report_data(event: Event) -> dict:
    """The report as JSON: amounts as decimal strings (API.md's money)."""
    payment_fees_collect(event_id=event.pk)  # the provider's fees not asked yet
    return _jsonable(finance_report(event=event))


def _jsonable(value):
    if isinstance(value, Decimal):
        return money_amount(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


class FinanceReportView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=OpenApiResponse(description="The finance report (README)."))
    def get(self, request: Request, slug: str) -> Response:
        """Gross, discounts, refunds, net, tax, billed, outstanding and overdue; received,
        returned and card fees; by payment method, ticket type, session fee, promo code."""
        event = organizer_event(request, slug, Perm.MONEY)
        return Response({"event": event.slug, **report_data(event)})


class RegisterFileView(APIView):
    """A file: any Accept header gets it (errors are JSON)."""

    permission_classes = [IsOrganizer]
    file_format = "csv"

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "application/octet-stream"): FILE})
    def get(self, request: Request, slug: str) -> HttpResponse:
        event = organizer_event(request, slug, Perm.MONEY)
        audit_request(
            request,
            action=AuditEntry.Action.EXPORT,
            event=event,
            details={"format": f"invoices.{self.file_format}", "filters": []},
        )
        rows = ([row[c] for c in REGISTER_COLUMNS] for row in register_rows(event=event))
        filename = f"{event.slug}-invoices.{self.file_format}"
        if self.file_format == "xlsx":
            return xlsx_response(
                REGISTER_COLUMNS, rows, tz=event.tzinfo, filename=filename, sheet_title="Invoices"
            )
        return csv_response(REGISTER_COLUMNS, rows, tz=event.tzinfo, filename=filename)


class RegisterXlsxView(RegisterFileView):
    file_format = "xlsx"
