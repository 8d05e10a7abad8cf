from django.contrib import admin

from registrations.models import Attendee, PromoCode, Registration, SessionChoice, WaitlistEntry


class AttendeeInline(admin.StackedInline):
    model = Attendee
    extra = 0
    fields = [
        ("first_name", "last_name", "email"),
        ("ticket_type", "ticket_price", "discount"),
        ("organization", "job_title", "profession", "member_number"),
        ("dietary_needs", "accessibility_needs"),
        "badge_code",
    ]
    readonly_fields = ["badge_code", "ticket_price", "discount"]
    autocomplete_fields = ["ticket_type"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "event",
        "buyer_email",
        "status",
        "payment_method",
        "total",
        "amount_paid",
        "created_at",
    ]
    list_filter = ["event", "status", "payment_method"]
    search_fields = ["reference", "buyer_email", "buyer_last_name", "attendees__email"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "reference",
        "subtotal",
        "discount",
        "total",
        "amount_paid",
        "amount_refunded",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "expires_at",
    ]
    exclude = ["token"]
    inlines = [AttendeeInline]


class SessionChoiceInline(admin.TabularInline):
    model = SessionChoice
    extra = 0
    autocomplete_fields = ["session"]


@admin.register(Attendee)
class AttendeeAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "email",
        "organization",
        "profession",
        "ticket_type",
        "registration",
    ]
    list_filter = ["registration__event", "profession", "ticket_type"]
    search_fields = ["first_name", "last_name", "email", "organization", "badge_code"]
    list_select_related = ["ticket_type", "registration"]
    readonly_fields = ["badge_code", "registration"]
    inlines = [SessionChoiceInline]


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "event",
        "percent_off",
        "amount_off",
        "max_uses",
        "valid_until",
        "is_active",
    ]
    list_filter = ["event", "is_active"]
    search_fields = ["code"]
    filter_horizontal = ["ticket_types"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["email", "event", "ticket_type", "status", "created_at", "offer_expires_at"]
    list_filter = ["event", "status"]
    search_fields = ["email", "last_name"]
    exclude = ["offer_token"]
