"""Issuing invoices and credit notes: the registration's state at the moment of issue,
written once (finance.models), numbered in the issuing transaction (finance.numbering).

Callers are the registration and payment services, inside their transactions: an
invoice when an `invoice` registration is made or a card payment confirms one; a credit
note when money goes back or a registration is cancelled (`invoices_settle`); a credit
note and a new invoice when billing details change after issue (finance.services.billing).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from config.database import prepared_cursor
from config.inserts import insert_new
from config.money import cents
from finance.billing import BILLING_LIMITS
from finance.models import Invoice
from finance.numbering import format_number, next_in_series
from finance.selectors import open_invoice
from finance.seller import seller_for
from registrations.messaging.notify import notify_invoice_issued
from registrations.models import ZERO, Attendee, PaymentMethod, Registration

LIVE = (Registration.Status.PENDING_PAYMENT, Registration.Status.CONFIRMED)


def invoice_issue(*, registration: Registration, at: datetime | None = None) -> Invoice | None:
    """Issue the registration's invoice, unless one is in force already (returned) or
    there is nothing to bill. Caller holds a transaction (the registration's)."""
    current = open_invoice(registration)
    if current is not None and still_billed(current) > 0:
        if registration.status not in LIVE or still_billed(current) == owed_while_live(
            registration
        ):
            return current
        # It bills what the registration no longer owes (a hold that lapsed and was
        # credited, then paid after all): replaced by one for what it owes.
        return invoice_reissue(registration=registration, reason="Amount owed changed")
    if registration.total <= 0:
        return None
    return _issue_invoice(registration, at or timezone.now())


def invoice_issue_registered(
    *, registration: Registration, attendees: list[Attendee] | None = None
) -> Invoice | None:
    """Issue a new `invoice` registration's invoice, and send it to the buyer and the
    accounts-payable email, in a short transaction of its own right after the
    registration committed: the event lock is not held while the number is taken, and the
    email leaves with its invoice. `registration` as created (with its event and promo
    code), `attendees` its rows in hand (with ticket types and choices), else read.
    Idempotent: a registration invoiced already, or no longer live, gets nothing
    (finance.tasks.issue_missing_invoices calls it for any registration a crash left
    without its invoice)."""
    if registration.payment_method != PaymentMethod.INVOICE or registration.total <= 0:
        return None
    with transaction.atomic(durable=True):
        status, invoiced = _status_locked(registration.pk)
        if status not in LIVE or invoiced:
            return None
        invoice = _issue_invoice(registration, timezone.now(), attendees)
        notify_invoice_issued(registration=registration)
        return invoice


def _status_locked(registration_id: int) -> tuple[str | None, bool]:
    """The registration's status, its row locked until the transaction ends, then
    whether it has a document already: two prepared statements (the ORM's cost more CPU
    to compile than to run, on every invoice registration). The second runs after the
    lock is granted, so it sees an invoice that whoever held the lock committed (one
    statement would read it as of before the wait)."""
    if connection.vendor != "postgresql":
        status = (
            Registration.objects.select_for_update()
            .filter(pk=registration_id)
            .values_list("status", flat=True)
            .first()
        )
        return status, Invoice.objects.filter(registration_id=registration_id).exists()
    with prepared_cursor() as cursor:
        cursor.execute(
            "SELECT status FROM registrations_registration WHERE id = %s FOR UPDATE",
            [registration_id],
        )
        row = cursor.fetchone()
        if row is None:
            return None, False
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM finance_invoice WHERE registration_id = %s)",
            [registration_id],
        )
        return row[0], cursor.fetchone()[0]


def invoices_issue_missing(*, older_than: timedelta = timedelta(seconds=30)) -> int:
    """Invoice the live `invoice` registrations left without one (the process that
    registered them stopped before it could); returns how many were issued."""
    cutoff = timezone.now() - older_than
    missing = Registration.objects.filter(
        payment_method=PaymentMethod.INVOICE,
        status__in=LIVE,
        total__gt=0,
        created_at__lte=cutoff,
        invoices__isnull=True,
    ).select_related("event", "promo_code")
    return sum(1 for r in list(missing[:500]) if invoice_issue_registered(registration=r))


def invoices_settle(
    *, registration: Registration, reason: str, refund_to_come: Decimal = ZERO
) -> Invoice | None:
    """Issue a credit note for what the invoice in force bills beyond what the
    registration now owes: while live, its total less refunds; once cancelled (or
    refunded, expired), what it keeps (paid, less refunded, less `refund_to_come`).
    Idempotent: nothing when nothing is over-billed. Caller holds a transaction."""
    invoice = open_invoice(registration)
    if invoice is None:
        return None
    if registration.status in LIVE:
        owed = owed_while_live(registration)
    else:
        owed = registration.amount_paid - registration.amount_refunded - refund_to_come
    excess = still_billed(invoice) - max(owed, ZERO)
    if excess <= 0:
        return None
    return credit_note_issue(invoice=invoice, amount=excess, reason=reason)


def owed_while_live(registration: Registration) -> Decimal:
    """What a live registration's invoice bills: its total less what was refunded of it.
    Money paid beyond the total (a waiting-list session's fee that came too late) was
    never on the invoice, and neither is its refund."""
    beyond_total = max(registration.amount_paid - registration.total, ZERO)
    return registration.total - max(registration.amount_refunded - beyond_total, ZERO)


def invoice_reissue(*, registration: Registration, reason: str) -> Invoice | None:
    """What the registration is billed changed (its billing details, a session added):
    the invoice in force stays as it was, credited in full, and a new one is issued for
    what the registration now owes (its refunds credited again). Caller holds a
    transaction (the registration's)."""
    invoice = open_invoice(registration)
    if invoice is not None and still_billed(invoice) > 0:
        credit_note_issue(invoice=invoice, amount=still_billed(invoice), reason=reason)
    issued = invoice_issue(registration=registration)
    invoices_settle(registration=registration, reason="Refund")
    return issued


def still_billed(invoice: Invoice) -> Decimal:
    """The invoice's total less its credit notes."""
    credited = invoice.credit_notes.aggregate(total=Sum("total"))["total"] or ZERO
    return invoice.total + credited  # credit notes carry negative totals


def credit_note_issue(
    *, invoice: Invoice, amount: Decimal, reason: str, at: datetime | None = None
) -> Invoice:
    """Credit `amount` (at most what the invoice still bills) of `invoice`. Crediting
    all of it mirrors its lines; a part is one line, its tax in the invoice's proportion
    (the last part takes what tax is left, so the credits' taxes add up to the invoice's).
    Caller holds a transaction."""
    at = at or timezone.now()
    remaining = still_billed(invoice)
    amount = min(cents(amount), remaining)
    credited_tax = invoice.credit_notes.aggregate(tax=Sum("tax"))["tax"] or ZERO
    if amount == invoice.total:
        lines = [{**line, "amount": _neg(line["amount"])} for line in invoice.lines]
        subtotal, discount, tax = invoice.subtotal, invoice.discount, invoice.tax
    else:
        if amount == remaining:
            tax = invoice.tax + credited_tax
        else:
            tax = cents(amount * invoice.tax / invoice.total) if invoice.total else ZERO
        net = amount if invoice.prices_include_tax else amount - tax
        lines = [{"description": f"{reason} (invoice {invoice.number})", "amount": _neg(net)}]
        subtotal, discount = net, ZERO
    return _write(
        invoice.registration,
        kind=Invoice.Kind.CREDIT_NOTE,
        at=at,
        refers_to=invoice,
        reason=reason,
        lines=lines,
        amounts=(-subtotal, -discount, -tax, -amount),
        due_date=None,
        template=invoice,
    )


def _issue_invoice(
    registration: Registration, at: datetime, attendees: list[Attendee] | None = None
) -> Invoice:
    event = registration.event
    if registration.payment_method == PaymentMethod.INVOICE and registration.expires_at:
        due_date = event.local(registration.expires_at).date()
    else:
        due_date = timezone.localdate(at)
    if attendees is None:
        attendees = list(
            registration.attendees.select_related("ticket_type").prefetch_related(
                "choices__session"
            )
        )
    return _write(
        registration,
        kind=Invoice.Kind.INVOICE,
        at=at,
        refers_to=None,
        reason="",
        lines=invoice_lines(registration, attendees),
        amounts=(
            registration.subtotal,
            registration.discount,
            registration.tax,
            registration.total,
        ),
        due_date=due_date,
        template=None,
    )


def _write(
    registration: Registration,
    *,
    kind: str,
    at: datetime,
    refers_to: Invoice | None,
    reason: str,
    lines: list[dict],
    amounts: tuple[Decimal, Decimal, Decimal, Decimal],
    due_date,
    template: Invoice | None,
) -> Invoice:
    """Number and store one document. A credit note copies its invoice's seller, buyer
    and tax (`template`): it corrects that document, as it was issued."""
    event = registration.event
    issue_date = timezone.localdate(at)
    prefix = settings.INVOICE_NUMBER_PREFIX
    sequence = next_in_series(prefix=prefix, year=issue_date.year)  # the lock: taken last
    subtotal, discount, tax, total = amounts
    invoice = Invoice(
        registration=registration,
        kind=kind,
        number=format_number(prefix=prefix, year=issue_date.year, sequence=sequence),
        prefix=prefix,
        year=issue_date.year,
        sequence=sequence,
        refers_to=refers_to,
        issued_at=at,
        issue_date=issue_date,
        due_date=due_date,
        reason=reason[:200],
        currency=registration.currency,
        subtotal=subtotal,
        discount=discount,
        tax=tax,
        total=total,
        tax_name=template.tax_name if template else event.tax_name,
        tax_rate=template.tax_rate if template else event.tax_rate,
        prices_include_tax=template.prices_include_tax if template else event.prices_include_tax,
        seller=template.seller if template else seller_for(event),
        buyer=template.buyer if template else buyer_for(registration),
        lines=lines,
        reference=registration.reference,
        event_name=event.name,
        payment_method=registration.payment_method,
        paper=template.paper if template else settings.INVOICE_PAPER,
    )
    insert_new([invoice])  # one prepared INSERT (config.inserts), as for a registration
    return invoice


def buyer_for(registration: Registration) -> dict[str, str]:
    """The billing details as given, with the buyer's name (and email when no
    accounts-payable email was given)."""
    billing = {k: v for k, v in registration.billing.items() if k in BILLING_LIMITS}
    return {
        "name": f"{registration.buyer_first_name} {registration.buyer_last_name}",
        **billing,
        "email": billing.get("email") or registration.buyer_email,
    }


def invoice_lines(registration: Registration, attendees: list[Attendee]) -> list[dict]:
    """One line per attendee's ticket, one per discount, one per session fee, at the
    prices stored when they registered (`attendees` with their ticket types and choices,
    choices with their sessions); they add up to subtotal less discount."""
    lines = []
    code = registration.promo_code.code if registration.promo_code_id else ""
    for attendee in sorted(attendees, key=lambda a: a.id):
        lines.append(
            {
                "description": f"{attendee.ticket_type.name}: {attendee.full_name}",
                "amount": str(attendee.ticket_price),
            }
        )
        if attendee.discount:
            label = f"Discount, promo code {code}" if code else "Discount"
            lines.append(
                {
                    "description": f"{label}: {attendee.full_name}",
                    "amount": _neg(attendee.discount),
                }
            )
        for choice in sorted(attendee.choices.all(), key=lambda c: c.id):
            if choice.price:
                lines.append(
                    {
                        "description": f"{choice.session.title}: {attendee.full_name}",
                        "amount": str(choice.price),
                    }
                )
    return lines


def _neg(amount) -> str:
    return str(-cents(Decimal(str(amount))))
