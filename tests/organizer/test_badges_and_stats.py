import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from registrations.models import Registration, WaitlistEntry
from tests.factories import SessionFactory, TicketTypeFactory
from tests.organizer.helpers import attendee_of, checked_in, make_registration

pytestmark = pytest.mark.django_db

Status = Registration.Status


def badges(client, event, **params):
    response = client.get(f"/api/v1/organizer/events/{event.slug}/badges.pdf", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(b"".join(response.streaming_content)))


def test_badge_pdf_opens_and_carries_names_organizations_ticket_types_and_codes(
    org_api, event, ticket
):
    registration = make_registration(
        event,
        {
            "ticket_type": ticket,
            "first_name": "Grace",
            "last_name": "Hopper",
            "organization": "Navy",
        },
        {"ticket_type": ticket, "first_name": "Łukasz", "last_name": "Nguyễn"},
    )
    pdf = badges(org_api, event)
    text = pdf.pages[0].extract_text()
    assert "Grace" in text and "Hopper" in text and "Navy" in text
    assert "Full conference" in text
    assert attendee_of(registration).badge_code in text
    assert "Łukasz" in text


def test_badges_are_eight_to_a_page_and_take_the_list_filters(org_api, event, ticket):
    for n in range(9):
        make_registration(event, {"ticket_type": ticket, "first_name": f"Person{n}"})
    assert len(badges(org_api, event).pages) == 2
    only = badges(org_api, event, q="Person3")
    assert len(only.pages) == 1
    text = only.pages[0].extract_text()
    assert "Person3" in text and "Person4" not in text


def test_badges_reachable_with_the_dashboard_session_cookie(org_client, event, ticket):
    make_registration(event, {"ticket_type": ticket, "first_name": "Grace"})
    assert "Grace" in badges(org_client, event).pages[0].extract_text()


def test_stats_count_status_ticket_types_sessions_revenue_capacity_waitlist_check_ins(
    org_api, event, ticket, workshop
):
    ticket.capacity = 10
    ticket.save()
    workshop.capacity = 5
    workshop.save()
    student = TicketTypeFactory(event=event, name="Student", price=Decimal("100.00"))
    paid = make_registration(
        event,
        {"ticket_type": ticket, "sessions": [workshop]},
        {"ticket_type": ticket},
        amount_paid=Decimal("1000.00"),
        amount_refunded=Decimal("150.00"),
    )
    make_registration(
        event, {"ticket_type": student, "sessions": [workshop]}, status=Status.PENDING_PAYMENT
    )
    make_registration(
        event,
        {"ticket_type": ticket, "sessions": [workshop]},
        status=Status.PENDING_PAYMENT,
        expires_at=timezone.now() - timedelta(minutes=5),
    )
    make_registration(event, {"ticket_type": student}, status=Status.CANCELLED)
    WaitlistEntry.objects.create(
        event=event, ticket_type=ticket, first_name="W", last_name="L", email="w@example.org"
    )
    checked_in(attendee_of(paid))
    checked_in(attendee_of(paid), workshop)

    data = org_api.get(f"/api/v1/organizer/events/{event.slug}/stats/").json()
    assert data["registrations"]["by_status"] == {
        "pending_payment": 1, "confirmed": 1, "cancelled": 1, "expired": 1, "refunded": 0,
    }  # fmt: skip
    assert data["registrations"]["total"] == 4
    assert data["attendees"]["by_status"]["confirmed"] == 2
    assert data["revenue"] == {
        "amount": "850.00", "paid": "1000.00", "refunded": "150.00", "currency": "USD",
    }  # fmt: skip
    tickets = {t["name"]: t for t in data["ticket_types"]}
    assert tickets["Full conference"]["taken"] == 2 and tickets["Full conference"]["left"] == 8
    assert tickets["Full conference"]["by_status"]["expired"] == 1
    assert tickets["Student"]["taken"] == 1 and tickets["Student"]["left"] is None
    session = data["sessions"][0]
    assert (session["taken"], session["left"], session["checked_in"]) == (2, 3, 1)
    assert data["capacity"]["event"] == {"capacity": 100, "taken": 3, "left": 97}
    assert data["capacity"]["sessions"] == {str(workshop.id): 3}
    assert data["waiting_list"] == {"length": 1, "offered": 0}
    assert data["check_ins"] == {"door": 1, "expected": 2, "sessions": 1}
    today = event.local(timezone.now()).date().isoformat()
    assert data["registrations_by_day"] == [{"date": today, "attendees": 3}]


def test_stats_and_dashboard_queries_do_not_grow_with_registrations(
    org_api, org_client, event, ticket, workshop
):
    def fill(n: int) -> None:
        for day in range(n):
            make_registration(
                event,
                {"ticket_type": ticket, "sessions": [workshop]},
                created_at=timezone.now() - timedelta(days=day),
            )

    def count(url: str, client) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    stats_url = f"/api/v1/organizer/events/{event.slug}/stats/"
    dashboard_url = f"/organizer/events/{event.slug}/"
    fill(3)
    few = count(stats_url, org_api), count(dashboard_url, org_client)
    SessionFactory(event=event)
    fill(27)
    many = count(stats_url, org_api), count(dashboard_url, org_client)
    assert many == few
    assert few[0] <= 18 and few[1] <= 20


def qr_codes_on(pdf_bytes: bytes) -> list[str]:
    """What a scanner reads from every QR code of every page, the page rendered as a
    printer would (pdfium at 150 dpi), decoded by ZXing."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(pdf_bytes)
    found = []
    for page in document:
        image = page.render(scale=150 / 72).to_pil()
        found += [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    return found


def test_each_badges_qr_code_scans_as_its_attendees_badge_code(org_api, event, ticket):
    registrations = [
        make_registration(event, {"ticket_type": ticket, "first_name": f"Person{n}"})
        for n in range(3)
    ]
    response = org_api.get(f"/api/v1/organizer/events/{event.slug}/badges.pdf")
    scanned = qr_codes_on(b"".join(response.streaming_content))
    assert sorted(scanned) == sorted(attendee_of(r).badge_code for r in registrations)
