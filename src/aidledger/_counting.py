"""The counting engines behind summaries: DESIGN 3.1 and 3.2 over the ledger's columns.

Two engines give the same figures. :class:`Direct` answers one date by walking every
pledge's state on it: cheapest for a single summary. :class:`Timeline` sweeps the records
once, in date order, and keeps each figure's changes, so that any later date is answered
by lookups: the engine for checkpoints (each compared on its own date) and for series of
summaries. The property tests hold both to the plain reference implementation.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from decimal import Decimal, localcontext
from itertools import compress
from typing import Any

from aidledger._table import Index, RecordTable
from aidledger.model import Status
from aidledger.money import EXACT

__all__ = ["Checkpoints", "Counting", "Direct", "Timeline", "Totals"]

_PLEDGED, _DELIVERED = Status.PLEDGED, Status.DELIVERED
_REPORTED = Status.REPORTED
_COMMITTED = (_PLEDGED, _DELIVERED)
_DISCUSSED = (Status.REQUESTED, Status.CONSIDERING)

#: Committed or delivered money of a donor: (currency, commitment date) -> exact sum.
Money = dict[tuple[str, datetime.date], Decimal]
#: A pledge under discussion: (date of its state, pledge id, system, status).
Discussed = tuple[datetime.date, str, str, Status]


class Totals:
    """One donor's figures as of a date (before they become a ``DonorSummary``)."""

    __slots__ = (
        "committed",
        "delivered",
        "discussed",
        "pledges",
        "sources",
        "systems",
        "undisclosed",
    )

    def __init__(self) -> None:
        self.sources: set[str] = set()
        self.committed: Money = {}
        self.delivered: Money = {}
        self.systems: dict[str, list[int]] = {}  # key -> [committed, delivered, undisclosed]
        self.pledges = 0
        self.undisclosed = 0
        self.discussed: list[Discussed] = []

    def by_currency(self, which: str) -> dict[str, Decimal]:
        """Exact sums of the committed or delivered amounts, by currency."""
        totals: dict[str, Decimal] = {}
        amounts: Money = getattr(self, which)
        for (currency, _), amount in amounts.items():
            totals[currency] = EXACT.add(totals.get(currency, Decimal(0)), amount)
        return totals


def _first_row(rows: int | list[int]) -> int:
    return rows if isinstance(rows, int) else rows[0]


class _Pledges:
    """What both engines need to know of the pledges, worked out once per ledger."""

    def __init__(self, table: RecordTable, index: Index) -> None:
        self.table = table
        self.index = index
        self.commitment: dict[str, datetime.date] = {}
        self._links: dict[str, str] | None = None
        self._packages: set[str] | None = None

    @property
    def packages(self) -> set[str]:
        """The ids that some pledge names as its package (whether or not they exist)."""
        if self._packages is None:
            self._packages = set(self.table.part_of)
            self._packages.discard("")
        return self._packages

    @property
    def links(self) -> dict[str, str]:
        """Each pledge's ``part_of``, for those that have one."""
        if self._links is None:
            part_of = self.table.part_of
            self._links = {}
            for pledge, rows in self.index.items():
                package = part_of[_first_row(rows)]
                if package:
                    self._links[pledge] = package
        return self._links

    def commitment_date(self, pledge: str) -> datetime.date:
        """The date of the pledge's first committed record (by date, then input order)."""
        found = self.commitment.get(pledge)
        if found is None:
            status, dates = self.table.status, self.table.date
            rows = self.index[pledge]
            if isinstance(rows, int):
                found = dates[rows]
            else:
                found = next((dates[r] for r in rows if status[r] in _COMMITTED), dates[rows[0]])
            self.commitment[pledge] = found
        return found


class Direct:
    """Counts as of one date by walking the state of every pledge on it."""

    def __init__(self, pledges: _Pledges) -> None:
        self.pledges = pledges
        self.table = pledges.table
        self.last_date = max(self.table.date) if self.table.date else None

    def states(self, as_of: datetime.date) -> dict[str, int]:
        """The row in force for each pledge that exists as of *as_of* (DESIGN 3.1)."""
        index = self.pledges.index
        if self.last_date is not None and as_of >= self.last_date:
            return {
                pledge: rows if isinstance(rows, int) else rows[-1]
                for pledge, rows in index.items()
            }
        dates = self.table.date
        states: dict[str, int] = {}
        for pledge, rows in index.items():
            if isinstance(rows, int):
                if dates[rows] <= as_of:
                    states[pledge] = rows
                continue
            for row in reversed(rows):
                if dates[row] <= as_of:
                    states[pledge] = row
                    break
        return states

    def totals(
        self, as_of: datetime.date, donors: Collection[str] | None = None
    ) -> tuple[dict[str, Totals], list[int]]:
        """Per-donor figures as of *as_of*, and the rows of the checkpoints in force."""
        table = self.table
        index = self.pledges.index
        pairs: Iterable[tuple[str, int | list[int]]]
        row_of: Callable[[str], int | None]
        if self.last_date is not None and as_of >= self.last_date:
            # Every pledge exists, and its state is its last row: the index itself serves.
            pairs = index.items()

            def row_of(pledge: str) -> int | None:
                rows = index.get(pledge)
                return rows[-1] if isinstance(rows, list) else rows

        else:
            states = self.states(as_of)
            pairs = states.items()
            row_of = states.get
        status, donor_of, system_of, dates = table.status, table.donor, table.system, table.date
        quantity, delivered_quantity = table.quantity, table.delivered_quantity
        amount, delivered_amount, currency = table.amount, table.delivered_amount, table.currency
        part_of, source = table.part_of, table.source
        commitment = self.pledges.commitment
        commitment_date = self.pledges.commitment_date
        chains = _Chains(row_of, part_of, status, amount, self.pledges.packages)
        on_cycle, memo, above = chains.cycle, chains.memo, chains.above

        result: dict[str, Totals] = {}
        reported: list[int] = []
        # Amounts are gathered as text and summed once per key at the end.
        committed: dict[str, dict[tuple[str, datetime.date], list[str]]] = {}
        delivered: dict[str, dict[tuple[str, datetime.date], list[str]]] = {}
        for pledge, rows in pairs:
            row: int = rows[-1] if rows.__class__ is list else rows  # type: ignore[assignment]
            donor = donor_of[row]
            if donors is not None and donor not in donors:
                continue
            totals = result.get(donor)
            if totals is None:
                totals = result[donor] = Totals()
                committed[donor], delivered[donor] = {}, {}
            state = status[row]
            if state is not _PLEDGED and state is not _DELIVERED:
                if state in _DISCUSSED:
                    totals.discussed.append((dates[row], pledge, system_of[row], state))
                elif state is _REPORTED:
                    reported.append(row)
                if source[row] and state is not Status.CANCELLED:
                    totals.sources.add(source[row])
                continue
            top = counts_money = True
            package = part_of[row]
            if package and pledge not in on_cycle:
                flags = memo.get(package, _UNKNOWN)
                if flags is _UNKNOWN:
                    flags = above(package)
                if flags is not None:
                    if not flags[0]:  # type: ignore[index]
                        continue
                    top = False
                    counts_money = not flags[1]  # type: ignore[index]
            if source[row]:
                totals.sources.add(source[row])
            system = system_of[row]
            if system:
                line = totals.systems.get(system)
                if line is None:
                    line = totals.systems[system] = [0, 0, 0]
                units = quantity[row]
                if units is None:
                    line[2] += 1
                else:
                    line[0] += units
                if state is _DELIVERED:
                    line[1] += units or 0
                else:
                    line[1] += delivered_quantity[row] or 0
            if counts_money:
                value = amount[row]
                if top:
                    totals.pledges += 1
                    if not value:
                        totals.undisclosed += 1
                delivered_value = value if state is _DELIVERED else delivered_amount[row]
                if value or delivered_value:
                    if index[pledge].__class__ is int:  # one record: committed on its date
                        day = dates[row]
                    else:
                        day = commitment.get(pledge) or commitment_date(pledge)
                    key = (currency[row], day)
                    if value:
                        bucket = committed[donor].get(key)
                        if bucket is None:
                            committed[donor][key] = [value]
                        else:
                            bucket.append(value)
                    if delivered_value:
                        bucket = delivered[donor].get(key)
                        if bucket is None:
                            delivered[donor][key] = [delivered_value]
                        else:
                            bucket.append(delivered_value)
        with localcontext(EXACT):
            for donor, totals in result.items():
                totals.committed = _sums(committed[donor])
                totals.delivered = _sums(delivered[donor])
        return result, reported


class _Chains:
    """The package chains as of one date (DESIGN 3.2), each worked out once per package.

    ``above(package)`` gives, for an item whose ``part_of`` names *package*: ``None``
    when the link is ignored (the package does not exist yet or is ``reported``), else
    (every package up the chain is committed, one of them has an amount). ``cycle`` holds
    the pledges on a cycle of links: their own links are ignored.
    """

    def __init__(
        self,
        row_of: Callable[[str], int | None],
        part_of: list[str],
        status: list[Status],
        amount: list[str],
        packages: set[str],
    ) -> None:
        self.row_of = row_of
        self.part_of = part_of
        self.status = status
        self.amount = amount
        self.memo: dict[str, tuple[bool, bool] | None] = {}
        # Only a pledge that is some pledge's package can be on a cycle.
        links = {}
        for package in packages:
            up = self._link(package)
            if up is not None:
                links[package] = up
        deeper = [package for package, up in links.items() if up in links]
        self.cycle: set[str] = _on_cycles(links, deeper) if deeper else set()

    def _link(self, pledge: str) -> str | None:
        """The package *pledge* names, if both exist and the package is not ``reported``."""
        row = self.row_of(pledge)
        if row is None:
            return None
        package = self.part_of[row]
        if not package:
            return None
        package_row = self.row_of(package)
        if package_row is None or self.status[package_row] is _REPORTED:
            return None
        return package

    def above(self, package: str) -> tuple[bool, bool] | None:
        known = self.memo.get(package, _UNKNOWN)
        if known is not _UNKNOWN:
            return known  # type: ignore[return-value]
        row = self.row_of(package)
        if row is None or self.status[row] is _REPORTED:
            self.memo[package] = None
            return None
        path = []
        node: str | None = package
        while node is not None and node not in self.memo:
            path.append(node)
            node = None if node in self.cycle else self._link(node)
        status, amount, row_of = self.status, self.amount, self.row_of
        for node in reversed(path):
            node_row = row_of(node)
            assert node_row is not None
            own = (status[node_row] in _COMMITTED, amount[node_row] != "")
            up = None if node in self.cycle else self._link(node)
            higher = None if up is None else self.memo[up]
            self.memo[node] = (
                own if higher is None else (own[0] and higher[0], own[1] or higher[1])
            )
        return self.memo[package]


_UNKNOWN = object()


def _sums(texts: Mapping[tuple[str, datetime.date], list[str]]) -> Money:
    return {key: sum(map(Decimal, values), Decimal(0)) for key, values in texts.items()}


def _on_cycles(parent: Mapping[str, str], starts: Iterable[str]) -> set[str]:
    """The pledges on a cycle of *parent* links (a self-link included), walking from
    *starts*."""
    done: set[str] = set()
    cycles: set[str] = set()
    for start in starts:
        if start in done:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parent.get(node)
        if node is not None and node in on_path:
            cycles.update(path[path.index(node) :])
        done.update(path)
    return cycles


# --- one pledge on one day ------------------------------------------------------------

# What one pledge adds to its donor's figures as of a day, or None when nothing:
# (system, units committed, delivered, undisclosed, money key, amount, delivered amount,
#  top-level pledges, of them undisclosed).
_Share = tuple[str, int, int, int, tuple[str, datetime.date] | None, Decimal | None,
               Decimal | None, int, int]  # fmt: skip


def _chain_of(
    pledge: str, part_of: list[str], state: Mapping[str, int], status: list[Status]
) -> list[str] | None:
    """The packages above *pledge* given the *state* (row) of each existing pledge
    (DESIGN 3.2), nearest first; ``None`` when *pledge* itself is on a cycle (its link is
    ignored). *pledge* must exist."""
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
            if path.index(package) == 0:
                return None
            return path[1:]  # the walk stops at the first pledge on the cycle
        path.append(package)
        seen.add(package)
        row = package_row


def _share_of(pledges: _Pledges, pledge: str, row: int, chain_rows: list[int]) -> _Share | None:
    """What *pledge*, in state *row* and below packages in states *chain_rows*, adds."""
    table = pledges.table
    state = table.status[row]
    if state not in _COMMITTED or any(table.status[r] not in _COMMITTED for r in chain_rows):
        return None
    top = not chain_rows
    counts_money = not any(table.amount[r] for r in chain_rows)
    system = table.system[row]
    committed = delivered = undisclosed = 0
    if system:
        units = table.quantity[row]
        if units is None:
            undisclosed = 1
        else:
            committed = units
        if state is _DELIVERED:
            delivered = units or 0
        else:
            delivered = table.delivered_quantity[row] or 0
    key = None
    value = delivered_value = None
    count = undisclosed_value = 0
    if counts_money:
        text = table.amount[row]
        delivered_text = text if state is _DELIVERED else table.delivered_amount[row]
        if top:
            count = 1
            undisclosed_value = 0 if text else 1
        if text or delivered_text:
            key = (table.currency[row], pledges.commitment_date(pledge))
            value = Decimal(text) if text else None
            delivered_value = Decimal(delivered_text) if delivered_text else None
    return (system, committed, delivered, undisclosed, key, value, delivered_value,
            count, undisclosed_value)  # fmt: skip


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


def _share_on(pledges: _Pledges, pledge: str, day: datetime.date) -> _Share | None:
    """What *pledge* adds to its donor's figures as of *day*."""
    state = _StatesOn(pledges.index, pledges.table.date, day)
    row = state.get(pledge)
    if row is None or pledges.table.status[row] not in _COMMITTED:
        return None
    chain = _chain_of(pledge, pledges.table.part_of, state, pledges.table.status)
    return _share_of(pledges, pledge, row, [state[p] for p in chain or ()])


class Checkpoints:
    """The committed totals that checkpoints are compared with, on any day, cheaply.

    Most pledges count the same from the day they are committed to the end: one record,
    or a history that only confirms it, under packages that do not change from that day
    on. Their money is summed once, by donor, currency and commitment day, so that the
    total on any day is a sum over days. The other pledges with money, and the pledges of
    a system for a count, are worked out on the day asked for.
    """

    def __init__(self, pledges: _Pledges) -> None:
        self.pledges = pledges
        table = pledges.table
        amount, ids = table.amount, table.id
        self._stable: dict[str, datetime.date | None] = {}
        self.fixed: dict[str, dict[tuple[str, datetime.date], tuple[Decimal, int]]] = {}
        self.moving: dict[str, list[str]] = {}
        index, status, dates = pledges.index, table.status, table.date
        donor_of, part_of, currency = table.donor, table.part_of, table.currency
        fixed: dict[str, dict[tuple[str, datetime.date], list[str]]] = {}
        steady: list[tuple[str, int]] = []  # fixed pledges under a package: see below
        for pledge in {ids[row] for row in compress(range(len(ids)), amount)}:
            rows = index[pledge]
            if rows.__class__ is int:  # one record: the common case, decided here
                row: int = rows
                if status[row] not in _COMMITTED:
                    continue  # never committed
                package = part_of[row]
                if not package or package not in index:
                    key = (currency[row], dates[row])
                    fixed.setdefault(donor_of[row], {}).setdefault(key, []).append(amount[row])
                    continue
                if package != pledge:
                    since = self._stable.get(package, _UNKNOWN)
                    if since is _UNKNOWN:
                        since = self._steady_from(package, {pledge})
                    if since is not None and since <= dates[row]:  # type: ignore[operator]
                        steady.append((pledge, row))
                        continue
                self.moving.setdefault(donor_of[row], []).append(pledge)
                continue
            day = self._fixed_from(pledge, self._rows(pledge))
            if day is None:
                self.moving.setdefault(donor_of[self._rows(pledge)[0]], []).append(pledge)
            else:
                steady.append((pledge, self._rows(pledge)[-1]))
        # Under packages that no longer change, a pledge counts as it does at the end.
        if steady:
            last = max(dates)
            chains = _Chains(_StatesOn(index, dates, last).get, part_of, status, amount, set())
            for pledge, row in steady:
                flags = chains.above(part_of[row]) if part_of[row] in index else None
                if not amount[row] or (flags is not None and (not flags[0] or flags[1])):
                    continue  # inactive, or a breakdown of a valued package
                key = (currency[row], pledges.commitment_date(pledge))
                fixed.setdefault(donor_of[row], {}).setdefault(key, []).append(amount[row])
        with localcontext(EXACT):
            self.fixed = {
                donor: {
                    key: (sum(map(Decimal, texts), Decimal(0)), len(texts))
                    for key, texts in by_key.items()
                }
                for donor, by_key in fixed.items()
            }
        self._systems: dict[tuple[str, str], list[str]] | None = None

    def _rows(self, pledge: str) -> list[int]:
        rows = self.pledges.index[pledge]
        return [rows] if isinstance(rows, int) else rows

    def _fixed_from(self, pledge: str, rows: list[int]) -> datetime.date | None:
        """The commitment day, if the pledge's committed share never changes after it."""
        table = self.pledges.table
        status = table.status
        first = next((k for k, row in enumerate(rows) if status[row] in _COMMITTED), None)
        if first is None:
            return None
        if any(status[row] not in _DISCUSSED for row in rows[:first]):
            return None
        shown = (
            table.amount[rows[first]],
            table.currency[rows[first]],
            table.quantity[rows[first]],
        )
        for row in rows[first + 1 :]:
            if status[row] not in _COMMITTED:
                return None
            if (table.amount[row], table.currency[row], table.quantity[row]) != shown:
                return None
        day = table.date[rows[first]]
        package = table.part_of[rows[0]]
        if package and package in self.pledges.index:
            if package == pledge:
                return None
            steady = self._steady_from(package, {pledge})
            if steady is None or steady > day:
                return None
        return day

    def _steady_from(self, pledge: str, seen: set[str]) -> datetime.date | None:
        """The day from which *pledge* exists and neither it nor its chain changes in what
        matters to the items below (committed, valued, reported); ``None``: never."""
        if pledge in self._stable:
            return self._stable[pledge]
        if pledge in seen:
            return None  # a cycle
        table = self.pledges.table
        rows = self._rows(pledge)
        flags = [
            (table.status[r] in _COMMITTED, table.status[r] is _REPORTED, table.amount[r] != "")
            for r in rows
        ]
        changed = 0
        for position in range(1, len(rows)):
            if flags[position] != flags[position - 1]:
                changed = position
        steady: datetime.date | None = table.date[rows[changed]]
        package = table.part_of[rows[0]]
        if package and package in self.pledges.index:
            above = self._steady_from(package, seen | {pledge})
            steady = None if above is None else max(steady, above)  # type: ignore[type-var]
        self._stable[pledge] = steady
        return steady

    def committed(self, donor: str, day: datetime.date) -> Totals:
        """*donor*'s committed money as of *day* (only ``committed`` is filled in)."""
        totals = Totals()
        counts: dict[tuple[str, datetime.date], int] = {}
        for key, (total, count) in self.fixed.get(donor, {}).items():
            if key[1] <= day:
                totals.committed[key] = total
                counts[key] = count
        for pledge in self.moving.get(donor, ()):
            share = _share_on(self.pledges, pledge, day)
            if share is not None and share[4] is not None and share[5] is not None:
                key = share[4]
                totals.committed[key] = EXACT.add(totals.committed.get(key, Decimal(0)), share[5])
                counts[key] = counts.get(key, 0) + 1
        totals.committed = {key: value for key, value in totals.committed.items() if counts[key]}
        return totals

    def units(self, donor: str, system: str, day: datetime.date) -> int:
        """The units of *system* that *donor* has committed as of *day*."""
        if self._systems is None:
            table = self.pledges.table
            self._systems = {}
            for pledge in self.pledges.index:
                row = self._rows(pledge)[0]
                if table.system[row]:
                    key = (table.donor[row], table.system[row])
                    self._systems.setdefault(key, []).append(pledge)
        total = 0
        for pledge in self._systems.get((donor, system), ()):
            share = _share_on(self.pledges, pledge, day)
            if share is not None:
                total += share[1]
        return total


# --- the timeline -----------------------------------------------------------------------


class _Series:
    """The values one figure took, from the day each was reached."""

    __slots__ = ("days", "values")

    def __init__(self) -> None:
        self.days: list[datetime.date] = []
        self.values: list[Any] = []

    def record(self, day: datetime.date, value: Any) -> None:
        if self.days and self.days[-1] == day:
            self.values[-1] = value
        else:
            self.days.append(day)
            self.values.append(value)

    def at(self, day: datetime.date) -> Any:
        position = bisect.bisect_right(self.days, day) - 1
        return None if position < 0 else self.values[position]


class Timeline:
    """Every donor's figures on every day, from one sweep over the records in date order.

    When a pledge's state changes, its share of its donor's figures is worked out again;
    so are the shares of the items below it when the change matters to them (the pledge
    appears, or turns committed, uncommitted, reported or valued).
    """

    def __init__(self, pledges: _Pledges) -> None:
        self.pledges = pledges
        table = self.table = pledges.table
        self._status, self._amount = table.status, table.amount
        self._children: dict[str, list[str]] = {}
        for pledge, package in pledges.links.items():
            self._children.setdefault(package, []).append(pledge)
        self._state: dict[str, int] = {}
        self._share: dict[str, _Share] = {}
        # donor -> figure -> running value, and the same as series over days
        self._running: dict[str, dict[Any, Any]] = {}
        self._series: dict[str, dict[Any, _Series]] = {}
        self._first_day: dict[str, datetime.date] = {}
        self._discussed: dict[str, list[tuple[datetime.date, datetime.date | None, Discussed]]]
        self._discussed = {}
        self._sweep()

    def _sweep(self) -> None:
        table = self.table
        ids, dates, donor_of = table.id, table.date, table.donor
        days: dict[datetime.date, list[int]] = {}
        for row, day in enumerate(dates):
            days.setdefault(day, []).append(row)
        state = self._state
        for day in sorted(days):
            latest: dict[str, int] = {}
            for row in days[day]:
                latest[ids[row]] = row
            dirty: set[str] = set()
            for pledge, row in latest.items():
                old = state.get(pledge)
                state[pledge] = row
                dirty.add(pledge)
                if pledge in self._children and (
                    old is None or self._flags(old) != self._flags(row)
                ):
                    self._below(pledge, dirty)
                donor = donor_of[row]
                self._first_day.setdefault(donor, day)
            touched: set[tuple[str, Any]] = set()
            for pledge in dirty:
                self._reshare(pledge, touched)
            for donor, figure in touched:
                series = self._series.setdefault(donor, {}).get(figure)
                if series is None:
                    series = self._series[donor][figure] = _Series()
                series.record(day, self._running[donor][figure])
        self._discussions()

    def _flags(self, row: int) -> tuple[bool, bool, bool]:
        """What a package's state means to the items below it."""
        status = self._status[row]
        return (status in _COMMITTED, status is _REPORTED, self._amount[row] != "")

    def _below(self, package: str, into: set[str]) -> None:
        stack = [package]
        seen = {package}
        while stack:
            for child in self._children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
                    if child in self._state:
                        into.add(child)

    def _share_of(self, pledge: str) -> _Share | None:
        row = self._state[pledge]
        if self._status[row] not in _COMMITTED:
            return None
        chain = _chain_of(pledge, self.table.part_of, self._state, self._status)
        return _share_of(self.pledges, pledge, row, [self._state[p] for p in chain or ()])

    def _reshare(self, pledge: str, touched: set[tuple[str, Any]]) -> None:
        new = self._share_of(pledge)
        old = self._share.get(pledge)
        if new == old:
            return
        donor = self.table.donor[self._state[pledge]]
        running = self._running.setdefault(donor, {})
        if old is not None:
            self._apply(running, old, -1, donor, touched)
        if new is not None:
            self._apply(running, new, 1, donor, touched)
            self._share[pledge] = new
        else:
            del self._share[pledge]

    @staticmethod
    def _apply(
        running: dict[Any, Any],
        share: _Share,
        sign: int,
        donor: str,
        touched: set[tuple[str, Any]],
    ) -> None:
        system, committed, delivered, undisclosed, key, value, delivered_value, top, hidden = share
        if system:
            # [committed, delivered, undisclosed, active pledges]: listed while any is active
            line = running.get(("system", system), (0, 0, 0, 0))
            running[("system", system)] = (
                line[0] + sign * committed,
                line[1] + sign * delivered,
                line[2] + sign * undisclosed,
                line[3] + sign,
            )
            touched.add((donor, ("system", system)))
        if top:
            count = running.get("pledges", (0, 0))
            running["pledges"] = (count[0] + sign * top, count[1] + sign * hidden)
            touched.add((donor, "pledges"))
        for which, amount in (("committed", value), ("delivered", delivered_value)):
            if amount is None:
                continue
            figure = (which, key)
            total, count = running.get(figure, (Decimal(0), 0))
            change = amount if sign > 0 else -amount
            running[figure] = (EXACT.add(total, change), count + sign)
            touched.add((donor, figure))

    def _discussions(self) -> None:
        """When each pledge was under discussion, from its own records alone."""
        table, index = self.table, self.pledges.index
        status, dates, donor_of, system_of = table.status, table.date, table.donor, table.system
        for pledge, rows in index.items():
            sequence = [rows] if isinstance(rows, int) else rows
            # The state of each day is the day's last record.
            daily: list[int] = []
            for row in sequence:
                if daily and dates[daily[-1]] == dates[row]:
                    daily[-1] = row
                else:
                    daily.append(row)
            for position, row in enumerate(daily):
                if status[row] in _DISCUSSED:
                    end = dates[daily[position + 1]] if position + 1 < len(daily) else None
                    entry = (dates[row], pledge, system_of[row], status[row])
                    self._discussed.setdefault(donor_of[row], []).append((dates[row], end, entry))

    def totals(
        self, as_of: datetime.date, donors: Collection[str] | None = None
    ) -> dict[str, Totals]:
        """Per-donor figures as of *as_of*: the same as :meth:`Direct.totals` gives."""
        result: dict[str, Totals] = {}
        for donor, first in self._first_day.items():
            if first > as_of or (donors is not None and donor not in donors):
                continue
            totals = result[donor] = Totals()
            for figure, series in self._series.get(donor, {}).items():
                value = series.at(as_of)
                if value is None:
                    continue
                if figure == "pledges":
                    totals.pledges, totals.undisclosed = value
                elif figure[0] == "system":
                    if value[3]:
                        totals.systems[figure[1]] = list(value[:3])
                elif value[1]:
                    getattr(totals, figure[0])[figure[1]] = value[0]
            totals.discussed = [
                entry
                for start, end, entry in self._discussed.get(donor, ())
                if start <= as_of and (end is None or as_of < end)
            ]
        return result


class Counting:
    """Both engines over one ledger's columns; the timeline is built when first needed."""

    def __init__(self, table: RecordTable, index: Index) -> None:
        self.pledges = _Pledges(table, index)
        self.direct = Direct(self.pledges)
        self._timeline: Timeline | None = None
        self._checkpoints: Checkpoints | None = None

    @property
    def checkpoints(self) -> Checkpoints:
        if self._checkpoints is None:
            self._checkpoints = Checkpoints(self.pledges)
        return self._checkpoints

    @property
    def timeline(self) -> Timeline:
        if self._timeline is None:
            self._timeline = Timeline(self.pledges)
        return self._timeline
