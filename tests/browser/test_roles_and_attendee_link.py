"""In a browser: an attendee of a group edits her own CE credentials from her own link;
the check-in desk, signed in with only the check_in role, finds someone, checks them in,
and is shown no export link."""

import pytest

from events.models import EventRole
from registrations.models import Attendee, CheckIn
from tests.browser.helpers import congress
from tests.factories import OrganizerFactory
from tests.organizer.helpers import make_registration

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_attendee_edits_her_own_credentials_from_her_link(page, live_server, audit, shoot):
    event = congress()
    group = make_registration(
        event.event,
        {"ticket_type": event.non_member, "first_name": "Nadia", "last_name": "Reyes"},
        {"ticket_type": event.non_member, "first_name": "Omar", "last_name": "Haddad"},
    )
    nadia = group.attendees.get(first_name="Nadia")
    page.goto(f"{live_server.url}{nadia.get_absolute_url()}")
    assert "Nadia Reyes" in page.content() and "Omar" not in page.content()
    assert "Cancel this registration" not in page.content()
    audit(page, "attendee's own page")
    shoot(page, "own-page")
    page.get_by_text("Edit details").click()
    page.get_by_label("Profession").select_option("nurse")
    page.get_by_label("Licence number (nurses)").fill("RN-448812")
    page.get_by_label("Licence state (nurses)").fill("FL")
    page.get_by_role("button", name="Save details").click()
    page.get_by_text("Your details have been saved.").wait_for()
    audit(page, "attendee's own page after saving")
    shoot(page, "saved")
    nadia.refresh_from_db()
    assert nadia.credentials == {"license_number": "RN-448812", "license_state": "FL"}
    assert Attendee.objects.get(first_name="Omar").credentials == {}


def test_the_check_in_desk_checks_someone_in_and_sees_no_export_link(
    page, live_server, audit, shoot
):
    event = congress()
    registration = make_registration(
        event.event, {"ticket_type": event.non_member, "first_name": "Grace", "last_name": "Okafor"}
    )
    volunteer = OrganizerFactory(username="desk1")
    volunteer.set_password("desk-password-1")
    volunteer.save()
    EventRole.objects.create(event=event.event, user=volunteer, role="check_in")
    desk = f"/organizer/events/{event.event.slug}/check-in/"
    page.goto(f"{live_server.url}/admin/login/?next={desk}")
    page.get_by_label("Username").fill("desk1")
    page.get_by_label("Password").fill("desk-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{desk}")
    page.get_by_label("Name, email, reference or badge code").fill("Okafor")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Check in Grace Okafor").click()
    page.locator(".checkin-result[data-outcome='ok']").wait_for()
    audit(page, "check-in desk after a check-in")
    shoot(page, "checked-in")
    hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and ("export" in h or "venue-needs" in h or "ce-report" in h)]
    assert CheckIn.objects.filter(attendee__registration=registration).count() == 1
