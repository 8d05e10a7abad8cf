"""Money received for an invoice (offline provider), recorded by the organizer: a bank
transfer or a cheque, in full or in part."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from config.money import money_text
from payments.models import Payment
from payments.providers import provider_for_method
from registrations.errors import InvalidState
from registrations.models import Registration
from registrations.services.money import registration_record_payment
from registrations.services.registration import registration_confirm


@transaction.atomic(durable=True)
def invoice_mark_paid(
    *,
    registration: Registration,
    amount: Decimal | None = None,
    paid_at: datetime | None = None,
    note: str = "",
) -> Registration:
    """The organizer records a payment received for an invoice: `amount` (without it,
    all that is due) on `paid_at` (default now). Once the total is paid the registration
    is confirmed; until then `amount_due` shows the rest. The audit log says who
    recorded what. Raises InvalidState for a registration that is not an unpaid invoice,
    ValidationError (`amount`, `paid_at`) for an amount over what is due or a date ahead."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    provider = provider_for_method(registration.payment_method)
    if provider.online:
        raise InvalidState("Only invoice registrations are marked paid by hand.")
    if registration.status not in (
        Registration.Status.PENDING_PAYMENT,
        Registration.Status.EXPIRED,
    ):
        raise InvalidState(f"This registration is {registration.status}: nothing is due.")
    now = timezone.now()
    due = registration.amount_due
    amount = due if amount is None else amount
    if amount <= 0 or amount > due:
        limit = money_text(due, registration.currency)
        raise ValidationError({"amount": [f"Between 0.01 and the amount due, {limit}."]})
    if paid_at is not None and paid_at > now:
        raise ValidationError({"paid_at": ["A payment received cannot be dated in the future."]})
    payment = Payment.objects.create(
        registration=registration,
        provider=provider.name,
        amount=amount,
        currency=registration.currency,
        status=Payment.Status.SUCCEEDED,
        succeeded_at=paid_at or now,
        note=note[:300],
    )
    if amount == due:
        registration = registration_confirm(
            registration_id=registration.pk, amount_paid=registration.amount_paid + amount
        )
    else:
        registration = registration_record_payment(registration_id=registration.pk, amount=amount)
    audit_record(
        action=AuditEntry.Action.MARK_PAID,
        event=registration.event,
        target=registration.reference,
        details={
            "amount": str(payment.amount),
            "currency": payment.currency,
            "note": payment.note,
            "amount_due": str(registration.amount_due),
        }
        | ({"paid_at": paid_at.isoformat()} if paid_at else {}),
    )
    return registration
