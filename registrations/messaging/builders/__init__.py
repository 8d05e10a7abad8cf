"""One builder per email kind: OutboxMessage -> Email (messaging.email). The layout
(templates/emails/layout.*) renders every Email as HTML and plain text.

A new email is one `Kind` (messaging.models) and one builder here; a test fails when a
kind has no builder or a builder no kind.
"""

from collections.abc import Callable

from registrations.messaging.builders import attendee, buyer, links, waitlist
from registrations.messaging.email import Email
from registrations.messaging.models import Kind, OutboxMessage

Builder = Callable[[OutboxMessage], Email]

BUILDERS: dict[str, Builder] = {
    Kind.ORDER_CONFIRMATION: buyer.order_confirmation,
    Kind.INVOICE: buyer.invoice,
    Kind.INVOICE_REMINDER: buyer.invoice_reminder,
    Kind.PAYMENT_FAILED: buyer.payment_failed,
    Kind.HOLD_EXPIRING: buyer.hold_expiring,
    Kind.LATE_PAYMENT_REFUNDED: buyer.late_payment_refunded,
    Kind.CANCELLATION: buyer.cancellation,
    Kind.ATTENDEE_CONFIRMATION: attendee.attendee_confirmation,
    Kind.SESSION_INVITE: attendee.session_invite,
    Kind.SUBSTITUTION: attendee.substitution,
    Kind.EVENT_CHANGED: attendee.event_changed,
    Kind.REMINDER: attendee.reminder,
    Kind.WAITLIST_OFFER: attendee.waitlist_offer,
    Kind.SESSION_WAITLIST_OFFER: waitlist.session_offer,
    Kind.CERTIFICATE: attendee.certificate,
    Kind.REGISTRATION_LINKS: links.registration_links,
}
