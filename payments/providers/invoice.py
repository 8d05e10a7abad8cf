"""The invoice: an offline provider. The organisation pays by bank transfer or cheque;
the organizer records what arrived (payments.services.offline), and money given back is
returned by hand, so a refund is done once it is recorded."""

from collections.abc import Mapping
from decimal import Decimal

from payments.providers.base import Intent, ProviderError, ProviderEvent, RefundResult


class InvoiceProvider:
    name = "invoice"
    online = False
    receives_webhooks = False
    checkout_template = ""

    def checkout_data(self, *, intent_ref: str, client_secret: str) -> dict:
        return {}

    def create_intent(
        self, *, amount: Decimal, currency: str, reference: str, idempotency_key: str
    ) -> Intent:
        raise ProviderError("An invoice is paid by transfer, not online.")

    def retrieve_intent(self, ref: str) -> Intent:
        raise ProviderError("An invoice is paid by transfer, not online.")

    def pay_intent(self, *, ref: str, card_token: str) -> Intent:
        raise ProviderError("An invoice is paid by transfer, not online.")

    def cancel_intent(self, ref: str) -> None:
        """Nothing to cancel at a provider: the payment is only our record."""

    def refund(
        self, *, intent_ref: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> RefundResult:
        return RefundResult(ref="", status="succeeded")  # paid back by hand

    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        raise ProviderError("The invoice provider receives no webhooks.")

    def fee(self, *, intent_ref: str) -> Decimal | None:
        return None  # a bank transfer's charges are the bank's business, not recorded here
