"""The admin shows registrations and lets staff act on them only through the services the
organizer pages use (actions below): no field that holds an invariant (status, money,
seats, identity) is edited by hand, so no save skips the capacity checks, the emails or
the audit log. Substituting a person is the organizer workspace's (or the API's) job."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from config.errors import Conflict
from events.admin_scope import EventScopedAdmin, EventScopedInline
from events.permissions import Perm, check_permission
from payments.services.offline import invoice_mark_paid
from payments.services.refunds import registration_cancel_with_refund
from registrations.models import (
    Attendee,
    PromoCode,
    Registration,
    SessionChoice,
    SessionWaitlistEntry,
    WaitlistEntry,
)
from registrations.services.attendees import attendee_update
from registrations.services.promo import promo_uses_expression
from registrations.services.upkeep import registration_resend_confirmation

# What staff may correct in the admin: details that no rule depends on.
ATTENDEE_EDITABLE = ["organization", "job_title", "dietary_needs", "accessibility_needs"]
ATTENDEE_FIELDS = [
    ("first_name", "last_name", "email"),
    ("ticket_type", "ticket_price", "discount"),
    ("organization", "job_title", "profession", "member_number"),
    ("dietary_needs", "accessibility_needs"),
    "badge_code",
]


def _read_only(fields: list) -> list[str]:
    names = [n for group in fields for n in (group if isinstance(group, tuple) else (group,))]
    return [name for name in names if name not in ATTENDEE_EDITABLE]


class AttendeeInline(EventScopedInline, admin.StackedInline):
    event_path = "registration__event"
    parent_event_path = "event"
    view_perm = Perm.ATTENDEES
    change_perm = Perm.REGISTRATIONS

    model = Attendee
    extra = 0
    fields = ATTENDEE_FIELDS
    readonly_fields = _read_only(ATTENDEE_FIELDS)
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # an attendee takes a seat: only registering adds one


@admin.register(Registration)
class RegistrationAdmin(EventScopedAdmin, admin.ModelAdmin):
    view_perm = Perm.ATTENDEES
    change_perm = Perm.REGISTRATIONS
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
        "event",
        "reference",
        "status",
        "payment_method",
        "promo_code",
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
    actions = ["cancel_with_refund", "resend_confirmation", "mark_invoice_paid"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # registering goes through the register page or the API

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # cancel instead: the seats, the waiting list and the emails follow

    def save_formset(self, request, form, formset, change):
        for attendee_form in formset.forms:
            _save_through_the_service(self, request, attendee_form)

    @admin.action(description="Cancel, refunding what the cancellation policy gives back")
    def cancel_with_refund(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(
            request, queryset, registration_cancel_with_refund, "cancelled", Perm.REGISTRATIONS
        )

    @admin.action(description="Send the confirmation emails and invites again")
    def resend_confirmation(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(
            request,
            queryset,
            registration_resend_confirmation,
            "confirmation resent",
            Perm.REGISTRATIONS,
        )

    @admin.action(description="Mark the invoice paid (the whole amount due)")
    def mark_invoice_paid(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, invoice_mark_paid, "marked paid", Perm.MONEY)

    def _each(
        self, request: HttpRequest, queryset: QuerySet, service, done: str, perm: Perm
    ) -> None:
        """One service call per registration; each refusal is reported, the rest go on.
        The user's role must allow the action on every event of the selection, else
        PermissionDenied (403) before anything is done."""
        registrations = list(queryset.select_related("event"))
        for event in {registration.event for registration in registrations}:
            check_permission(request.user, event, perm)
        for registration in registrations:
            try:
                service(registration=registration)
            except (Conflict, ValidationError) as exc:
                detail = getattr(exc, "detail", None) or " ".join(exc.messages)
                self.message_user(request, f"{registration}: {detail}", messages.ERROR)
            else:
                self.message_user(request, f"{registration}: {done}.")


def _save_through_the_service(model_admin, request: HttpRequest, form) -> None:
    """An attendee's changed details, saved by attendee_update; a refusal (a registration
    no longer live, an event that is over) is shown, not raised."""
    changed = {name: form.cleaned_data[name] for name in form.changed_data}
    if not changed or not form.instance.pk:
        return
    try:
        attendee_update(attendee=Attendee.objects.get(pk=form.instance.pk), **changed)
    except (Conflict, ValidationError) as exc:
        detail = getattr(exc, "detail", None) or " ".join(exc.messages)
        model_admin.message_user(request, f"{form.instance}: {detail}", messages.ERROR)


class SessionChoiceInline(EventScopedInline, admin.TabularInline):
    event_path = "attendee__registration__event"
    parent_event_path = "registration__event"
    view_perm = Perm.ATTENDEES
    change_perm = Perm.REGISTRATIONS

    """Sessions are swapped by the attendee or the organizer (capacity, clashes, invites)."""

    model = SessionChoice
    extra = 0
    fields = ["session", "price"]
    readonly_fields = ["session", "price"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Attendee)
class AttendeeAdmin(EventScopedAdmin, admin.ModelAdmin):
    event_path = "registration__event"
    view_perm = Perm.ATTENDEES
    change_perm = Perm.REGISTRATIONS
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
    fields = ["registration", *ATTENDEE_FIELDS, "credentials"]
    readonly_fields = ["registration", *_read_only(ATTENDEE_FIELDS), "credentials"]
    inlines = [SessionChoiceInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # an attendee takes a seat: only registering adds one

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        _save_through_the_service(self, request, form)


class PromoCodeForm(forms.ModelForm):
    class Meta:
        model = PromoCode
        fields = [
            "event", "code", "percent_off", "amount_off", "max_uses", "valid_from",
            "valid_until", "ticket_types", "is_active",
        ]  # fmt: skip

    def clean(self):
        """A code discounts only ticket types of its own event."""
        data = super().clean()
        event, types = data.get("event"), data.get("ticket_types")
        if event is not None and types is not None:
            others = [t.name for t in types if t.event_id != event.pk]
            if others:
                self.add_error("ticket_types", f"Not ticket types of {event}: {', '.join(others)}.")
        return data


@admin.register(PromoCode)
class PromoCodeAdmin(EventScopedAdmin, admin.ModelAdmin):
    form = PromoCodeForm
    list_display = [
        "code",
        "event",
        "percent_off",
        "amount_off",
        "max_uses",
        "uses",
        "valid_until",
        "is_active",
    ]
    list_filter = ["event", "is_active"]
    search_fields = ["code"]
    filter_horizontal = ["ticket_types"]
    readonly_fields = ["uses"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PromoCode]:
        return super().get_queryset(request).annotate(uses=promo_uses_expression(timezone.now()))

    @admin.display(description="uses (attendees)", ordering="uses")
    def uses(self, promo: PromoCode) -> int:
        """What `max_uses` counts: attendees it discounted, of registrations holding seats."""
        return getattr(promo, "uses", 0)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(EventScopedAdmin, admin.ModelAdmin):
    view_perm = Perm.ATTENDEES
    change_perm = Perm.REGISTRATIONS
    list_display = ["email", "event", "ticket_type", "status", "created_at", "offer_expires_at"]
    list_filter = ["event", "status"]
    search_fields = ["email", "last_name"]
    exclude = ["offer_token"]
    # An offer holds a seat: offers are made and lapse through the waiting-list services.
    readonly_fields = ["status", "offered_at", "offer_expires_at", "registration"]


@admin.register(SessionWaitlistEntry)
class SessionWaitlistEntryAdmin(EventScopedAdmin, admin.ModelAdmin):
    event_path = "session__event"
    view_perm = Perm.ATTENDEES
    change_perm = Perm.REGISTRATIONS
    """Read only: attendees join from their page; offers are made and lapse through the
    waiting-list services (an offer holds a seat)."""

    list_display = ["attendee", "session", "status", "created_at", "offer_expires_at"]
    list_filter = ["session__event", "status"]
    search_fields = ["attendee__email", "attendee__last_name", "session__title"]
    list_select_related = ["attendee", "session"]
    exclude = ["offer_token"]
    readonly_fields = [
        "attendee",
        "session",
        "status",
        "offered_at",
        "offer_expires_at",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
