"""A hospital registers by invoice with its billing details and PO number; the organizer
records its payment and reads the event's finances, in Chromium, every page audited
with axe-core."""

from decimal import Decimal

import pytest

from registrations.models import Registration
from tests.browser.helpers import congress
from tests.factories import OrganizerFactory

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_invoice_registration_and_the_organizers_finance_page(page, live_server, audit, shoot):
    event = congress().event
    event.tax_rate, event.tax_name = Decimal("6.25"), "Sales tax"
    event.save()
    page.goto(f"{live_server.url}/registrations/register/{event.slug}/")
    you = page.get_by_role("group", name="Your details")
    you.get_by_label("First name").fill("Ольга")
    you.get_by_label("Last name").fill("Смирнова")
    you.get_by_label("Email").fill("olga@mercy.example.org")
    block = page.locator("#attendee-1")
    block.get_by_label("Full conference – non-member").check()
    block.get_by_label("First name").fill("Ολυμπία")
    block.get_by_label("Last name").fill("Παπαδοπούλου")
    block.get_by_label("Email").fill("olympia@mercy.example.org")
    page.get_by_label("Invoice").check()
    page.get_by_role("button", name="Review price and details").click()
    # Without billing details an invoice cannot be made out: said on the fields.
    expect(page.locator(".error-summary, [role=alert]").first).to_contain_text("Billing details")
    billing = page.get_by_role("group", name="Billing details")
    billing.get_by_label("Organization").fill("Mercy General Hospital")
    billing.get_by_label("Accounts-payable email").fill("ap@mercy.example.org")
    billing.get_by_label("Address", exact=True).fill("1 Hospital Way")
    billing.get_by_label("City").fill("Boston")
    billing.get_by_label("Country code").fill("US")
    billing.get_by_label("Purchase order (PO) number").fill("PO-2027-0042")
    audit(page, "register form with billing details")
    page.get_by_role("button", name="Review price and details").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review your registration")
    expect(page.locator("tr.total")).to_contain_text("1,269.69 USD")  # 1195.00 + 6.25 %
    expect(page.get_by_text("PO-2027-0042")).to_be_visible()
    audit(page, "review with tax and billing")
    shoot(page, "review")
    page.get_by_role("button", name="Confirm registration").click()

    expect(page.locator(".amount-due")).to_contain_text("1,269.69 USD")
    invoices = page.get_by_role("table", name="Invoices and credit notes")
    expect(invoices).to_contain_text("Invoice")
    audit(page, "manage page with its invoice")
    shoot(page, "manage")

    organizer = OrganizerFactory(username="finance-officer")
    organizer.set_password("correct horse battery")
    organizer.save()
    event.organizers.add(organizer)
    page.goto(f"{live_server.url}/admin/login/?next=/organizer/events/{event.slug}/finance/")
    page.get_by_label("Username").fill("finance-officer")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Finance")
    expect(page.locator(".finance-outstanding")).to_have_text("1,269.69 USD")
    expect(page.get_by_role("row", name="= Net")).to_contain_text("1,195.00 USD")
    expect(page.get_by_role("link", name="CSV")).to_be_visible()
    audit(page, "finance page")
    shoot(page, "finance")

    # The hospital's first transfer arrives: the organizer records part of the amount.
    reference = Registration.objects.get(event=event).reference
    page.goto(f"{live_server.url}/organizer/events/{event.slug}/registrations/{reference}/")
    expect(page.get_by_role("table", name="Invoices and credit notes")).to_be_visible()
    page.get_by_label("Amount received").fill("500.00")
    page.get_by_label("Note").fill("Wire MERCY-0042")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("Payment recorded; 769.69 USD is still due.")).to_be_visible()
    expect(page.get_by_role("table", name="Payments received")).to_contain_text("Wire MERCY-0042")
    audit(page, "registration page with a partial payment")
    shoot(page, "partial-payment")
    page.goto(f"{live_server.url}/organizer/events/{event.slug}/finance/")
    expect(page.locator(".finance-outstanding")).to_have_text("769.69 USD")
