"""The admin under organizer roles: a mixin for every model admin whose rows belong to an
event. Superusers see and do everything, as Django's own permissions allow. Any other
staff user sees only the rows of events they hold a role on, and may view or change them
only as their role allows (events.permissions decides, as for the pages and the API);
a refusal is 403 (Django's admin answers PermissionDenied so) and changes nothing.
"""

from django.contrib import admin
from django.http import HttpRequest

from events.models import Event
from events.permissions import (
    Perm,
    events_where,
    user_can,
    user_can_somewhere,
    user_is_organizer,
)

EVENT_FILTER_NAMES = ("event", "registration__event", "session__event")


class EventScopedAdmin:
    """Mixin before admin.ModelAdmin. `event_path`: the lookup from the model to its
    Event ("" for Event itself); `view_perm`, `change_perm`: what viewing and changing
    (and deleting, adding) a row needs."""

    event_path = "event"
    view_perm: Perm | tuple[Perm, ...] = (Perm.VIEW, Perm.ATTENDEES)
    change_perm: Perm | tuple[Perm, ...] = Perm.EVENT

    def _event_of(self, obj) -> Event:
        for part in self.event_path.split("__") if self.event_path else []:
            obj = getattr(obj, part)
        return obj

    def _scoped(self, request: HttpRequest) -> bool:
        return not request.user.is_superuser

    def _may_somewhere(self, request: HttpRequest, perm) -> bool:
        return user_can_somewhere(request.user, perm)

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        if not self._scoped(request):
            return queryset
        # Only the rows of events where the role may see them (a viewer of one event and
        # the finance of another sees the payments of the second only).
        lookup = f"{self.event_path}__in" if self.event_path else "pk__in"
        return queryset.filter(**{lookup: events_where(request.user, self.view_perm)})

    def get_list_filter(self, request: HttpRequest):
        """Filters by event offer only the events of the rows shown, not every event."""
        filters = list(super().get_list_filter(request))
        if not self._scoped(request):
            return filters
        return [
            (f, admin.RelatedOnlyFieldListFilter) if f in EVENT_FILTER_NAMES else f for f in filters
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if self._scoped(request) and (queryset := self._choices(db_field, request)) is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if self._scoped(request) and (queryset := self._choices(db_field, request)) is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _choices(self, db_field, request: HttpRequest):
        """An event, or a row of an event (a ticket type, a session), offered only from
        the events where the role may change things: no other event's names shown, none
        linked."""
        events = events_where(request.user, self.change_perm)
        model = db_field.related_model
        if model is Event:
            return Event.objects.filter(pk__in=events)
        if any(f.name == "event" and f.related_model is Event for f in model._meta.fields):
            return model._default_manager.filter(event__in=events)
        return None

    def has_module_permission(self, request: HttpRequest) -> bool:
        if not self._scoped(request):
            return super().has_module_permission(request)
        return user_is_organizer(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if not self._scoped(request):
            return super().has_view_permission(request, obj)
        if obj is None:
            return self._may_somewhere(request, self.view_perm)
        return user_can(request.user, self._event_of(obj), self.view_perm)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if not self._scoped(request):
            return super().has_change_permission(request, obj)
        if obj is None:
            return self._may_somewhere(request, self.change_perm)
        return user_can(request.user, self._event_of(obj), self.change_perm)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        if not self._scoped(request):
            return super().has_add_permission(request, *args)
        return self._may_somewhere(request, self.change_perm)


class EventScopedInline(EventScopedAdmin):
    """The same for inlines: `obj` is the parent row (its event decides)."""

    parent_event_path = ""

    def _parent_event(self, obj) -> Event | None:
        if obj is None:
            return None
        for part in self.parent_event_path.split("__") if self.parent_event_path else []:
            obj = getattr(obj, part)
        return obj

    def _may(self, request: HttpRequest, obj, perm) -> bool:
        event = self._parent_event(obj)
        return event is not None and user_can(request.user, event, perm)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if not self._scoped(request):
            return super(EventScopedAdmin, self).has_view_permission(request, obj)
        return self._may(request, obj, self.view_perm) or self._may(request, obj, self.change_perm)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if not self._scoped(request):
            return super(EventScopedAdmin, self).has_change_permission(request, obj)
        return self._may(request, obj, self.change_perm)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        if not self._scoped(request):
            return super(EventScopedAdmin, self).has_add_permission(request, obj)
        return self._may(request, obj, self.change_perm)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if not self._scoped(request):
            return super(EventScopedAdmin, self).has_delete_permission(request, obj)
        return self._may(request, obj, self.change_perm)
