"""The attendee's confirmation carries the QR code of their badge code as an inline image:
read from what the real SMTP server received (through a real worker), decoded by ZXing."""

import io
from decimal import Decimal

import pytest

from registrations.models import Attendee
from tests.emails.helpers import parse, parts
from tests.factories import EventFactory, TicketTypeFactory
from tests.integration.test_email_worker import register_free

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_confirmations_qr_code_scans_as_the_badge_code(worker_factory, smtp_server):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    event = EventFactory()
    ticket = TicketTypeFactory(event=event, price=Decimal("0.00"))
    worker = worker_factory()
    worker.start()
    register_free(event, ticket, 1)
    received = [parse(raw) for raw in smtp_server.wait_for(2)]
    [confirmation] = [m for m in received if m["To"] == "a1@example.org"]
    attendee = Attendee.objects.get(email="a1@example.org")
    [image] = [part for part in confirmation.walk() if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == f"<badge-{attendee.pk}>"
    assert image.get_content_disposition() == "inline"
    [html] = parts(confirmation, "text/html")
    assert f'src="cid:badge-{attendee.pk}"' in html.get_payload(decode=True).decode()
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_payload(decode=True))))
    assert [barcode.text for barcode in decoded] == [attendee.badge_code]
