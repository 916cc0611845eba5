"""The counting engine behind summaries: docs/counting-rules.md over the ledger's columns.

What a pledge adds to its donor's figures (its share of the committed and delivered
figures, its source, a discussion or a checkpoint in force) can change only on a day when
the pledge or a package above it has a record. :class:`Dated` works each pledge out once
for every such day and sums the changes by day into running figures, so that any date is
then answered by a binary search per figure: the summary at the latest date, at any past
date, each checkpoint on its own date and a history day by day all come from one pass.
The property tests hold it to the plain reference implementation in ``tests``.
"""

from __future__ import annotations

import array
import bisect
import datetime
import itertools
import operator
from collections.abc import Collection, Iterator, Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any, Generic, NamedTuple, TypeVar

from aidledger._engine import Change, Discussed, Money, Party, Totals
from aidledger._table import Index, RecordTable, bulk
from aidledger.model import UNDISCLOSED, Record, Status
from aidledger.money import EXACT

__all__ = ["Dated", "build"]

_PLEDGED, _DELIVERED = Status.PLEDGED, Status.DELIVERED
_REPORTED, _CANCELLED = Status.REPORTED, Status.CANCELLED
_COMMITTED = (_PLEDGED, _DELIVERED)

#: What the items below a package see of the packages above them: None when the link is
#: ignored (no package, or reported), else (all committed, one of them has an amount).
Flags = tuple[bool, bool] | None


class Share(NamedTuple):
    """What one pledge in one state adds to its party's figures."""

    system: str  # as written ("" for none)
    units: int  # committed
    delivered: int
    undisclosed: int  # 1 when the committed quantity is not known
    undelivered: int  # 1 when the delivered quantity is not known
    currency: str
    since: datetime.date  # the commitment date (of a share with money)
    value: str  # committed amount text ("" for none)
    paid: str  # delivered amount text ("" for none)
    top: int  # 1 for a top-level pledge
    hidden: int  # 1 for a top-level pledge with no amount
    unpaid: int  # 1 when money counts here and the delivered value is not known


#: A system line's figures: committed, delivered, undisclosed, undisclosed delivered.
SYSTEM_FIGURES = 4

_COMMITTED_MONEY, _DELIVERED_MONEY = 0, 1
_WHICH = {"committed": _COMMITTED_MONEY, "delivered": _DELIVERED_MONEY}


class _Pledges:
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


class _Chains:
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
        known = self.memo.get(package, _UNKNOWN)
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
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
            own = (status[node_row] in _COMMITTED, amount[node_row] != "")
            up = self._link(node)
            higher = None if up is None else self.memo[up]
            flags = own if higher is None else (own[0] and higher[0], own[1] or higher[1])
            self.memo[node] = _FLAGS[flags]  # one object per value: there are four
        return self.memo[package]


_UNKNOWN = object()
_FLAGS: dict[tuple[bool, bool], tuple[bool, bool]] = {
    (a, b): (a, b) for a in (False, True) for b in (False, True)
}


def _chain_of(
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


class _StatesOn(Mapping[str, int]):
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


_V = TypeVar("_V")


class _Series(Generic[_V]):
    """The values one figure took, from the day each was reached."""

    __slots__ = ("days", "values")

    def __init__(self, days: list[datetime.date], values: list[_V]) -> None:
        self.days = days
        self.values = values

    def at(self, day: datetime.date) -> _V | None:
        position = bisect.bisect_right(self.days, day) - 1
        return None if position < 0 else self.values[position]


#: A change to a money figure: (day, commitment date, amount, count, exponent), where
#: exponent is the amount's (None for a sum that is never taken back).
_MoneyPart = tuple[datetime.date, datetime.date, Decimal, int, int | None]
#: Everything a pledge adds on one day: share (or None), source ("" for none), the row of
#: a checkpoint in force (or -1), a discussion (or None).
_Contribution = tuple[Share | None, str, int, Discussed | None]

_NOTHING: _Contribution = (None, "", -1, None)
# The commitment date of a share without money (which needs none).
_NO_DAY = datetime.date.min


class Dated:
    """Every donor's figures on any day, from one pass over the pledges.

    Most pledges have one record, under packages that no longer change by its day: they
    add the same from that day on, and are summed by donor and day as they are met. A
    pledge with a history under such packages changes only on its own days; the rest (a
    package that changes later, a cycle) are worked out on every day of their chain.
    """

    def __init__(self, pledges: _Pledges) -> None:
        self.pledges = pledges
        table = self.table = pledges.table
        #: Each row's party, (donor, recipient): whose figures it adds to.
        self.parties = _parties(table)
        self._first_day: dict[Party, datetime.date] = {}
        # Figures that hold from a day on: money by (party, currency, day) as text, the
        # rows of systems by (party, system as written), counts by (party, day).
        self._fixed_money: tuple[dict[Any, list[str]], dict[Any, list[str]]] = ({}, {})
        self._fixed_systems: dict[tuple[Party, str], list[int]] = {}  # their rows
        self._fixed_counts: dict[tuple[Party, datetime.date], list[int]] = {}
        # Changes by day, summed in place as they are met: money by party and currency,
        # (party, system) -> day -> [committed, delivered, undisclosed, undisclosed
        # delivered, shares] and party -> day -> [top-level, of them with no amount, money
        # whose delivered value is not known].
        self._parts: tuple[dict[Party, dict[str, list[_MoneyPart]]], ...] = ({}, {})
        self._system_parts: dict[tuple[Party, str], dict[datetime.date, list[int]]] = {}
        self._count_parts: dict[Party, dict[datetime.date, list[int]]] = {}
        # The day from which each source of a party is cited for good, by party.
        self._since: dict[Party, dict[str, datetime.date]] = {}
        self._since.update((party, {}) for party in set(self.parties))
        self._spans: list[tuple[datetime.date, datetime.date, Party, str]] = []
        self._open_discussed: dict[Party, list[Discussed]] = {}
        # Discussions that end: by party, (start, end, entry) in order of start, and the
        # same in order of end (a date is answered from whichever side is shorter).
        self._closed_discussed: dict[Party, list[tuple[datetime.date, datetime.date, Discussed]]]
        self._closed_discussed = {}
        self._closed_by_end: dict[Party, list[tuple[datetime.date, datetime.date, Discussed]]]
        self._closed_by_end = {}
        self._reported: list[tuple[datetime.date, datetime.date | None, int]] = []
        self._steady: dict[str, datetime.date | None] = {}
        self._final: _Chains | None = None
        self._money: tuple[dict[Party, dict[str, _Series[tuple[Decimal, int]]]], ...]
        self._systems: dict[Party, dict[str, _Running]] = {}
        self._counts: dict[Party, _Running] = {}
        self.memo: dict[str, dict[Any, Any]] = {}
        self._days: list[datetime.date] | None = None
        with bulk(), localcontext(EXACT):
            self._walk()
            # Only the pass needs to know the packages.
            self._steady, self._final = {}, None
            self._finish()

    # --- the pass over the pledges ------------------------------------------------------

    def _flags(self, package: str, day: datetime.date, pledge: str) -> Flags | str:
        """What an item of *pledge* dated from *day* sees above it, if that no longer
        changes by then; ``"moving"`` when it does (or when *pledge* is its own package)."""
        if package == pledge:
            return "moving"
        steady = self._steady.get(package, _UNKNOWN)
        if steady is _UNKNOWN:
            if package not in self.pledges.index:
                return None
            steady = self._steady_from(package, set())
        if steady is None or steady > day:  # type: ignore[operator]
            return "moving"
        final = self._final
        assert final is not None  # made when the pass starts
        flags = final.memo.get(package, _UNKNOWN)
        return final.above(package) if flags is _UNKNOWN else flags  # type: ignore[return-value]

    def _steady_from(self, pledge: str, seen: set[str]) -> datetime.date | None:
        """The day from which *pledge* exists and neither it nor its chain changes in what
        matters to the items below (committed, valued, reported); ``None``: never, or a
        cycle (whose links come and go)."""
        if pledge in self._steady:
            return self._steady[pledge]
        if pledge in seen:
            return None
        table = self.table
        status, amount = table.status, table.amount
        rows = self.pledges.rows(pledge)
        changed = 0
        before = None
        for position, row in enumerate(rows):
            flags = (status[row] in _COMMITTED, status[row] is _REPORTED, amount[row] != "")
            if flags != before and position:
                changed = position
            before = flags
        steady: datetime.date | None = table.date[rows[changed]]
        package = table.part_of[rows[0]]
        if package and package in self.pledges.index:
            above = self._steady_from(package, seen | {pledge})
            steady = None if above is None else max(steady, above)  # type: ignore[type-var]
        # None means a cycle is reachable from *pledge*: true whoever asks.
        self._steady[pledge] = steady
        return steady

    def _walk(self) -> None:
        table = self.table
        index = self.pledges.index
        status, dates, donor_of, system_of = table.status, table.date, self.parties, table.system
        amount, delivered_amount, currency = table.amount, table.delivered_amount, table.currency
        part_of, source = table.part_of, table.source
        first_day = self._first_day
        committed_money, delivered_money = self._fixed_money
        fixed_systems, fixed_counts, since = self._fixed_systems, self._fixed_counts, self._since
        open_discussed = self._open_discussed
        flags_of = self._flags
        self._final = _Chains(table, index)
        steady_of, settled, date = self._steady.get, self._final.memo.get, datetime.date
        never = datetime.date.max
        for pledge, rows in index.items():
            if rows.__class__ is not int:
                self._history(pledge, rows)  # type: ignore[arg-type]
                continue
            row: int = rows
            day, donor, state = dates[row], donor_of[row], status[row]
            if first_day.get(donor, never) > day:
                first_day[donor] = day
            if state is not _PLEDGED and state is not _DELIVERED:
                # Discussed, stated or cancelled: the same from its day on, whatever is above.
                if state is _CANCELLED:
                    continue
                if state is _REPORTED:
                    self._reported.append((day, None, row))
                else:
                    open_discussed.setdefault(donor, []).append(
                        (day, pledge, system_of[row], state)
                    )
                text = source[row]
                if text and since[donor].get(text, never) > day:
                    since[donor][text] = day
                continue
            flags: Flags | str = None
            package = part_of[row]
            if package:
                # (The usual case of _flags inline: a settled package already worked out.)
                steady = steady_of(package, _UNKNOWN)
                known = settled(package, _UNKNOWN) if steady.__class__ is date else _UNKNOWN
                if known is not _UNKNOWN and steady <= day and package != pledge:  # type: ignore[operator]
                    flags = known  # type: ignore[assignment]
                else:
                    flags = flags_of(package, day, pledge)
                if flags.__class__ is str:
                    self._moving(pledge, [row])
                    continue
                if flags is not None and not flags[0]:
                    continue  # a package above is not committed: nothing counts
            text = source[row]
            if text:
                cited = since[donor]
                if cited.get(text, never) > day:
                    cited[text] = day
            system = system_of[row]
            if system:
                held = fixed_systems.get((donor, system))
                if held is None:
                    fixed_systems[(donor, system)] = [row]
                else:
                    held.append(row)
            if flags is None or not flags[1]:
                value = amount[row]
                if flags is None:
                    counts = fixed_counts.get((donor, day))
                    if counts is None:
                        counts = fixed_counts[(donor, day)] = [0, 0, 0]
                    counts[0] += 1
                    if not value:
                        counts[1] += 1
                paid = value if state is _DELIVERED else delivered_amount[row]
                if (not paid and state is _DELIVERED) or paid == UNDISCLOSED:
                    paid = ""
                    counts = fixed_counts.get((donor, day))
                    if counts is None:
                        counts = fixed_counts[(donor, day)] = [0, 0, 0]
                    counts[2] += 1
                if value:
                    key = (donor, currency[row], day)
                    bucket = committed_money.get(key)
                    if bucket is None:
                        committed_money[key] = [value]
                    else:
                        bucket.append(value)
                if paid:
                    key = (donor, currency[row], day)
                    bucket = delivered_money.get(key)
                    if bucket is None:
                        delivered_money[key] = [paid]
                    else:
                        bucket.append(paid)

    def _history(self, pledge: str, rows: list[int]) -> None:
        """A pledge with several records: the state of each of its days, under packages
        that no longer change by its first day (else on every day of its chain)."""
        table = self.table
        dates = table.date
        donor = self.parties[rows[0]]
        first = dates[rows[0]]
        if self._first_day.get(donor, datetime.date.max) > first:
            self._first_day[donor] = first
        flags: Flags | str = None
        package = table.part_of[rows[0]]
        if package:
            flags = self._flags(package, first, pledge)
            if isinstance(flags, str):
                self._moving(pledge, rows)
                return
        points = []
        for position, row in enumerate(rows):
            if position + 1 < len(rows) and dates[rows[position + 1]] == dates[row]:
                continue  # a later record of the same day is the day's state
            points.append((dates[row], self._contribution(pledge, row, flags)))  # type: ignore[arg-type]
        self._emit(donor, points, rows)

    def _moving(self, pledge: str, rows: list[int]) -> None:
        """A pledge under packages that change after its first day: worked out on each day
        that it or a package above it has a record."""
        table, index = self.table, self.pledges.index
        dates, part_of = table.date, table.part_of
        days = {dates[row] for row in rows}
        first = min(days)
        seen = {pledge}
        package = part_of[rows[0]]
        while package and package in index and package not in seen:
            seen.add(package)
            package_rows = self.pledges.rows(package)
            days.update(day for day in map(dates.__getitem__, package_rows) if day > first)
            package = part_of[package_rows[0]]
        points = []
        for day in sorted(days):
            state = _StatesOn(index, dates, day)
            row = state[pledge]
            chain = _chain_of(pledge, part_of, state, table.status)
            flags: Flags = None
            if chain:
                chain_rows = [state[p] for p in chain]
                flags = (
                    all(table.status[r] in _COMMITTED for r in chain_rows),
                    any(table.amount[r] for r in chain_rows),
                )
            points.append((day, self._contribution(pledge, row, flags)))
        self._emit(self.parties[rows[0]], points, rows)

    def _contribution(self, pledge: str, row: int, flags: Flags) -> _Contribution:
        """What *pledge* in state *row* adds, under packages that show *flags*."""
        table = self.table
        state = table.status[row]
        if state is _CANCELLED:
            return _NOTHING
        if state is _REPORTED:
            return (None, table.source[row], row, None)
        if state is not _PLEDGED and state is not _DELIVERED:
            entry = (table.date[row], pledge, table.system[row], state)
            return (None, table.source[row], -1, entry)
        if flags is not None and not flags[0]:
            return _NOTHING
        system = table.system[row]
        committed = delivered = undisclosed = undelivered = 0
        if system:
            committed, delivered, undisclosed, undelivered = _units(
                state, table.quantity[row], table.delivered_quantity[row]
            )
        value = paid = ""
        top = hidden = unpaid = 0
        if flags is None or not flags[1]:
            value = table.amount[row]
            paid = value if state is _DELIVERED else table.delivered_amount[row]
            if (state is _DELIVERED and not paid) or paid == UNDISCLOSED:
                paid, unpaid = "", 1
            if flags is None:
                top, hidden = 1, 0 if value else 1
        day = self.pledges.commitment_date(pledge) if value or paid else _NO_DAY
        share = Share(
            system, committed, delivered, undisclosed, undelivered, table.currency[row], day,
            value, paid, top, hidden, unpaid,
        )  # fmt: skip
        return (share, table.source[row], -1, None)

    def _emit(
        self, donor: Party, points: list[tuple[datetime.date, _Contribution]], rows: list[int]
    ) -> None:
        """Record a pledge's contributions, each from its day until the next that differs.

        While the pledge is cited (counted, discussed or stated), so are the sources of all
        its records up to the day, not only the one in force (*rows*: its records by date).
        """
        share: Share | None = None
        opened: list[tuple[datetime.date, Any]] = [(points[0][0], None)] * 3
        dates, source = self.table.date, self.table.source
        texts: dict[str, None] = {}  # the sources of the records up to the day, in order
        cited: dict[str, datetime.date] = {}  # the sources cited now, from when
        read = 0
        for day, (new_share, _, reported, entry) in points:
            if new_share != share:
                if share is not None:
                    self._move(day, donor, share, -1)
                if new_share is not None:
                    self._move(day, donor, new_share, 1)
                share = new_share
            new = []
            while read < len(rows) and dates[rows[read]] <= day:
                text = source[rows[read]]
                if text and text not in texts:
                    texts[text] = None
                    new.append(text)
                read += 1
            if new_share is not None or reported >= 0 or entry is not None:
                for text in new if cited else texts:
                    cited.setdefault(text, day)
            else:
                for text, start in cited.items():
                    self._close(0, donor, start, day, text)
                cited = {}
            values = (None, None if reported < 0 else reported, entry)
            for position in (1, 2):
                start, current = opened[position]
                value = values[position]
                if value != current:
                    if current is not None:
                        self._close(position, donor, start, day, current)
                    opened[position] = (day, value)
        for text, start in cited.items():
            self._close(0, donor, start, None, text)
        for position in (1, 2):
            start, current = opened[position]
            if current is not None:
                self._close(position, donor, start, None, current)

    def _close(
        self,
        position: int,
        donor: Party,
        start: datetime.date,
        end: datetime.date | None,
        value: Any,
    ) -> None:
        if position == 0:  # a source
            if end is None:
                cited = self._since[donor]
                if cited.get(value, datetime.date.max) > start:
                    cited[value] = start
            else:
                self._spans.append((start, end, donor, value))
        elif position == 1:  # a checkpoint in force
            self._reported.append((start, end, value))
        elif end is None:
            self._open_discussed.setdefault(donor, []).append(value)
        else:
            self._closed_discussed.setdefault(donor, []).append((start, end, value))

    def _move(self, day: datetime.date, donor: Party, share: Share, sign: int) -> None:
        """Add (*sign* 1) or take back (-1) a *share* from *day* on."""
        if share.system:
            line = self._system_parts.setdefault((donor, share.system), {}).setdefault(
                day, [0, 0, 0, 0, 0]
            )
            line[0] += sign * share.units
            line[1] += sign * share.delivered
            line[2] += sign * share.undisclosed
            line[3] += sign * share.undelivered
            line[4] += sign
        if share.top or share.unpaid:
            counted = self._count_parts.setdefault(donor, {}).setdefault(day, [0, 0, 0])
            counted[0] += sign * share.top
            counted[1] += sign * share.hidden
            counted[2] += sign * share.unpaid
        for which, text in enumerate((share.value, share.paid)):
            if text:
                amount = Decimal(text)
                exponent = int(amount.as_tuple().exponent)
                self._parts[which].setdefault(donor, {}).setdefault(share.currency, []).append(
                    (day, share.since, amount if sign > 0 else -amount, sign, exponent)
                )

    # --- running figures ----------------------------------------------------------------

    def _finish(self) -> None:
        """Sum the changes by day into series (in the exact context)."""
        for which, fixed in enumerate(self._fixed_money):
            parts = self._parts[which]
            for (donor, currency, day), texts in fixed.items():
                total = sum(map(Decimal, texts), Decimal(0))
                parts.setdefault(donor, {}).setdefault(currency, []).append(
                    (day, day, total, len(texts), None)
                )
        self._fixed_money = ({}, {})
        count_parts = self._count_parts
        for (donor, day), (count, hidden, unpaid) in self._fixed_counts.items():
            counted = count_parts.setdefault(donor, {}).setdefault(day, [0, 0, 0])
            counted[0] += count
            counted[1] += hidden
            counted[2] += unpaid
        self._fixed_counts = {}
        self._money = tuple(
            {
                donor: {currency: _money_series(parts) for currency, parts in by.items()}
                for donor, by in money.items()
            }
            for money in self._parts
        )
        fixed_rows, system_parts = self._fixed_systems, self._system_parts
        for key in [*fixed_rows, *(key for key in system_parts if key not in fixed_rows)]:
            by_day = system_parts.pop(key, {})
            self._add_systems(by_day, fixed_rows.pop(key, ()))
            self._systems.setdefault(key[0], {})[key[1]] = _running(by_day)
        for donor, by_day in count_parts.items():
            self._counts[donor] = _running(by_day)
        self._count_parts = {}
        for entries in self._open_discussed.values():
            entries.sort()
        for donor, spans in self._closed_discussed.items():
            spans.sort(key=_first)
            self._closed_by_end[donor] = sorted(spans, key=_second)

    def _add_systems(self, by_day: dict[datetime.date, list[int]], rows: Sequence[int]) -> None:
        """Add the units of the fixed system *rows* to the changes of their days."""
        table = self.table
        dates, status, quantity = table.date, table.status, table.quantity
        delivered_quantity = table.delivered_quantity
        for row in rows:
            day = dates[row]
            line = by_day.get(day)
            if line is None:
                line = by_day[day] = [0, 0, 0, 0, 0]
            units = quantity[row]
            if units is None:
                line[2] += 1
            else:
                line[0] += units
            if status[row] is _DELIVERED:
                if units is None:
                    line[3] += 1
                else:
                    line[1] += units
            else:
                delivered = delivered_quantity[row]
                if isinstance(delivered, int):
                    line[1] += delivered
                elif delivered is not None:
                    line[3] += 1
            line[4] += 1

    # --- questions ------------------------------------------------------------------------

    def totals(
        self,
        as_of: datetime.date,
        donors: Collection[str] | None = None,
        recipients: Collection[str] | None = None,
        *,
        money_only: bool = False,
    ) -> tuple[dict[Party, Totals], list[int]]:
        """Per-party figures as of *as_of* (of some *donors* and *recipients*), and the
        rows of the checkpoints in force.

        With *money_only*, only the committed and delivered money is filled in, and no
        checkpoints are looked up (for a history day by day).
        """
        result: dict[Party, Totals] = {}
        for donor, first in self._first_day.items():
            if first > as_of or not _wanted(donor, donors, recipients):
                continue
            totals = result[donor] = self.money(donor, as_of)
            if money_only:
                continue
            counts = self._counts.get(donor)
            found = None if counts is None else counts.at(as_of)
            if found is not None:
                totals.pledges, totals.undisclosed, totals.unpaid = found
            for system, series in self._systems.get(donor, {}).items():
                line = series.at(as_of)
                if line is not None and line[SYSTEM_FIGURES]:
                    totals.systems[system] = list(line[:SYSTEM_FIGURES])
            totals.discussed = self._discussed(donor, as_of)
        if money_only:
            return result, []
        reported = [
            row
            for start, end, row in self._reported
            if start <= as_of
            and (end is None or as_of < end)
            and _wanted(self.parties[row], donors, recipients)
        ]
        return result, reported

    def _discussed(self, donor: Party, day: datetime.date) -> list[Discussed]:
        entries = self._open_discussed.get(donor, [])
        found = entries[: bisect.bisect_right(entries, day, key=_first)]
        by_start = self._closed_discussed.get(donor)
        if by_start:
            began = bisect.bisect_right(by_start, day, key=_first)
            by_end = self._closed_by_end[donor]
            ended = bisect.bisect_right(by_end, day, key=_second)
            if began <= len(by_end) - ended:
                found.extend(entry for _, end, entry in by_start[:began] if day < end)
            else:
                found.extend(entry for start, _, entry in by_end[ended:] if start <= day)
        return found

    def money(self, donor: Party, day: datetime.date) -> Totals:
        """*donor*'s committed and delivered money as of *day* (nothing else filled in)."""
        totals = Totals(self, donor, day)
        for which, into in (
            (_COMMITTED_MONEY, totals.committed),
            (_DELIVERED_MONEY, totals.delivered),
        ):
            for currency, series in self._money[which].get(donor, {}).items():
                value = series.at(day)
                if value is not None and value[1]:
                    into[currency] = value[0]
        return totals

    def units(self, donor: Party, key: str, day: datetime.date) -> int:
        """The units of the system *key* (however written) that *donor* has committed as
        of *day*."""
        keys = self.table.system_keys
        total = 0
        for name, series in self._systems.get(donor, {}).items():
            if keys[name] == key:
                line = series.at(day)
                total += 0 if line is None else line[0]
        return total

    def keyed(self, donor: Party, which: str, day: datetime.date) -> Money:
        """*donor*'s committed or delivered amounts as of *day*, by currency and
        commitment date."""
        sums: dict[tuple[str, datetime.date], list[Any]] = {}
        with localcontext(EXACT):
            for currency, parts in self._parts[_WHICH[which]].get(donor, {}).items():
                for start, since, amount, count, _ in parts:
                    if start > day:
                        break
                    found = sums.get((currency, since))
                    if found is None:
                        sums[(currency, since)] = [amount, count]
                    else:
                        found[0] += amount
                        found[1] += count
        return {key: value for key, (value, count) in sums.items() if count}

    def changes(self, party: Party, which: str, until: datetime.date) -> list[Change]:
        """Every change of *party*'s committed or delivered money up to *until*, by day."""
        found = [
            (start, currency, since, amount, count)
            for currency, parts in self._parts[_WHICH[which]].get(party, {}).items()
            for start, since, amount, count, _ in itertools.takewhile(
                lambda part: part[0] <= until, parts
            )
        ]
        found.sort(key=_first)
        return found

    def culprit(self, party: Party, currency: str, day: datetime.date) -> str:
        """Names a pledge of *party* committed in *currency* on *day* (for messages)."""
        table, pledges = self.table, self.pledges
        for pledge, rows in pledges.index.items():
            first = rows if isinstance(rows, int) else rows[0]
            if (
                self.parties[first] == party
                and table.currency[first] == currency
                and pledges.commitment_date(pledge) == day
            ):
                return f"pledge {pledge!r} (committed {day.isoformat()})"
        return f"{party[0]}'s {currency} amounts committed on {day.isoformat()}"

    def days(self, until: datetime.date) -> list[datetime.date]:
        """Every record date up to *until*, in order."""
        if self._days is None:
            self._days = sorted(set(self.table.date))
        return self._days[: bisect.bisect_right(self._days, until)]

    def reported(
        self,
        until: datetime.date,
        donors: Collection[str] | None = None,
        recipients: Collection[str] | None = None,
    ) -> list[int]:
        """The rows of the ``reported`` records dated up to *until*, in input order."""
        table = self.table
        return [
            row
            for row, status in enumerate(table.status)
            if status is _REPORTED
            and table.date[row] <= until
            and _wanted(self.parties[row], donors, recipients)
        ]

    def record(self, row: int) -> Record:
        """The record at *row*, as an object."""
        return self.table.record(row)

    def system_key(self, name: str) -> str:
        """The catalog key a system name of the ledger resolves to."""
        return self.table.system_keys[name]

    def sources(self, donor: Party, day: datetime.date) -> set[str]:
        """The sources of every record up to *day* of *donor*'s pledges that are counted,
        discussed or stated on *day* (not cancelled, nor under an uncommitted package)."""
        found = {text for text, start in self._since.get(donor, {}).items() if start <= day}
        found.update(
            text
            for start, end, owner, text in self._spans
            if owner == donor and start <= day < end
        )
        return found


class _Running:
    """Integer figures (a fixed number of them) from the day each value was reached, a
    machine array per figure: a million-record ledger has millions of them."""

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


def _running(by_day: dict[datetime.date, list[int]]) -> _Running:
    """Integer changes by day summed into their running values (*by_day* is emptied)."""
    days = sorted(by_day)
    changes = list(map(by_day.pop, days))
    figures: list[array.array[int] | list[int]] = []
    for figure in zip(*changes, strict=True):
        running = list(itertools.accumulate(figure))
        try:
            figures.append(array.array("q", running))
        except OverflowError:  # beyond 64 bits: keep Python's integers
            figures.append(running)
    return _Running(days, figures)


def _wanted(
    party: Party, donors: Collection[str] | None, recipients: Collection[str] | None
) -> bool:
    return (donors is None or party[0] in donors) and (
        recipients is None or party[1] in recipients
    )


def _parties(table: RecordTable) -> list[Party]:
    """Each row's (donor, recipient), one tuple object per distinct pair."""
    pairs: dict[Party, Party] = {}
    return [
        pairs.setdefault(pair, pair) for pair in zip(table.donor, table.recipient, strict=True)
    ]


def _units(state: Status, quantity: int | None, delivered: object) -> tuple[int, int, int, int]:
    """A system pledge's units: committed, delivered, and whether each is undisclosed."""
    committed, undisclosed = (0, 1) if quantity is None else (quantity, 0)
    if state is _DELIVERED:
        return committed, committed, undisclosed, undisclosed
    if isinstance(delivered, int):
        return committed, delivered, undisclosed, 0
    return committed, 0, undisclosed, 0 if delivered is None else 1


# The first and second fields: a change's or a span's day, a span's end.
_first, _second = operator.itemgetter(0), operator.itemgetter(1)


def _money_series(parts: list[_MoneyPart]) -> _Series[tuple[Decimal, int]]:
    """Money changes summed into running (total, count) per day.

    Each total is written with as many decimal places as the amounts it holds need, as a
    plain sum of them would be, whatever was taken back before: a running sum of
    ``0.50`` and then ``-0.50`` would otherwise leave ``100`` as ``100.00``.
    """
    parts.sort(key=_first)
    days: list[datetime.date] = []
    values: list[tuple[Decimal, int]] = []
    total, count = Decimal(0), 0
    lasting = 0  # the smallest exponent of the sums that are never taken back
    exponents: dict[int, int] = {}  # how many amounts counted now have each exponent
    for position, (day, _, amount, number, exponent) in enumerate(parts, 1):
        total += amount
        count += number
        if exponent is None:
            lasting = min(lasting, int(amount.as_tuple().exponent))
        else:
            exponents[exponent] = exponents.get(exponent, 0) + number
        if position < len(parts) and parts[position][0] == day:
            continue  # the day's value is its last
        smallest = min([lasting, *(e for e, n in exponents.items() if n)])
        days.append(day)
        values.append((total.quantize(Decimal(1).scaleb(smallest)), count))
    return _Series(days, values)


def build(table: RecordTable, index: Index) -> Dated:
    """The pure-Python engine over a ledger's columns and pledge index."""
    return Dated(_Pledges(table, index))
