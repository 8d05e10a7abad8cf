from django.contrib import admin

from audit.models import AuditEntry
from events.admin_scope import EventScopedAdmin
from events.permissions import Perm


@admin.register(AuditEntry)
class AuditEntryAdmin(EventScopedAdmin, admin.ModelAdmin):
    """Read-only: the log is written by the application, never edited by hand."""

    list_display = ["created_at", "action", "actor_username", "event", "target", "ip_address"]
    list_filter = ["action", "event", "created_at"]
    search_fields = ["target", "actor_username"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    view_perm = change_perm = Perm.TEAM
    readonly_fields = [
        "created_at",
        "action",
        "actor",
        "actor_username",
        "event",
        "target",
        "details",
        "ip_address",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
