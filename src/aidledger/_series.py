"""Running figures of the pure-Python engine: what a figure is on any day, from the
changes made to it (``_counting``).

Changes are summed by day into running values once; a day is then answered by a binary
search. Money keeps exact Decimals and the places its amounts need (:func:`money`);
counts and units are machine arrays (:class:`Running`), a million-record ledger has
millions of them.
"""

from __future__ import annotations

import array
import bisect
import datetime
import itertools
import operator
from decimal import Decimal
from typing import Generic, NamedTuple, TypeVar

__all__ = ["MoneyPart", "Running", "Series", "money", "running"]

_V = TypeVar("_V")


class Series(Generic[_V]):
    """The values one figure took, from the day each was reached."""

    __slots__ = ("days", "values")

    def __init__(self, days: list[datetime.date], values: list[_V]) -> None:
        self.days = days
        self.values = values

    def at(self, day: datetime.date) -> _V | None:
        position = bisect.bisect_right(self.days, day) - 1
        return None if position < 0 else self.values[position]


class Running:
    """Integer figures (a fixed number of them) from the day each value was reached, a
    machine array per figure."""

    __slots__ = ("days", "figures")

    def __init__(
        self, days: list[datetime.date], figures: list[array.array[int] | list[int]]
    ) -> None:
        self.days = days
        self.figures = figures

    def at(self, day: datetime.date) -> tuple[int, ...] | None:
        position = bisect.bisect_right(self.days, day) - 1
        if position < 0:
            return None
        return tuple(figure[position] for figure in self.figures)


def running(by_day: dict[datetime.date, list[int]]) -> Running:
    """Integer changes by day summed into their running values (*by_day* is emptied)."""
    days = sorted(by_day)
    changes = list(map(by_day.pop, days))
    figures: list[array.array[int] | list[int]] = []
    for figure in zip(*changes, strict=True):
        values = list(itertools.accumulate(figure))
        try:
            figures.append(array.array("q", values))
        except OverflowError:  # beyond 64 bits: keep Python's integers
            figures.append(values)
    return Running(days, figures)


class MoneyPart(NamedTuple):
    """A change to a money figure from *day* on: *amount* (taken back when negative) of
    pledges committed on *since*, *number* amounts, with *exponent* the amount's (``None``
    for a sum that is never taken back)."""

    day: datetime.date
    since: datetime.date
    amount: Decimal
    number: int
    exponent: int | None


_day = operator.attrgetter("day")


def money(parts: list[MoneyPart]) -> Series[tuple[Decimal, int]]:
    """Money changes summed into running (total, count) per day.

    Each total is written with as many decimal places as the amounts it holds need, as a
    plain sum of them would be, whatever was taken back before: a running sum of
    ``0.50`` and then ``-0.50`` would otherwise leave ``100`` as ``100.00``.
    """
    parts.sort(key=_day)
    days: list[datetime.date] = []
    values: list[tuple[Decimal, int]] = []
    total, count = Decimal(0), 0
    lasting = 0  # the smallest exponent of the sums that are never taken back
    exponents: dict[int, int] = {}  # how many amounts counted now have each exponent
    for position, part in enumerate(parts, 1):
        total += part.amount
        count += part.number
        if part.exponent is None:
            lasting = min(lasting, int(part.amount.as_tuple().exponent))
        else:
            exponents[part.exponent] = exponents.get(part.exponent, 0) + part.number
        if position < len(parts) and parts[position].day == part.day:
            continue  # the day's value is its last
        smallest = min([lasting, *(e for e, n in exponents.items() if n)])
        days.append(part.day)
        values.append((total.quantize(Decimal(1).scaleb(smallest)), count))
    return Series(days, values)
