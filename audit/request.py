"""Recording an organizer's action from the request that did it."""

from ipaddress import ip_address
from typing import Any

from django.http import HttpRequest

from audit.models import AuditEntry
from audit.services import audit_record
from config.throttling import client_ip as throttled_client_ip
from events.models import Event


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address as the rate limits see it; None when not a valid address."""
    try:
        return str(ip_address(throttled_client_ip(request).strip()))
    except ValueError:
        return None


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
