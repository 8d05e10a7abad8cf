import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from registrations.models import Registration
from registrations.organizer.exports import neutralise
from tests.factories import SessionFactory
from tests.organizer.helpers import attendee_of, checked_in, make_registration

pytestmark = pytest.mark.django_db

COLUMNS = [
    "reference", "status", "ticket_type", "first_name", "last_name", "email", "organization",
    "job_title", "profession", "sessions", "amount_paid", "currency", "registered_at",
    "checked_in_at",
]  # fmt: skip
NASTY = {
    "first_name": '=HYPERLINK("http://evil.example","x")',
    "last_name": "+1+1",
    "organization": "-2+3",
    "job_title": "@SUM(A1)",
    "dietary_needs": "\tvegan",
    "accessibility_needs": "\r=cmd",
}


def export_url(event, kind: str) -> str:
    return f"/api/v1/organizer/events/{event.slug}/attendees/export.{kind}"


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def read_xlsx(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[cell for cell in row] for row in workbook.active.iter_rows()]


@pytest.mark.parametrize(
    "text, safe",
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-x", "'-x"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ada = 1", "Ada = 1"),
        ("O'Neil", "O'Neil"),
    ],
)
def test_text_that_would_run_as_a_formula_is_quoted(text, safe):
    assert neutralise(text) == safe


def test_csv_has_the_columns_in_order_and_one_row_per_attendee(org_api, event, ticket, workshop):
    late = SessionFactory(event=event, title="Afternoon session", starts_at=workshop.ends_at)
    registration = make_registration(
        event,
        {"ticket_type": ticket, "sessions": [late, workshop], "first_name": "Grace"},
        {"ticket_type": ticket, "first_name": "Ann"},
    )
    checked_in(attendee_of(registration))
    response = org_api.get(export_url(event, "csv"))
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert list(rows[0])[: len(COLUMNS)] == COLUMNS
    by_name = {row["first_name"]: row for row in rows}
    grace = by_name["Grace"]
    assert grace["reference"] == registration.reference and grace["status"] == "confirmed"
    assert grace["ticket_type"] == "Full conference" and grace["profession"] == "nurse"
    assert grace["sessions"] == "Human factors workshop; Afternoon session"
    # Each row is the attendee's own share, not the registration's total (1000.00).
    assert grace["amount_paid"] == "500.00" and grace["currency"] == "USD"
    assert by_name["Ann"]["amount_paid"] == "500.00"
    assert grace["checked_in_at"] and by_name["Ann"]["checked_in_at"] == ""
    assert by_name["Ann"]["sessions"] == ""
    assert timezone.datetime.fromisoformat(grace["registered_at"]).utcoffset() is not None


def test_csv_cells_never_run_as_formulas(org_api, event, ticket):
    make_registration(event, {"ticket_type": ticket, **NASTY})
    row = read_csv(org_api.get(export_url(event, "csv")))[0]
    for field, value in NASTY.items():
        assert row[field] == "'" + value, field
    assert row["amount_paid"] == "500.00"  # a number, untouched


def test_xlsx_cells_are_text_never_formulas_and_amounts_stay_numbers(org_api, event, ticket):
    make_registration(event, {"ticket_type": ticket, **NASTY}, amount_paid=Decimal("1295.50"))
    header, row = read_xlsx(org_api.get(export_url(event, "xlsx")))
    names = [cell.value for cell in header]
    assert names[: len(COLUMNS)] == COLUMNS
    cells = dict(zip(names, row, strict=True))
    for field, value in NASTY.items():
        assert cells[field].data_type == "s", field
        # XML reads a carriage return back as a line feed: still after the quote.
        assert cells[field].value == "'" + value.replace("\r", "\n"), field
    assert not any(c.data_type == "f" for c in row)
    assert cells["amount_paid"].data_type == "n" and cells["amount_paid"].value == 1295.5
    assert cells["registered_at"].is_date


def test_exports_take_the_list_filters(org_api, event, ticket):
    make_registration(event, {"ticket_type": ticket, "first_name": "Paid"})
    make_registration(
        event,
        {"ticket_type": ticket, "first_name": "Lapsed"},
        status=Registration.Status.PENDING_PAYMENT,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    rows = read_csv(org_api.get(export_url(event, "csv"), {"status": "expired"}))
    assert [(r["first_name"], r["status"]) for r in rows] == [("Lapsed", "expired")]
    sheet = read_xlsx(org_api.get(export_url(event, "xlsx"), {"q": "paid"}))
    assert [row[3].value for row in sheet[1:]] == ["Paid"]


def test_an_empty_export_still_has_its_header(org_api, event):
    assert read_csv(org_api.get(export_url(event, "csv"))) == []
    assert [c.value for c in read_xlsx(org_api.get(export_url(event, "xlsx")))[0]][:3] == [
        "reference",
        "status",
        "ticket_type",
    ]


def _fill(event, ticket, sessions, n: int) -> None:
    for _ in range(n):
        make_registration(event, {"ticket_type": ticket, "sessions": sessions})


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_queries_do_not_grow_with_the_number_of_attendees(
    org_api, event, ticket, workshop, kind
):
    sessions = [workshop, SessionFactory(event=event, starts_at=workshop.ends_at)]
    _fill(event, ticket, sessions, 3)

    def run() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = org_api.get(export_url(event, kind))
            body = b"".join(response.streaming_content)
        return len(queries), len(body)

    few, few_size = run()
    _fill(event, ticket, sessions, 27)
    many, many_size = run()
    assert many == few <= 6  # including the audit entry of the export
    assert many_size > few_size


def test_session_roster_lists_who_chose_the_session_with_their_room_check_in(
    org_api, event, ticket, workshop
):
    chose = make_registration(
        event, {"ticket_type": ticket, "sessions": [workshop], "first_name": "Ann"}
    )
    make_registration(event, {"ticket_type": ticket, "first_name": "Bob"})
    make_registration(
        event,
        {"ticket_type": ticket, "sessions": [workshop], "first_name": "Gone"},
        status=Registration.Status.CANCELLED,
    )
    checked_in(attendee_of(chose), workshop)
    response = org_api.get(
        f"/api/v1/organizer/events/{event.slug}/sessions/{workshop.id}/roster.csv"
    )
    rows = read_csv(response)
    assert [r["first_name"] for r in rows] == ["Ann"]
    assert rows[0]["checked_in_at"] and rows[0]["badge_code"]


def test_roster_of_a_session_of_another_event_is_404(org_api, event):
    other = SessionFactory()
    response = org_api.get(f"/api/v1/organizer/events/{event.slug}/sessions/{other.id}/roster.csv")
    assert response.status_code == 404


def test_venue_needs_count_and_list_the_live_attendees_needs(org_api, org_client, event, ticket):
    make_registration(
        event,
        {"ticket_type": ticket, "first_name": "Ann", "dietary_needs": "Vegan"},
        {"ticket_type": ticket, "first_name": "Bob", "dietary_needs": " vegan "},
        {"ticket_type": ticket, "first_name": "Cy", "accessibility_needs": "Wheelchair"},
        {"ticket_type": ticket, "first_name": "Dee"},
    )
    make_registration(
        event,
        {"ticket_type": ticket, "first_name": "Gone", "dietary_needs": "Halal"},
        status=Registration.Status.CANCELLED,
    )
    rows = read_csv(org_api.get(f"/api/v1/organizer/events/{event.slug}/venue-needs.csv"))
    assert sorted(r["first_name"] for r in rows) == ["Ann", "Bob", "Cy"]
    page = org_client.get(f"/organizer/events/{event.slug}/venue-needs/")
    assert page.status_code == 200
    assert page.context["counts"]["dietary_needs"] == [("vegan", 2)]
    assert page.context["counts"]["accessibility_needs"] == [("wheelchair", 1)]
    assert "Halal" not in page.content.decode()


@pytest.mark.parametrize(
    "path, most",
    [
        # (exports include one audit entry)
        ("/api/v1/organizer/events/{slug}/badges.pdf", 6),
        ("/api/v1/organizer/events/{slug}/sessions/{session}/roster.csv", 7),
        ("/api/v1/organizer/events/{slug}/venue-needs.csv", 6),
        ("/organizer/events/{slug}/venue-needs/", 8),
        ("/organizer/", 6),  # (with whether one may import the member list)
    ],
)
def test_other_lists_make_a_fixed_number_of_queries(
    org_client, event, ticket, workshop, path, most
):
    url = path.format(slug=event.slug, session=workshop.id)

    def run() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = org_client.get(url)
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)
        return len(queries)

    for _ in range(3):
        make_registration(
            event, {"ticket_type": ticket, "sessions": [workshop], "dietary_needs": "Vegan"}
        )
    few = run()
    for _ in range(27):
        make_registration(
            event, {"ticket_type": ticket, "sessions": [workshop], "dietary_needs": "Vegan"}
        )
    assert run() == few <= most


def test_each_export_is_in_the_audit_log_without_personal_data(org_api, event, ticket):
    from audit.models import AuditEntry

    make_registration(event, {"ticket_type": ticket})
    response = org_api.get(export_url(event, "csv"), {"q": "ann@example.org"})
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(action="export")
    assert entry.event == event and entry.details == {"format": "csv", "filters": ["q"]}
    assert "ann@example.org" not in str(entry.details)
