"""Who may manage an event: superusers, and staff users listed as its organizers. Every
app's organizer pages and API check access here."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from rest_framework import permissions

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


class IsOrganizer(permissions.BasePermission):
    """For the organizer API: active staff. Object access (this event) is checked by
    `organizer_event()`."""

    def has_permission(self, request, view) -> bool:
        return user_is_organizer(request.user)


def organizer_event(request: HttpRequest, slug: str) -> Event:
    """The event at `slug` if this user manages it; 404 otherwise (no existence leak)."""
    event = get_object_or_404(Event, slug=slug)
    if not user_can_manage_event(request.user, event):
        raise Http404
    return event
