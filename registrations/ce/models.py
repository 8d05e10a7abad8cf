"""What continuing education keeps of its own: attendees' attestations (registered with
the app's models by registrations/models.py, which imports this module: so the models
it points to are named, not imported)."""

from django.db import models
from django.utils import timezone


class Attestation(models.Model):
    """The attendee's own statement that they attended a session (for CE credit)."""

    attendee = models.ForeignKey(
        "registrations.Attendee", on_delete=models.CASCADE, related_name="attestations"
    )
    session = models.ForeignKey(
        "events.Session", on_delete=models.CASCADE, related_name="attestations"
    )
    attested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attested_at"]
        constraints = [
            models.UniqueConstraint(fields=["attendee", "session"], name="attestation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attendee} attests {self.session}"
