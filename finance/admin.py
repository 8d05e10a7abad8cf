"""Invoices and credit notes in the admin: to read, never to change (they are issued
documents; a correction is a credit note, issued by the services)."""

from django.contrib import admin

from events.admin_scope import EventScopedAdmin
from events.permissions import Perm
from finance.models import Invoice


@admin.register(Invoice)
class InvoiceAdmin(EventScopedAdmin, admin.ModelAdmin):
    """Read by those who handle the event's money (events.admin_scope)."""

    event_path = "registration__event"
    view_perm = change_perm = Perm.MONEY
    list_display = ["number", "kind", "issue_date", "reference", "total", "currency"]
    list_filter = ["kind", "year"]
    search_fields = ["number", "reference", "buyer"]
    ordering = ["-year", "-sequence"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
