"""The organizer's wording, sent by a real worker through a real SMTP server."""

from decimal import Decimal

import pytest

from registrations.messaging.models import Kind
from registrations.messaging.texts import email_text_set
from tests.emails.helpers import parse, parts
from tests.factories import EventFactory, TicketTypeFactory
from tests.integration.test_email_worker import register_free

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>alert('x')</script>"


def test_organizer_text_with_markup_arrives_escaped_in_html_and_as_is_in_text(
    worker_factory, smtp_server
):
    event = EventFactory(name="National Forum")
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    email_text_set(
        event=event,
        kind=Kind.ATTENDEE_CONFIRMATION,
        subject="{first_name}, you are in",
        intro=f"Welcome {{first_name}} {SCRIPT}",
        closing="See you at {event}.",
    )
    worker_factory().start()
    register_free(event, ticket, 7)
    received = [parse(raw) for raw in smtp_server.wait_for(2)]
    [mail] = [m for m in received if m["Subject"] == "A, you are in"]
    [html] = parts(mail, "text/html")
    [text] = parts(mail, "text/plain")
    html_body = html.get_payload(decode=True).decode()
    assert SCRIPT not in html_body
    assert "Welcome A &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html_body
    assert f"Welcome A {SCRIPT}" in text.get_payload(decode=True).decode()
    assert "See you at National Forum." in text.get_payload(decode=True).decode()
