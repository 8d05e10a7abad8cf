"""Find my registration: anyone may ask for the links of an address; they are emailed to
that address only, so asking tells the asker nothing (the answer is the same whether or
not the address registered) and gives them nothing they do not already read."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from registrations.messaging.notify import notify_registration_links
from registrations.selectors import registration_links_for


@transaction.atomic
def registration_links_request(*, email: str, at: datetime | None = None) -> None:
    """Email `email` the links it may use, if it has any: at most a few emails per address
    and hour however often it is asked (notify_registration_links); nothing for an
    address without a live registration. Returns nothing either way, on purpose."""
    at = at or timezone.now()
    links = registration_links_for(email=email, at=at)
    if not links:
        return
    message = notify_registration_links(email=email, at=at)
    if message is None:
        return  # this hour's emails for the address are spent
    registrations = {r.pk: r for r in links.bought}
    registrations |= {a.registration_id: a.registration for a in links.attending}
    for registration in registrations.values():  # who sent which links, never to whom
        audit_record(
            action=AuditEntry.Action.LINKS_SENT,
            event=registration.event,
            target=registration.reference,
            details={"outbox": message.pk},
        )
