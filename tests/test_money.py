"""Money: exact amounts that never mix currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidledger import CurrencyMismatchError, Money
from aidledger.money import format_decimal, parse_amount, round_half_even

exact = st.decimals(
    allow_nan=False, allow_infinity=False, places=6, min_value=-(10**15), max_value=10**15
)


def test_same_currency_arithmetic_is_exact() -> None:
    assert Money("0.1", "USD") + Money("0.2", "USD") == Money("0.3", "USD")
    assert Money("1", "EUR") - Money("1.50", "EUR") == Money("-0.50", "EUR")
    assert -Money("2", "JPY") == Money("-2", "JPY")
    assert Money("1", "EUR") < Money("2", "EUR")


def test_mixing_currencies_is_an_error() -> None:
    with pytest.raises(
        CurrencyMismatchError, match="cannot combine USD and EUR without an exchange rate"
    ):
        Money("1", "USD") + Money("1", "EUR")
    with pytest.raises(TypeError, match="cannot combine"):  # a TypeError too
        _ = Money("1", "USD") < Money("1", "EUR")


@pytest.mark.parametrize("bad", [0.1, 1.0, float("nan")])
def test_floats_are_refused(bad: float) -> None:
    with pytest.raises(TypeError, match="is a float"):
        Money(bad, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-inf", "abc"])
def test_non_finite_or_non_numeric_amounts_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"is not a (finite )?decimal number"):
        Money(bad, "USD")


def test_currency_codes_are_checked_against_cldr() -> None:
    with pytest.raises(ValueError, match="currency: 'XYZ' is not an ISO 4217 currency code"):
        Money("1", "XYZ")
    with pytest.raises(ValueError, match="did you mean 'EUR'"):
        Money("1", "eur")


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("1.005", "USD", "1.00"),
        ("1.015", "USD", "1.02"),
        ("2.5", "JPY", "2"),
        ("3.5", "JPY", "4"),
        ("0.0005", "KWD", "0.000"),
    ],
)
def test_rounding_is_half_even_to_the_minor_unit(amount: str, currency: str, rounded: str) -> None:
    result = Money(amount, currency).rounded()
    assert result.amount == Decimal(rounded)
    assert str(result.amount) == rounded


@given(a=exact, b=exact, c=exact)
def test_addition_is_exact_associative_and_commutative(a: Decimal, b: Decimal, c: Decimal) -> None:
    x, y, z = Money(a, "EUR"), Money(b, "EUR"), Money(c, "EUR")
    assert (x + y) + z == x + (y + z)
    assert x + y == y + x
    assert (x + y - y) == x


@given(
    st.decimals(min_value=0, allow_nan=False, allow_infinity=False, places=12, max_value=10**20)
)
def test_plain_decimal_text_round_trips(value: Decimal) -> None:
    assert parse_amount(format_decimal(value)) == value


def test_format_never_uses_exponents() -> None:
    assert format_decimal(Decimal("1E+3")) == "1000"
    assert format_decimal(Decimal("1E-7")) == "0.0000001"
    assert str(Money("1E+3", "USD")) == "1000 USD"


def test_round_half_even_keeps_huge_integers() -> None:
    big = Decimal("123456789012345678901234567890123.455")
    assert round_half_even(big, "USD") == Decimal("123456789012345678901234567890123.46")
