"""Certificates: the PDF's content, release (one email per eligible attendee), download."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from registrations.ce.certificates import certificate_pdf
from registrations.ce.services import attestation_submit, certificates_release
from registrations.messaging.models import OutboxMessage
from registrations.models import Registration
from tests.ce.helpers import NPI, attest, check_in, registered

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def certificate_url(person) -> str:
    return f"/registrations/{person.registration.token}/attendees/{person.id}/certificate.pdf"


def release_url(event) -> str:
    return f"/api/v1/organizer/events/{event.slug}/certificates/release/"


def test_certificate_shows_name_profession_npi_credited_sessions_and_total(api, ce):
    person = registered(api, ce, first_name="Łucja", last_name="Zoë-Okafor")
    ce.plenary.title = "Opening plenary: Q&A <live>"
    ce.plenary.save(update_fields=["title"])
    check_in(person, ce.safety)
    attest(person, ce.plenary)
    certificates_release(event=ce.event)

    text = pdf_text(certificate_pdf(person))

    assert "Łucja Zoë-Okafor" in text
    assert "Physician" in text and f"NPI: {NPI}" in text
    assert ce.event.name in text
    assert "Safety huddles that work" in text and "Opening plenary: Q&A <live>" in text
    assert "Medication reconciliation" not in text  # chosen, never attended
    assert "Total: 4.00 credit hours" in text
    issued = ce.event.local(ce.event.certificates_released_at).date()
    assert f"Date of issue: {issued:%B} {issued.day}, {issued:%Y}" in text


def test_pharmacist_certificate_uses_their_hours_and_eprofile(api, ce):
    person = registered(
        api,
        ce,
        profession="pharmacist",
        credentials={"nabp_eprofile_id": "123456", "birth_mmdd": "0415"},
    )
    check_in(person, ce.huddles)

    text = pdf_text(certificate_pdf(person))

    assert "NABP e-Profile ID: 123456" in text
    assert "Total: 1.50 credit hours" in text
    assert "0415" not in text  # the birth date goes to the accreditor only


def test_release_queues_one_email_per_eligible_attendee_and_a_second_release_none(api, ce):
    eligible = [registered(api, ce) for _ in range(2)]
    for person in eligible:
        check_in(person, ce.safety)
    registered(api, ce)  # confirmed, attended nothing
    cancelled = registered(api, ce)
    check_in(cancelled, ce.safety)
    Registration.objects.filter(pk=cancelled.registration_id).update(
        status=Registration.Status.CANCELLED
    )
    released_at = timezone.now() - timedelta(minutes=5)

    assert certificates_release(event=ce.event, at=released_at) == 2
    assert certificates_release(event=ce.event) == 0

    messages = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.CERTIFICATE)
    assert sorted(m.attendee_id for m in messages) == sorted(p.id for p in eligible)
    assert {m.dedupe_key for m in messages} == {f"certificate:{p.id}" for p in eligible}
    assert messages[0].context["total_hours"] == "3.00"
    ce.event.refresh_from_db()
    assert ce.event.certificates_released_at == released_at  # the first release stands


def test_attendees_eligible_after_the_release_get_their_email_on_attesting(api, ce):
    late = registered(api, ce)
    certificates_release(event=ce.event)

    attestation_submit(attendee=late, session_ids=[ce.safety.id], at=ce.after)
    attestation_submit(attendee=late, session_ids=[ce.plenary.id], at=ce.after)

    assert OutboxMessage.objects.filter(attendee=late, kind="certificate").count() == 1


def test_release_api_answers_time_and_count(organizer_api, organizer, api, ce):
    ce.event.organizers.add(organizer)
    check_in(registered(api, ce), ce.safety)

    first = organizer_api.post(release_url(ce.event))
    second = organizer_api.post(release_url(ce.event))

    assert first.status_code == 200, first.json()
    assert first.json()["emails_queued"] == 1
    assert second.json() == {"released_at": first.json()["released_at"], "emails_queued": 0}


def test_certificate_is_409_not_available_before_release_then_the_pdf(api, client, ce):
    person = registered(api, ce)
    check_in(person, ce.safety)

    page = client.get(certificate_url(person))
    as_json = client.get(certificate_url(person), headers={"accept": "application/json"})

    assert page.status_code == 409
    assert "not_available" in page.content.decode()
    assert as_json.status_code == 409 and as_json.json()["code"] == "not_available"

    certificates_release(event=ce.event)
    pdf = client.get(certificate_url(person))

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "Safety huddles that work" in pdf_text(pdf.content)


def test_no_certificate_without_credit_even_after_release(api, client, ce):
    person = registered(api, ce)
    certificates_release(event=ce.event)

    response = client.get(certificate_url(person))

    assert response.status_code == 409
    assert "No continuing-education credit" in response.content.decode()


def test_certificate_of_an_unknown_token_or_another_registrations_attendee_is_404(api, client, ce):
    person = registered(api, ce)
    other = registered(api, ce)
    certificates_release(event=ce.event)

    assert (
        client.get(f"/registrations/nope/attendees/{person.id}/certificate.pdf").status_code == 404
    )
    foreign = f"/registrations/{person.registration.token}/attendees/{other.id}/certificate.pdf"
    assert client.get(foreign).status_code == 404


def test_attendee_edit_url_still_works_next_to_the_ce_pages(api, client, ce):
    person = registered(api, ce)
    url = f"/registrations/{person.registration.token}/attendees/{person.id}/"

    response = client.post(url, {"action": "details", f"attendee-{person.id}-first_name": ""})

    assert response.status_code == 400  # the attendee edit view answered (a bound form)
