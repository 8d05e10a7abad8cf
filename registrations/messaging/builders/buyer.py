"""Emails to the buyer: the order, the invoice, payment trouble, cancellation."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from finance.selectors import open_invoice
from registrations import invites
from registrations.messaging.builders.common import (
    event_details,
    money,
    registration_of,
    url,
    when_text,
)
from registrations.messaging.email import Calendar, Email, NothingToSend
from registrations.messaging.models import OutboxMessage
from registrations.models import Registration


def _order_summary(registration: Registration) -> list[tuple[str, str]]:
    currency = registration.currency
    lines = [
        (
            f"{a.full_name} – {a.ticket_type.name}",
            money(a.ticket_price - a.discount, currency) + _discount_note(a),
        )
        for a in registration.attendees.select_related("ticket_type")
    ]
    details = [(_("Reference"), registration.reference), *event_details(registration.event)]
    return [*details, *lines, *amount_rows(registration)]


def amount_rows(registration: Registration) -> list[tuple[str, str]]:
    """Subtotal, discount and tax (those there are), and the total."""
    currency, event = registration.currency, registration.event
    rows = []
    if registration.discount or registration.tax:
        rows.append((_("Subtotal"), money(registration.subtotal, currency)))
    if registration.discount:
        rows.append((_("Discount"), money(-registration.discount, currency)))
    if registration.tax:
        name = event.tax_name or _("Tax")
        label = _("%(tax)s included") % {"tax": name} if event.prices_include_tax else name
        rows.append(
            (f"{label} ({event.tax_rate.normalize():f}%)", money(registration.tax, currency))
        )
    return [*rows, (_("Total"), money(registration.total, currency))]


def _discount_note(attendee) -> str:
    """Which discount the attendee's price has: the team rate or the promo code."""
    if attendee.discount <= 0:
        return ""
    if attendee.discount_kind == "group":
        return " " + _("(team rate)")
    return " " + _("(promo code)")


def _order_subject(registration: Registration) -> str:
    return _("%(event)s: registration %(ref)s") % {
        "event": registration.event.name,
        "ref": registration.reference,
    }


def order_confirmation(message: OutboxMessage) -> Email:
    """The buyer's summary of a confirmed (paid or free) registration."""
    registration = registration_of(message)
    details = _order_summary(registration)
    details.append((_("Paid"), money(registration.amount_paid, registration.currency)))
    actions = [(_("Manage your registration"), invites.manage_url(registration))]
    if registration.amount_paid > 0:
        actions.append((_("Download your receipt"), url("payments:receipt", registration.token)))
    return Email(
        subject=_order_subject(registration),
        heading=_("Your registration is confirmed"),
        paragraphs=[
            _(
                "Thank you for registering for %(event)s. Each attendee gets their own confirmation with a calendar invite."
            )
            % {"event": registration.event.name}
        ],
        details=details,
        actions=actions,
    )


def invoice(message: OutboxMessage) -> Email:
    """The buyer's registration held until the invoice's due date, with the invoice."""
    registration = registration_of(message)
    due = registration.expires_at
    return Email(
        subject=_order_subject(registration),
        heading=_("Your registration is reserved: invoice enclosed"),
        paragraphs=[
            _(
                "Your seats are held until %(due)s, the invoice's due date. Please pay by bank transfer quoting %(ref)s."
            )
            % {
                "due": when_text(registration.event, due) if due else "—",
                "ref": registration.reference,
            }
        ],
        details=[*_invoice_number(registration), *_order_summary(registration)],
        actions=[
            (_("Manage your registration"), invites.manage_url(registration)),
            (_("Download the invoice"), url("payments:invoice", registration.token)),
        ],
    )


def invoice_reminder(message: OutboxMessage) -> Email:
    """To the billing email: an invoice still unpaid, before its due date or on it."""
    registration = registration_of(message)
    if registration.status != Registration.Status.PENDING_PAYMENT or not registration.amount_due:
        raise NothingToSend("paid or no longer pending")
    number, due = message.context.get("number", ""), message.context.get("due_date", "")
    due_text = date_text(date.fromisoformat(due)) if due else "—"
    if message.context.get("stage") == "due":
        heading = _("Invoice %(number)s is due today") % {"number": number}
    else:
        heading = _("Invoice %(number)s is due on %(due)s") % {"number": number, "due": due_text}
    organization = registration.billing.get("organization", "")
    return Email(
        subject=_("Payment reminder: invoice %(number)s, %(event)s")
        % {"number": number, "event": registration.event.name},
        heading=heading,
        paragraphs=[
            _(
                "Our records show %(amount)s still due on invoice %(number)s for registration %(ref)s. Please pay by %(due)s, quoting the invoice number; the seats are released if it is not paid."
            )
            % {
                "amount": money(registration.amount_due, registration.currency),
                "number": number,
                "ref": registration.reference,
                "due": due_text,
            },
            _("If you have paid already, thank you: please disregard this reminder."),
        ],
        details=[
            (_("Invoice"), number),
            *([(_("Organization"), organization)] if organization else []),
            *(
                [(_("PO number"), registration.billing["po_number"])]
                if registration.billing.get("po_number")
                else []
            ),
            (_("Amount due"), money(registration.amount_due, registration.currency)),
            (_("Due date"), due_text),
        ],
        actions=[
            (
                _("Download the invoice"),
                f"{settings.SITE_URL}{reverse('finance:document', kwargs={'token': registration.token, 'number': number})}",
            )
        ],
    )


def date_text(day: date) -> str:
    return f"{day:%B} {day.day}, {day:%Y}"


def _invoice_number(registration: Registration) -> list[tuple[str, str]]:
    invoice = open_invoice(registration)
    return [(_("Invoice"), invoice.number)] if invoice else []


def payment_failed(message: OutboxMessage) -> Email:
    registration = registration_of(message)
    reason = message.context.get("reason") or _("Your card was declined.")
    return Email(
        subject=_("Payment not completed: %(ref)s") % {"ref": registration.reference},
        heading=_("Your payment did not go through"),
        paragraphs=[
            reason,
            _("Your seats stay reserved until the hold ends; you can try another card."),
        ],
        details=[(_("Reference"), registration.reference)],
        actions=[(_("Pay now"), url("payments:pay", registration.token))],
    )


def hold_expiring(message: OutboxMessage) -> Email:
    registration = registration_of(message)
    event = registration.event
    return Email(
        subject=_("Your reserved seats for %(event)s are about to be released")
        % {"event": event.name},
        heading=_("Your hold ends soon"),
        paragraphs=[
            _("Your seats are held until %(until)s. After that they go to others.")
            % {
                "until": when_text(event, registration.expires_at)
                if registration.expires_at
                else "—"
            }
        ],
        details=[
            (_("Reference"), registration.reference),
            (_("Amount due"), money(registration.amount_due, registration.currency)),
        ],
        actions=[(_("Complete your registration"), invites.manage_url(registration))],
    )


def late_payment_refunded(message: OutboxMessage) -> Email:
    registration = registration_of(message)
    return Email(
        subject=_("Your payment has been refunded: %(ref)s") % {"ref": registration.reference},
        heading=_("We refunded your payment in full"),
        paragraphs=[
            _(
                "Your payment for “%(session)s” arrived when the session could no longer be added: its seat had gone to someone else, or it clashed with another session, or the registration was no longer confirmed. We are sorry: the full amount has been refunded to your card. Your registration is otherwise unchanged."
            )
            % {"session": message.context["session"]}
            if message.context.get("session")
            else _(
                "Your payment arrived after your seat hold had ended, and the seats had meanwhile gone to someone else. We are sorry: the full amount has been refunded to your card."
            ),
        ],
        details=[
            (_("Reference"), registration.reference),
            (
                _("Refunded"),
                money(Decimal(message.context.get("refund", "0")), registration.currency),
            ),
        ],
        actions=[
            (_("See the event"), f"{settings.SITE_URL}{registration.event.get_absolute_url()}")
        ],
    )


def cancellation(message: OutboxMessage) -> Email:
    """To the buyer (no attendee) a summary; to an attendee, their event entry cancelled."""
    registration = registration_of(message)
    event = registration.event
    refund = Decimal(message.context.get("refund", "0"))
    paragraphs = [
        _("Registration %(ref)s for %(event)s has been cancelled.")
        % {"ref": registration.reference, "event": event.name}
    ]
    if message.attendee is None and refund > 0:
        paragraphs.append(
            _("A refund of %(amount)s is on its way: to your card, or by transfer for an invoice.")
            % {"amount": money(refund, registration.currency)}
        )
    calendar = None
    if message.attendee is not None:
        attendee = message.attendee
        entry = invites.attendee_event_entry(attendee, cancelled=True)
        calendar = Calendar(
            "CANCEL", invites.invite(attendee, entry, method="CANCEL", to_email=message.to_email)
        )
        paragraphs.append(_("The attached update removes the event from your calendar."))
    return Email(
        subject=_("Cancelled: %(event)s (%(ref)s)")
        % {"event": event.name, "ref": registration.reference},
        heading=_("Your registration is cancelled"),
        paragraphs=paragraphs,
        calendar=calendar,
    )
