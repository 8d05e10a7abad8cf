from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the application, never edited by hand."""

    list_display = ["created_at", "action", "actor_username", "event", "target", "ip_address"]
    list_filter = ["action", "event", "created_at"]
    search_fields = ["target", "actor_username"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
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
