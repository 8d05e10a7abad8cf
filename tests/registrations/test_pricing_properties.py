"""Property-based tests of pricing: totals never negative, discounts within the price."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from registrations.pricing import Discount, Line, price_lines

prices = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
percents = st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)
lines = st.lists(
    st.builds(
        Line,
        ticket_type_id=st.integers(min_value=1, max_value=4),
        ticket_price=prices,
        session_prices=st.lists(prices, max_size=4).map(tuple),
    ),
    min_size=1,
    max_size=20,
)
discounts = st.one_of(
    st.none(),
    st.builds(Discount, percent_off=percents, ticket_type_ids=st.frozensets(st.integers(1, 4))),
    st.builds(Discount, amount_off=prices, ticket_type_ids=st.frozensets(st.integers(1, 4))),
)


@given(lines=lines, discount=discounts)
def test_totals_are_never_negative_and_discounts_never_exceed_ticket_prices(lines, discount):
    result = price_lines(lines, discount)
    assert result.total >= 0
    assert result.discount <= result.subtotal
    for line, quoted in zip(lines, result.lines, strict=True):
        assert 0 <= quoted.discount <= quoted.ticket_price
        assert quoted.total >= quoted.sessions  # session fees are never discounted
        if discount is None or not discount.applies_to(line.ticket_type_id):
            assert quoted.discount == 0


@given(lines=lines, discount=discounts)
def test_total_is_the_sum_of_lines_in_cents(lines, discount):
    result = price_lines(lines, discount)
    assert result.total == sum((q.total for q in result.lines), Decimal("0"))
    assert result.total == result.total.quantize(Decimal("0.01"))


@given(price=prices, percent=percents)
def test_percent_discount_is_the_rounded_share(price, percent):
    cut = Discount(percent_off=percent).on(price)
    assert abs(cut - price * percent / 100) <= Decimal("0.005")
