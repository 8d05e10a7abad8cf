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
