"""Billing details after registering: free to change until an invoice is issued; after,
the invoice stands, a credit note cancels it and a new invoice goes to the new details."""

from decimal import Decimal

import pytest

from tests.finance.helpers import attendee, invoice_registration, pdf_text, priced_event
from tests.registrations.helpers import body, register

pytestmark = pytest.mark.django_db


def billing_url(data) -> str:
    return f"/api/v1/registrations/{data['token']}/billing/"


def test_before_an_invoice_the_details_simply_change(api):
    event, ticket = priced_event()
    data = register(api, event, body(attendee(ticket))).json()  # card, unpaid: no invoice
    answer = api.patch(
        billing_url(data), {"organization": "St. Luke's", "po_number": "PO-9"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["billing"] == {"organization": "St. Luke's", "po_number": "PO-9"}
    assert answer.json()["invoices"] == []


def test_after_an_invoice_a_change_credits_it_and_issues_a_new_one(api, client):
    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket))
    [first] = data["invoices"]
    text_before = pdf_text(client, first["url"])
    answer = api.patch(billing_url(data), {"po_number": "PO-NEW-77"}, format="json")
    assert answer.status_code == 200, answer.json()
    old, credit, new = answer.json()["invoices"]
    assert old == first
    assert (credit["kind"], credit["refers_to"], credit["total"]) == (
        "credit_note",
        first["number"],
        "-500.00",
    )
    assert (new["kind"], new["total"]) == ("invoice", "500.00")
    assert "PO number: PO-NEW-77" in pdf_text(client, new["url"])
    assert pdf_text(client, first["url"]) == text_before
    assert "PO-4711" in text_before and "PO-NEW-77" not in text_before
    # The same details again change nothing and issue nothing.
    again = api.patch(billing_url(data), {"po_number": "PO-NEW-77"}, format="json")
    assert len(again.json()["invoices"]) == 3


def test_an_invoice_registration_keeps_what_an_invoice_needs(api):
    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket))
    answer = api.patch(billing_url(data), {"country": "Spain"}, format="json")
    assert answer.status_code == 400 and set(answer.json()["errors"]) == {"billing.country"}
    answer = api.patch(billing_url(data), {"city": "", "country": "E1"}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"billing.city", "billing.country"}
    assert len(api.get(f"/api/v1/registrations/{data['token']}/").json()["invoices"]) == 1


def test_the_manage_page_changes_the_billing_details(api, client):
    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket))
    manage = client.get(f"/registrations/{data['token']}/").content.decode()
    assert "Mercy General Hospital" in manage and data["invoices"][0]["number"] in manage
    page = f"/registrations/{data['token']}/billing/"
    assert "An invoice has been issued already" in client.get(page).content.decode()
    fields = {
        "organization": "Mercy General Hospital",
        "email": "ap@mercy.example.org",
        "address_line1": "2 New Street",
        "city": "Boston",
        "country": "us",
        "po_number": "PO-4711",
    }
    bad = client.post(page, {**fields, "city": ""})
    assert bad.status_code == 400 and "Required for payment by invoice." in bad.content.decode()
    done = client.post(page, fields, follow=True)
    assert "The billing details have been saved." in done.content.decode()
    invoices = api.get(f"/api/v1/registrations/{data['token']}/").json()["invoices"]
    assert [i["kind"] for i in invoices] == ["invoice", "credit_note", "invoice"]
    assert "2 New Street" in pdf_text(client, invoices[2]["url"])


def test_the_register_page_asks_an_invoice_for_its_billing_details_and_carries_them(client):
    from finance.models import Invoice
    from registrations.models import Registration
    from tests.registrations.test_pages import form_data, hidden_fields, person

    event, ticket = priced_event(tax_rate="6.25", tax_name="Sales tax")
    url = f"/registrations/register/{event.slug}/"
    data = form_data(person(1, ticket)) | {"order-payment_method": "invoice"}
    refused = client.post(url, data)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Billing details" in page and "Required for payment by invoice." in page
    billing = {
        "billing-organization": "Mercy General Hospital",
        "billing-email": "ap@mercy.example.org",
        "billing-address_line1": "1 Hospital Way",
        "billing-city": "Boston",
        "billing-country": "us",
        "billing-po_number": "PO-77",
    }
    review = client.post(url, data | billing)
    assert review.status_code == 200
    text = review.content.decode()
    assert "PO-77" in text and "Sales tax" in text and "531.25 USD" in text
    confirmed = client.post(url, hidden_fields(text) | {"action": "confirm"}, follow=True)
    assert confirmed.status_code == 200
    registration = Registration.objects.get()
    assert registration.billing["country"] == "US" and registration.billing["po_number"] == "PO-77"
    assert (registration.tax, registration.total) == (Decimal("31.25"), Decimal("531.25"))
    invoice = Invoice.objects.get(registration=registration)
    assert invoice.buyer["po_number"] == "PO-77" and invoice.number in confirmed.content.decode()
