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
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal, localcontext
from typing import Any

from aidledger._table import Index, RecordTable
from aidledger.model import Status
from aidledger.money import EXACT

__all__ = ["Counting", "Direct", "Timeline", "Totals"]

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
        part_of = table.part_of
        self.links: dict[str, str] = {}
        for pledge, rows in index.items():
            package = part_of[_first_row(rows)]
            if package:
                self.links[pledge] = package
        self.commitment: dict[str, datetime.date] = {}

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
        self._latest: dict[str, int] | None = None

    def states(self, as_of: datetime.date) -> dict[str, int]:
        """The row in force for each pledge that exists as of *as_of* (DESIGN 3.1).

        The result may be shared between calls: do not change it.
        """
        index = self.pledges.index
        if self.last_date is not None and as_of >= self.last_date:
            if self._latest is None:
                self._latest = {
                    pledge: rows if isinstance(rows, int) else rows[-1]
                    for pledge, rows in index.items()
                }
            return self._latest
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

    def parents(self, states: Mapping[str, int]) -> dict[str, str]:
        """The package each existing pledge belongs to as of the states' date.

        Links to pledges that do not exist yet or are ``reported`` are ignored, and so are
        links between pledges on a cycle: each of those is top-level (DESIGN 3.2).
        """
        status = self.table.status
        parent: dict[str, str] = {}
        for pledge, package in self.pledges.links.items():
            if pledge in states:
                package_row = states.get(package)
                if package_row is not None and status[package_row] is not _REPORTED:
                    parent[pledge] = package
        # Only a pledge whose package has a package of its own can be on a cycle.
        deeper = [pledge for pledge, package in parent.items() if package in parent]
        for pledge in _on_cycles(parent, deeper):
            del parent[pledge]
        return parent

    def totals(
        self, as_of: datetime.date, donors: Collection[str] | None = None
    ) -> tuple[dict[str, Totals], dict[str, int]]:
        """Per-donor figures as of *as_of*, and the states they came from."""
        table = self.table
        states = self.states(as_of)
        parent = self.parents(states)
        status, donor_of, system_of, dates = table.status, table.donor, table.system, table.date
        quantity, delivered_quantity = table.quantity, table.delivered_quantity
        amount, delivered_amount, currency = table.amount, table.delivered_amount, table.currency
        source = table.source
        commitment = self.pledges.commitment
        commitment_date = self.pledges.commitment_date

        # For each package: (every pledge of its chain is committed, one of them has an
        # amount), computed once, from the top of each chain down.
        chain: dict[str, tuple[bool, bool]] = {}

        def package_flags(package: str) -> tuple[bool, bool]:
            path = []
            node: str | None = package
            while node is not None and node not in chain:
                path.append(node)
                node = parent.get(node)
            for node in reversed(path):
                row = states[node]
                own = (status[row] in _COMMITTED, amount[row] != "")
                up = parent.get(node)
                if up is None:
                    chain[node] = own
                else:
                    above = chain[up]
                    chain[node] = (own[0] and above[0], own[1] or above[1])
            return chain[package]

        result: dict[str, Totals] = {}
        # Amounts are gathered as text and summed once per key at the end.
        committed: dict[str, dict[tuple[str, datetime.date], list[str]]] = {}
        delivered: dict[str, dict[tuple[str, datetime.date], list[str]]] = {}
        for pledge, row in states.items():
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
                    if source[row]:
                        totals.sources.add(source[row])
                elif state is _REPORTED and source[row]:
                    totals.sources.add(source[row])
                continue
            package = parent.get(pledge)
            if package is None:
                top = counts_money = True
            else:
                flags = chain.get(package) or package_flags(package)
                if not flags[0]:
                    continue
                top = False
                counts_money = not flags[1]
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
                    key = (currency[row], commitment.get(pledge) or commitment_date(pledge))
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
        return result, states


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


# --- the timeline -----------------------------------------------------------------------

# What one pledge adds to its donor's figures as of a day, or None when nothing:
# (system, units committed, delivered, undisclosed, money key, amount, delivered amount,
#  top-level pledges, of them undisclosed).
_Share = tuple[str, int, int, int, tuple[str, datetime.date] | None, Decimal | None,
               Decimal | None, int, int]  # fmt: skip


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

    def _chain(self, pledge: str) -> list[str] | None:
        """The packages above *pledge* as of the current day (DESIGN 3.2), nearest first;
        ``None`` when *pledge* itself is on a cycle."""
        links, state, status = self.pledges.links, self._state, self._status
        path = [pledge]
        seen = {pledge}
        node = pledge
        while True:
            package = links.get(node)
            if package is None or package not in state or status[state[package]] is _REPORTED:
                return path[1:]
            if package in seen:
                start = path.index(package)
                if start == 0:
                    return None  # pledge is on the cycle: its own link is ignored
                return path[1:]  # the walk stops at the first pledge on the cycle
            path.append(package)
            seen.add(package)
            node = package

    def _share_of(self, pledge: str) -> _Share | None:
        table, row = self.table, self._state[pledge]
        state = self._status[row]
        if state not in _COMMITTED:
            return None
        chain = self._chain(pledge) or []
        rows = [self._state[package] for package in chain]
        if any(self._status[r] not in _COMMITTED for r in rows):
            return None
        top = not chain
        counts_money = not any(self._amount[r] for r in rows)
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
        pledges = undisclosed_value = 0
        if counts_money:
            text = table.amount[row]
            delivered_text = text if state is _DELIVERED else table.delivered_amount[row]
            if top:
                pledges = 1
                undisclosed_value = 0 if text else 1
            if text or delivered_text:
                key = (table.currency[row], self.pledges.commitment_date(pledge))
                value = Decimal(text) if text else None
                delivered_value = Decimal(delivered_text) if delivered_text else None
        return (system, committed, delivered, undisclosed, key, value, delivered_value,
                pledges, undisclosed_value)  # fmt: skip

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

    @property
    def timeline(self) -> Timeline:
        if self._timeline is None:
            self._timeline = Timeline(self.pledges)
        return self._timeline

    def totals(
        self, as_of: datetime.date, donors: Collection[str] | None = None, many: bool = False
    ) -> dict[str, Totals]:
        """Per-donor figures as of *as_of*; *many* says more dates will be asked for."""
        if many or self._timeline is not None:
            return self.timeline.totals(as_of, donors)
        return self.direct.totals(as_of, donors)[0]
