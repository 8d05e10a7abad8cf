"""The audit log: who did what to which event, when and from where.

An entry names its target by a reference (e.g. a registration's `PSC27-7KQ2M`), never by a
secret token or an email address, and its details carry counts and amounts, never personal
data: the log outlives the personal data it refers to (erasure leaves it intact).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        REFUND = "refund", _("Refund")
        MARK_PAID = "mark_paid", _("Invoice marked paid")
        CANCEL = "cancel", _("Registration cancelled")
        SUBSTITUTE = "substitute", _("Attendee substituted")
        EXPORT = "export", _("Attendee data exported")
        CHECK_IN = "check_in", _("Check-in")
        DATA_ERASURE = "data_erasure", _("Personal data erased")
        DATA_EXPORT = "data_export", _("Personal data downloaded")
        CERTIFICATES_RELEASE = "certificates_release", _("Certificates released")
        EVENT_UPDATE = "event_update", _("Event changed")
        RESEND = "resend", _("Confirmation resent")
        ROLE_CHANGE = "role_change", _("Team role given, changed or removed")
        LINKS_SENT = "links_sent", _("Registration links emailed on request")
        ATTENDEE_OWN_CHANGE = "attendee_own_change", _("Attendee changed own details (own link)")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty for the system, or for an attendee acting through their link."),
    )
    actor_username = models.CharField(
        max_length=150,
        blank=True,
        help_text=_("The actor's username when recorded (kept if the user is deleted)."),
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    target = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("What was acted on, e.g. a registration reference (never a token or email)."),
    )
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["event", "-created_at"], name="audit_event_recent_idx"),
            models.Index(fields=["action", "-created_at"], name="audit_action_recent_idx"),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "system"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who} {self.action} {self.target}".strip()
