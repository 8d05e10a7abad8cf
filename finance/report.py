"""The organizer's money view of an event, and the invoice register accountants import.

Both read the same documents, so they agree to the cent:

- from the invoices and credit notes (what was billed): `gross` (the invoices' lines at
  their listed prices), `discounts`, `refunds` (what credit notes took back: refunds,
  cancellations, invoices voided or replaced), `net` = gross − discounts − refunds, `tax`
  and `billed` (the documents' totals). The register's columns add up to these:
  Σ subtotal − Σ discount = net, Σ tax = tax, Σ total = billed.
- `outstanding`: what invoices in force still ask for (each one: what it bills less
  what was paid against it); `overdue`, the part past its due date. Σ due = outstanding.
- `received` and `returned`: the money that moved (payments, refunds); card fees where
  the provider reports them.
- by ticket type, session fee and promo code: the sales of the registrations holding
  seats (each attendee's ticket, discount and session fees as stored when they
  registered); by payment method: the documents again.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from events.models import Event
from finance.models import Invoice
from finance.selectors import event_invoices
from payments.models import Payment, Refund
from payments.services.fees import card_fees
from registrations.models import ZERO, Attendee, Registration, SessionChoice

REGISTER_COLUMNS = [
    "number",
    "kind",
    "issued_at",
    "reference",
    "organization",
    "po_number",
    "subtotal",
    "discount",
    "tax",
    "total",
    "paid",
    "due",
    "due_date",
    "refers_to",
    "currency",
    "payment_method",
    "tax_id",
]


def register_rows(*, event: Event) -> list[dict]:
    """One row per invoice and credit note of the event, in number order, with what was
    paid against each invoice in force and what it still asks for."""
    invoices = list(event_invoices(event_id=event.pk))
    credited: dict[int, Decimal] = defaultdict(lambda: ZERO)
    latest: dict[int, Invoice] = {}
    for invoice in invoices:
        if invoice.kind == Invoice.Kind.CREDIT_NOTE:
            credited[invoice.refers_to_id] += invoice.total
        elif invoice.registration_id not in latest or (
            invoice.issued_at,
            invoice.id,
        ) > (latest[invoice.registration_id].issued_at, latest[invoice.registration_id].id):
            latest[invoice.registration_id] = invoice
    rows = []
    for invoice in invoices:
        registration = invoice.registration
        paid = due = None
        if invoice.kind == Invoice.Kind.INVOICE:
            billed = invoice.total + credited[invoice.id]
            if latest[registration.pk] is invoice:
                kept = max(registration.amount_paid - registration.amount_refunded, ZERO)
                paid = min(kept, billed)
                due = max(billed - paid, ZERO)
            else:
                paid = due = ZERO  # replaced, and credited in full
        rows.append(
            {
                "number": invoice.number,
                "kind": invoice.kind,
                "issued_at": invoice.issued_at,
                "reference": invoice.reference,
                "organization": invoice.buyer.get("organization", ""),
                "po_number": invoice.buyer.get("po_number", ""),
                "subtotal": invoice.subtotal,
                "discount": invoice.discount,
                "tax": invoice.tax,
                "total": invoice.total,
                "paid": paid,
                "due": due,
                "due_date": invoice.due_date,
                "refers_to": invoice.refers_to.number if invoice.refers_to_id else "",
                "currency": invoice.currency,
                "payment_method": invoice.payment_method,
                "tax_id": invoice.buyer.get("tax_id", ""),
            }
        )
    return rows


def finance_report(*, event: Event, today: date | None = None) -> dict:
    """The event's money figures (see the module's docstring); amounts are Decimals."""
    today = today or event.local(timezone.now()).date()
    rows = register_rows(event=event)
    return {
        "currency": event.currency,
        **_document_figures(rows, today),
        "received": _sum(
            Payment.objects.filter(registration__event=event, status=Payment.Status.SUCCEEDED),
            "amount",
        ),
        "returned": _sum(
            Refund.objects.filter(
                payment__registration__event=event, status=Refund.Status.SUCCEEDED
            ),
            "amount",
        ),
        "card_fees": card_fees(event_id=event.pk),
        "by_payment_method": [
            {"payment_method": method, **_document_figures(group, today)}
            for method, group in _grouped(rows, "payment_method")
        ],
        **_sales(event),
        "invoices": sum(1 for r in rows if r["kind"] == Invoice.Kind.INVOICE),
        "credit_notes": sum(1 for r in rows if r["kind"] == Invoice.Kind.CREDIT_NOTE),
    }


def _document_figures(rows: list[dict], today: date) -> dict:
    invoices = [r for r in rows if r["kind"] == Invoice.Kind.INVOICE]
    credits = [r for r in rows if r["kind"] == Invoice.Kind.CREDIT_NOTE]
    gross = sum((r["subtotal"] for r in invoices), ZERO)
    discounts = sum((r["discount"] for r in invoices), ZERO)
    refunds = -sum((r["subtotal"] - r["discount"] for r in credits), ZERO)
    return {
        "gross": gross,
        "discounts": discounts,
        "refunds": refunds,
        "net": gross - discounts - refunds,
        "tax": sum((r["tax"] for r in rows), ZERO),
        "billed": sum((r["total"] for r in rows), ZERO),
        "outstanding": sum((r["due"] or ZERO for r in invoices), ZERO),
        "overdue": sum(
            (r["due"] or ZERO for r in invoices if r["due_date"] and r["due_date"] < today),
            ZERO,
        ),
    }


def _sales(event: Event) -> dict:
    """Ticket types, session fees and promo codes of the registrations holding seats."""
    holding = Registration.objects.filter(event=event).holding_seats()
    attendees = Attendee.objects.filter(registration__in=holding)
    tickets = (
        attendees.values("ticket_type_id", "ticket_type__name")
        .annotate(attendees=Count("id"), gross=Sum("ticket_price"), discounts=Sum("discount"))
        .order_by("ticket_type__name")
    )
    sessions = (
        SessionChoice.objects.filter(attendee__registration__in=holding, price__gt=0)
        .values("session_id", "session__title")
        .annotate(attendees=Count("id"), fees=Sum("price"))
        .order_by("session__title")
    )
    codes = (
        attendees.filter(discount__gt=0)
        .exclude(discount_kind="group")
        .values("registration__promo_code__code")
        .annotate(attendees=Count("id"), discounts=Sum("discount"))
        .order_by("registration__promo_code__code")
    )
    return {
        "by_ticket_type": [
            {
                "id": row["ticket_type_id"],
                "name": row["ticket_type__name"],
                "attendees": row["attendees"],
                "gross": row["gross"],
                "discounts": row["discounts"],
                "net": row["gross"] - row["discounts"],
            }
            for row in tickets
        ],
        "by_session": [
            {
                "id": row["session_id"],
                "title": row["session__title"],
                "attendees": row["attendees"],
                "fees": row["fees"],
            }
            for row in sessions
        ],
        "by_promo_code": [
            {
                "code": row["registration__promo_code__code"] or "",
                "attendees": row["attendees"],
                "discounts": row["discounts"],
            }
            for row in codes
        ],
        "by_group_rate": _by_group_rate(event, attendees),
    }


def _by_group_rate(event: Event, attendees) -> list[dict]:
    """Team-rate discounts by the tier that gave them: each attendee's stored discount
    read as a percentage of their ticket, matched to the event's tier of that percentage
    (`min_attendees` null when no tier gives it any more: the rates changed since)."""
    tiers = {rate.percent_off: rate.min_attendees for rate in event.group_rates.all()}
    rows: dict[Decimal, dict] = {}
    team = attendees.filter(discount_kind="group", discount__gt=0, ticket_price__gt=0)
    for ticket_price, discount in team.values_list("ticket_price", "discount"):
        percent = (discount * 100 / ticket_price).quantize(Decimal("0.01"))
        near = min(tiers, key=lambda p: abs(p - percent), default=None)
        if near is not None and abs(near - percent) < Decimal("0.1"):
            percent = near
        row = rows.setdefault(
            percent,
            {"min_attendees": tiers.get(percent), "percent_off": percent, "attendees": 0,
             "discounts": Decimal("0")},
        )  # fmt: skip
        row["attendees"] += 1
        row["discounts"] += discount
    return [rows[p] for p in sorted(rows)]


def _grouped(rows: list[dict], key: str):
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return sorted(groups.items())


def _sum(queryset, field: str) -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or ZERO
