"""Who a registration's personal data is about, and where else it is held: the buyer and
attendees, their waiting-list entries for the same event, the emails written to them.

Export and erasure both reach these rows through the helpers here, so what is downloaded
is what is erased. Erased people carry placeholder addresses, defined here too.
"""

from django.db.models import Q, QuerySet

from registrations.messaging.models import OutboxMessage
from registrations.models import Attendee, Registration, WaitlistEntry

# RFC 2606 reserves .invalid: these addresses can never be delivered. A domain with a dot
# (rather than a bare "@invalid") keeps them valid for Django's EmailValidator, so forms
# and the admin still accept an erased row.
ERASED_DOMAIN = "erased.invalid"


def erased_email(kind: str, pk: int) -> str:
    """The placeholder address of an erased person: `kind` is r (buyer of registration
    `pk`), a (attendee), w (waiting-list entry)."""
    return f"erased-{kind}{pk}@{ERASED_DOMAIN}"


def registration_is_erased(registration: Registration) -> bool:
    return registration.buyer_email == erased_email("r", registration.pk)


def people_emails(registration: Registration, attendees: list[Attendee]) -> set[str]:
    """The buyer's and attendees' addresses, normalised; placeholders left out."""
    emails = {registration.buyer_email} | {a.email for a in attendees}
    return {e.strip().lower() for e in emails if e and not e.endswith(f"@{ERASED_DOMAIN}")}


def waitlist_entries(registration: Registration, emails: set[str]) -> QuerySet[WaitlistEntry]:
    """Entries for the same event under one of `emails`, or that led to `registration`."""
    return WaitlistEntry.objects.filter(
        Q(event_id=registration.event_id) & (Q(email__in=emails) | Q(registration=registration))
    )


def outbox_messages(
    registration: Registration, attendee_ids: list[int], entry_ids: list[int]
) -> QuerySet[OutboxMessage]:
    """The emails written to these people (no joins, so rows can be locked on PostgreSQL)."""
    return OutboxMessage.objects.filter(
        Q(registration_id=registration.pk)
        | Q(attendee_id__in=attendee_ids)
        | Q(waitlist_entry_id__in=entry_ids)
    )
