"""Exact non-negative numbers in machine integers, for the columnar engine.

A column of amounts (or quantities) is held as *limbs*: each value's digits, its decimal
point dropped, cut from the right into pieces of ``width`` digits, one int64 array per
piece, and the number of digits after the point as written (``places``). ``1234567.89``
with ``width=4`` is the digits ``123456789``: limbs ``6789, 2345, 1`` and places 2.

Sums are taken limb by limb in int64, then put together as Python integers
(``sum_j limb_j * 10**(width*j)``). The width is chosen from how many values a sum can
take, so that no sum, nor any running sum of changes, can overflow (:func:`limb_width`);
a value may have any number of digits, it just has more limbs. No float is involved.

>>> column = Exact.from_texts(["1234567.89", "", "5"], width=4)
>>> column.python(0), column.places.tolist(), column.present.tolist()
(123456789, [2, 0, 0], [True, False, True])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from aidledger.money import EXACT

__all__ = ["Exact", "as_decimal", "combine", "limb_width", "narrow", "smallest"]

Ints = npt.NDArray[np.integer[Any]]
Flags = npt.NDArray[np.bool_]

_INT64_LIMIT = 2**63


def limb_width(count: int) -> int:
    """The widest limb, in decimal digits, whose sums over *count* values (each added or
    taken back once) stay below 2**63: at most 18, the widest that fits int64 itself."""
    width = 18
    while width > 1 and 2 * max(count, 1) * 10**width >= _INT64_LIMIT:
        width -= 1
    return width


def combine(limbs: Iterable[int], width: int) -> int:
    """The integer whose limbs (least significant first) are *limbs*."""
    total = 0
    unit = 10**width
    for limb in reversed(list(limbs)):
        total = total * unit + int(limb)
    return total


def as_decimal(value: int, places: int) -> Decimal:
    """``value * 10**-places`` as a Decimal with exactly *places* digits after the point."""
    return Decimal(value).scaleb(-places, EXACT)


class Exact:
    """A column of exact non-negative numbers: whether each row holds one, its places
    (digits after the point as written) and its limbs (0 where nothing is held)."""

    __slots__ = ("limbs", "places", "present", "width")

    def __init__(
        self,
        present: Flags,
        places: npt.NDArray[np.integer[Any]],
        limbs: Sequence[Ints],
        width: int,
    ) -> None:
        self.present = present
        self.places = smallest(places)
        self.limbs = [narrow(limb) for limb in limbs] or [np.zeros(len(present), dtype=np.int32)]
        self.width = width

    def __len__(self) -> int:
        return len(self.present)

    @classmethod
    def from_texts(cls, texts: Sequence[str], width: int) -> Exact:
        """A column from plain decimal texts (already checked; ``""`` for none), each
        distinct text converted once."""
        codes, distinct = _codes(texts)
        present = np.array([text != "" for text in distinct], dtype=np.bool_)
        places = np.zeros(len(distinct), dtype=np.int32)
        values = []
        for position, text in enumerate(map(str, distinct)):
            whole, _, fraction = text.partition(".")
            places[position] = len(fraction)
            values.append(_integer(whole + fraction) if text else 0)
        return cls._expand(codes, present, places, values, width)

    @classmethod
    def from_ints(cls, numbers: Sequence[int | None], width: int) -> Exact:
        """A column of whole numbers (``None`` for none), each distinct one split once."""
        codes, distinct = _codes(numbers)
        present = np.array([number is not None for number in distinct], dtype=np.bool_)
        places = np.zeros(len(distinct), dtype=np.int32)
        values = [0 if number is None else int(number) for number in distinct]  # type: ignore[call-overload]
        return cls._expand(codes, present, places, values, width)

    @classmethod
    def _expand(
        cls,
        codes: npt.NDArray[np.integer[Any]],
        present: Flags,
        places: npt.NDArray[np.integer[Any]],
        values: list[int],
        width: int,
    ) -> Exact:
        unit = 10**width
        limbs: list[list[int]] = [[0] * len(values)]
        for index, value in enumerate(values):
            position = 0
            while value:
                if position == len(limbs):
                    limbs.append([0] * len(values))
                value, limbs[position][index] = divmod(value, unit)
                position += 1
        arrays = [np.array(limb, dtype=np.int64)[codes] for limb in limbs]
        return cls(present[codes], places[codes], arrays, width)

    @classmethod
    def join(cls, parts: Sequence[Exact], width: int) -> Exact:
        """The columns *parts* one after the other."""
        if not parts:
            return cls(np.zeros(0, np.bool_), np.zeros(0, np.int32), [], width)
        depth = max(len(part.limbs) for part in parts)
        limbs = []
        for position in range(depth):
            pieces = [
                part.limbs[position]
                if position < len(part.limbs)
                else np.zeros(len(part), dtype=np.int32)
                for part in parts
            ]
            limbs.append(np.concatenate(pieces))
        present = np.concatenate([part.present for part in parts])
        return cls(present, np.concatenate([part.places for part in parts]), limbs, width)

    def select(self, rows: npt.NDArray[np.integer[Any]]) -> Exact:
        """The values of *rows*, as a column of their own."""
        return Exact(self.present[rows], self.places[rows], self.take(rows), self.width)

    def python(self, row: int) -> int:
        """The value of *row* as an integer of its digits (0 where none is held)."""
        return combine((int(limb[row]) for limb in self.limbs), self.width)

    def take(self, rows: npt.NDArray[np.integer[Any]]) -> list[Ints]:
        """The limbs of *rows*."""
        return [limb[rows] for limb in self.limbs]

    def greater(self, other: Exact, rows: npt.NDArray[np.integer[Any]]) -> Flags:
        """Whether each of *rows* holds a larger number here than in *other* (both whole,
        or both with the same places)."""
        mine, theirs = self.take(rows), other.take(rows)
        depth = max(len(mine), len(theirs))
        zero = np.zeros(len(rows), dtype=np.int64)
        mine += [zero] * (depth - len(mine))
        theirs += [zero] * (depth - len(theirs))
        greater = np.zeros(len(rows), dtype=np.bool_)
        settled = np.zeros(len(rows), dtype=np.bool_)
        for a, b in zip(reversed(mine), reversed(theirs), strict=True):
            greater |= ~settled & (a > b)
            settled |= a != b
        return greater


def narrow(values: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.integer[Any]]:
    """*values* as int32 when they fit (memory: a million quantities below 2**31 take
    4 MB, not 8). Sums are always taken into int64."""
    fits = len(values) and int(values.min()) >= -(2**31) and int(values.max()) < 2**31
    return values.astype(np.int32) if fits and values.dtype.itemsize > 4 else values


def smallest(values: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.integer[Any]]:
    """*values* (codes, places) in the smallest of int8, int16, int32 that holds them."""
    if not len(values):
        return values.astype(np.int8)
    low, high = int(values.min()), int(values.max())
    for kind in (np.int8, np.int16, np.int32):
        if np.iinfo(kind).min <= low and high <= np.iinfo(kind).max:
            return values.astype(kind, copy=False)
    return values


def _integer(digits: str) -> int:
    """The integer a string of digits spells, however long (``int()`` refuses more than
    4300 digits; a Decimal holds any number, exactly)."""
    return int(digits) if len(digits) < 4000 else int(Decimal(digits))


def _codes(values: Sequence[object]) -> tuple[npt.NDArray[np.integer[Any]], list[object]]:
    """Each value's position among the distinct values (in order of first appearance)."""
    seen: dict[object, int] = {}
    codes = [seen.setdefault(value, len(seen)) for value in values]
    return np.array(codes, dtype=np.intp), list(seen)
