"""The organizer's finance report and the invoice register: the figures add up (gross −
discounts − refunds = net), and the register's columns sum to the report's figures."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from events.models import GroupRate
from finance.models import Invoice
from registrations.models import PromoCode
from tests.factories import SessionFactory
from tests.finance.helpers import attendee, invoice_registration, organizer_for, priced_event
from tests.payments import fake_provider
from tests.registrations.helpers import body, register

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def fake(settings):
    settings.PAYMENT_PROVIDERS = settings.PAYMENT_PROVIDERS | {
        "fake": "tests.payments.fake_provider.FakeProvider"
    }
    settings.PAYMENT_METHODS = settings.PAYMENT_METHODS | {"card": "fake"}
    fake_provider.server = fake_provider.FakeServer()
    return fake_provider.server


@pytest.fixture
def sales(api, fake, django_capture_on_commit_callbacks):
    """Invoices paid in part, in full and refunded, cancelled, overdue; a card payment."""
    event, ticket = priced_event(tax_rate=D("10"), tax_name="Sales tax")
    workshop = SessionFactory(event=event, title="Human factors", price=D("100.00"))
    PromoCode.objects.create(event=event, code="MEMBER10", percent_off=D("10"))
    org = organizer_for(event)

    def post(url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = org.post(url, data or {}, format="json")
        assert response.status_code == 200, response.json()

    # 500 + 100 workshop, 500, each ticket less 10 %: 1000 + 100 tax = 1100; 300 paid.
    part = invoice_registration(
        api, event, attendee(ticket, [workshop]), attendee(ticket), promo_code="MEMBER10"
    )
    post(f"/api/v1/organizer/registrations/{part['reference']}/mark-paid/", {"amount": "300"})
    # 550, paid, 110 refunded.
    refunded = invoice_registration(api, event, attendee(ticket))
    post(f"/api/v1/organizer/registrations/{refunded['reference']}/mark-paid/")
    post(f"/api/v1/organizer/registrations/{refunded['reference']}/refund/", {"amount": "110"})
    # 550, cancelled unpaid: credited in full.
    cancelled = invoice_registration(api, event, attendee(ticket))
    api.post(f"/api/v1/registrations/{cancelled['token']}/cancel/")
    # 550, unpaid, due yesterday (the hold still runs: the organizer has not released it).
    overdue = invoice_registration(api, event, attendee(ticket))
    yesterday = event.local(timezone.now()).date() - timedelta(days=1)
    Invoice.objects.filter(reference=overdue["reference"]).update(due_date=yesterday)
    # 550 by card (the fake provider reports 2.9 % + 0.30: 16.25).
    card = register(api, event, body(attendee(ticket))).json()
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            f"/api/v1/registrations/{card['token']}/payment/card/",
            {"payment_method": "tok_fake_ok"},
            format="json",
        )
    return event, org


def test_the_figures_add_up_and_the_register_sums_to_them(sales):
    event, org = sales
    report = org.get(f"/api/v1/organizer/events/{event.slug}/finance/").json()
    money = {
        k: D(v)
        for k, v in report.items()
        if isinstance(v, str) and k != "event" and k != "currency"
    }
    # Invoices at list prices: 1100 + 500 + 500 + 500 + 500; discounts 2 × 50.
    assert (money["gross"], money["discounts"]) == (D("3100.00"), D("100.00"))
    # Credit notes: 100 (of the 110 refunded, 10 was tax) + 500 (the cancelled invoice).
    assert money["refunds"] == D("600.00")
    assert money["net"] == money["gross"] - money["discounts"] - money["refunds"] == D("2400.00")
    assert money["tax"] == D("240.00") and money["billed"] == D("2640.00")
    assert money["outstanding"] == D("800.00") + D("550.00")  # part-paid, overdue
    assert money["overdue"] == D("550.00")
    assert (money["received"], money["returned"]) == (D("1400.00"), D("110.00"))
    assert report["card_fees"] == {
        "amount": "16.25",
        "payments_reported": 1,
        "payments_unreported": 0,
    }
    methods = {row["payment_method"]: row for row in report["by_payment_method"]}
    assert methods["card"]["net"] == "500.00" and methods["invoice"]["net"] == "1900.00"
    tickets = report["by_ticket_type"]
    assert [(t["attendees"], t["gross"], t["discounts"]) for t in tickets] == [
        (5, "2500.00", "100.00")  # the cancelled registration holds no seats
    ]
    assert [(s["title"], s["attendees"], s["fees"]) for s in report["by_session"]] == [
        ("Human factors", 1, "100.00")
    ]
    assert report["by_promo_code"] == [{"code": "MEMBER10", "attendees": 2, "discounts": "100.00"}]

    response = org.get(f"/api/v1/organizer/events/{event.slug}/finance/invoices.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert list(rows[0])[:13] == [
        "number", "kind", "issued_at", "reference", "organization", "po_number",
        "subtotal", "discount", "tax", "total", "paid", "due", "due_date",
    ]  # fmt: skip
    assert len(rows) == 7  # five invoices, two credit notes
    numbers = [row["number"] for row in rows]
    assert numbers == sorted(numbers)

    def column(name):
        return sum((D(row[name] or "0") for row in rows), D("0"))

    assert column("subtotal") - column("discount") == money["net"]
    assert column("tax") == money["tax"] and column("total") == money["billed"]
    assert column("due") == money["outstanding"]
    assert {row["organization"] for row in rows if row["payment_method"] == "invoice"} == {
        "Mercy General Hospital"
    }
    assert {row["po_number"] for row in rows if row["payment_method"] == "invoice"} == {"PO-4711"}

    workbook = load_workbook(
        io.BytesIO(
            b"".join(
                org.get(
                    f"/api/v1/organizer/events/{event.slug}/finance/invoices.xlsx"
                ).streaming_content
            )
        )
    )
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    totals = [row[header.index("total")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sum(D(str(t)) for t in totals) == money["billed"]


def test_the_finance_page_shows_the_same_figures(sales, client):
    event, org = sales
    user = event.organizers.first()
    client.force_login(user)
    page = client.get(f"/organizer/events/{event.slug}/finance/").content.decode()
    for expected in (
        "3,100.00 USD",
        "100.00 USD",
        "600.00 USD",
        "2,400.00 USD",
        "240.00 USD",
        "1,350.00 USD",
        "16.25 USD",
        "Human factors",
        "MEMBER10",
        "invoices.csv",
        "invoices.xlsx",
    ):
        assert expected in page, expected


def test_only_the_events_organizers_see_its_finances(sales, organizer_api, client):
    event, _ = sales
    assert organizer_api.get(f"/api/v1/organizer/events/{event.slug}/finance/").status_code == 404
    url = f"/api/v1/organizer/events/{event.slug}/finance/invoices.csv"
    assert organizer_api.get(url).status_code == 404
    assert client.get(f"/organizer/events/{event.slug}/finance/").status_code == 302  # login


def test_card_fees_come_from_the_stripe_servers_balance_transactions(api, stripe):
    """The local Stripe server reports a balance transaction with a fee of 0: the report
    counts the payment as reported (real Stripe reports its fee the same way)."""
    from tests.payments.test_stripe_payments import new_registration, pay

    event, ticket = priced_event(price="450.00")
    data = new_registration(api, ticket)
    assert pay(api, stripe, data).json()["status"] == "confirmed"
    [invoice] = api.get(f"/api/v1/registrations/{data['token']}/").json()["invoices"]
    assert (invoice["kind"], invoice["total"]) == ("invoice", "450.00")
    report = organizer_for(event).get(f"/api/v1/organizer/events/{event.slug}/finance/").json()
    assert report["card_fees"] == {
        "amount": "0.00",
        "payments_reported": 1,
        "payments_unreported": 0,
    }
    assert report["received"] == "450.00" and report["net"] == "450.00"


def test_the_register_and_the_report_read_the_same_number_of_queries_however_many_invoices(
    api, organizer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event, ticket = priced_event()
    event.organizers.add(organizer)
    org = organizer_for(event)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = org.get(url)
            b"".join(response.streaming_content) if response.streaming else response.content
        return len(captured)

    base = f"/api/v1/organizer/events/{event.slug}/finance/"
    counts = []
    for _ in range(2):
        for _ in range(3):
            data = invoice_registration(api, event, attendee(ticket))
            api.post(f"/api/v1/registrations/{data['token']}/cancel/")  # a credit note too
        counts.append((queries(base), queries(f"{base}invoices.csv")))
    assert counts[0] == counts[1], counts


def test_team_rate_and_promo_code_discounts_are_told_apart(api):
    """A team of three gets the team rate (better than the code), a single attendee the
    code: each discount is reported under what gave it, and they add up."""
    event, ticket = priced_event()
    rate = GroupRate.objects.create(event=event, min_attendees=3, percent_off=D("15"))
    PromoCode.objects.create(event=event, code="MEMBER10", percent_off=D("10"))
    team = [attendee(ticket) for _ in range(3)]
    invoice_registration(api, event, *team, promo_code="MEMBER10")
    invoice_registration(api, event, attendee(ticket), promo_code="MEMBER10")
    report = organizer_for(event).get(f"/api/v1/organizer/events/{event.slug}/finance/").json()
    assert report["by_group_rate"] == [
        {"min_attendees": rate.min_attendees, "percent_off": "15.00", "attendees": 3,
         "discounts": "225.00"},
    ]  # fmt: skip
    assert report["by_promo_code"] == [{"code": "MEMBER10", "attendees": 1, "discounts": "50.00"}]
    assert report["discounts"] == "275.00"
