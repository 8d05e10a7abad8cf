"""Each attendee's own share of what their group paid (API.md, export column `amount_paid`):
their ticket and sessions less their discount, as paid. The export's column sums to what
the registrations paid; the organizer's list and stats, and the registration's API
answer, show the same shares."""

from decimal import Decimal

import pytest

from registrations.models import PromoCode, Registration
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.registration import registration_create
from tests.factories import SessionFactory, TicketTypeFactory
from tests.organizer.test_exports import export_url, read_csv, read_xlsx
from tests.registrations.helpers import BILLING_INPUT

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(event, ticket):
    """Three people on one invoice: Ann (full conference, plus a 95.00 workshop), Bob
    (member ticket, 25% off with a promo code for members), Cy (full conference)."""
    member = TicketTypeFactory(event=event, name="Member", price=Decimal("400.00"))
    workshop = SessionFactory(event=event, title="Workshop", price=Decimal("95.00"))
    code = PromoCode.objects.create(event=event, code="MEMBER25", percent_off=Decimal("25"))
    code.ticket_types.set([member])
    people = [("Ann", ticket, (workshop.id,)), ("Bob", member, ()), ("Cy", ticket, ())]
    return registration_create(
        event=event,
        buyer=BuyerInput(
            billing=BILLING_INPUT, first_name="Ada", last_name="Ng", email="ada@example.org"
        ),
        attendees=[
            AttendeeInput(
                ticket_type=ticket_type.id,
                first_name=name,
                last_name="Ng",
                email=f"{name.lower()}@example.org",
                sessions=sessions,
            )
            for name, ticket_type, sessions in people
        ],
        promo_code="MEMBER25",
        payment_method="invoice",
    )


PAID_IN_FULL = {"Ann": "595.00", "Bob": "300.00", "Cy": "500.00"}  # 1395.00 in all


def mark_paid(org_api, registration: Registration) -> None:
    url = f"/api/v1/organizer/registrations/{registration.reference}/mark-paid/"
    assert org_api.post(url).status_code == 200
    registration.refresh_from_db()
    assert registration.amount_paid == Decimal("1395.00")


def test_each_export_row_is_the_attendees_share_and_the_column_sums_to_what_was_paid(
    org_api, event, ticket, group
):
    mark_paid(org_api, group)
    rows = read_csv(org_api.get(export_url(event, "csv")))
    assert {row["first_name"]: row["amount_paid"] for row in rows} == PAID_IN_FULL
    assert sum(Decimal(row["amount_paid"]) for row in rows) == group.amount_paid
    header, *cells = read_xlsx(org_api.get(export_url(event, "xlsx")))
    column = [cell.value for cell in header].index("amount_paid")
    assert sum(Decimal(str(row[column].value)) for row in cells) == Decimal("1395.00")


def test_a_filtered_export_shows_the_same_share(org_api, event, ticket, group):
    mark_paid(org_api, group)
    rows = read_csv(org_api.get(export_url(event, "csv"), {"q": "Bob"}))
    assert [(row["first_name"], row["amount_paid"]) for row in rows] == [("Bob", "300.00")]


def test_a_part_payment_is_shared_in_proportion_and_nothing_paid_is_zero(
    org_api, event, ticket, group
):
    rows = read_csv(org_api.get(export_url(event, "csv")))
    assert {row["amount_paid"] for row in rows} == {"0.00"}
    Registration.objects.filter(pk=group.pk).update(amount_paid=Decimal("697.50"))  # half
    rows = read_csv(org_api.get(export_url(event, "csv")))
    shares = {row["first_name"]: row["amount_paid"] for row in rows}
    assert shares == {"Ann": "297.50", "Bob": "150.00", "Cy": "250.00"}


def test_the_registrations_api_answer_gives_each_attendee_their_share(
    org_api, api, event, ticket, group
):
    mark_paid(org_api, group)
    data = api.get(f"/api/v1/registrations/{group.token}/").json()
    attendees = {a["first_name"]: a for a in data["attendees"]}
    assert {name: a["amount_paid"] for name, a in attendees.items()} == PAID_IN_FULL
    assert {name: a["price"] for name, a in attendees.items()} == {
        "Ann": "500.00",  # the ticket less its discount, as before; sessions apart
        "Bob": "300.00",
        "Cy": "500.00",
    }
    assert data["amount_paid"] == "1395.00"


def test_the_organizers_attendee_list_gives_each_attendee_their_share(
    org_api, event, ticket, group
):
    mark_paid(org_api, group)
    rows = org_api.get(f"/api/v1/organizer/events/{event.slug}/attendees/").json()["results"]
    assert {row["first_name"]: row["amount_paid"] for row in rows} == PAID_IN_FULL


def test_stats_show_what_each_ticket_type_and_each_sessions_fees_paid(
    org_api, org_client, event, ticket, group
):
    Registration.objects.filter(pk=group.pk).update(amount_paid=Decimal("697.50"))  # half
    data = org_api.get(f"/api/v1/organizer/events/{event.slug}/stats/").json()
    paid = {row["name"]: row["amount_paid"] for row in data["ticket_types"]}
    assert paid == {"Full conference": "547.50", "Member": "150.00"}  # Ann and Cy; Bob
    assert sum(Decimal(p) for p in paid.values()) == Decimal(data["revenue"]["paid"])
    assert {row["title"]: row["fees_paid"] for row in data["sessions"]} == {"Workshop": "47.50"}
    page = org_client.get(f"/organizer/events/{event.slug}/").content.decode()
    assert "547.50" in page and "47.50" in page
