"""Exact money: a Decimal amount in an ISO 4217 currency.

Amounts are never floats. Adding or comparing two currencies without a rate raises
:class:`~aidledger.errors.CurrencyMismatchError`. Arithmetic runs in :data:`EXACT`, a decimal
context that raises rather than rounds, so a sum is the sum; rounding happens once, at the
end, to the currency's minor unit (:meth:`Money.rounded`).

>>> Money("1.50", "EUR") + Money("2", "EUR")
Money(amount=Decimal('3.50'), currency='EUR')
>>> Money("1000", "JPY").rounded().amount
Decimal('1000')
"""

from __future__ import annotations

import decimal
import functools
import re
from decimal import Decimal
from typing import Any

import attrs

from aidledger.errors import CurrencyMismatchError

__all__ = [
    "EXACT",
    "EXACT_QUANTIZE",
    "Money",
    "check_currency",
    "currency_precision",
    "format_decimal",
    "is_currency",
    "parse_amount",
    "round_half_even",
    "to_decimal",
]

#: A context in which addition, subtraction and multiplication of finite decimals are exact:
#: an operation that would have to round raises ``decimal.Inexact`` instead.
EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.Inexact],
)

# Quantize must be allowed to round (that is its job), but not to lose integer digits.
EXACT_QUANTIZE = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.Overflow],
)

# docs/interchange.md (CSV): digits, optionally a dot and more digits; nothing else.
_PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")


# ISO 4217 codes that name no currency at all: no amount can be in them.
_NO_CURRENCY = {
    "XXX": "is ISO 4217's code for 'no currency': an amount needs its currency",
    "XTS": "is ISO 4217's code reserved for testing, not a currency",
}


@functools.cache
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies()) - _NO_CURRENCY.keys()


def is_currency(code: str) -> bool:
    """Whether *code* is an ISO 4217 currency code known to CLDR (``USD``, ``EUR``); not
    the codes for no currency (``XXX``) and for testing (``XTS``)."""
    return code in _currencies()


def check_currency(code: str) -> str:
    """Return *code* if it is a known currency code, else raise ``ValueError`` with a reason."""
    if code in _currencies():
        return code
    if code.upper() in _NO_CURRENCY:
        raise ValueError(_NO_CURRENCY[code.upper()])
    if code.upper() in _currencies():
        raise ValueError(f"is not an ISO 4217 currency code (did you mean {code.upper()!r}?)")
    raise ValueError("is not an ISO 4217 currency code")


@functools.cache
def currency_precision(code: str) -> int:
    """The number of decimal places of *code*'s minor unit, from CLDR (USD 2, JPY 0)."""
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(code))


def parse_amount(text: str) -> Decimal:
    """Read a plain decimal amount as written in a ledger (``"2850000000"``, ``"1.5"``).

    Signs, exponents, spaces and thousands separators are refused, so a value is never
    misread: ``ValueError`` says why.
    """
    if _PLAIN_DECIMAL.fullmatch(text) is None:
        raise ValueError(_amount_reason(text))
    return Decimal(text)


def _amount_reason(text: str) -> str:
    stripped = text.strip().lower().lstrip("+-")
    if stripped in {"nan", "inf", "infinity", "snan"}:
        return "is not a finite decimal number"
    if text.startswith("-"):
        return "is negative: amounts are 0 or more"
    return "is not a decimal number"


def to_decimal(value: object) -> Decimal:
    """Convert a Decimal, int or decimal string to a finite Decimal; floats are refused."""
    if isinstance(value, bool | float):
        raise TypeError(f"{value!r} is a {type(value).__name__}: use a Decimal or a string")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value)
        except decimal.InvalidOperation:
            raise ValueError(f"{value!r} is not a decimal number") from None
    else:
        raise TypeError(f"{value!r} is not a decimal number")
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite decimal number")
    return result


def round_half_even(amount: Decimal, currency: str) -> Decimal:
    """Round *amount* half-even to the minor unit of *currency* (docs/currencies.md)."""
    exponent = Decimal(1).scaleb(-currency_precision(currency))
    return amount.quantize(exponent, rounding=decimal.ROUND_HALF_EVEN, context=EXACT_QUANTIZE)


def _currency_validator(instance: Any, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        check_currency(value)
    except ValueError as error:
        raise ValueError(f"{attribute.name}: {value!r} {error}") from None


@attrs.frozen(order=False)
class Money:
    """An exact amount of one currency.

    >>> Money("21300000000", "USD").currency
    'USD'
    >>> Money(0.1, "USD")
    Traceback (most recent call last):
    ...
    TypeError: 0.1 is a float: use a Decimal or a string
    """

    amount: Decimal = attrs.field(converter=to_decimal)
    currency: str = attrs.field(validator=_currency_validator)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatchError(
                f"cannot combine {self.currency} and {other.currency} without an exchange rate"
            )

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(EXACT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(EXACT.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def rounded(self) -> Money:
        """This amount rounded half-even to the currency's minor unit (USD 2 places, JPY 0)."""
        return Money(round_half_even(self.amount, self.currency), self.currency)

    def __str__(self) -> str:
        return f"{format_decimal(self.amount)} {self.currency}"


def format_decimal(amount: Decimal) -> str:
    """An exact decimal as plain digits, never in exponent form (``1E+3`` is ``1000``)."""
    return format(amount, "f")
