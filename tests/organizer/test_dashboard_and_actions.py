from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from registrations.models import Registration
from registrations.organizer import charts
from tests.factories import SessionFactory
from tests.organizer.helpers import attendee_of, make_registration

pytestmark = pytest.mark.django_db

Status = Registration.Status


def page_url(event, registration, action: str = "") -> str:
    url = f"/organizer/events/{event.slug}/registrations/{registration.reference}/"
    return f"{url}{action}/" if action else url


def last_message(response) -> str:
    """The message this request added (earlier ones wait until a page shows them)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_dashboard_shows_figures_charts_with_a_table_and_the_document_links(
    org_client, event, ticket, workshop
):
    make_registration(
        event,
        {"ticket_type": ticket, "sessions": [workshop]},
        created_at=timezone.now() - timedelta(days=3),
    )
    make_registration(event, {"ticket_type": ticket})
    response = org_client.get(f"/organizer/events/{event.slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<svg") == 3  # over time, ticket types, sessions
    assert 'role="img"' in page and "<desc" in page
    assert "Running total" in page  # the chart's text alternative
    assert "1,000.00 USD" in page  # revenue
    for link in (
        f"/api/v1/organizer/events/{event.slug}/attendees/export.csv",
        f"/api/v1/organizer/events/{event.slug}/attendees/export.xlsx",
        f"/api/v1/organizer/events/{event.slug}/badges.pdf",
        f"/api/v1/organizer/events/{event.slug}/ce-report.csv",
        f"/api/v1/organizer/events/{event.slug}/sessions/{workshop.id}/roster.csv",
        f"/organizer/events/{event.slug}/check-in/",
    ):
        assert link in page, link


def test_dashboard_of_an_event_without_registrations_says_so(org_client, event):
    page = org_client.get(f"/organizer/events/{event.slug}/").content.decode()
    assert "No registrations yet" in page


def test_organizer_marks_an_invoice_paid_then_refunds_part_of_it(org_client, event, ticket):
    registration = make_registration(
        event, {"ticket_type": ticket}, status=Status.PENDING_PAYMENT, payment_method="invoice"
    )
    detail = org_client.get(page_url(event, registration)).content.decode()
    assert "Record the payment" in detail and "500.00 USD due" in detail

    response = org_client.post(
        page_url(event, registration, "mark-paid"),
        {"paid-amount": "200.00", "paid-paid_at": "2020-01-02", "paid-note": "Wire 0042"},
        follow=True,
    )
    assert "Payment recorded; 300.00 USD is still due." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.PENDING_PAYMENT
    assert registration.amount_paid == Decimal("200.00")
    payment = registration.payments.get()
    assert payment.note == "Wire 0042" and payment.succeeded_at.date().isoformat() == "2020-01-02"
    detail = org_client.get(page_url(event, registration)).content.decode()
    assert "300.00 USD due" in detail
    assert "Wire 0042" in detail and "Payments received" in detail

    too_much = org_client.post(page_url(event, registration, "mark-paid"), {"paid-amount": "301"})
    assert "Between 0.01 and the amount due, 300.00 USD." in last_message(too_much)
    response = org_client.post(page_url(event, registration, "mark-paid"), follow=True)
    assert "Invoice paid in full: the registration is confirmed." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert registration.amount_paid == Decimal("500.00")

    response = org_client.post(
        page_url(event, registration, "refund"), {"amount": "100.00", "reason": "Goodwill"}
    )
    assert response.status_code == 302
    assert last_message(response) == "Refund of 100.00 USD recorded."
    registration.refresh_from_db()
    assert registration.amount_refunded == Decimal("100.00")

    too_much = org_client.post(page_url(event, registration, "refund"), {"amount": "900"})
    assert "Between 0.01 and 400.00 USD." in last_message(too_much)


def test_refusals_of_the_services_are_shown_as_messages(org_client, event, ticket):
    registration = make_registration(event, {"ticket_type": ticket})  # paid by card
    response = org_client.post(page_url(event, registration, "mark-paid"))
    assert last_message(response) == "Only invoice registrations are marked paid by hand."
    bad_amount = org_client.post(page_url(event, registration, "refund"), {"amount": "-5"})
    assert "greater than or equal to 0.01" in last_message(bad_amount)


def test_organizer_cancels_a_registration(org_client, event, ticket):
    registration = make_registration(
        event, {"ticket_type": ticket}, status=Status.PENDING_PAYMENT, payment_method="invoice"
    )
    response = org_client.post(page_url(event, registration, "cancel"))
    assert last_message(response) == "Registration cancelled."
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    again = org_client.post(page_url(event, registration, "cancel"))
    assert "cannot be cancelled" in last_message(again)


def test_an_unknown_action_is_404(org_client, event, ticket):
    registration = make_registration(event, {"ticket_type": ticket})
    assert org_client.post(page_url(event, registration, "explode")).status_code == 404


def test_organizer_substitutes_an_attendee(org_client, event, ticket):
    registration = make_registration(event, {"ticket_type": ticket, "first_name": "Ann"})
    attendee = attendee_of(registration)
    url = f"/organizer/events/{event.slug}/attendees/{attendee.id}/substitute/"
    prefix = f"a{attendee.id}"
    response = org_client.post(
        url,
        {
            f"{prefix}-first_name": "Grace",
            f"{prefix}-last_name": "Hopper",
            f"{prefix}-email": "Grace@Example.org",
        },
    )
    assert response["Location"] == page_url(event, registration)
    assert last_message(response) == "Attendee details changed."
    attendee.refresh_from_db()
    assert (attendee.first_name, attendee.email) == ("Grace", "grace@example.org")

    event.substitution_deadline = timezone.now() - timedelta(hours=1)
    event.save()
    late = org_client.post(
        url,
        {f"{prefix}-first_name": "Late", f"{prefix}-last_name": "X", f"{prefix}-email": "l@x.org"},
    )
    assert last_message(late) == "The deadline for changing attendees has passed."
    bad = org_client.post(url, {f"{prefix}-first_name": "No email"})
    assert "This field is required." in last_message(bad)


def test_registration_page_of_another_event_is_404(org_client, event, ticket):
    other = SessionFactory().event
    registration = make_registration(
        other, {"ticket_type": other.ticket_types.create(name="T", price=1)}
    )
    assert org_client.get(page_url(event, registration)).status_code == 404


def test_chart_buckets_fill_empty_days_and_turn_weekly_over_sixty_days():
    start = date(2026, 1, 5)
    daily = charts.buckets_over_time([(start, 2), (start + timedelta(days=3), 1)])
    assert [b.count for b in daily] == [2, 0, 0, 1] and daily[0].days == 1
    weekly = charts.buckets_over_time([(start, 2), (start + timedelta(days=90), 4)])
    assert weekly[0].days == 7 and weekly[0].start.weekday() == 0
    assert sum(b.count for b in weekly) == 6 and len(weekly) == 13


def test_charts_escape_their_labels_and_round_the_axis():
    svg = charts.capacity_chart(
        [
            charts.CapacityBar("<script>alert(1)</script>", 3, 3),
            charts.CapacityBar("Open", 1, None),
        ],
        title="Seats & rooms",
        chart_id="c",
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Seats &amp; rooms" in svg
    assert "full" in svg and "no limit" in svg
    assert [charts.nice_ceiling(n) for n in (0, 1, 3, 7, 12, 53, 230)] == [1, 1, 3, 8, 20, 60, 300]


def test_organizer_resends_the_confirmation_with_its_invites(
    org_client, event, ticket, django_capture_on_commit_callbacks, mailoutbox
):
    registration = make_registration(event, {"ticket_type": ticket, "email": "ann@example.org"})
    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(page_url(event, registration, "resend"))
    assert "on their way again" in last_message(response)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [registration.buyer_email, "ann@example.org"]
    )
    pending = make_registration(event, {"ticket_type": ticket}, status=Status.PENDING_PAYMENT)
    refused = org_client.post(page_url(event, pending, "resend"))
    assert "Only a confirmed registration" in last_message(refused)
