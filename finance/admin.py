"""Invoices and credit notes in the admin: to read, never to change (they are issued
documents; a correction is a credit note, issued by the services)."""

from django.contrib import admin

from events.permissions import events_managed_by
from finance.models import Invoice


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "issue_date", "reference", "total", "currency"]
    list_filter = ["kind", "year"]
    search_fields = ["number", "reference", "buyer"]
    ordering = ["-year", "-sequence"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(registration__event__in=events_managed_by(request.user))
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
