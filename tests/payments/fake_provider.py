"""A payment provider that exists only in the tests: it proves that a provider is one
module plus its registration in settings (PAYMENT_PROVIDERS, PAYMENT_METHODS), with no
change anywhere else. Its "server" is this module's memory; its webhooks are JSON signed
with an HMAC in `X-Fake-Signature`."""

import hashlib
import hmac
import itertools
import json
from collections.abc import Mapping
from decimal import Decimal

from config.transactions import outside_transactions
from payments.providers.base import (
    CardDeclined,
    Intent,
    ProviderError,
    ProviderEvent,
    RefundResult,
    SignatureInvalid,
)

SECRET = b"fake-webhook-secret"
DECLINED_TOKEN = "tok_fake_declined"


class FakeServer:
    """What the provider's side knows, and what it was asked."""

    def __init__(self) -> None:
        self.intents: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.failing_refunds = 0  # the next N refund calls fail as if the provider were down
        self.calls: list[str] = []
        self._ids = itertools.count(1)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids)}"


server = FakeServer()


def sign(payload: dict) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, hmac.new(SECRET, body, hashlib.sha256).hexdigest()


class FakeProvider:
    name = "fake"
    online = True
    receives_webhooks = True
    checkout_template = ""

    def checkout_data(self, *, intent_ref: str, client_secret: str) -> dict:
        return {"provider": self.name, "payment_intent": intent_ref, "client_secret": client_secret}

    def create_intent(
        self, *, amount: Decimal, currency: str, reference: str, idempotency_key: str
    ) -> Intent:
        self._called("create_intent")
        ref = server.new_id("fi")
        server.intents[ref] = {"amount": amount, "currency": currency, "status": "open"}
        return self._intent(ref)

    def retrieve_intent(self, ref: str) -> Intent:
        self._called("retrieve_intent")
        return self._intent(ref)

    def pay_intent(self, *, ref: str, card_token: str) -> Intent:
        self._called("pay_intent")
        if card_token == DECLINED_TOKEN:
            raise CardDeclined("The fake bank said no.")
        server.intents[ref]["status"] = "succeeded"
        return self._intent(ref)

    def cancel_intent(self, ref: str) -> None:
        self._called("cancel_intent")
        server.intents[ref]["status"] = "canceled"

    def refund(
        self, *, intent_ref: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> RefundResult:
        self._called("refund")
        if server.failing_refunds:
            server.failing_refunds -= 1
            raise ProviderError("The fake provider is down.")
        done = [r for r in server.refunds if r["key"] == idempotency_key]
        if not done:
            done = [{"id": server.new_id("fr"), "key": idempotency_key, "amount": amount}]
            server.refunds += done
        return RefundResult(ref=done[0]["id"], status="succeeded")

    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        expected = hmac.new(SECRET, payload, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, headers.get("X-Fake-Signature", "")):
            raise SignatureInvalid("bad fake signature")
        event = json.loads(payload)
        return ProviderEvent(
            event_id=event["id"],
            kind=event["kind"],
            provider_ref=event["intent"],
            amount=Decimal(event["amount"]),
            currency=event["currency"],
        )

    def fee(self, *, intent_ref: str) -> Decimal | None:
        """2.9% + 0.30 of a succeeded payment, as card processors charge."""
        self._called("fee")
        intent = server.intents[intent_ref]
        if intent["status"] != "succeeded":
            return None
        return (intent["amount"] * Decimal("0.029") + Decimal("0.30")).quantize(Decimal("0.01"))

    @staticmethod
    def _called(method: str) -> None:
        outside_transactions()  # a provider is never called inside a database transaction
        server.calls.append(method)

    @staticmethod
    def _intent(ref: str) -> Intent:
        intent = server.intents[ref]
        return Intent(
            ref=ref,
            client_secret=f"{ref}_secret",
            status=intent["status"],
            amount=intent["amount"],
            currency=intent["currency"],
        )
