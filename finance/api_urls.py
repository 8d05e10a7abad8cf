"""The finance API, mounted at /api/v1/ (see config/urls.py)."""

from django.urls import path

from finance import api

EVENT = "organizer/events/<slug:slug>/finance/"

urlpatterns = [
    path(EVENT, api.FinanceReportView.as_view(), name="api-org-finance"),
    path(f"{EVENT}invoices.csv", api.RegisterFileView.as_view(), name="api-org-invoices-csv"),
    path(f"{EVENT}invoices.xlsx", api.RegisterXlsxView.as_view(), name="api-org-invoices-xlsx"),
]
