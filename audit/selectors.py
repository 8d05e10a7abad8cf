"""Reads of the audit log."""

from django.db.models import QuerySet

from audit.models import AuditEntry
from events.models import Event


def audit_entries_for_event(*, event: Event, action: str | None = None) -> QuerySet[AuditEntry]:
    """The event's entries, newest first (one query per page: nothing is joined)."""
    entries = AuditEntry.objects.filter(event=event)
    if action:
        entries = entries.filter(action=action)
    return entries.order_by("-created_at", "-id")
