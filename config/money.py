"""Money as people and programs read it, in one place.

`money_amount` is the API's and the exports' form (a decimal string with two places,
"1295.00"); `money_text` is what pages, emails and PDFs show ("1,295.00 USD"), grouped
as the active locale groups numbers. Every template shows money through the `money`
filter (config/templatetags/money.py), which calls `money_text`.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats

CENT = Decimal("0.01")


def cents(value: Decimal | int | str) -> Decimal:
    """`value` rounded to the cent, half up: the only rounding of money there is."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_amount(value: Decimal | int | str | None) -> str:
    """ "1295.00": two places, no grouping, "-" for a negative amount."""
    return f"{cents(value or 0):.2f}"


def money_text(
    value: Decimal | int | str | None, currency: str = "", *, localize: bool = True
) -> str:
    """ "1,295.00 USD" (in the active locale's grouping and decimal mark when `localize`);
    a negative amount reads "−15.00 USD"."""
    amount = cents(value or 0)
    if localize:
        number = formats.number_format(abs(amount), 2, use_l10n=True, force_grouping=True)
    else:
        number = f"{abs(amount):,.2f}"
    sign = "\u2212" if amount < 0 else ""
    return f"{sign}{number} {currency}".rstrip()
