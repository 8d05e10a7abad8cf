"""The accreditor's CE report (CSV) and who may release certificates or read the report."""

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Event
from registrations.ce.selectors import ce_report_rows
from tests.ce.helpers import NPI, attest, check_in, make_ce_event, registered
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "event",
    "reference",
    "first_name",
    "last_name",
    "email",
    "profession",
    "npi",
    "license_number",
    "license_state",
    "nabp_eprofile_id",
    "birth_mmdd",
    "session_id",
    "session_title",
    "session_date",
    "hours",
    "evidence",
]


def report_url(event) -> str:
    return f"/api/v1/organizer/events/{event.slug}/ce-report.csv"


def release_url(event) -> str:
    return f"/api/v1/organizer/events/{event.slug}/certificates/release/"


def read_csv(response) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def test_report_has_a_row_per_credited_session_and_totals_per_attendee(
    api, ce, organizer, organizer_api
):
    ce.event.organizers.add(organizer)
    physician = registered(api, ce, first_name="Amara", last_name="Okafor")
    pharmacist = registered(
        api,
        ce,
        first_name="Bo",
        last_name="Lindqvist",
        profession="pharmacist",
        credentials={"nabp_eprofile_id": "123456", "birth_mmdd": "0415"},
    )
    check_in(physician, ce.safety)
    attest(physician, ce.safety)
    attest(physician, ce.plenary)
    check_in(pharmacist, ce.huddles)
    registered(api, ce)  # attended nothing: no rows

    response = organizer_api.get(report_url(ce.event))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert [(r["last_name"], r["session_title"], r["hours"], r["evidence"]) for r in rows] == [
        ("Lindqvist", "Medication reconciliation", "1.50", "check_in"),
        ("Okafor", "Safety huddles that work", "3.00", "both"),
        ("Okafor", "Opening plenary", "1.00", "attestation"),
    ]
    totals = defaultdict(Decimal)
    for row in rows:
        totals[row["email"]] += Decimal(row["hours"])
    assert totals == {physician.email: Decimal("4.00"), pharmacist.email: Decimal("1.50")}
    okafor = rows[1]
    assert okafor["npi"] == NPI and okafor["reference"] == physician.registration.reference
    assert okafor["session_id"] == str(ce.safety.id)
    assert okafor["session_date"] == ce.event.local(ce.safety.starts_at).date().isoformat()
    assert (rows[0]["nabp_eprofile_id"], rows[0]["birth_mmdd"], rows[0]["npi"]) == (
        "123456",
        "0415",
        "",
    )


def test_report_cells_never_run_as_formulas(api, ce, organizer, organizer_api):
    ce.event.organizers.add(organizer)
    person = registered(api, ce, first_name="@SUM(A1)", last_name="=HYPERLINK(1)")
    ce.safety.title = "-2+3 huddles"
    ce.safety.save(update_fields=["title"])
    check_in(person, ce.safety)

    [row] = read_csv(organizer_api.get(report_url(ce.event)))

    assert (row["first_name"], row["last_name"], row["session_title"]) == (
        "'@SUM(A1)",
        "'=HYPERLINK(1)",
        "'-2+3 huddles",
    )


def test_report_reads_in_a_fixed_number_of_queries(api):
    ce = make_ce_event(Event.CeAttendanceRule.EITHER)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            ce_report_rows(event=ce.event)
        return len(captured)

    check_in(registered(api, ce), ce.safety)
    one = queries()
    for _ in range(5):
        person = registered(api, ce)
        check_in(person, ce.safety)
        attest(person, ce.plenary)

    assert queries() == one == 4
    assert len(ce_report_rows(event=ce.event)) == 11


def test_organizer_access_401_anonymous_403_not_staff_404_another_events_organizer(
    api, ce, organizer, organizer_api
):
    EventFactory().organizers.add(organizer)  # an organizer, but of another event
    not_staff = APIClient()
    token, _ = Token.objects.get_or_create(user=UserFactory(username="attendee"))
    not_staff.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    for client, expected in ((api, 401), (not_staff, 403), (organizer_api, 404)):
        assert client.post(release_url(ce.event)).status_code == expected
        assert client.get(report_url(ce.event)).status_code == expected

    ce.event.refresh_from_db()
    assert ce.event.certificates_released_at is None


def test_report_errors_are_json_even_when_csv_is_asked_for(api, ce):
    response = api.get(report_url(ce.event), HTTP_ACCEPT="text/csv")

    assert response.status_code == 401
    assert response.json()["detail"]
