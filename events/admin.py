from django.contrib import admin
from django.db import transaction

from events.changes import (
    EVENT_SCHEDULE_FIELDS,
    SESSION_SCHEDULE_FIELDS,
    event_edited,
    event_schedule_changed,
    session_schedule_changed,
)
from events.models import Event, PriceTier, Session, TicketType, Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country"]
    search_fields = ["name", "city"]


class TicketTypeInline(admin.TabularInline):
    model = TicketType
    extra = 0
    fields = ["name", "price", "capacity", "members_only", "is_virtual", "position"]
    show_change_link = True


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "kind", "starts_at", "ends_at", "room", "capacity", "price", "ce_credits"]
    show_change_link = True


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "starts_at", "ends_at", "status", "venue", "capacity"]
    list_filter = ["status", "attendance_mode", "starts_at"]
    search_fields = ["name", "slug", "venue__name", "venue__city"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["venue"]
    filter_horizontal = ["organizers"]
    date_hierarchy = "starts_at"
    inlines = [TicketTypeInline, SessionInline]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and EVENT_SCHEDULE_FIELDS & set(form.changed_data):
            event_schedule_changed(obj)  # attendees get an updated invite
        if change and form.changed_data:
            event_edited(obj, fields=form.changed_data, via="admin")

    @transaction.atomic
    def save_formset(self, request, form, formset, change):
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
        (None, {"fields": ["name", "slug", "status", "description", "organizers"]}),
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


class PriceTierInline(admin.TabularInline):
    model = PriceTier
    extra = 1


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "price", "capacity", "members_only", "is_virtual"]
    list_filter = ["event", "members_only", "is_virtual"]
    search_fields = ["name", "event__name"]
    list_select_related = ["event"]
    inlines = [PriceTierInline]
    autocomplete_fields = ["event"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
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
