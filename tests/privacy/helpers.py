"""A paid group registration with everything personal data can touch: two attendees with
CE credentials and needs, a session, an invoice paid then partly refunded, a waiting-list
entry of the buyer's, emails written."""

from dataclasses import dataclass
from decimal import Decimal

from events.models import Event, Question, Session, TicketType
from payments.services.offline import invoice_mark_paid
from payments.services.refunds import refund_create
from registrations.models import Registration, WaitlistEntry
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

NPI = "1234567893"


@dataclass
class Group:
    event: Event
    ticket: TicketType
    sold_out: TicketType
    workshop: Session
    registration: Registration
    waitlist_entry: WaitlistEntry

    @property
    def token(self) -> str:
        return self.registration.token


def paid_group(api) -> Group:
    event = EventFactory(name="Patient Safety Congress 2027")
    ticket = TicketTypeFactory(event=event, name="Full conference", price=Decimal("500.00"))
    sold_out = TicketTypeFactory(
        event=event, name="Gala dinner", price=Decimal("80.00"), capacity=0
    )
    workshop = SessionFactory(event=event, title="Human factors", price=Decimal("50.00"))
    lunch = Question.objects.create(event=event, label="Lunch", kind="text")
    payload = body(
        attendee(
            ticket,
            [workshop],
            first_name="Grace",
            last_name="Hopper",
            email="grace@example.org",
            profession="physician",
            credentials={"npi": NPI},
            member_number="M-0042",
            dietary_needs="Vegetarian",
            accessibility_needs="Step-free access",
            answers={str(lunch.id): "Gluten-free"},
        ),
        attendee(ticket, first_name="Alan", last_name="Turing", email="alan@example.org"),
        buyer={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org"},
        payment_method="invoice",
    )
    response = register(api, event, payload)
    assert response.status_code == 201, response.json()
    registration = Registration.objects.get(reference=response.json()["reference"])
    invoice_mark_paid(registration=registration)
    refund_create(registration=registration, amount=Decimal("100.00"), reason="Goodwill")
    entry = WaitlistEntry.objects.create(
        event=event,
        ticket_type=sold_out,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.org",
    )
    registration.refresh_from_db()
    return Group(event, ticket, sold_out, workshop, registration, entry)
