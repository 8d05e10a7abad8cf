"""A CE event: two chosen workshops, one a pharmacist override, a plenary everyone attends,
a workshop nobody here chose, and a free ticket (confirmed at once)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from events.models import Event, Session, TicketType
from registrations.models import Attendee, Attestation, CheckIn
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

NPI = "1234567893"


@dataclass
class CeEvent:
    event: Event
    ticket: TicketType
    safety: Session  # 3.00 h
    huddles: Session  # 2.00 h; pharmacists 1.50 h
    plenary: Session  # 1.00 h, not selectable
    unchosen: Session  # 3.00 h, nobody in these tests chooses it

    @property
    def after(self):
        """A moment when every session has started."""
        return self.event.ends_at


def hour(event: Event, hours: float):
    return event.starts_at + timedelta(hours=hours)


def make_ce_event(rule: str = Event.CeAttendanceRule.EITHER, **event_fields) -> CeEvent:
    event = EventFactory(ce_attendance_rule=rule, **event_fields)
    return CeEvent(
        event=event,
        ticket=TicketTypeFactory(event=event, price=Decimal("0.00")),
        safety=SessionFactory(
            event=event, title="Safety huddles that work", starts_at=hour(event, 2)
        ),
        huddles=SessionFactory(
            event=event,
            title="Medication reconciliation",
            starts_at=hour(event, 6),
            ce_credits=Decimal("2.00"),
            ce_credits_by_profession={"pharmacist": "1.50"},
        ),
        plenary=SessionFactory(
            event=event,
            title="Opening plenary",
            kind=Session.Kind.PLENARY,
            selectable=False,
            capacity=None,
            starts_at=hour(event, 24),
            ends_at=hour(event, 25),
            ce_credits=Decimal("1.00"),
        ),
        unchosen=SessionFactory(event=event, title="Lean for leaders", starts_at=hour(event, 28)),
    )


def registered(api, ce: CeEvent, sessions=None, **fields) -> Attendee:
    """A confirmed attendee (free ticket) of `ce`, by default choosing both workshops."""
    sessions = [ce.safety, ce.huddles] if sessions is None else sessions
    fields = {"profession": "physician", "credentials": {"npi": NPI}} | fields
    response = register(api, ce.event, body(attendee(ce.ticket, sessions, **fields)))
    assert response.status_code == 201, response.json()
    return Attendee.objects.select_related("registration__event").get(
        pk=response.json()["attendees"][0]["id"]
    )


def check_in(attendee: Attendee, session: Session) -> CheckIn:
    return CheckIn.objects.create(attendee=attendee, session=session)


def attest(attendee: Attendee, session: Session) -> Attestation:
    return Attestation.objects.create(attendee=attendee, session=session)


def move_into_past(ce: CeEvent) -> None:
    """Move the event and its sessions so that it ended an hour ago (registration is
    checked only when registering, so registered attendees stay registered)."""
    delta = ce.event.ends_at - timezone.now() + timedelta(hours=1)
    Event.objects.filter(pk=ce.event.pk).update(
        starts_at=F("starts_at") - delta, ends_at=F("ends_at") - delta
    )
    Session.objects.filter(event=ce.event).update(
        starts_at=F("starts_at") - delta, ends_at=F("ends_at") - delta
    )
    for obj in (ce.event, ce.safety, ce.huddles, ce.plenary, ce.unchosen):
        obj.refresh_from_db()
