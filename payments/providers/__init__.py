"""Payment providers behind one small interface (base.PaymentProvider).

`settings.PAYMENT_PROVIDERS` names each provider's class by its key; that key is stored
on every Payment and is the `<provider>` of its webhook URL. `settings.PAYMENT_METHODS`
says which provider takes each way of paying a registration offers (`card`, `invoice`).
A second provider is one new module here (or anywhere) plus those settings.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from payments.providers.base import PaymentProvider


class UnknownProvider(LookupError):
    """No provider is registered under that name (or for that way of paying)."""


def get_provider(name: str) -> PaymentProvider:
    """The provider registered as `name`. Raises UnknownProvider."""
    try:
        path = settings.PAYMENT_PROVIDERS[name]
    except KeyError:
        raise UnknownProvider(name) from None
    return _provider_class(path)()


def provider_for_method(payment_method: str) -> PaymentProvider:
    """The provider that takes payments made this way (`card`, `invoice`)."""
    try:
        return get_provider(settings.PAYMENT_METHODS[payment_method])
    except KeyError:
        raise UnknownProvider(payment_method) from None


def provider_choices() -> list[tuple[str, str]]:
    """The registered providers, for Payment.provider (a callable: no migration per provider)."""
    return [(name, name) for name in settings.PAYMENT_PROVIDERS]


@cache
def _provider_class(path: str) -> type:
    return import_string(path)
