"""Credit notes add up (hypothesis): whatever the tax, and however a paid invoice is
refunded, in any number of parts, the credit notes' totals are minus the refunds, and
once all is refunded they cancel the invoice exactly, tax included, to the cent."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance.models import Invoice
from payments.services.offline import invoice_mark_paid
from registrations.models import Registration
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.money import registration_record_refund
from registrations.services.registration import registration_create
from tests.factories import EventFactory, TicketTypeFactory
from tests.registrations.helpers import BILLING_INPUT

pytestmark = pytest.mark.django_db

prices = st.decimals(min_value=Decimal("0.01"), max_value=5000, places=2)
rates = st.decimals(min_value=0, max_value=30, places=2)
shares = st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=5)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(price=prices, rate=rates, inclusive=st.booleans(), parts=shares)
def test_credit_notes_of_refunds_add_up_to_the_invoice(price, rate, inclusive, parts):
    event = EventFactory(tax_rate=rate, prices_include_tax=inclusive, venue=None)
    ticket = TicketTypeFactory(event=event, price=price)
    registration = registration_create(
        event=event,
        buyer=BuyerInput(first_name="B", last_name="N", email="b@x.org", billing=BILLING_INPUT),
        attendees=[
            AttendeeInput(ticket_type=ticket.id, first_name="A", last_name="N", email="a@x.org")
        ],
        payment_method="invoice",
    )
    registration = invoice_mark_paid(registration=registration)
    [invoice] = Invoice.objects.filter(registration=registration)
    assert invoice.total == registration.total
    assert invoice.subtotal - invoice.discount + (0 if inclusive else invoice.tax) == invoice.total
    # The refunds: the paid total split in the drawn proportions, to the cent.
    whole, weights = registration.total, sum(parts)
    amounts = [(whole * p / weights).quantize(Decimal("0.01")) for p in parts[:-1]]
    amounts = [a for a in amounts if a > 0]
    amounts.append(whole - sum(amounts))
    for amount in amounts:
        if amount > 0:
            registration_record_refund(registration_id=registration.pk, amount=amount)
    credits = list(Invoice.objects.filter(refers_to=invoice))
    assert sum(c.total for c in credits) == -whole
    assert sum(c.tax for c in credits) == -invoice.tax
    for credit in credits:
        taxed = 0 if credit.prices_include_tax else credit.tax
        assert credit.subtotal - credit.discount + taxed == credit.total
    assert Registration.objects.get(pk=registration.pk).status == "refunded"
