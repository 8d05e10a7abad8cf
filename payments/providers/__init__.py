"""Payment providers behind one small interface (base.PaymentProvider).

A second provider is one new module plus one entry in PROVIDERS.
"""

from payments.providers.base import PaymentProvider

PROVIDERS = {"stripe": "payments.providers.stripe.StripeProvider"}


def get_provider(name: str = "stripe") -> PaymentProvider:
    from django.utils.module_loading import import_string

    return import_string(PROVIDERS[name])()
