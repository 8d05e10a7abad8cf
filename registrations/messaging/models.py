"""The outbox: each email to send is a row, written in the transaction of the change it
tells of, so an email exists if and only if the change committed."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """Every email the system sends; each has one builder (messaging.builders.BUILDERS)."""

    ORDER_CONFIRMATION = "order_confirmation", _("Order confirmation and receipt (buyer)")
    INVOICE = "invoice", _("Registration reserved, invoice enclosed (buyer)")
    INVOICE_REMINDER = "invoice_reminder", _("Unpaid invoice: reminder (billing email)")
    ATTENDEE_CONFIRMATION = "attendee_confirmation", _("Attendee confirmation with invite")
    SESSION_INVITE = "session_invite", _("Invite to a chosen session, or its cancellation")
    PAYMENT_FAILED = "payment_failed", _("Payment failed")
    HOLD_EXPIRING = "hold_expiring", _("Seat hold about to lapse")
    LATE_PAYMENT_REFUNDED = "late_payment_refunded", _("Late payment refunded")
    WAITLIST_OFFER = "waitlist_offer", _("Waiting-list offer")
    SESSION_WAITLIST_OFFER = "session_waitlist_offer", _("Waiting-list offer of a session seat")
    CANCELLATION = "cancellation", _("Cancellation")
    SUBSTITUTION = "substitution", _("Substitution")
    EVENT_CHANGED = "event_changed", _("Event or session changed")
    REMINDER = "reminder", _("Reminder before the event")
    CERTIFICATE = "certificate", _("CE certificate")
    REGISTRATION_LINKS = (
        "registration_links",
        _("Links to one's registrations (find my registration)"),
    )


def kind_choices() -> list[tuple[str, str]]:
    """A callable, so that adding a kind takes no migration."""
    return Kind.choices


class OutboxMessage(models.Model):
    """An email to send. The worker renders and sends it and sets `sent_at`; a periodic
    task re-queues rows left unsent. `dedupe_key` makes enqueueing the same message twice
    a no-op."""

    Kind = Kind

    kind = models.CharField(max_length=30, choices=kind_choices)
    to_email = models.EmailField()
    registration = models.ForeignKey(
        "registrations.Registration",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox",
    )
    attendee = models.ForeignKey(
        "registrations.Attendee",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox",
    )
    waitlist_entry = models.ForeignKey(
        "registrations.WaitlistEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox",
    )
    context = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("A worker is sending it until then (a claim that lapses if the worker dies)."),
    )
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        app_label = "registrations"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outbox_unsent_idx")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_email}"


class EmailText(models.Model):
    """The organizer's own wording of one kind of email for one event: a subject, an
    intro and a closing, plain text with a fixed set of placeholders (messaging.texts).
    Blank parts keep the system's own."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)  # the outbox Kind it words
    subject = models.CharField(max_length=200, blank=True)
    intro = models.TextField(max_length=4000, blank=True)
    closing = models.TextField(max_length=4000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "registrations"
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="email_text_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} text of {self.event_id}"
