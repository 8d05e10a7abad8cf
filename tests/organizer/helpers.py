"""Registrations made straight in the database, in any state, for the organizer tests."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from registrations.models import Attendee, CheckIn, Registration, SessionChoice, new_code

_seq = count(1)


def make_registration(
    event,
    *people: dict,
    status: str = Registration.Status.CONFIRMED,
    payment_method: str = "card",
    amount_paid: Decimal | None = None,
    amount_refunded: Decimal = Decimal("0.00"),
    expires_at=None,
    created_at=None,
) -> Registration:
    """A registration of `people` (dicts with `ticket_type`, optional `sessions` and
    attendee fields). Paid in full when confirmed unless `amount_paid` says otherwise."""
    total = sum(
        (p["ticket_type"].price + sum((s.price for s in p.get("sessions", ())), Decimal(0)))
        for p in people
    )
    if status == Registration.Status.PENDING_PAYMENT and expires_at is None:
        expires_at = timezone.now() + timedelta(minutes=15)
    if amount_paid is None:
        amount_paid = total if status == Registration.Status.CONFIRMED else Decimal("0.00")
    n = next(_seq)
    registration = Registration.objects.create(
        event=event,
        reference=f"T{n}-{new_code(6)}",
        status=status,
        payment_method=payment_method,
        buyer_first_name="Buyer",
        buyer_last_name=f"Number{n}",
        buyer_email=f"buyer{n}@example.org",
        currency=event.currency,
        subtotal=total,
        total=total,
        amount_paid=amount_paid,
        amount_refunded=amount_refunded,
        expires_at=expires_at,
        created_at=created_at or timezone.now(),
    )
    for person in people:
        person = dict(person)
        ticket_type = person.pop("ticket_type")
        sessions = person.pop("sessions", ())
        k = next(_seq)
        fields = {
            "first_name": f"Ada{k}",
            "last_name": "Ng",
            "email": f"ada{k}@example.org",
            "organization": "Mercy General",
            "job_title": "Charge Nurse",
            "profession": "nurse",
        } | person
        attendee = Attendee.objects.create(
            registration=registration,
            ticket_type=ticket_type,
            badge_code=new_code(10),
            ticket_price=ticket_type.price,
            **fields,
        )
        for session in sessions:
            SessionChoice.objects.create(attendee=attendee, session=session, price=session.price)
    return registration


def attendee_of(registration: Registration, index: int = 0) -> Attendee:
    return registration.attendees.order_by("id")[index]


def checked_in(attendee: Attendee, session=None) -> CheckIn:
    return CheckIn.objects.create(attendee=attendee, session=session)
