"""Payments and refunds of registrations, and the provider events already processed.

Provider-neutral: a payment names its provider (payments.providers) by its key."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from payments.providers import provider_choices
from registrations.models import Registration, SessionWaitlistEntry


class Payment(models.Model):
    """One attempt to collect a registration's total through a provider: an intent the
    attendee pays online, or money recorded as received for an invoice. A payment with a
    `session_offer` collects instead the fee of a session offered from its waiting list
    to an attendee of a confirmed registration; paid, it adds the session."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # waiting for the card, or for the bank transfer
        SUCCEEDED = "succeeded", _("Succeeded")
        CANCELED = "canceled", _("Canceled")

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="payments"
    )
    session_offer = models.ForeignKey(
        SessionWaitlistEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        help_text=_("The waiting-list offer whose session fee this pays."),
    )
    provider = models.CharField(max_length=20, choices=provider_choices)
    provider_ref = models.CharField(
        max_length=100, blank=True, help_text=_("The provider's id of the intent (pi_… at Stripe).")
    )
    client_secret = models.CharField(max_length=200, blank=True, editable=False)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(
        max_length=300, blank=True, help_text=_("For money recorded by hand: how it came.")
    )
    provider_fee = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The provider's fee on it, once the provider reported one."),
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(status="open", session_offer__isnull=True),
                name="payment_one_open_per_registration",
            ),
            models.UniqueConstraint(
                fields=["session_offer"],
                condition=Q(status="open", session_offer__isnull=False),
                name="payment_one_open_per_session_offer",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_ref"],
                condition=~Q(provider_ref=""),
                name="payment_unique_provider_ref",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_ref or self.pk} {self.amount} {self.currency}"


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Requested")  # recorded; not yet carried out by the provider
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    provider_ref = models.CharField(max_length=100, blank=True, help_text=_("e.g. re_…"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=Decimal("0")), name="refund_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["provider_ref"], condition=~Q(provider_ref=""), name="refund_unique_ref"
            ),
        ]

    def __str__(self) -> str:
        return f"Refund {self.amount} of {self.payment}"


class ProcessedProviderEvent(models.Model):
    """A provider's event (a webhook delivery) already taken in: a second delivery of the
    same id from the same provider is a no-op."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=60)
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"
