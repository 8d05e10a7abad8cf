"""Money received for an invoice (offline provider), recorded by the organizer."""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from payments.models import Payment
from payments.providers import provider_for_method
from registrations.errors import InvalidState
from registrations.models import Registration
from registrations.services.registration import registration_confirm


@transaction.atomic(durable=True)
def invoice_mark_paid(*, registration: Registration) -> Registration:
    """The organizer records an invoice's payment: the registration is confirmed, and the
    audit log says who recorded it. Raises InvalidState for a registration that is not
    an unpaid invoice."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    provider = provider_for_method(registration.payment_method)
    if provider.online:
        raise InvalidState("Only invoice registrations are marked paid by hand.")
    if registration.status == Registration.Status.CONFIRMED:
        raise InvalidState("This registration is already paid.")
    payment = Payment.objects.create(
        registration=registration,
        provider=provider.name,
        amount=registration.amount_due,
        currency=registration.currency,
        status=Payment.Status.SUCCEEDED,
        succeeded_at=timezone.now(),
    )
    registration = registration_confirm(registration_id=registration.pk, amount_paid=payment.amount)
    audit_record(
        action=AuditEntry.Action.MARK_PAID,
        event=registration.event,
        target=registration.reference,
        details={"amount": str(payment.amount), "currency": payment.currency},
    )
    return registration
