"""Billing details: whom an invoice is made out to. Plain values and their rules, shared
by the registration services, the forms and the API (no models here)."""

import re
from dataclasses import asdict, dataclass, fields

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Field: its limit in characters. The order is the address's as printed.
BILLING_LIMITS = {
    "organization": 200,
    "email": 254,
    "address_line1": 200,
    "address_line2": 200,
    "city": 100,
    "region": 100,
    "postal_code": 20,
    "country": 2,
    "tax_id": 60,
    "po_number": 60,
}
# What an invoice cannot go out without (API.md: required for `invoice` payment).
BILLING_REQUIRED = ("organization", "email", "address_line1", "city", "country")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class BillingInput:
    organization: str = ""
    email: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    tax_id: str = ""
    po_number: str = ""

    @classmethod
    def from_dict(cls, data: dict | None) -> "BillingInput":
        data = data or {}
        return cls(**{f.name: str(data.get(f.name) or "") for f in fields(cls)})

    def cleaned(self) -> "BillingInput":
        values = {name: " ".join(value.split()) for name, value in asdict(self).items()}
        values["email"] = values["email"].lower()
        values["country"] = values["country"].upper()
        return BillingInput(**values)

    def as_dict(self) -> dict[str, str]:
        """The stored form: only the fields given."""
        return {name: value for name, value in asdict(self).items() if value}

    @property
    def is_empty(self) -> bool:
        return not any(asdict(self).values())


def billing_check(billing: BillingInput, *, required: bool, prefix: str = "billing") -> None:
    """Raise ValidationError (keys `billing.city`, ...) unless `billing` is well formed;
    with `required` (invoice payment), the fields an invoice needs must be there."""
    errors: dict[str, list[str]] = {}
    for name, limit in BILLING_LIMITS.items():
        value = getattr(billing, name)
        key = f"{prefix}.{name}"
        if "\x00" in value:
            errors[key] = ["Contains a character that is not allowed."]
        elif len(value) > limit:
            errors[key] = [f"At most {limit} characters."]
        elif not value and required and name in BILLING_REQUIRED:
            errors[key] = ["Required for payment by invoice."]
    if billing.email and f"{prefix}.email" not in errors:
        try:
            validate_email(billing.email)
        except ValidationError:
            errors[f"{prefix}.email"] = ["Enter a valid email address."]
    country_ok = not billing.country or COUNTRY_RE.match(billing.country)
    if not country_ok and f"{prefix}.country" not in errors:
        errors[f"{prefix}.country"] = ["A two-letter ISO 3166 country code, e.g. US."]
    if errors:
        raise ValidationError(errors)
