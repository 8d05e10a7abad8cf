"""Invoices and credit notes: numbered when issued, fixed for ever, readable as PDF."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings

from finance.models import ImmutableDocument, Invoice
from tests.finance.helpers import (
    attendee,
    invoice_registration,
    organizer_for,
    pdf_pages,
    pdf_text,
    priced_event,
)
from tests.registrations.helpers import body, register

pytestmark = pytest.mark.django_db
YEAR = date.today().year


@pytest.fixture
def hospital(settings):
    settings.INVOICE_NUMBER_PREFIX = "IHI"
    settings.INVOICE_ISSUER_NAME = "Institute for Healthcare Improvement"
    settings.INVOICE_ISSUER_ADDRESS = "53 State Street\nBoston, MA 02109"
    settings.INVOICE_ISSUER_TAX_ID = "EIN 04-3294817"
    settings.INVOICE_BANK_DETAILS = "Bank of Boston, ABA 011000138, account 123456789"
    settings.INVOICE_PAPER = "letter"


def test_an_invoice_registration_gets_a_numbered_invoice_at_once(api, hospital):
    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket), attendee(ticket))
    [invoice] = data["invoices"]
    assert invoice["number"] == f"IHI{YEAR}-00001"
    assert invoice["kind"] == "invoice" and invoice["total"] == "1000.00"
    assert invoice["url"].endswith(f"/registrations/{data['token']}/invoices/IHI{YEAR}-00001.pdf")
    second = invoice_registration(api, event, attendee(ticket))
    assert second["invoices"][0]["number"] == f"IHI{YEAR}-00002"


def test_invoice_payment_needs_billing_details_and_says_which(api):
    event, ticket = priced_event()
    response = register(
        api,
        event,
        body(attendee(ticket), payment_method="invoice", billing={"organization": "Mercy"}),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"billing.email", "billing.address_line1", "billing.city", "billing.country"} <= set(
        errors
    )
    assert "billing.organization" not in errors
    bad = register(
        api,
        event,
        body(
            attendee(ticket),
            payment_method="invoice",
            billing={
                "organization": "Mercy",
                "email": "ap@mercy.org",
                "address_line1": "1 Way",
                "city": "Boston",
                "country": "USA",
            },
        ),
    )
    assert bad.status_code == 400 and "billing.country" in bad.json()["errors"]
    assert not Invoice.objects.exists()


def test_a_card_registration_needs_no_billing_details(api):
    event, ticket = priced_event()
    response = register(api, event, body(attendee(ticket)))
    assert response.status_code == 201 and response.json()["invoices"] == []


def test_the_pdf_carries_seller_buyer_po_lines_tax_and_names_in_any_script(api, client, hospital):
    event, ticket = priced_event(tax_rate=Decimal("6.25"), tax_name="Sales tax")
    data = invoice_registration(
        api,
        event,
        attendee(ticket, first_name="Jan", last_name="Łukasiewicz"),
        attendee(ticket, first_name="Ολυμπία", last_name="Παπαδοπούλου"),
        attendee(ticket, first_name="Ольга", last_name="Смирнова"),
        billing={
            "organization": "Mercy General Hospital",
            "email": "ap@mercy.example.org",
            "address_line1": "1 Hospital Way",
            "city": "Boston",
            "region": "MA",
            "postal_code": "02115",
            "country": "US",
            "tax_id": "EIN 12-3456789",
            "po_number": "PO-2027-0042",
        },
    )
    assert (data["subtotal"], data["tax"], data["total"]) == ("1500.00", "93.75", "1593.75")
    text = pdf_text(client, data["invoices"][0]["url"])
    for expected in (
        f"Invoice IHI{YEAR}-00001",
        "Institute for Healthcare Improvement",
        "53 State Street",
        "EIN 04-3294817",
        "Mercy General Hospital",
        "1 Hospital Way",
        "EIN 12-3456789",
        "PO number: PO-2027-0042",
        "Full conference: Jan Łukasiewicz",
        "Full conference: Ολυμπία Παπαδοπούλου",
        "Full conference: Ольга Смирнова",
        "Sales tax 6.25%",
        "93.75 USD",
        "1,593.75 USD",
        "Due date:",
        "Bank of Boston",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(("paper", "size"), [("letter", (612, 792)), ("a4", (595, 842))])
def test_invoice_paper_is_the_setting(api, client, settings, paper, size):
    settings.INVOICE_PAPER = paper
    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket))
    [page] = pdf_pages(client, data["invoices"][0]["url"])
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size


def test_an_issued_invoice_reads_the_same_after_payments_refunds_and_edits(
    api, client, hospital, django_capture_on_commit_callbacks
):
    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket), attendee(ticket))
    url = data["invoices"][0]["url"]
    before = client.get(url).content
    text_before = pdf_text(client, url)
    org = organizer_for(event)
    mark_paid = f"/api/v1/organizer/registrations/{data['reference']}/mark-paid/"
    assert org.post(mark_paid, {"amount": "300.00"}, format="json").status_code == 200
    with override_settings(INVOICE_ISSUER_NAME="Someone Else", INVOICE_PAPER="a4"):
        event.name = "Renamed event"
        event.save()
        assert org.post(mark_paid, {}, format="json").status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            refund = org.post(
                f"/api/v1/organizer/registrations/{data['reference']}/refund/",
                {"amount": "100.00"},
                format="json",
            )
        assert refund.status_code == 200, refund.json()
        person = data["attendees"][0]["id"]
        api.patch(
            f"/api/v1/registrations/{data['token']}/attendees/{person}/",
            {"first_name": "Changed"},
            format="json",
        )
        assert client.get(url).content == before
        assert pdf_text(client, url) == text_before


def test_a_pdf_once_downloaded_is_served_as_kept_whatever_the_layout_becomes(
    api, client, monkeypatch
):
    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket))
    url = data["invoices"][0]["url"]
    first = client.get(url).content
    monkeypatch.setattr("finance.pdf.invoice_pdf", lambda invoice: b"%PDF- a new layout")
    assert client.get(url).content == first
    assert client.get(f"/payments/{data['token']}/invoice.pdf").content == first


def test_an_issued_invoice_cannot_be_changed_or_deleted(api):
    event, ticket = priced_event()
    invoice_registration(api, event, attendee(ticket))
    invoice = Invoice.objects.get()
    invoice.total = Decimal("1.00")
    with pytest.raises(ImmutableDocument):
        invoice.save()
    with pytest.raises(ImmutableDocument):
        invoice.delete()


def test_cancelling_an_unpaid_invoice_issues_a_credit_note_for_all_of_it(api, client, hospital):
    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket))
    response = api.post(f"/api/v1/registrations/{data['token']}/cancel/")
    assert response.status_code == 200, response.json()
    invoice, credit = response.json()["invoices"]
    assert credit["kind"] == "credit_note" and credit["refers_to"] == invoice["number"]
    assert credit["number"] == f"IHI{YEAR}-00002"
    assert credit["total"] == "-500.00"
    text = pdf_text(client, credit["url"])
    assert (
        f"Credit note IHI{YEAR}-00002" in text and f"Corrects invoice: {invoice['number']}" in text
    )


def test_a_refund_issues_a_credit_note_for_what_went_back(
    api, hospital, django_capture_on_commit_callbacks
):
    event, ticket = priced_event(tax_rate=Decimal("10"))
    data = invoice_registration(api, event, attendee(ticket))
    org = organizer_for(event)
    org.post(f"/api/v1/organizer/registrations/{data['reference']}/mark-paid/")
    with django_capture_on_commit_callbacks(execute=True):
        answer = org.post(
            f"/api/v1/organizer/registrations/{data['reference']}/refund/",
            {"amount": "110.00"},
            format="json",
        ).json()
    invoice, credit = answer["invoices"]
    assert (invoice["total"], invoice["tax"]) == ("550.00", "50.00")
    assert (credit["total"], credit["tax"], credit["subtotal"]) == ("-110.00", "-10.00", "-100.00")
    assert credit["refers_to"] == invoice["number"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = org.post(
            f"/api/v1/organizer/registrations/{data['reference']}/refund/", format="json"
        ).json()
    assert answer["status"] == "refunded"
    credits = [i for i in answer["invoices"] if i["kind"] == "credit_note"]
    assert sum(Decimal(c["total"]) for c in credits) == Decimal("-550.00")
    assert sum(Decimal(c["tax"]) for c in credits) == Decimal("-50.00")


def test_a_card_payment_is_invoiced_when_paid(api, hospital):
    from registrations.models import Registration
    from registrations.services.registration import registration_confirm

    event, ticket = priced_event(tax_rate=Decimal("20"), prices_include_tax=True)
    response = register(api, event, body(attendee(ticket)))
    data = response.json()
    assert (data["total"], data["tax"]) == ("500.00", "83.33")
    assert data["invoices"] == []
    registration = Registration.objects.get(reference=data["reference"])
    registration_confirm(registration_id=registration.pk, amount_paid=Decimal("500.00"))
    [invoice] = api.get(f"/api/v1/registrations/{data['token']}/").json()["invoices"]
    assert (invoice["total"], invoice["tax"]) == ("500.00", "83.33")


def test_the_invoice_email_gives_the_number_subtotal_discount_tax_and_total(
    api, hospital, django_capture_on_commit_callbacks
):
    from django.core import mail

    from registrations.models import PromoCode

    event, ticket = priced_event(tax_rate=Decimal("7.5"), tax_name="Sales tax")
    PromoCode.objects.create(event=event, code="MEMBER10", percent_off=Decimal("10"))
    with django_capture_on_commit_callbacks(execute=True):
        data = invoice_registration(api, event, attendee(ticket), promo_code="MEMBER10")
    assert (data["subtotal"], data["discount"], data["tax"], data["total"]) == (
        "500.00",
        "50.00",
        "33.75",
        "483.75",
    )
    [to_buyer] = [m for m in mail.outbox if m.to == ["buyer@example.org"]]
    for expected in (
        f"IHI{YEAR}-00001",
        "500.00 USD",
        "−50.00 USD",
        "Sales tax (7.5%)",
        "33.75 USD",
        "483.75 USD",
    ):
        assert expected in to_buyer.body, expected
    assert any(m.to == ["ap@mercy.example.org"] for m in mail.outbox)  # accounts payable too


def test_the_pdf_embeds_a_font_with_latin_greek_and_cyrillic_glyphs(api, client):
    from reportlab.pdfbase import pdfmetrics

    from finance.pdf import FONT, register_fonts

    event, ticket = priced_event()
    data = invoice_registration(api, event, attendee(ticket, first_name="Ольга"))
    [page] = pdf_pages(client, data["invoices"][0]["url"])
    fonts = {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in name for name in fonts), fonts
    register_fonts()
    glyphs = pdfmetrics.getFont(FONT).face.charToGlyph
    assert all(ord(char) in glyphs for char in "ŁłΠαπΟλυμίαОльгаЖжЩщ€")


def test_an_invoice_registration_left_without_its_invoice_gets_it_from_the_sweep(
    api, monkeypatch, django_capture_on_commit_callbacks
):
    """The process stops between the registration's commit and its invoice's: the
    periodic sweep issues the invoice, and sends it, once."""
    from datetime import timedelta

    from django.core import mail

    from finance.tasks import issue_missing_invoices

    event, ticket = priced_event()
    with monkeypatch.context() as patched:
        patched.setattr(
            "registrations.services.registration.invoice_issue_registered",
            lambda registration, attendees: None,
        )
        data = invoice_registration(api, event, attendee(ticket))
    assert data["invoices"] == []
    assert issue_missing_invoices.delay().get() == 0  # too recent: it may be on its way
    from registrations.models import Registration

    Registration.objects.filter(reference=data["reference"]).update(
        created_at=Registration.objects.get(reference=data["reference"]).created_at
        - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert issue_missing_invoices.delay().get() == 1
    assert issue_missing_invoices.delay().get() == 0
    [invoice] = api.get(f"/api/v1/registrations/{data['token']}/").json()["invoices"]
    assert invoice["kind"] == "invoice" and invoice["total"] == "500.00"
    assert sorted(m.to[0] for m in mail.outbox) == ["ap@mercy.example.org", "buyer@example.org"]
