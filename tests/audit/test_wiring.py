"""Organizer actions land in the audit log, with no personal data."""

from decimal import Decimal

import pytest

from audit.models import AuditEntry
from tests.factories import EventFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


def test_mark_paid_and_event_changes_are_audited(api, organizer_api, organizer):
    event = EventFactory()
    event.organizers.add(organizer)
    ticket = TicketTypeFactory(event=event, price=Decimal("100.00"))
    data = register(api, event, body(attendee(ticket), payment_method="invoice")).json()
    organizer_api.post(f"/api/v1/organizer/registrations/{data['reference']}/mark-paid/")
    organizer_api.patch(f"/api/v1/organizer/events/{event.slug}/", {"name": "New"}, format="json")
    entries = {e.action: e for e in AuditEntry.objects.all()}
    assert entries["mark_paid"].target == data["reference"]
    assert entries["mark_paid"].actor == organizer
    assert entries["event_update"].details == {"fields": ["name"]}
    assert all("@" not in str(e.details) for e in entries.values())


def test_a_refused_action_is_not_audited(client, organizer):
    from tests.organizer.helpers import make_registration

    event = EventFactory()
    event.organizers.add(organizer)
    ticket = TicketTypeFactory(event=event)
    registration = make_registration(event, {"ticket_type": ticket})  # paid by card
    client.force_login(organizer)
    client.post(f"/organizer/events/{event.slug}/registrations/{registration.reference}/mark-paid/")
    assert not AuditEntry.objects.filter(action="mark_paid").exists()


def test_the_page_and_the_api_record_the_same_refund(api, client, organizer_api, organizer):
    event = EventFactory()
    event.organizers.add(organizer)
    ticket = TicketTypeFactory(event=event, price=Decimal("100.00"))
    by_page = register(api, event, body(attendee(ticket), payment_method="invoice")).json()
    by_api = register(api, event, body(attendee(ticket), payment_method="invoice")).json()
    client.force_login(organizer)
    page = f"/organizer/events/{event.slug}/registrations/{by_page['reference']}"
    client.post(f"{page}/mark-paid/")
    client.post(f"{page}/refund/", {"amount": "40.00", "reason": ""})
    api_url = f"/api/v1/organizer/registrations/{by_api['reference']}"
    organizer_api.post(f"{api_url}/mark-paid/")
    organizer_api.post(f"{api_url}/refund/", {"amount": "40.00"}, format="json")

    def recorded(reference):
        return [
            (e.action, e.details, e.actor)
            for e in AuditEntry.objects.filter(target=reference).order_by("id")
        ]

    assert (
        recorded(by_page["reference"])
        == recorded(by_api["reference"])
        == [
            (
                "mark_paid",
                {"amount": "100.00", "currency": "USD", "note": "", "amount_due": "0.00"},
                organizer,
            ),
            ("refund", {"amount": "40.00", "currency": "USD"}, organizer),
        ]
    )
