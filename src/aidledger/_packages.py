"""What the packages above a pledge show, for the pure-Python engine (``_counting``).

A pledge counts when it is committed and so is every package above it; its money counts
when no package above has an amount (docs/counting-rules.md, "Packages"). :class:`Chains`
works that out once per package as the ledger ends; :func:`chain_of` follows the links
as they stand on one day (:class:`StatesOn`), cycles and all.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple, cast

from aidledger._table import Index, RecordTable
from aidledger.model import Status

__all__ = ["ABOVE", "UNKNOWN", "Above", "Chains", "Flags", "Pledges", "StatesOn", "chain_of"]

_PLEDGED, _DELIVERED, _REPORTED = Status.PLEDGED, Status.DELIVERED, Status.REPORTED
_COMMITTED = (_PLEDGED, _DELIVERED)


class Above(NamedTuple):
    """What the packages above an item show it: all of them committed, one of them with
    an amount."""

    committed: bool
    valued: bool


#: What the items below a package see of the packages above them: ``None`` when the
#: link is ignored (no package, or reported), else what they show.
Flags = Above | None


class Pledges:
    """What the engine needs to know of the pledges, worked out once per ledger."""

    def __init__(self, table: RecordTable, index: Index) -> None:
        self.table = table
        self.index = index
        self.commitment: dict[str, datetime.date] = {}

    def rows(self, pledge: str) -> list[int]:
        rows = self.index[pledge]
        return [rows] if isinstance(rows, int) else rows

    def commitment_date(self, pledge: str) -> datetime.date:
        """The date of the pledge's first committed record (by date, then input order)."""
        found = self.commitment.get(pledge)
        if found is None:
            status, dates = self.table.status, self.table.date
            rows = self.rows(pledge)
            found = next((dates[r] for r in rows if status[r] in _COMMITTED), dates[rows[0]])
            self.commitment[pledge] = found
        return found


class Chains:
    """The package chains as the ledger ends (docs/counting-rules.md, "What counts"), each
    worked out once.

    ``above(package)`` gives the :data:`Flags` that an item whose ``part_of`` names
    *package* sees. The engine asks only about packages whose chain is settled, which
    have no cycle above them (a cycle's links come and go with the dates of its records).
    """

    def __init__(self, table: RecordTable, index: Index) -> None:
        self.index = index
        self.part_of = table.part_of
        self.status = table.status
        self.amount = table.amount
        self.memo: dict[str, Flags] = {}

    def _row(self, pledge: str) -> int | None:
        """The last row of *pledge*, if it exists."""
        rows = self.index.get(pledge)
        return rows[-1] if isinstance(rows, list) else rows

    def _link(self, pledge: str) -> str | None:
        """The package *pledge* names, if both exist and the package is not ``reported``."""
        row = self._row(pledge)
        if row is None:
            return None
        package = self.part_of[row]
        if not package:
            return None
        package_row = self._row(package)
        if package_row is None or self.status[package_row] is _REPORTED:
            return None
        return package

    def above(self, package: str) -> Flags:
        known = self.memo.get(package, UNKNOWN)
        if known is not UNKNOWN:
            return cast(Flags, known)
        row = self._row(package)
        if row is None or self.status[row] is _REPORTED:
            self.memo[package] = None
            return None
        path: list[str] = []
        node: str | None = package
        while node is not None and node not in self.memo:
            if node in path:
                raise AssertionError(f"the chain above {package!r} runs into a cycle")
            path.append(node)
            node = self._link(node)
        status, amount = self.status, self.amount
        for node in reversed(path):
            node_row = self._row(node)
            assert node_row is not None
            committed, valued = status[node_row] in _COMMITTED, amount[node_row] != ""
            up = self._link(node)
            higher = None if up is None else self.memo[up]
            if higher is not None:
                committed, valued = committed and higher.committed, valued or higher.valued
            self.memo[node] = ABOVE[committed, valued]  # one object per value: there are four
        return self.memo[package]


#: Not worked out yet.
UNKNOWN: Any = object()
#: The four values of :class:`Above`, one object each (they are compared by identity).
ABOVE = {(a, b): Above(a, b) for a in (False, True) for b in (False, True)}


def chain_of(
    pledge: str, part_of: list[str], state: Mapping[str, int], status: list[Status]
) -> list[str] | None:
    """The packages above *pledge* given the *state* (row) of each existing pledge
    (docs/counting-rules.md), nearest first; ``None`` when *pledge* itself is on a cycle
    (its link is ignored). *pledge* must exist."""
    path = [pledge]
    seen = {pledge}
    row = state[pledge]
    while True:
        package = part_of[row]
        if not package:
            return path[1:]
        package_row = state.get(package)
        if package_row is None or status[package_row] is _REPORTED:
            return path[1:]
        if package in seen:
            entry = path.index(package)
            # On a cycle itself: no chain. Else the walk stops at the first pledge on it.
            return None if entry == 0 else path[1 : entry + 1]
        path.append(package)
        seen.add(package)
        row = package_row


class StatesOn(Mapping[str, int]):
    """The row in force for each pledge on one day, looked up when asked for."""

    __slots__ = ("_dates", "_day", "_index")

    def __init__(self, index: Index, dates: list[datetime.date], day: datetime.date) -> None:
        self._index = index
        self._dates = dates
        self._day = day

    def get(self, pledge: str, default: Any = None) -> Any:
        rows = self._index.get(pledge)
        if rows is None:
            return default
        if isinstance(rows, int):
            return rows if self._dates[rows] <= self._day else default
        position = bisect.bisect_right(rows, self._day, key=self._dates.__getitem__)
        return rows[position - 1] if position else default

    def __getitem__(self, pledge: str) -> int:
        row = self.get(pledge)
        if row is None:
            raise KeyError(pledge)
        return int(row)

    def __contains__(self, pledge: object) -> bool:
        return isinstance(pledge, str) and self.get(pledge) is not None

    def __iter__(self) -> Iterator[str]:
        return (pledge for pledge in self._index if pledge in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)
