"""The provider interface: what payments needs of a payment provider, in neutral objects.

Core code sees these dataclasses and errors, never a provider's own objects.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

ZERO_DECIMAL_CURRENCIES = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Decimal amount -> integer minor units (cents), as providers want it."""
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return int(amount.quantize(Decimal("1")))
    return int((amount * 100).quantize(Decimal("1")))


def from_minor_units(amount: int, currency: str) -> Decimal:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return Decimal(amount).quantize(Decimal("0.01"))
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


class ProviderError(Exception):
    """The provider could not be reached or answered with an error; safe to retry."""


class CardDeclined(Exception):
    """The card was refused; the message is fit to show the attendee."""


class SignatureInvalid(Exception):
    """A webhook whose signature is missing, wrong or stale."""


@dataclass(frozen=True)
class Intent:
    ref: str  # the provider's id of the intent (Stripe: pi_…)
    client_secret: str
    status: str  # succeeded | processing | requires_action | requires_payment_method | canceled | …
    amount: Decimal
    currency: str
    error: str = ""  # the last payment error, fit to show the attendee


@dataclass(frozen=True)
class ProviderEvent:
    event_id: str
    kind: str  # payment_succeeded | payment_failed | refunded | dispute_opened | other
    provider_ref: str  # the intent the event is about
    amount: Decimal
    currency: str
    refunds: tuple[tuple[str, Decimal], ...] = ()  # (refund ref, amount) for `refunded`
    message: str = ""


@dataclass(frozen=True)
class RefundResult:
    ref: str
    status: str


class PaymentProvider(Protocol):
    """What payments asks of a provider. `online` providers take the money themselves
    (an intent the attendee pays, refunds sent to them, webhooks); an offline one (the
    invoice) has the organizer record what arrived, and refunds are made by hand."""

    name: str  # its key in settings.PAYMENT_PROVIDERS, stored on each Payment
    online: bool
    receives_webhooks: bool
    checkout_template: str  # the page where the attendee pays ("" for offline ones)

    def checkout_data(self, *, intent_ref: str, client_secret: str) -> dict:
        """What the attendee's browser needs to pay (API.md's `payment` object, less the
        amount and currency)."""
        ...

    def create_intent(
        self, *, amount: Decimal, currency: str, reference: str, idempotency_key: str
    ) -> Intent: ...

    def retrieve_intent(self, ref: str) -> Intent: ...

    def pay_intent(self, *, ref: str, card_token: str) -> Intent: ...

    def cancel_intent(self, ref: str) -> None: ...

    def refund(
        self, *, intent_ref: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> RefundResult: ...

    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        """Verify and translate one webhook delivery. Raises SignatureInvalid."""
        ...

    def fee(self, *, intent_ref: str) -> Decimal | None:
        """What the provider kept of a succeeded payment (its fee), as it reports it;
        None when it reports none. Raises ProviderError when it cannot be asked."""
        ...
