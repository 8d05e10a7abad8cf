"""The pages a person meets when something is in the way: a mistake in the form, two
workshops at once, a sold-out ticket or workshop, registration closed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from registrations.models import SessionChoice, SessionWaitlistEntry, WaitlistEntry
from tests.browser.helpers import congress, fill_card
from tests.payments.helpers import card_token
from tests.registrations.helpers import attendee, body, register

# Without the package (an old virtualenv) these tests skip instead of breaking collection.
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_form_mistakes_are_marked_announced_and_put_right(page, live_server, audit, shoot):
    c = congress()
    page.goto(f"{live_server.url}/registrations/register/{c.event.slug}/")
    details = page.get_by_role("group", name="Your details")
    details.get_by_label("First name").fill("Ada")
    details.get_by_label("Last name").fill("Ng")
    details.get_by_label("Email").fill("ada@example.org")
    block = page.locator("#attendee-1")
    block.get_by_label("Full conference – member").check()  # but no member number
    block.get_by_label("First name").fill("Ada")
    block.get_by_label("Last name").fill("Ng")
    block.get_by_label("Email").fill("ada@example.org")
    block.get_by_label("Workshop A").check()
    block.get_by_label("Workshop B").check()  # at the same time as A
    page.get_by_role("button", name="Review price and details").click()

    expect(page).to_have_title(f"Error: Register for {c.event.name}")
    expect(page.get_by_role("alert")).to_contain_text("Please correct the entries marked below")
    member_number = page.locator("#attendee-1").get_by_role("textbox", name="Member number")
    page.get_by_role("link", name="Attendee 1 – Member number: This rate is for members").click()
    expect(member_number).to_be_focused()  # the summary's link leads to the field
    expect(member_number).to_have_attribute("aria-invalid", "true")
    expect(member_number).to_have_accessible_description(
        "Needed for member rates. This rate is for members: give a member number."
    )
    audit(page, "register form with a field error")
    shoot(page, "field-error")
    member_number.fill("M-20417")
    page.get_by_role("button", name="Review price and details").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Two sessions at the same time")
    expect(alert).to_have_attribute("data-code", "session_clash")
    audit(page, "register form with a session clash")
    shoot(page, "session-clash")
    page.locator("#attendee-1").get_by_label("Workshop B").uncheck()
    page.get_by_role("button", name="Review price and details").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review your registration")
    expect(page.locator("tr.total")).to_contain_text("1,490.00 USD")  # member 1195 + 295


def test_sold_out_ticket_offers_the_waiting_list(page, live_server, api, audit, shoot):
    c = congress()
    student = c.event.ticket_types.get(name="Student or resident")
    made = register(api, c.event, body(attendee(student), attendee(student)))
    assert made.status_code == 201, made.json()  # both student seats are now held

    page.goto(live_server.url + c.event.get_absolute_url())
    row = page.get_by_role("row", name="Student or resident")
    expect(row).to_contain_text("Sold out")
    row.locator("summary", has_text="Join the waiting list").click()
    row.get_by_label("First name").fill("Lin")
    row.get_by_label("Last name").fill("Zhou")
    row.get_by_label("Email").fill("lin@example.org")
    audit(page, "event page, waiting-list form open")
    shoot(page, "waitlist-form")
    row.get_by_role("button", name="Join the waiting list").click()

    expect(page.get_by_role("status")).to_contain_text(
        "You are on the waiting list for Student or resident"
    )
    assert WaitlistEntry.objects.filter(email="lin@example.org", ticket_type=student).exists()
    audit(page, "event page after joining the waiting list")
    shoot(page, "waitlisted")


def test_closed_registration_says_so(page, live_server, audit, shoot):
    c = congress()
    Event.objects.filter(pk=c.event.pk).update(
        registration_closes_at=timezone.now() - timedelta(hours=1)
    )
    page.goto(f"{live_server.url}/registrations/register/{c.event.slug}/")
    expect(page.get_by_text("Registration is not open at the moment.")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)
    audit(page, "registration closed")
    shoot(page, "closed")


def test_a_full_paid_workshop_offered_from_its_waiting_list_is_paid_and_added(
    page, live_server, api, stripe, audit, shoot
):
    """The only seat of a paid workshop frees up: the attendee waiting opens the offer,
    pays the workshop's fee by card on the Stripe.js stand-in, and has the workshop."""
    c = congress()
    c.workshop_a.capacity = 1
    c.workshop_a.save()
    holder = register(api, c.event, body(attendee(c.non_member, [c.workshop_a])))
    pay_by_api(api, stripe, holder.json())
    waiting = register(api, c.event, body(attendee(c.non_member, email="lin@example.org")))
    data = pay_by_api(api, stripe, waiting.json())
    person = data["attendees"][0]["id"]
    joined = api.post(
        f"/api/v1/registrations/{waiting.json()['token']}/attendees/{person}/waitlist/",
        {"session": c.workshop_a.id},
        format="json",
    )
    assert joined.status_code == 201, joined.json()
    api.post(f"/api/v1/registrations/{holder.json()['token']}/cancel/")
    entry = SessionWaitlistEntry.objects.get(attendee_id=person, status="offered")

    page.goto(live_server.url + entry.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Your waiting-list offer")
    expect(page.get_by_text("This session has a fee of 295.00 USD")).to_be_visible()
    audit(page, "paid session offer")
    page.get_by_role("link", name="Pay and add this session").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pay the session's fee")
    fill_card(page)
    audit(page, "session fee card page")
    shoot(page, "session-fee")
    page.get_by_role("button", name="Pay 295.00 USD").click()

    expect(page.get_by_role("status")).to_contain_text("is now among your sessions")
    expect(page.get_by_text("This offer has been used")).to_be_visible()
    audit(page, "offer page after paying")
    assert SessionChoice.objects.filter(attendee_id=person, session=c.workshop_a).exists()


def pay_by_api(api, stripe, data) -> dict:
    answer = api.post(
        f"/api/v1/registrations/{data['token']}/payment/card/",
        {"payment_method": card_token(stripe)},
        format="json",
    )
    assert answer.json()["status"] == "confirmed", answer.json()
    return answer.json()
