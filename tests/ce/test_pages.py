"""The CE part of the manage page: credited hours, the attestation form, the certificate."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from registrations.ce.services import certificates_release
from registrations.models import Attestation
from tests.ce.helpers import check_in, make_ce_event, move_into_past, registered
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


def ce_section(html: str, attendee_id: int) -> str:
    match = re.search(
        rf'<section class="ce" id="attendee-{attendee_id}-ce".*?</section>', html, re.S
    )
    assert match, "no CE section for this attendee"
    return match.group(0)


def checkboxes(section: str) -> dict[str, str]:
    """Checkbox value -> its attributes after the value (checked, disabled)."""
    return {
        value: rest.strip()
        for value, rest in re.findall(
            r'<input type="checkbox" name="sessions" value="(\d+)"[^>]*?id="[^"]+"([^>]*)>',
            section,
        )
    }


def test_attendee_attests_from_the_manage_page_and_sees_hours_and_certificate(api, client, ce):
    person = registered(api, ce)
    move_into_past(ce)
    manage = person.registration.get_absolute_url()

    section = ce_section(client.get(manage).content.decode(), person.id)
    assert "Continuing education" in section and "0.00 hours" in section
    assert checkboxes(section) == {
        str(ce.safety.id): "",
        str(ce.huddles.id): "",
        str(ce.plenary.id): "",
    }  # chosen workshops and the plenary; not the unchosen workshop
    assert "once the organizers release certificates" in section

    action = re.search(r'<form method="post" action="([^"]+)"', section).group(1)
    response = client.post(action, {"sessions": [ce.safety.id, ce.plenary.id]}, follow=True)

    assert response.redirect_chain[-1][0].endswith(f"{manage}#attendee-{person.id}-ce")
    html = response.content.decode()
    assert "your attendance of 2 sessions is recorded" in html
    section = ce_section(html, person.id)
    assert "4.00 hours" in section
    assert checkboxes(section)[str(ce.safety.id)] == "checked disabled"
    assert checkboxes(section)[str(ce.huddles.id)] == ""

    certificates_release(event=ce.event)
    section = ce_section(client.get(manage).content.decode(), person.id)
    assert f"/attendees/{person.id}/certificate.pdf" in section


def test_refused_attestation_comes_back_as_a_message(api, client, ce):
    person = registered(api, ce)
    url = f"/registrations/{person.registration.token}/attendees/{person.id}/attestation/"

    response = client.post(url, {"sessions": [ce.safety.id]}, follow=True)

    assert "“Safety huddles that work” has not started yet." in response.content.decode()
    assert not Attestation.objects.exists()


def test_no_form_before_sessions_start_or_under_a_check_in_rule(api, client, ce):
    person = registered(api, ce)
    check_in(person, ce.safety)
    html = client.get(person.registration.get_absolute_url()).content.decode()

    section = ce_section(html, person.id)
    assert "3.00 hours" in section
    assert "<form" not in section

    check_in_only = make_ce_event(Event.CeAttendanceRule.CHECK_IN)
    other = registered(api, check_in_only)
    move_into_past(check_in_only)
    html = client.get(other.registration.get_absolute_url()).content.decode()
    assert "<form" not in ce_section(html, other.id)


def test_attestation_page_needs_post_and_a_known_attendee(api, client, ce):
    person = registered(api, ce)
    url = f"/registrations/{person.registration.token}/attendees/{person.id}/attestation/"

    assert client.get(url).status_code == 405
    assert client.post(url.replace(person.registration.token, "nope")).status_code == 404


def test_ce_sections_of_a_group_read_the_evidence_once(api, client, ce):
    people = [attendee(ce.ticket, [ce.safety], profession="physician") for _ in range(3)]
    response = register(api, ce.event, body(*people))
    token = response.json()["token"]

    with CaptureQueriesContext(connection) as captured:
        html = client.get(f"/registrations/{token}/").content.decode()

    assert html.count('<section class="ce"') == 3
    evidence_reads = [
        q["sql"]
        for q in captured.captured_queries
        if "registrations_attestation" in q["sql"] or "registrations_checkin" in q["sql"]
    ]
    # once for the whole group: one statement on PostgreSQL (check-ins and attestations
    # together), two through the ORM elsewhere
    assert len(evidence_reads) == (1 if connection.vendor == "postgresql" else 2)
