from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from config.errors import Conflict
from events.admin_scope import EventScopedAdmin, EventScopedInline
from events.changes import (
    EVENT_SCHEDULE_FIELDS,
    SESSION_SCHEDULE_FIELDS,
    event_edited,
    event_schedule_changed,
    session_schedule_changed,
)
from events.models import Event, EventRole, PriceTier, Session, TicketType, Venue
from events.permissions import Perm
from events.team import team_member_remove, team_member_set


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country"]
    search_fields = ["name", "city"]


class TicketTypeInline(EventScopedInline, admin.TabularInline):
    model = TicketType
    extra = 0
    fields = ["name", "price", "capacity", "members_only", "is_virtual", "position"]
    show_change_link = True


class SessionInline(EventScopedInline, admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "kind", "starts_at", "ends_at", "room", "capacity", "price", "ce_credits"]
    show_change_link = True


class EventRoleInline(EventScopedInline, admin.TabularInline):
    """The team: owners give, change and take away roles (saved by events.team, so the
    audit log records each change, and an event always keeps an owner)."""

    model = EventRole
    extra = 0
    fields = ["user", "role"]
    view_perm = Perm.TEAM
    change_perm = Perm.TEAM
    verbose_name = "team member"
    verbose_name_plural = "team (roles on this event)"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":  # only people who can use the workspace
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Event)
class EventAdmin(EventScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "starts_at", "ends_at", "status", "venue", "capacity"]
    list_filter = ["status", "attendance_mode", "starts_at"]
    search_fields = ["name", "slug", "venue__name", "venue__city"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["venue"]
    date_hierarchy = "starts_at"
    inlines = [TicketTypeInline, SessionInline, EventRoleInline]
    event_path = ""
    view_perm = (Perm.VIEW, Perm.CHECK_IN)

    def has_add_permission(self, request) -> bool:  # a staff user's new event is theirs
        return request.user.is_superuser or bool(request.user.is_staff)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not request.user.is_superuser:
            team_member_set(event=obj, username=request.user.get_username(), role="owner")
        if change and EVENT_SCHEDULE_FIELDS & set(form.changed_data):
            event_schedule_changed(obj)  # attendees get an updated invite
        if change and form.changed_data:
            event_edited(obj, fields=form.changed_data, via="admin")

    @transaction.atomic
    def save_formset(self, request, form, formset, change):
        if formset.model is EventRole:
            _save_team(self, request, form.instance, formset)
            return
        super().save_formset(request, form, formset, change)
        if formset.model is Session:
            for session_form in formset.forms:
                instance = session_form.instance
                if (
                    instance.pk
                    and session_form not in formset.extra_forms
                    and SESSION_SCHEDULE_FIELDS & set(session_form.changed_data)
                ):
                    session_schedule_changed(instance)
        if change and formset.has_changed():  # the audit log hears of it, as from the API
            part = {Session: "sessions", TicketType: "ticket_types"}.get(formset.model)
            if part:
                event_edited(form.instance, fields=[part], via="admin")

    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "description"]}),
        (
            "When and where",
            {
                "fields": [
                    "starts_at",
                    "ends_at",
                    "timezone",
                    "venue",
                    "attendance_mode",
                    "virtual_join_url",
                ]
            },
        ),
        (
            "Registration",
            {
                "fields": [
                    "currency",
                    "capacity",
                    "registration_opens_at",
                    "registration_closes_at",
                    "substitution_deadline",
                ]
            },
        ),
        (
            "Cancellation",
            {
                "fields": [
                    "cancellation_policy",
                    "refund_full_until",
                    "cancellation_fee",
                    "refund_none_after",
                ]
            },
        ),
        (
            "Tax and invoices",
            {
                "fields": [
                    "tax_rate",
                    "tax_name",
                    "prices_include_tax",
                    "invoice_due_days",
                    "invoice_issuer_name",
                    "invoice_issuer_address",
                    "invoice_issuer_tax_id",
                    "invoice_bank_details",
                ],
                "description": "Leave the seller blank to use the INVOICE_ISSUER_* settings.",
            },
        ),
    ]


def _save_team(model_admin, request, event: Event, formset) -> None:
    """Each change of the team through events.team (audited); a refusal (the last owner,
    a user who is not staff) is shown as a message and changes nothing of its own."""
    changes = [
        (team_member_remove, {"username": f.instance.user.get_username()})
        for f in formset.deleted_forms
        if f.instance.pk
    ]
    for role_form in formset.forms:
        data = role_form.cleaned_data
        if (
            role_form in formset.deleted_forms
            or not role_form.has_changed()
            or not data.get("user")
        ):
            continue
        username = data["user"].get_username()
        changes.append((team_member_set, {"username": username, "role": data["role"]}))
    # What the admin's history message reads of a saved formset: saved here by the service.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for change, kwargs in changes:
        try:
            change(event=event, **kwargs)
        except (ValidationError, Conflict) as exc:
            detail = getattr(exc, "detail", None) or " ".join(exc.messages)
            model_admin.message_user(request, f"{kwargs['username']}: {detail}", messages.ERROR)


class PriceTierInline(EventScopedInline, admin.TabularInline):
    event_path = "ticket_type__event"
    parent_event_path = "event"

    model = PriceTier
    extra = 1


@admin.register(TicketType)
class TicketTypeAdmin(EventScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "event", "price", "capacity", "members_only", "is_virtual"]
    list_filter = ["event", "members_only", "is_virtual"]
    search_fields = ["name", "event__name"]
    list_select_related = ["event"]
    inlines = [PriceTierInline]
    autocomplete_fields = ["event"]


@admin.register(Session)
class SessionAdmin(EventScopedAdmin, admin.ModelAdmin):
    list_display = [
        "title",
        "event",
        "kind",
        "starts_at",
        "ends_at",
        "room",
        "capacity",
        "ce_credits",
    ]
    list_filter = ["event", "kind", "track"]
    search_fields = ["title", "speakers", "room", "event__name"]
    list_select_related = ["event"]
    date_hierarchy = "starts_at"

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and SESSION_SCHEDULE_FIELDS & set(form.changed_data):
            session_schedule_changed(obj)  # its attendees get an updated invite
