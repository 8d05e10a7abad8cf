"""Who may do what on an event: the one place that decides, for the organizer pages, the
organizer API and the admin alike.

A user works on an event in a role (EventRole); each role grants a set of permissions.
Superusers may do everything everywhere. Staff users with no role on an event see nothing
of it (404, as for an event that does not exist); with a role that lacks the permission
an action needs, the answer is 403 and nothing changes.

| permission | owner | finance | registration | check_in | viewer |
| --- | --- | --- | --- | --- | --- |
| view: dashboard, stats | yes | yes | yes | | yes |
| attendees: the attendee list and a registration's page | yes | yes | yes | | yes |
| export: CSV/XLSX, badges, rosters, CE report, venue needs | yes | yes | yes | | |
| check_in: the desk (search attendees, check in, print a found person's badge) | yes | | yes | yes | |
| registrations: substitute, cancel, resend | yes | | yes | | |
| money: refunds, mark paid, invoices, finance reports | yes | yes | | | |
| event: edit the event, tickets, sessions, promo codes, CE release | yes | | | | |
| team: give and take roles; the audit log | yes | | | | |
"""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from rest_framework import permissions

from events.models import Event, EventRole

Role = EventRole.Role


class Perm(StrEnum):
    VIEW = "view"
    ATTENDEES = "attendees"
    EXPORT = "export"
    CHECK_IN = "check_in"
    REGISTRATIONS = "registrations"
    MONEY = "money"
    EVENT = "event"
    TEAM = "team"


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.OWNER: frozenset(Perm),
    Role.FINANCE: frozenset({Perm.VIEW, Perm.ATTENDEES, Perm.EXPORT, Perm.MONEY}),
    Role.REGISTRATION: frozenset(
        {Perm.VIEW, Perm.ATTENDEES, Perm.EXPORT, Perm.CHECK_IN, Perm.REGISTRATIONS}
    ),
    Role.CHECK_IN: frozenset({Perm.CHECK_IN}),
    Role.VIEWER: frozenset({Perm.VIEW, Perm.ATTENDEES}),
}


def user_is_organizer(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def _roles_of(user: AbstractBaseUser) -> dict[int, str]:
    """Every role of the user, by event id: one query per user object (a request's)."""
    roles = user.__dict__.get("_event_roles")
    if roles is None:
        roles = dict(EventRole.objects.filter(user=user).values_list("event_id", "role"))
        user.__dict__["_event_roles"] = roles
    return roles


def role_of(user: AbstractBaseUser | AnonymousUser, event: Event) -> str | None:
    """The user's role on `event` ("owner" for superusers), or None."""
    if not user_is_organizer(user):
        return None
    if user.is_superuser:
        return Role.OWNER
    return _roles_of(user).get(event.pk)


def user_can_somewhere(
    user: AbstractBaseUser | AnonymousUser, perm: Perm | tuple[Perm, ...]
) -> bool:
    """Whether some event's role of the user grants `perm` (for the admin's lists)."""
    if not user_is_organizer(user):
        return False
    if user.is_superuser:
        return True
    wanted = set(perm if isinstance(perm, tuple) else (perm,))
    return any(ROLE_PERMISSIONS[role] & wanted for role in _roles_of(user).values())


def events_where(
    user: AbstractBaseUser | AnonymousUser, perm: Perm | tuple[Perm, ...]
) -> list[int]:
    """Ids of the events whose role of the user grants `perm` (not for superusers)."""
    if not user_is_organizer(user):
        return []
    wanted = set(perm if isinstance(perm, tuple) else (perm,))
    return [e for e, role in _roles_of(user).items() if ROLE_PERMISSIONS[role] & wanted]


def permissions_on(user: AbstractBaseUser | AnonymousUser, event: Event) -> frozenset[Perm]:
    role = role_of(user, event)
    return ROLE_PERMISSIONS.get(role, frozenset()) if role else frozenset()


def user_can(
    user: AbstractBaseUser | AnonymousUser, event: Event, perm: Perm | tuple[Perm, ...]
) -> bool:
    """Whether the user's role on `event` grants `perm` (any of them, for a tuple)."""
    wanted = perm if isinstance(perm, tuple) else (perm,)
    return bool(permissions_on(user, event) & set(wanted))


def permission_flags(user: AbstractBaseUser | AnonymousUser, event: Event) -> dict[str, bool]:
    """For templates: {"export": True, "money": False, ...}, to show only what one may do."""
    granted = permissions_on(user, event)
    return {perm.value: perm in granted for perm in Perm}


def user_can_manage_event(user: AbstractBaseUser | AnonymousUser, event: Event) -> bool:
    """Holds any role on the event (sees it)."""
    return role_of(user, event) is not None


def events_managed_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Event]:
    """The events the user holds a role on (every event for a superuser)."""
    if not user_is_organizer(user):
        return Event.objects.none()
    if user.is_superuser:
        return Event.objects.all()
    return Event.objects.filter(roles__user=user).distinct()


def check_permission(
    user: AbstractBaseUser | AnonymousUser, event: Event, perm: Perm | tuple[Perm, ...]
) -> None:
    """404 without a role on the event (it is not theirs to see), 403 without `perm`."""
    if not user_can_manage_event(user, event):
        raise Http404
    if not user_can(user, event, perm):
        raise PermissionDenied("Your role on this event does not allow this.")


def search_permission(perm: Perm, *, searching: bool) -> Perm | tuple[Perm, ...]:
    """The desk finds one person (a search, `q`): the check-in role may do that on the
    attendee list and print that person's badge, without the whole list or export."""
    return (perm, Perm.CHECK_IN) if searching else perm


class IsOrganizer(permissions.BasePermission):
    """For the organizer API: active staff. Object access (this event, this permission) is
    checked by `organizer_event()`."""

    def has_permission(self, request, view) -> bool:
        return user_is_organizer(request.user)


def organizer_event(
    request: HttpRequest, slug: str, perm: Perm | tuple[Perm, ...] = Perm.VIEW
) -> Event:
    """The event at `slug` if this user may do `perm` there: 404 if it does not exist or
    they hold no role on it (no existence leak), 403 if their role does not allow `perm`."""
    event = Event.objects.select_related("venue").filter(slug=slug).first()
    if event is None:
        raise Http404
    check_permission(request.user, event, perm)
    return event
