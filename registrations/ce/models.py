"""What continuing education keeps of its own: attendees' attestations (registered with
the app's models by registrations/models.py)."""

from django.db import models
from django.utils import timezone

from events.models import Session
from registrations.models import Attendee


class Attestation(models.Model):
    """The attendee's own statement that they attended a session (for CE credit)."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="attestations")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attestations")
    attested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attested_at"]
        constraints = [
            models.UniqueConstraint(fields=["attendee", "session"], name="attestation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attendee} attests {self.session}"
