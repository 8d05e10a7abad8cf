"""Invoice registrations through the API, and reading their PDFs back (pypdf)."""

import io
from decimal import Decimal

from pypdf import PdfReader

from tests.factories import EventFactory, TicketTypeFactory
from tests.payments.test_stripe_payments import organizer_for
from tests.registrations.helpers import attendee, body, register


def priced_event(price="500.00", **event_fields):
    event = EventFactory(**event_fields)
    ticket = TicketTypeFactory(event=event, price=Decimal(price), name="Full conference")
    return event, ticket


def invoice_registration(api, event, *people, **options) -> dict:
    response = register(api, event, body(*people, payment_method="invoice", **options))
    assert response.status_code == 201, response.json()
    return response.json()


def pdf_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def pdf_pages(client, url: str):
    return PdfReader(io.BytesIO(client.get(url).content)).pages


__all__ = ["attendee", "organizer_for", "pdf_pages"]
