"""A refund decided in a webhook is carried out after commit, by a real worker against
the local Stripe server, and survives a first attempt that fails."""

import threading
import time
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.utils import timezone

from payments.models import Refund
from registrations.models import Registration
from tests.factories import EventFactory, TicketTypeFactory
from tests.payments.helpers import pay_at_stripe
from tests.payments.test_stripe_payments import new_registration, pay, post_event, succeeded

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class FlakyStripe:
    """A proxy to the Stripe server that answers the first `failures` refund requests
    with a server error, as a Stripe outage would."""

    def __init__(self, upstream: str, failures: int) -> None:
        self.upstream, self.failures, self.refund_posts = upstream, failures, 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's hook name
                self._forward("GET")

            def do_POST(self):  # noqa: N802
                self._forward("POST")

            def _forward(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else None
                if method == "POST" and self.path.startswith("/v1/refunds"):
                    proxy.refund_posts += 1
                    if proxy.refund_posts <= proxy.failures:
                        return self._answer(500, b'{"error": {"type": "api_error"}}')
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                upstream = requests.request(
                    method, proxy.upstream + self.path, data=data, headers=headers, timeout=10
                )
                self._answer(upstream.status_code, upstream.content)

            def _answer(self, status: int, content: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def flaky_stripe(stripe):
    proxy = FlakyStripe(stripe, failures=1)
    yield proxy
    proxy.server.shutdown()


def test_a_refund_decided_in_a_webhook_is_sent_after_commit_and_retried(
    api, client, stripe, flaky_stripe, worker_factory, celery_live
):
    ticket = TicketTypeFactory(event=EventFactory(), price=Decimal("450.00"), capacity=1)
    late = new_registration(api, ticket)
    Registration.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    taker = new_registration(api, ticket)  # the freed seat goes to someone else
    pay(api, stripe, taker)
    pay_at_stripe(stripe, late["payment"]["payment_intent"])  # the late buyer pays anyway

    worker = worker_factory()
    worker.env |= {
        "STRIPE_API_BASE": flaky_stripe.url,
        "STRIPE_SECRET_KEY": "sk_test_local",
        "STRIPE_MAX_NETWORK_RETRIES": "0",
        "REFUND_RETRY_SECONDS": "0.5",
    }
    worker.start()
    answer = post_event(client, succeeded(late))
    assert answer.json() == {"outcome": "settled"}
    refund = Refund.objects.get(payment__registration__reference=late["reference"])
    assert refund.amount == Decimal("450.00")  # recorded when the webhook committed

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        refund.refresh_from_db()
        if refund.status == Refund.Status.SUCCEEDED:
            break
        time.sleep(0.2)
    assert refund.status == Refund.Status.SUCCEEDED, "the refund was never carried out"
    assert flaky_stripe.refund_posts == 2  # the first failed, the retry went through
    assert refund.provider_ref.startswith("re_")
    registration = Registration.objects.get(reference=late["reference"])
    assert registration.status == "refunded"
    assert registration.amount_paid == registration.amount_refunded == Decimal("450.00")
