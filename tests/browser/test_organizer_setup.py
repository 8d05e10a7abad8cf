"""The organizer shapes registration in the browser: a question, a team rate, the
wording of an email, the member list; then an attendee meets them on the register form.
Each page audited with axe."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from playwright.sync_api import expect

from events.models import GroupRate, Question
from members.models import Member
from registrations.messaging.models import EmailText
from tests.browser.helpers import congress
from tests.factories import OrganizerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_organizer_sets_up_questions_rates_and_wording(page, live_server, audit, shoot, tmp_path):
    c = congress()
    organizer = OrganizerFactory(username="organizer")
    organizer.user_permissions.add(Permission.objects.get(codename="import_members"))
    c.event.organizers.add(organizer)
    sign_in(page, live_server, organizer)
    base = f"{live_server.url}/organizer/events/{c.event.slug}"

    page.goto(f"{base}/questions/")
    audit(page, "questions page")
    page.get_by_role("button", name="Add the question").click()  # empty: refused, explained
    expect(page.locator(".errorlist").first).to_be_visible()
    audit(page, "questions page with errors")
    page.get_by_label("Question", exact=True).fill("Lunch choice")
    page.get_by_label("Kind of answer").select_option("choice")
    page.get_by_label("Choices").fill("Vegetarian\nFish\nChicken")
    page.get_by_label("An answer is required").check()
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("row", name="Lunch choice")).to_be_visible()
    shoot(page, "questions")
    lunch = Question.objects.get()

    page.goto(f"{base}/team-rates/")
    page.get_by_label("From this many attendees").fill("3")
    page.get_by_label("Percent off each ticket").fill("10")
    page.get_by_role("button", name="Add the team rate").click()
    expect(page.get_by_role("cell", name="10%")).to_be_visible()
    audit(page, "team rates page")
    assert GroupRate.objects.get().min_attendees == 3

    page.goto(f"{base}/emails/?kind=confirmation")
    page.get_by_label("Subject").fill("{first_name}, see you in Orlando")
    page.get_by_label("Opening paragraph").fill("Hello {nickname}")
    page.get_by_role("button", name="Save the wording").click()
    expect(page.get_by_text("Unknown placeholder {nickname}")).to_be_visible()
    audit(page, "email wording with an error")
    page.get_by_label("Opening paragraph").fill("Hello {first_name} <script>x</script>")
    page.get_by_role("button", name="Save the wording").click()
    expect(page.locator(".email-preview")).to_contain_text("Hello Ada <script>x</script>")
    audit(page, "email wording with its preview")
    shoot(page, "email-wording")
    assert EmailText.objects.get().subject == "{first_name}, see you in Orlando"

    csv = tmp_path / "members.csv"
    csv.write_text(
        "member_number,email,last_name,valid_until\nIHI-1,ada@example.org,Ng,2099-12-31\n"
        "IHI-2,nobody,Ng,2099-12-31\n"
    )
    page.goto(f"{live_server.url}/organizer/members/")
    page.get_by_label("Member list (CSV)").set_input_files(str(csv))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("1 added")
    audit(page, "member list import report")
    assert Member.objects.get().number == "IHI-1"

    # The attendee side: the question is asked in the attendee's block, in an accessible group.
    page.goto(f"{live_server.url}/registrations/register/{c.event.slug}/")
    block = page.locator("#attendee-1")
    group = block.get_by_role("group", name="Questions from the organizers (attendee 1)")
    expect(group.get_by_role("group", name="Lunch choice")).to_be_visible()
    audit(page, "register form with a question")
    details = page.get_by_role("group", name="Your details")
    details.get_by_label("First name").fill("Ada")
    details.get_by_label("Last name").fill("Ng")
    details.get_by_label("Email").fill("ada@example.org")
    block.get_by_label("Full conference – member").check()
    block.get_by_label("First name").fill("Ada")
    block.get_by_label("Last name").fill("Ng")
    block.get_by_label("Email").fill("ada@example.org")
    block.get_by_role("textbox", name="Member number").fill("IHI-1")
    group.get_by_label("Fish").check()
    page.get_by_role("button", name="Review price and details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your registration")
    expect(page.locator("tr.total")).to_contain_text("1,195.00 USD")
    page.get_by_role("button", name="Confirm registration").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Review your registration")
    from registrations.models import Attendee

    assert Attendee.objects.get().answers == {str(lunch.id): "Fish"}
