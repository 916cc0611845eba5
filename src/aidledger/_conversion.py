"""Totals in a reporting currency: exact conversion at each pledge's commitment date and
one half-even rounding (docs/counting-rules.md, "Reporting currency")."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction

from aidledger.errors import RateNotFoundError
from aidledger.money import Money, currency_precision, round_half_even

__all__ = ["Converter", "converted", "exact_sum", "round_fraction"]

#: The exact factor converting 1 unit of a currency into another on a day:
#: ``rate(base, quote, day)``; raises RateNotFoundError when no rate is in force.
Converter = Callable[[str, str, datetime.date], Fraction]


def converted(
    amounts: Mapping[tuple[str, datetime.date], Decimal],
    currency: str,
    rate: Converter | None,
    culprit: Callable[[str, datetime.date], str],
) -> Money:
    """The exact sum of *amounts* (by currency and commitment date) in *currency*, each at
    the rate of its commitment date, rounded once. *culprit* names a pledge committed in a
    currency on a day, for the message when a rate is missing."""
    return Money(round_fraction(exact_sum(amounts, currency, rate, culprit), currency), currency)


def exact_sum(
    amounts: Mapping[tuple[str, datetime.date], Decimal],
    currency: str,
    rate: Converter | None,
    culprit: Callable[[str, datetime.date], str],
) -> Fraction:
    """The exact, unrounded sum of *amounts* in *currency* (as :func:`converted`): sums
    of it can be added up before the one rounding."""
    exact = Fraction(0)
    for (source, date), amount in amounts.items():
        if source == currency:
            exact += Fraction(amount)
            continue
        try:
            if rate is None:
                raise RateNotFoundError(
                    f"no {source}->{currency} exchange rate: no rates were given"
                )
            exact += Fraction(amount) * rate(source, currency, date)
        except RateNotFoundError as error:
            raise RateNotFoundError(f"{error}, needed for {culprit(source, date)}") from None
    return exact


def round_fraction(value: Fraction, currency: str) -> Decimal:
    """*value* rounded half-even to *currency*'s minor unit: the one rounding of a total."""
    places = currency_precision(currency)
    units = round(value * 10**places)  # Fraction.__round__ rounds half to even
    return round_half_even(Decimal(units).scaleb(-places), currency)
