"""Writing the audit log. The services that carry out an organizer's action call
`audit_record` in the action's transaction, so every path (page, API, admin, task)
records the same thing; it is the only writer of AuditEntry rows."""

from collections.abc import Mapping
from ipaddress import ip_address as parse_ip
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from audit.context import current_request
from audit.models import AuditEntry
from config.throttling import client_ip as throttled_client_ip
from events.models import Event

# Keys that would put personal data (or a secret) into the log: a programming error.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {
        "email",
        "to_email",
        "buyer_email",
        "first_name",
        "last_name",
        "name",
        "full_name",
        "token",
        "credentials",
        "npi",
        "license_number",
        "nabp_eprofile_id",
        "birth_mmdd",
        "member_number",
        "dietary_needs",
        "accessibility_needs",
        "client_secret",
    }
)


def _check_no_personal_data(target: str, details: Mapping[str, Any]) -> None:
    if "@" in target or len(target) > 100:
        raise ValueError("An audit target is a reference, never an email address or a token.")
    stack: list[Any] = [details]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            forbidden = FORBIDDEN_DETAIL_KEYS & {str(key).lower() for key in value}
            if forbidden:
                raise ValueError(f"Audit details must not hold personal data: {sorted(forbidden)}")
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)


_FROM_REQUEST: Any = object()


def audit_record(
    *,
    action: str,
    event: Event | None = None,
    target: str = "",
    details: Mapping[str, Any] | None = None,
    actor: AbstractBaseUser | AnonymousUser | None = _FROM_REQUEST,
    ip_address: str | None = None,
) -> AuditEntry:
    """Record that `actor` (None or anonymous: the system, or an attendee through their
    private link) did `action` (an AuditEntry.Action) on `target` of `event`. Without
    `actor`, the user and address of the request being served (audit.context); outside
    a request, the system.

    Call it after the action succeeded, inside the action's transaction where there is
    one, so that an action rolled back leaves no entry. Raises ValueError for an unknown
    action, or for a target or details that carry personal data (an email address, a
    name, a token): the log must stay free of what erasure removes.
    """
    if action not in AuditEntry.Action.values:
        raise ValueError(f"Unknown audit action: {action!r}")
    details = dict(details or {})
    _check_no_personal_data(target, details)
    if actor is _FROM_REQUEST:
        request = current_request()
        actor = getattr(request, "user", None)
        if actor is not None and actor.is_authenticated:  # an attendee's address is personal
            ip_address = ip_address or client_ip(request)
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=user,
        actor_username=user.get_username() if user is not None else "",
        action=action,
        event=event,
        target=target,
        details=details,
        ip_address=ip_address or None,
    )


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address as the rate limits see it; None when not a valid address."""
    try:
        return str(parse_ip(throttled_client_ip(request).strip()))
    except ValueError:
        return None


def audit_event_edited(*, event: Event, fields: list[str], via: str = "") -> None:
    """Listener of events.changes: an organizer edited the event (through the API, the
    admin or the workspace)."""
    details: dict[str, Any] = {"fields": fields}
    if via:
        details["via"] = via
    audit_record(action=AuditEntry.Action.EVENT_UPDATE, event=event, details=details)


def audit_team_changed(
    *, event: Event, username: str, role: str | None, previous: str | None
) -> None:
    """Listener of events.changes: a role on the event was given, changed or taken away."""
    audit_record(
        action=AuditEntry.Action.ROLE_CHANGE,
        event=event,
        target=username,
        details={"role": role, "previous_role": previous},
    )
