"""A team registers, pays by card and later manages its registration, in Chromium.

Every page visited is audited with axe-core and photographed (artifacts/screenshots/).
Payments go to the local Stripe server through its Stripe.js stand-in; the return page
confirms (no webhook is registered: the Stripe server outlives this test and would keep
announcing later tests' payments to this live server).
"""

import re
from decimal import Decimal
from pathlib import Path

import icalendar
import pytest
from django.core import mail

from registrations.models import Registration
from tests.browser.helpers import congress, fill_card
from tests.payments.helpers import card_token, pay_at_stripe
from tests.registrations.helpers import attendee, body, register

# Without the package (an old virtualenv) these tests skip instead of breaking collection.
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = pytest.mark.django_db(transaction=True)


def fill_attendee(page, number: int, *, ticket: str, first: str, last: str, workshop: str):
    block = page.locator(f"#attendee-{number}")
    block.get_by_label(ticket).check()
    block.get_by_label("First name").fill(first)
    block.get_by_label("Last name").fill(last)
    block.get_by_label("Email").fill(f"{first.lower()}@mercy.example.org")
    block.get_by_label("Organization").fill("Mercy General")
    block.get_by_label("Job title").fill("Charge Nurse")
    block.get_by_label(workshop).check()


def test_team_of_two_registers_reviews_confirms_and_pays_by_card(page, live_server, audit, shoot):
    congress()

    page.goto(live_server.url + "/")
    audit(page, "event list")
    shoot(page, "event-list")
    page.get_by_role("link", name="Patient Safety Congress").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Patient Safety Congress")
    audit(page, "event page")
    shoot(page, "event-page")
    page.get_by_role("link", name="Register", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Register for")
    page.get_by_role("group", name="Your details").get_by_label("First name").fill("Ada")
    page.get_by_role("group", name="Your details").get_by_label("Last name").fill("Ng")
    page.get_by_role("group", name="Your details").get_by_label("Email").fill(
        "ada.ng@mercy.example.org"
    )
    fill_attendee(
        page, 1, ticket="Full conference – non-member", first="Grace", last="Hopper",
        workshop="Workshop A",
    )  # fmt: skip
    page.get_by_role("button", name="Add another attendee").click()
    # What was typed survives the round trip that adds the second block.
    expect(page.locator("#attendee-1").get_by_label("First name")).to_have_value("Grace")
    fill_attendee(
        page, 2, ticket="Full conference – non-member", first="Mary", last="Seacole",
        workshop="Workshop B",
    )  # fmt: skip
    audit(page, "register form, two attendees")
    shoot(page, "register-form")
    page.get_by_role("button", name="Review price and details").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review your registration")
    # 2 × (1195.00 early-bird ticket + 295.00 workshop)
    expect(page.locator("tr.total")).to_contain_text("2,980.00 USD")
    expect(page.get_by_role("row", name="Grace Hopper")).to_contain_text("Workshop A")
    expect(page.get_by_role("row", name="Mary Seacole")).to_contain_text("Workshop B")
    expect(page.get_by_role("heading", name="Mary Seacole")).to_be_visible()
    audit(page, "review page")
    shoot(page, "review")
    page.get_by_role("button", name="Confirm registration").click()

    expect(page.locator(".status")).to_have_text("Pending payment")
    registration = Registration.objects.get()
    assert page.url == live_server.url + registration.get_absolute_url()
    assert registration.total == Decimal("2980.00")
    audit(page, "manage page, payment pending")
    shoot(page, "manage-pending")
    page.get_by_role("link", name="Pay now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pay by card")
    fill_card(page)
    audit(page, "card page")
    shoot(page, "card-page")
    page.get_by_role("button", name="Pay 2,980.00 USD").click()

    page.wait_for_url(live_server.url + registration.get_absolute_url())
    expect(page.get_by_role("status")).to_contain_text("your registration is confirmed")
    expect(page.locator(".status")).to_have_text("Confirmed")
    audit(page, "manage page, confirmed")
    shoot(page, "manage-confirmed")

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.amount_paid == Decimal("2980.00")
    to_buyer = [m for m in mail.outbox if m.to == ["ada.ng@mercy.example.org"]]
    assert [m.subject for m in to_buyer] == [
        f"Patient Safety Congress: registration {registration.reference}"
    ]
    welcomes = sorted(m.to[0] for m in mail.outbox if m.subject.startswith("You're registered"))
    assert welcomes == ["grace@mercy.example.org", "mary@mercy.example.org"]


@pytest.fixture
def paid_team(api, stripe):
    """A confirmed, paid team of two, both in Workshop A (made through the API)."""
    c = congress()
    made = register(
        api,
        c.event,
        body(
            attendee(c.non_member, [c.workshop_a], first_name="Grace", last_name="Hopper"),
            attendee(c.non_member, [c.workshop_a], first_name="Mary", last_name="Seacole"),
        ),
    )
    assert made.status_code == 201, made.json()
    paid = api.post(
        f"/api/v1/registrations/{made.json()['token']}/payment/card/",
        {"payment_method": card_token(stripe)},
        format="json",
    )
    assert paid.json()["status"] == "confirmed", paid.json()
    mail.outbox.clear()
    return c, Registration.objects.get(token=made.json()["token"])


def test_attendee_swaps_workshop_downloads_invite_and_cancels_with_refund(
    page, live_server, paid_team, audit, shoot
):
    c, registration = paid_team
    grace = registration.attendees.get(first_name="Grace")
    page.goto(live_server.url + registration.get_absolute_url())
    expect(page.locator(".status")).to_have_text("Confirmed")
    audit(page, "manage page")
    shoot(page, "manage")

    card = page.locator(f"#attendee-{grace.id}")
    card.get_by_text("Change sessions").click()
    card.get_by_label("Workshop A").uncheck()
    card.get_by_label("Workshop B").check()
    audit(page, "manage page, session swap open")
    shoot(page, "swap-form")
    card.get_by_role("button", name="Save sessions").click()

    expect(page.get_by_role("status")).to_contain_text("The sessions of Grace have been updated")
    expect(page.locator(f"#attendee-{grace.id} .chosen-sessions")).to_contain_text("Workshop B")
    expect(page.locator(f"#attendee-{grace.id} .chosen-sessions")).not_to_contain_text("Workshop A")
    assert [choice.session for choice in grace.choices.all()] == [c.workshop_b]
    shoot(page, "swapped")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to your calendar").click()
    download = download_info.value
    assert download.suggested_filename == f"{registration.reference}.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    summaries = [str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")]
    assert any("Patient Safety Congress" in summary for summary in summaries), summaries
    assert any("Workshop A" in summary for summary in summaries), summaries  # Mary's
    assert any("Workshop B" in summary for summary in summaries), summaries  # Grace's

    page.get_by_role("link", name="Cancel this registration").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cancel registration")
    expect(page.get_by_text("Cancelling now refunds 2,980.00 USD")).to_be_visible()
    audit(page, "cancel confirmation")
    shoot(page, "cancel-confirmation")
    page.get_by_role("button", name="Yes, cancel the registration").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"Your registration {registration.reference} has been cancelled"
    )
    expect(page.locator(".status")).to_contain_text(re.compile("cancelled", re.I))
    audit(page, "manage page, cancelled")
    shoot(page, "cancelled")
    registration.refresh_from_db()
    assert registration.cancelled_at is not None
    assert registration.amount_refunded == registration.amount_paid == Decimal("2980.00")


def test_payment_page_waits_for_a_slow_confirmation_and_then_shows_it(
    page, live_server, settings, stripe, api, audit, shoot
):
    c = congress()
    made = register(api, c.event, body(attendee(c.non_member)))
    assert made.status_code == 201, made.json()
    data = made.json()
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe out of reach for a moment
    page.goto(f"{live_server.url}/payments/{data['token']}/return/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Processing your payment")
    audit(page, "payment processing page")
    shoot(page, "processing")

    pay_at_stripe(stripe, data["payment"]["payment_intent"])  # the bank says yes meanwhile
    settings.STRIPE_API_BASE = stripe  # and Stripe can be reached again

    expect(page.locator(".status")).to_have_text("Confirmed", timeout=15_000)
    expect(page.get_by_role("status")).to_contain_text("your registration is confirmed")
    shoot(page, "confirmed")
