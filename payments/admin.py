from django.contrib import admin, messages

from config.errors import Conflict
from events.admin_scope import EventScopedAdmin, EventScopedInline
from events.permissions import Perm, check_permission
from payments.models import Payment, ProcessedProviderEvent, Refund
from payments.services.refunds import refund_create


class RefundInline(EventScopedInline, admin.TabularInline):
    event_path = "payment__registration__event"
    parent_event_path = "registration__event"
    view_perm = change_perm = Perm.MONEY

    model = Refund
    extra = 0
    readonly_fields = ["amount", "provider_ref", "status", "reason", "created_at"]
    can_delete = False


@admin.register(Payment)
class PaymentAdmin(EventScopedAdmin, admin.ModelAdmin):
    event_path = "registration__event"
    view_perm = change_perm = Perm.MONEY
    list_display = [
        "registration",
        "provider",
        "provider_ref",
        "amount",
        "currency",
        "status",
        "created_at",
    ]
    list_filter = ["provider", "status"]
    search_fields = ["provider_ref", "registration__reference"]
    list_select_related = ["registration"]
    readonly_fields = [
        "registration",
        "provider",
        "provider_ref",
        "amount",
        "currency",
        "status",
        "last_error",
        "created_at",
        "succeeded_at",
    ]
    inlines = [RefundInline]
    actions = ["refund_in_full"]

    def has_add_permission(self, request) -> bool:
        return False  # payments come from the providers and the organizer's mark-paid

    @admin.action(description="Refund the selected payments in full")
    def refund_in_full(self, request, queryset):
        payments = list(
            queryset.filter(status=Payment.Status.SUCCEEDED).select_related("registration__event")
        )
        for event in {payment.registration.event for payment in payments}:
            check_permission(request.user, event, Perm.MONEY)  # 403 before anything is done
        for payment in payments:
            try:
                refund_create(
                    registration=payment.registration, reason=f"Refunded by {request.user}"
                )
            except Conflict as exc:
                self.message_user(request, f"{payment.registration}: {exc.detail}", messages.ERROR)
            except Exception as exc:  # noqa: BLE001 - a validation message for the organizer
                self.message_user(request, f"{payment.registration}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{payment.registration}: refunded.")


@admin.register(Refund)
class RefundAdmin(EventScopedAdmin, admin.ModelAdmin):
    event_path = "payment__registration__event"
    view_perm = change_perm = Perm.MONEY
    list_display = ["payment", "amount", "status", "provider_ref", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["payment", "amount", "provider_ref", "status", "reason", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False  # refunds go through refund_create (the action on payments)


@admin.register(ProcessedProviderEvent)
class ProcessedProviderEventAdmin(admin.ModelAdmin):
    list_display = ["provider", "event_id", "kind", "outcome", "received_at"]
    list_filter = ["provider", "kind"]
    search_fields = ["event_id"]
    readonly_fields = ["provider", "event_id", "kind", "outcome", "received_at"]

    def has_add_permission(self, request) -> bool:
        return False  # recorded by the webhooks only: a row added by hand would swallow an event
