"""Recording an action from the request that did it, where no service owns the action:
reads of personal data (exports, an attendee's own download). Writes are recorded by
their services (audit.services.audit_record takes the actor from the request)."""

from typing import Any

from django.http import HttpRequest

from audit.models import AuditEntry
from audit.services import audit_record, client_ip
from events.models import Event

__all__ = ["audit_request", "client_ip"]


def audit_request(
    request: HttpRequest,
    *,
    action: str,
    event: Event | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """audit_record with the request's user and address."""
    return audit_record(
        actor=getattr(request, "user", None),
        action=action,
        event=event,
        target=target,
        details=details,
        ip_address=client_ip(request),
    )
