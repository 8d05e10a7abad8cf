"""Tax, computed once and rounded once (registrations.pricing): with prices exclusive or
inclusive of tax, the lines always add up to the total, to the cent."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from registrations.pricing import Discount, Line, TaxRule, price_lines

CENT = Decimal("0.01")
prices = st.decimals(min_value=0, max_value=50000, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
lines = st.lists(
    st.builds(
        Line,
        ticket_type_id=st.integers(min_value=1, max_value=3),
        ticket_price=prices,
        session_prices=st.lists(prices, max_size=3).map(tuple),
    ),
    min_size=1,
    max_size=12,
)
discounts = st.one_of(
    st.none(),
    st.builds(
        Discount, percent_off=st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)
    ),
    st.builds(Discount, amount_off=prices),
)
tax_rules = st.builds(TaxRule, rate=rates, inclusive=st.booleans())


@given(lines=lines, discount=discounts, rule=tax_rules)
def test_lines_add_up_to_the_total(lines, discount, rule):
    price = price_lines(lines, discount, tax_rule=rule)
    lines_total = sum((line.total for line in price.lines), Decimal("0"))
    assert lines_total == price.subtotal - price.discount
    expected = lines_total if rule.inclusive else lines_total + price.tax
    assert price.total == expected
    assert sum(price.line_taxes, Decimal("0")) == price.tax
    assert all(tax >= 0 for tax in price.line_taxes)
    for amount in (price.subtotal, price.discount, price.tax, price.total):
        assert amount == amount.quantize(CENT)


@given(lines=lines, discount=discounts, rule=tax_rules)
def test_tax_is_rounded_once_from_the_exact_figure(lines, discount, rule):
    price = price_lines(lines, discount, tax_rule=rule)
    base = price.subtotal - price.discount
    exact = base * rule.rate / (100 + rule.rate) if rule.inclusive else base * rule.rate / 100
    assert abs(price.tax - exact) <= Decimal("0.005")


@given(lines=lines, discount=discounts, rate=rates)
def test_inclusive_prices_keep_the_total_and_exclusive_add_the_tax(lines, discount, rate):
    without = price_lines(lines, discount)
    inclusive = price_lines(lines, discount, tax_rule=TaxRule(rate=rate, inclusive=True))
    exclusive = price_lines(lines, discount, tax_rule=TaxRule(rate=rate, inclusive=False))
    assert inclusive.total == without.total
    assert exclusive.total == without.total + exclusive.tax
    assert inclusive.tax <= exclusive.tax


def test_a_known_case_half_a_cent_rounds_up_once():
    # 3 × 33.33 at 7.5 %: 99.99 × 0.075 = 7.49925 → 7.50 (not 3 × 2.50 = 7.50 by chance:
    # per line 2.49975 would round to 2.50 each, and that is not how it is computed).
    price = price_lines(
        [Line(ticket_type_id=1, ticket_price=Decimal("33.33"))] * 3,
        None,
        tax_rule=TaxRule(rate=Decimal("7.5")),
    )
    assert price.tax == Decimal("7.50")
    assert price.total == Decimal("107.49")
    assert price.line_taxes == [Decimal("2.50"), Decimal("2.50"), Decimal("2.50")]
    inclusive = price_lines(
        [Line(ticket_type_id=1, ticket_price=Decimal("119.00"))],
        None,
        tax_rule=TaxRule(Decimal("19"), True),
    )
    assert (inclusive.tax, inclusive.total) == (Decimal("19.00"), Decimal("119.00"))
