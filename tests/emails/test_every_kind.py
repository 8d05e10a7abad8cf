"""Every kind of email the system sends, written by the entry point that sends it in
production and rendered as the worker renders it; each test reads the text a person
would read. A kind without a case here fails the last test."""

from datetime import timedelta
from decimal import Decimal

import pytest

from events.services import event_update
from registrations.messaging import notify
from registrations.messaging.delivery import render
from registrations.messaging.models import Kind, OutboxMessage
from registrations.models import Attendee, Registration, SessionWaitlistEntry, WaitlistEntry
from registrations.services.registration import registration_cancel
from registrations.services.waitlist import waitlist_join
from tests.factories import EventFactory, SessionFactory, TicketTypeFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(name="Patient Safety Congress", timezone="America/New_York")


def registered(api, event, price="0.00", sessions=(), **options) -> Registration:
    ticket = TicketTypeFactory(event=event, price=Decimal(price), name="Full conference")
    person = attendee(ticket, sessions, first_name="Ada", email="ada@example.org")
    data = register(api, event, body(person, **options)).json()
    return Registration.objects.get(reference=data["reference"])


def read(kind: str, to: str | None = None) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the newest email of `kind` (to `to`)."""
    messages = OutboxMessage.objects.filter(kind=kind)
    if to:
        messages = messages.filter(to_email=to)
    mail = render(messages.latest("id"))
    [(html, _)] = mail.alternatives[:1]
    return mail.subject, mail.body, html


CASES = {}


def case(kind: str):
    def register_case(test):
        CASES[kind] = test
        return test

    return register_case


@case(Kind.ORDER_CONFIRMATION)
@case(Kind.ATTENDEE_CONFIRMATION)
def test_a_confirmed_registration_confirms_to_buyer_and_attendee(api, event):
    registration = registered(api, event)
    subject, text, html = read(Kind.ORDER_CONFIRMATION)
    assert registration.reference in subject and "Your registration is confirmed" in text
    assert "Ada Ng – Full conference" in text and "Ada Ng – Full conference" in html
    subject, text, _ = read(Kind.ATTENDEE_CONFIRMATION)
    assert subject == "You're registered: Patient Safety Congress"
    assert "Dear Ada, you are registered for Patient Safety Congress." in text


@case(Kind.INVOICE)
def test_an_invoice_registration_gets_its_invoice(api, event):
    registration = registered(api, event, price="450.00", payment_method="invoice")
    subject, text, _ = read(Kind.INVOICE)
    assert registration.reference in subject
    assert "invoice enclosed" in text and "Download the invoice" in text
    assert "450.00 USD" in text


@case(Kind.INVOICE_REMINDER)
def test_an_unpaid_invoice_is_reminded_to_the_billing_email_before_and_on_its_due_date(
    api, event, settings
):
    from finance.models import Invoice
    from finance.services.reminders import invoices_remind_unpaid

    settings.INVOICE_REMINDER_DAYS = 7
    registration = registered(api, event, price="450.00", payment_method="invoice")
    invoice = Invoice.objects.get(registration=registration)
    due = registration.expires_at  # 30 days on: the event's invoice_due_days
    assert invoices_remind_unpaid(now=due - timedelta(days=9)) == 0
    assert invoices_remind_unpaid(now=due - timedelta(days=7)) == 1
    assert invoices_remind_unpaid(now=due - timedelta(days=6)) == 0  # once
    subject, text, _ = read(Kind.INVOICE_REMINDER, to="ap@mercy.example.org")
    assert subject == f"Payment reminder: invoice {invoice.number}, Patient Safety Congress"
    assert "450.00 USD still due" in text and "PO-4711" in text
    assert invoices_remind_unpaid(now=due - timedelta(minutes=1)) == 1
    assert invoices_remind_unpaid(now=due - timedelta(seconds=30)) == 0
    assert f"Invoice {invoice.number} is due today" in read(Kind.INVOICE_REMINDER)[1]
    assert invoices_remind_unpaid(now=due + timedelta(minutes=1)) == 0  # lapsed: no more


@case(Kind.SESSION_INVITE)
def test_each_chosen_session_gets_its_invite(api, event):
    workshop = SessionFactory(event=event, title="Root cause analysis")
    registered(api, event, sessions=[workshop])
    subject, text, _ = read(Kind.SESSION_INVITE)
    assert subject == "Your session: Root cause analysis"
    assert "You have a seat in this session of Patient Safety Congress." in text


@case(Kind.PAYMENT_FAILED)
def test_a_failed_payment_says_why_and_how_to_pay(api, event):
    registration = registered(api, event, price="450.00")
    notify.notify_payment_failed(
        registration=registration, reason="Your card has insufficient funds.", event_id="evt_1"
    )
    subject, text, _ = read(Kind.PAYMENT_FAILED)
    assert subject == f"Payment not completed: {registration.reference}"
    assert "Your card has insufficient funds." in text and "Pay now" in text


@case(Kind.HOLD_EXPIRING)
def test_a_long_hold_is_warned_of_when_a_quarter_is_left(api, event, settings):
    settings.HOLD_MINUTES = 120
    registration = registered(api, event, price="450.00")
    assert notify.notify_expiring_holds(now=registration.created_at + timedelta(minutes=80)) == 0
    assert notify.notify_expiring_holds(now=registration.created_at + timedelta(minutes=91)) == 1
    assert notify.notify_expiring_holds(now=registration.created_at + timedelta(minutes=95)) == 0
    subject, text, _ = read(Kind.HOLD_EXPIRING)
    assert subject == "Your reserved seats for Patient Safety Congress are about to be released"
    assert "After that they go to others." in text and "450.00 USD" in text


def test_a_short_card_hold_is_not_warned_of(api, event, settings):
    settings.HOLD_MINUTES = 15  # the buyer is at the payment page: an email would be noise
    registration = registered(api, event, price="450.00")
    for minutes in (5, 11, 14):
        later = registration.created_at + timedelta(minutes=minutes)
        assert notify.notify_expiring_holds(now=later) == 0


def test_an_invoice_is_warned_of_three_days_before_its_due_date(api, event):
    registration = registered(api, event, price="450.00", payment_method="invoice")
    due = registration.expires_at
    assert notify.notify_expiring_holds(now=due - timedelta(days=3, hours=1)) == 0
    assert notify.notify_expiring_holds(now=due - timedelta(days=2, hours=23)) == 1


@case(Kind.LATE_PAYMENT_REFUNDED)
def test_a_late_payment_refunded_says_so(api, event):
    registration = registered(api, event, price="450.00")
    notify.notify_late_payment_refunded(
        registration=registration, amount=Decimal("450.00"), payment_id=1
    )
    subject, text, _ = read(Kind.LATE_PAYMENT_REFUNDED)
    assert subject == f"Your payment has been refunded: {registration.reference}"
    assert "the full amount has been refunded" in text and "450.00 USD" in text


@case(Kind.WAITLIST_OFFER)
def test_a_waiting_list_offer_links_to_the_seat(api, event):
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"), capacity=1, name="Workshop")
    data = register(api, event, body(attendee(ticket))).json()
    waitlist_join(ticket_type=ticket, email="next@example.org", first_name="Noor", last_name="H")
    registration_cancel(registration=Registration.objects.get(reference=data["reference"]))
    entry = WaitlistEntry.objects.get(email="next@example.org")
    subject, text, _ = read(Kind.WAITLIST_OFFER)
    assert subject == "A seat is free for you: Patient Safety Congress"
    assert "Dear Noor" in text and "“Workshop”" in text
    assert entry.get_absolute_url() in text


@case(Kind.SESSION_WAITLIST_OFFER)
def test_a_session_waiting_list_offer_links_to_the_seat(api, event):
    workshop = SessionFactory(event=event, title="Root cause analysis", capacity=1)
    holder = registered(api, event, sessions=[workshop])
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    person = attendee(ticket, first_name="Noor", email="noor@example.org")
    data = register(api, event, body(person)).json()
    url = f"/api/v1/registrations/{data['token']}/attendees/{data['attendees'][0]['id']}/"
    api.post(f"{url}waitlist/", {"session": workshop.id}, format="json")
    registration_cancel(registration=holder)
    entry = SessionWaitlistEntry.objects.get()
    subject, text, html = read(Kind.SESSION_WAITLIST_OFFER)
    assert subject == "A seat is free for you: Root cause analysis"
    assert "Dear Noor, a seat in “Root cause analysis” at Patient Safety Congress" in text
    assert "held for you until" in text and entry.get_absolute_url() in html


@case(Kind.CANCELLATION)
def test_a_cancellation_tells_the_buyer(api, event):
    registration = registered(api, event)
    registration_cancel(registration=registration)
    subject, text, _ = read(Kind.CANCELLATION, to="buyer@example.org")
    assert subject == f"Cancelled: Patient Safety Congress ({registration.reference})"
    assert f"Registration {registration.reference} for Patient Safety Congress" in text


@case(Kind.SUBSTITUTION)
def test_the_replaced_person_is_told(api, event):
    registration = registered(api, event)
    person = registration.attendees.get()
    url = f"/api/v1/registrations/{registration.token}/attendees/{person.pk}/"
    api.patch(url, {"first_name": "Noor", "email": "noor@example.org"}, format="json")
    subject, text, _ = read(Kind.SUBSTITUTION, to="ada@example.org")
    assert subject == "Your place at Patient Safety Congress has been transferred"
    assert "now belongs to Noor Ng" in text


@case(Kind.EVENT_CHANGED)
def test_a_moved_event_sends_an_update(api, event):
    registered(api, event)
    event_update(event=event, starts_at=event.starts_at + timedelta(hours=1))
    subject, text, _ = read(Kind.EVENT_CHANGED)
    assert subject == "Updated: Patient Safety Congress"
    assert "Your calendar entry is updated by the attached invite." in text


@case(Kind.REMINDER)
def test_the_reminder_names_the_badge_code(api, event):
    registration = registered(api, event)
    notify.notify_reminders(now=event.starts_at - timedelta(days=1))
    subject, text, _ = read(Kind.REMINDER)
    assert subject == "Soon: Patient Safety Congress"
    assert registration.attendees.get().badge_code in text


@case(Kind.CERTIFICATE)
def test_the_certificate_email_carries_the_pdf(api, event):
    registered(api, event)
    person = Attendee.objects.get()
    notify.notify_certificate(attendee=person, total_hours="6.5", certificate_url="/c/")
    messages = OutboxMessage.objects.filter(kind=Kind.CERTIFICATE)
    mail = render(messages.get())
    assert mail.subject == "Your continuing-education certificate: Patient Safety Congress"
    assert "your certificate of attendance" in mail.body
    assert [name for name, _, _ in mail.attachments if name.endswith(".pdf")]


@case(Kind.REGISTRATION_LINKS)
def test_find_my_registration_emails_the_buyers_and_the_attendees_links(api, event):
    from registrations.services.find import registration_links_request

    registration = registered(api, event)  # buyer@example.org bought; ada@example.org attends
    registration_links_request(email="Ada@Example.org")
    subject, text, _ = read(Kind.REGISTRATION_LINKS, to="ada@example.org")
    ada = registration.attendees.get()
    assert subject == "Your registration links"
    assert ada.get_absolute_url() in text and registration.token not in text
    registration_links_request(email="buyer@example.org")
    _, text, _ = read(Kind.REGISTRATION_LINKS, to="buyer@example.org")
    assert registration.get_absolute_url() in text and registration.reference in text


def test_every_kind_is_rendered_by_a_test_above():
    assert set(CASES) == set(Kind.values)
