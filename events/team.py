"""The team of an event: who holds which role (events.permissions says what each may do).
Owners manage it in the workspace, the API and the admin; every change is told to the
listeners of events.changes (the audit log records it) in its transaction."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from config.errors import InvalidState
from events.changes import team_changed
from events.models import Event, EventRole

Role = EventRole.Role


def _user(username: str):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({"username": ["No active user has this username."]})
    if not user.is_staff:
        raise ValidationError(
            {"username": ["This user cannot sign in to the organizer workspace (not staff)."]}
        )
    return user


def _keep_an_owner(event: Event, leaving: EventRole) -> None:
    others = EventRole.objects.filter(event=event, role=Role.OWNER).exclude(pk=leaving.pk)
    if not others.exists():
        raise InvalidState("An event keeps at least one owner: give someone else the role first.")


@transaction.atomic
def team_member_set(*, event: Event, username: str, role: str) -> EventRole:
    """Give `username` `role` on `event` (a new member, or a change of role). An event
    always keeps an owner. Raises ValidationError (unknown or non-staff user, unknown
    role), InvalidState (the last owner would go)."""
    if role not in Role.values:
        raise ValidationError({"role": [f"One of: {', '.join(Role.values)}."]})
    user = _user(username)
    Event.objects.select_for_update().filter(pk=event.pk).first()  # one team change at a time
    member = EventRole.objects.filter(event=event, user=user).first()
    previous = member.role if member else None
    if previous == role:
        return member
    if member is None:
        member = EventRole.objects.create(event=event, user=user, role=role)
    else:
        if previous == Role.OWNER:
            _keep_an_owner(event, member)
        member.role = role
        member.save(update_fields=["role"])
    team_changed(event, username=user.get_username(), role=role, previous=previous)
    return member


@transaction.atomic
def team_member_remove(*, event: Event, username: str) -> None:
    """Take `username`'s role on `event` away. Raises EventRole.DoesNotExist (not in the
    team), InvalidState (the last owner)."""
    Event.objects.select_for_update().filter(pk=event.pk).first()
    member = EventRole.objects.select_related("user").get(event=event, user__username=username)
    if member.role == Role.OWNER:
        _keep_an_owner(event, member)
    member.delete()
    team_changed(event, username=username, role=None, previous=member.role)


def team_of(*, event: Event) -> list[EventRole]:
    return list(
        EventRole.objects.filter(event=event).select_related("user").order_by("user__username")
    )
