"""The pure-Python counting engine behind summaries: docs/counting-rules.md over the
ledger's columns (the columnar engine, ``_columnar``, gives the same answers).

One pass over the pledges (``_pass``) records every change each makes to its party's
figures, by day; :class:`Dated` sums them into running figures (``_series``), so that
any date is then answered by a binary search per figure: the summary at the latest
date, at any past date, each checkpoint on its own date and a history day by day all
come from one pass. The property tests hold it to the plain reference implementation in
``tests``.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import operator
from collections.abc import Collection, Sequence
from decimal import Decimal, localcontext
from typing import Any

from aidledger._engine import Change, Discussed, Money, Party, Totals
from aidledger._packages import Pledges
from aidledger._pass import Span, Walk
from aidledger._series import MoneyPart, Running, Series, running
from aidledger._series import money as money_series
from aidledger._table import Index, RecordTable, bulk
from aidledger.model import Record, Status
from aidledger.money import EXACT

__all__ = ["Dated", "build"]

_DELIVERED, _REPORTED = Status.DELIVERED, Status.REPORTED
_COMMITTED_MONEY, _DELIVERED_MONEY = 0, 1
_WHICH = {"committed": _COMMITTED_MONEY, "delivered": _DELIVERED_MONEY}
_date, _start, _end = (operator.attrgetter(name) for name in ("date", "start", "end"))


class Dated:
    """Every party's figures on any day: the changes of one pass over the pledges
    (``_pass.Walk``) summed by day into running figures."""

    def __init__(self, pledges: Pledges) -> None:
        self.pledges = pledges
        table = self.table = pledges.table
        #: Each row's party, (donor, recipient): whose figures it adds to.
        self.parties = _parties(table)
        self._money: tuple[dict[Party, dict[str, Series[tuple[Decimal, int]]]], ...]
        self._systems: dict[Party, dict[str, Running]] = {}
        self._counts: dict[Party, Running] = {}
        # Discussions that end, in order of start and in order of end (a date is
        # answered from whichever side is shorter).
        self._closed_by_end: dict[Party, list[Span]] = {}
        self.memo: dict[str, dict[Any, Any]] = {}
        self._days: list[datetime.date] | None = None
        with bulk(), localcontext(EXACT):
            walk = Walk(pledges, self.parties)
            walk.run()
            self._first_day = walk.first_day
            self._since, self._spans, self._reported = walk.since, walk.spans, walk.reported
            self._open_discussed = walk.open_discussed
            self._closed_discussed = walk.closed_discussed
            self._parts = walk.parts  # (for the amounts by commitment date)
            self._finish(walk)

    # --- running figures ----------------------------------------------------------------

    def _finish(self, walk: Walk) -> None:
        """Sum the changes by day into series (in the exact context)."""
        for which, fixed in enumerate(walk.fixed_money):
            parts = walk.parts[which]
            for (donor, currency, day), texts in fixed.items():
                total = sum(map(Decimal, texts), Decimal(0))
                parts.setdefault(donor, {}).setdefault(currency, []).append(
                    MoneyPart(day, day, total, len(texts), None)
                )
        walk.fixed_money = ({}, {})
        count_parts = walk.count_parts
        for (donor, day), (count, hidden, unpaid) in walk.fixed_counts.items():
            counted = count_parts.setdefault(donor, {}).setdefault(day, [0, 0, 0])
            counted[0] += count
            counted[1] += hidden
            counted[2] += unpaid
        walk.fixed_counts = {}
        self._money = tuple(
            {
                donor: {currency: money_series(parts) for currency, parts in by.items()}
                for donor, by in money.items()
            }
            for money in walk.parts
        )
        fixed_rows, system_parts = walk.fixed_systems, walk.system_parts
        for key in [*fixed_rows, *(key for key in system_parts if key not in fixed_rows)]:
            by_day = system_parts.pop(key, {})
            self._add_systems(by_day, fixed_rows.pop(key, ()))
            self._systems.setdefault(key[0], {})[key[1]] = running(by_day)
        for donor, by_day in count_parts.items():
            self._counts[donor] = running(by_day)
        walk.count_parts = {}
        for entries in self._open_discussed.values():
            entries.sort()
        for donor, spans in self._closed_discussed.items():
            spans.sort(key=_start)
            self._closed_by_end[donor] = sorted(spans, key=_end)

    def _add_systems(self, by_day: dict[datetime.date, list[int]], rows: Sequence[int]) -> None:
        """Add the units of the fixed system *rows* to the changes of their days."""
        table = self.table
        dates, status, quantity = table.date, table.status, table.quantity
        delivered_quantity, delivered = table.delivered_quantity, _DELIVERED
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
            if status[row] is delivered:
                if units is None:
                    line[3] += 1
                else:
                    line[1] += units
            else:
                handed = delivered_quantity[row]
                if handed is not None:  # (most pledged records state no delivery)
                    if handed.__class__ is int:
                        line[1] += handed
                    else:  # undisclosed
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
                if line is not None:
                    *figures, shares = line
                    if shares:
                        totals.systems[system] = figures
            totals.discussed = self._discussed(donor, as_of)
        if money_only:
            return result, []
        reported = [
            span.value
            for span in self._reported
            if span.start <= as_of
            and (span.end is None or as_of < span.end)
            and _wanted(self.parties[span.value], donors, recipients)
        ]
        return result, reported

    def _discussed(self, donor: Party, day: datetime.date) -> list[Discussed]:
        entries = self._open_discussed.get(donor, [])
        found = entries[: bisect.bisect_right(entries, day, key=_date)]
        by_start = self._closed_discussed.get(donor)
        if by_start:
            began = bisect.bisect_right(by_start, day, key=_start)
            by_end = self._closed_by_end[donor]
            ended = bisect.bisect_right(by_end, day, key=_end)
            if began <= len(by_end) - ended:
                found.extend(
                    span.value for span in by_start[:began] if span.end is None or day < span.end
                )
            else:
                found.extend(span.value for span in by_end[ended:] if span.start <= day)
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
                for part in parts:
                    if part.day > day:
                        break
                    found = sums.get((currency, part.since))
                    if found is None:
                        sums[(currency, part.since)] = [part.amount, part.number]
                    else:
                        found[0] += part.amount
                        found[1] += part.number
        return {key: value for key, (value, count) in sums.items() if count}

    def changes(self, party: Party, which: str, until: datetime.date) -> list[Change]:
        """Every change of *party*'s committed or delivered money up to *until*, by day."""
        found = [
            (part.day, currency, part.since, part.amount, part.number)
            for currency, parts in self._parts[_WHICH[which]].get(party, {}).items()
            for part in itertools.takewhile(lambda part: part.day <= until, parts)
        ]
        found.sort(key=operator.itemgetter(0))
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
        """The sources of *donor*'s records in force as of *day* that are counted,
        discussed or stated (not cancelled, nor under an uncommitted package)."""
        found = {text for text, start in self._since.get(donor, {}).items() if start <= day}
        found.update(
            span.text
            for span in self._spans
            if span.party == donor and span.start <= day < span.end
        )
        return found


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


def build(table: RecordTable, index: Index) -> Dated:
    """The pure-Python engine over a ledger's columns and pledge index."""
    return Dated(Pledges(table, index))
