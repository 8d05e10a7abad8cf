from django.contrib import admin

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
