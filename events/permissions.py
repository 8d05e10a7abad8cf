"""Who may manage an event: superusers, and staff users listed as its organizers."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from events.models import Event


def user_is_organizer(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def user_can_manage_event(user: AbstractBaseUser | AnonymousUser, event: Event) -> bool:
    if not user_is_organizer(user):
        return False
    return user.is_superuser or event.organizers.filter(pk=user.pk).exists()


def events_managed_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Event]:
    if not user_is_organizer(user):
        return Event.objects.none()
    if user.is_superuser:
        return Event.objects.all()
    return Event.objects.filter(organizers=user)
