"""Billing details changed after registering."""

from django.db import transaction

from finance.billing import BillingInput, billing_check
from finance.selectors import open_invoice
from finance.services.issuing import invoice_reissue, still_billed
from registrations.errors import InvalidState
from registrations.models import PaymentMethod, Registration


@transaction.atomic
def billing_change(*, registration: Registration, billing: BillingInput) -> Registration:
    """Give the registration new billing details (the whole set). Until an invoice is
    issued they simply change. After, the issued invoice stays as it was: it is credited
    in full and a new invoice issued to the new details (refunds credited again).

    Raises ValidationError (`billing.city`, ...; an invoice payment needs the required
    fields), InvalidState for a registration that is no longer live."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    cleaned = billing.cleaned()
    billing_check(cleaned, required=registration.payment_method == PaymentMethod.INVOICE)
    if cleaned.as_dict() == registration.billing:
        return registration
    if registration.effective_status not in (
        Registration.Status.PENDING_PAYMENT,
        Registration.Status.CONFIRMED,
    ):
        raise InvalidState("The billing details of this registration can no longer change.")
    registration.billing = cleaned.as_dict()
    registration.save(update_fields=["billing"])
    invoice = open_invoice(registration)
    if invoice is not None and still_billed(invoice) > 0:
        invoice_reissue(registration=registration, reason="Billing details changed")
    return registration
