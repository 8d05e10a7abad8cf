"""The Stripe provider: the only module that imports `stripe`.

All calls go through one StripeClient whose API base is STRIPE_API_BASE, so a local
Stripe-compatible server (localstripe) and real Stripe are one code path; only settings
differ. Card payment path, chosen because it works on both: the page tokenises the card
with Stripe.js (`createToken`), the server attaches the token's card to the registration's
PaymentIntent (`update`) and confirms it; if the intent then asks for authentication
(3-D Secure), the page completes it with `confirmCardPayment(client_secret)`.
"""

import json
import logging
from collections.abc import Mapping
from decimal import Decimal

import stripe
from django.conf import settings

from payments.providers.base import (
    CardDeclined,
    Intent,
    ProviderError,
    ProviderEvent,
    RefundResult,
    SignatureInvalid,
    from_minor_units,
    to_minor_units,
)

logger = logging.getLogger(__name__)

EVENT_KINDS = {
    "payment_intent.succeeded": "payment_succeeded",
    "payment_intent.payment_failed": "payment_failed",
    "charge.refunded": "refunded",
    "charge.dispute.created": "dispute_opened",
}


class StripeProvider:
    name = "stripe"
    online = True
    receives_webhooks = True
    checkout_template = "payments/pay.html"

    def __init__(self) -> None:
        self.publishable_key = settings.STRIPE_PUBLISHABLE_KEY
        self.js_url = settings.STRIPE_JS_URL
        self._client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
            max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        ).v1

    def checkout_data(self, *, intent_ref: str, client_secret: str) -> dict:
        return {
            "provider": self.name,
            "payment_intent": intent_ref,
            "client_secret": client_secret,
            "publishable_key": self.publishable_key,
        }

    def create_intent(
        self, *, amount: Decimal, currency: str, reference: str, idempotency_key: str
    ) -> Intent:
        return self._call(
            self._client.payment_intents.create,
            {
                "amount": to_minor_units(amount, currency),
                "currency": currency.lower(),
                "metadata": {"reference": reference},
                "payment_method_types": ["card"],
            },
            {"idempotency_key": idempotency_key},
        )

    def retrieve_intent(self, ref: str) -> Intent:
        return self._call(self._client.payment_intents.retrieve, ref)

    def pay_intent(self, *, ref: str, card_token: str) -> Intent:
        """Attach the card to the intent, then confirm (localstripe cannot do both in one)."""
        self._call(self._client.payment_intents.update, ref, {"payment_method": card_token})
        return self._call(self._client.payment_intents.confirm, ref)

    def cancel_intent(self, ref: str) -> None:
        try:
            self._call(self._client.payment_intents.cancel, ref)
        except ProviderError:
            intent = self.retrieve_intent(ref)
            if intent.status not in ("canceled", "succeeded"):
                raise

    def refund(
        self, *, intent_ref: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> RefundResult:
        params = {"payment_intent": intent_ref, "amount": to_minor_units(amount, currency)}
        refund = self._raw(
            self._client.refunds.create, params, {"idempotency_key": idempotency_key}
        )
        return RefundResult(ref=refund["id"], status=refund.get("status") or "succeeded")

    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        signature = headers.get("Stripe-Signature", "")
        try:
            stripe.Webhook.construct_event(
                payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=300
            )
            event = json.loads(payload)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise SignatureInvalid(str(exc)) from exc
        obj = event.get("data", {}).get("object", {})
        kind = EVENT_KINDS.get(event.get("type", ""), "other")
        currency = (obj.get("currency") or "usd").upper()
        if obj.get("object") == "payment_intent":
            ref = obj.get("id", "")
            amount = obj.get("amount_received") or obj.get("amount") or 0
        else:
            ref = obj.get("payment_intent") or ""
            amount = obj.get("amount_refunded") if kind == "refunded" else obj.get("amount") or 0
        refunds = tuple(
            (r["id"], from_minor_units(r.get("amount", 0), currency))
            for r in (obj.get("refunds") or {}).get("data", [])
            if r.get("id")
        )
        error = (obj.get("last_payment_error") or {}).get("message", "")
        return ProviderEvent(
            event_id=event.get("id", ""),
            kind=kind,
            provider_ref=ref or "",
            amount=from_minor_units(amount or 0, currency),
            currency=currency,
            refunds=refunds,
            message=error or obj.get("reason", "") or "",
        )

    def fee(self, *, intent_ref: str) -> Decimal | None:
        """Stripe's fee on the intent's charge, from its balance transaction."""
        intent = self._raw(self._client.payment_intents.retrieve, intent_ref)
        charge = intent.get("latest_charge")
        if isinstance(charge, str):
            charge = self._raw(self._client.charges.retrieve, charge)
        transaction = (charge or {}).get("balance_transaction")
        if isinstance(transaction, str):
            transaction = self._raw(self._client.balance_transactions.retrieve, transaction)
        if not transaction or transaction.get("fee") is None:
            return None
        currency = (transaction.get("currency") or intent.get("currency") or "usd").upper()
        return from_minor_units(transaction["fee"], currency)

    # --- plumbing ---------------------------------------------------------------------

    def _call(self, method, *args) -> Intent:
        data = self._raw(method, *args)
        return self._intent(data)

    def _raw(self, method, *args) -> dict:
        """Call a StripeClient method; map its errors to the provider's neutral ones."""
        try:
            result = method(*args)
        except stripe.CardError as exc:
            raise CardDeclined(exc.user_message or "Your card was declined.") from exc
        except stripe.StripeError as exc:
            logger.warning("stripe call failed: %s", type(exc).__name__)
            raise ProviderError(exc.user_message or "The payment service is unavailable.") from exc
        return result.to_dict() if hasattr(result, "to_dict") else dict(result)

    @staticmethod
    def _intent(data: dict) -> Intent:
        currency = (data.get("currency") or "usd").upper()
        return Intent(
            ref=data["id"],
            client_secret=data.get("client_secret") or "",
            status=data.get("status") or "",
            amount=from_minor_units(data.get("amount") or 0, currency),
            currency=currency,
            error=(data.get("last_payment_error") or {}).get("message", "") or "",
        )
