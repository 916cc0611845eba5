"""The pure-Python engine's pass over the pledges (``_counting``).

What a pledge adds to its party's figures (a :class:`Share` of the units and money, its
source, a discussion or a checkpoint in force) can change only on a day when the pledge
or a package above it has a record. :class:`Walk` works each pledge out once for every
such day and records the changes: most pledges have one record under packages that no
longer change by its day, and add the same from that day on (summed together, by party
and day); a pledge with a history changes on its own days; the rest (a package that
changes later, a cycle) are worked out on every day of their chain.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from aidledger._engine import Discussed, Party
from aidledger._packages import ABOVE, UNKNOWN, Chains, Flags, Pledges, StatesOn, chain_of
from aidledger._series import MoneyPart
from aidledger.model import UNDISCLOSED, Status

__all__ = ["Cited", "Contribution", "Share", "Span", "Walk"]

_PLEDGED, _DELIVERED = Status.PLEDGED, Status.DELIVERED
_REPORTED, _CANCELLED = Status.REPORTED, Status.CANCELLED
_COMMITTED = (_PLEDGED, _DELIVERED)
# What the packages above an item show when they change after its day.
_MOVING = "moving"


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


class Contribution(NamedTuple):
    """Everything a pledge adds on one day."""

    share: Share | None
    source: str  # "" for none
    reported: int  # the row of a checkpoint in force, -1 for none
    discussion: Discussed | None


class Span(NamedTuple):
    """A checkpoint (its row) or a discussion in force from *start* until *end*
    (``None``: for good)."""

    start: datetime.date
    end: datetime.date | None
    value: Any


class Cited(NamedTuple):
    """A source cited by a party's records from *start* until *end*."""

    start: datetime.date
    end: datetime.date
    party: Party
    text: str


_NOTHING = Contribution(None, "", -1, None)
# The commitment date of a share without money (which needs none).
_NO_DAY = datetime.date.min


class Walk:
    """The pass over the pledges: every change each makes to its party's figures, by
    day (:meth:`run`). :class:`~aidledger._counting.Dated` sums them into running
    figures; the attributes below are what it takes."""

    def __init__(self, pledges: Pledges, parties: list[Party]) -> None:
        self.pledges = pledges
        self.table = pledges.table
        self.parties = parties
        #: The day each party first has a record.
        self.first_day: dict[Party, datetime.date] = {}
        #: Figures that hold from a day on: money by (party, currency, day) as text, the
        #: rows of systems by (party, system as written), counts by (party, day).
        self.fixed_money: tuple[dict[Any, list[str]], dict[Any, list[str]]] = ({}, {})
        self.fixed_systems: dict[tuple[Party, str], list[int]] = {}
        self.fixed_counts: dict[tuple[Party, datetime.date], list[int]] = {}
        #: Changes by day, summed in place as they are met: money by party and currency,
        #: (party, system) -> day -> [committed, delivered, undisclosed, undisclosed
        #: delivered, shares] and party -> day -> [top-level, of them with no amount,
        #: money whose delivered value is not known].
        self.parts: tuple[dict[Party, dict[str, list[MoneyPart]]], ...] = ({}, {})
        self.system_parts: dict[tuple[Party, str], dict[datetime.date, list[int]]] = {}
        self.count_parts: dict[Party, dict[datetime.date, list[int]]] = {}
        #: The day from which each source of a party is cited for good, by party; the
        #: sources cited for a while.
        self.since: dict[Party, dict[str, datetime.date]] = {}
        self.since.update((party, {}) for party in set(parties))
        self.spans: list[Cited] = []
        #: Discussions: those that never end, those that do (by party), checkpoints.
        self.open_discussed: dict[Party, list[Discussed]] = {}
        self.closed_discussed: dict[Party, list[Span]] = {}
        self.reported: list[Span] = []
        self._steady: dict[str, datetime.date | None] = {}
        self._final: Chains | None = None

    def run(self) -> None:
        """One pass over the pledges. A pledge with a history is worked out day by day
        (:meth:`_history`); one record discussed, stated or cancelled adds the same from
        its day on (:meth:`_unchanging`), and so does a committed one unless the packages
        above it change later (:meth:`_moving`): those are sorted by what the packages
        show them, then summed together (:meth:`_fixed`)."""
        table = self.table
        status, dates, part_of = table.status, table.date, table.part_of
        self._final = Chains(table, self.pledges.index)
        flags_of, steady_of, settled = self._flags, self._steady.get, self._final.memo.get
        # Committed single records by what the packages above show: none (top-level),
        # all committed and none with an amount (money counts), all committed and one
        # with an amount (only units count).
        top: list[int] = []
        free: list[int] = []
        priced: list[int] = []
        free_flags, priced_flags = ABOVE[True, False], ABOVE[True, True]
        for pledge, rows in self.pledges.index.items():
            if rows.__class__ is not int:
                self._history(pledge, rows)  # type: ignore[arg-type]
                continue
            row: int = rows
            state = status[row]
            if state is not _PLEDGED and state is not _DELIVERED:
                self._unchanging(pledge, row, state)
                continue
            package = part_of[row]
            if not package:
                top.append(row)
                continue
            # (_flags, inline for the usual case: a settled package worked out before.)
            steady = steady_of(package, UNKNOWN)
            flags = settled(package, UNKNOWN) if steady.__class__ is datetime.date else UNKNOWN
            if flags is UNKNOWN or steady > dates[row] or package == pledge:
                flags = flags_of(package, dates[row], pledge)
            if flags is None:
                top.append(row)
            elif flags is free_flags:
                free.append(row)
            elif flags is priced_flags:
                priced.append(row)
            elif flags is _MOVING:
                self._moving(pledge, [row])
        self._fixed(top, top=True, money=True)
        self._fixed(free, top=False, money=True)
        self._fixed(priced, top=False, money=False)
        self._first_days()

    def _unchanging(self, pledge: str, row: int, state: Status) -> None:
        """A single record discussed, stated or cancelled: the same from its day on,
        whatever is above it."""
        if state is _CANCELLED:
            return
        table = self.table
        day, party = table.date[row], self.parties[row]
        if state is _REPORTED:
            self.reported.append(Span(day, None, row))
        else:
            entry = Discussed(day, pledge, table.system[row], state)
            self.open_discussed.setdefault(party, []).append(entry)
        self._cite(party, table.source[row], day)

    def _cite(self, party: Party, text: str, day: datetime.date) -> None:
        """*party*'s records cite *text* from *day* on, for good."""
        if text:
            cited = self.since[party]
            if cited.get(text, datetime.date.max) > day:
                cited[text] = day

    def _fixed(self, rows: list[int], top: bool, money: bool) -> None:
        """Sum single committed records that add the same from their day on: their units,
        sources and (with *money*: no package above them has an amount) their money, and
        with *top* (no package above them) they are counted as pledges."""
        table, parties = self.table, self.parties
        dates, source, system_of, status = table.date, table.source, table.system, table.status
        amount, delivered_amount, currency = table.amount, table.delivered_amount, table.currency
        since, systems, counts = self.since, self.fixed_systems, self.fixed_counts
        committed_money, delivered_money = self.fixed_money
        never = datetime.date.max
        for row in rows:
            day, party = dates[row], parties[row]
            text = source[row]
            if text:
                cited = since[party]
                if cited.get(text, never) > day:
                    cited[text] = day
            system = system_of[row]
            if system:
                held = systems.get((party, system))
                if held is None:
                    systems[(party, system)] = [row]
                else:
                    held.append(row)
            if not money:
                continue
            value = amount[row]
            count = None
            if top:
                count = counts.get((party, day))
                if count is None:
                    count = counts[(party, day)] = [0, 0, 0]
                count[0] += 1
                if not value:
                    count[1] += 1
            delivered = status[row] is _DELIVERED
            paid = value if delivered else delivered_amount[row]
            if (delivered and not paid) or paid == UNDISCLOSED:
                paid = ""
                if count is None:
                    count = counts.get((party, day))
                    if count is None:
                        count = counts[(party, day)] = [0, 0, 0]
                count[2] += 1
            if value:
                bucket = committed_money.get((party, currency[row], day))
                if bucket is None:
                    committed_money[(party, currency[row], day)] = [value]
                else:
                    bucket.append(value)
            if paid:
                bucket = delivered_money.get((party, currency[row], day))
                if bucket is None:
                    delivered_money[(party, currency[row], day)] = [paid]
                else:
                    bucket.append(paid)

    def _first_days(self) -> None:
        """The day each party first has a record."""
        first = self.first_day
        never = datetime.date.max
        for party, day in zip(self.parties, self.table.date, strict=True):
            if first.get(party, never) > day:
                first[party] = day

    def _flags(self, package: str, day: datetime.date, pledge: str) -> Flags | str:
        """What an item of *pledge* dated from *day* sees above it, if that no longer
        changes by then; ``"moving"`` when it does (or when *pledge* is its own package)."""
        if package == pledge:
            return _MOVING
        steady = self._steady.get(package, UNKNOWN)
        if steady is UNKNOWN:
            if package not in self.pledges.index:
                return None
            steady = self._steady_from(package, set())
        if steady is None or steady > day:
            return _MOVING
        final = self._final
        assert final is not None  # made when the pass starts
        flags = final.memo.get(package, UNKNOWN)
        return final.above(package) if flags is UNKNOWN else flags

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

    def _history(self, pledge: str, rows: list[int]) -> None:
        """A pledge with several records: the state of each of its days, under packages
        that no longer change by its first day (else on every day of its chain)."""
        table = self.table
        dates = table.date
        flags: Flags | str = None
        package = table.part_of[rows[0]]
        if package:
            flags = self._flags(package, dates[rows[0]], pledge)
            if flags is _MOVING:
                self._moving(pledge, rows)
                return
        assert not isinstance(flags, str)
        points = []
        for position, row in enumerate(rows):
            if position + 1 < len(rows) and dates[rows[position + 1]] == dates[row]:
                continue  # a later record of the same day is the day's state
            points.append((dates[row], self._contribution(pledge, row, flags)))
        self._emit(self.parties[rows[0]], points, rows)

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
            state = StatesOn(index, dates, day)
            row = state[pledge]
            chain = chain_of(pledge, part_of, state, table.status)
            flags: Flags = None
            if chain:
                chain_rows = [state[p] for p in chain]
                flags = ABOVE[
                    all(table.status[r] in _COMMITTED for r in chain_rows),
                    any(table.amount[r] != "" for r in chain_rows),
                ]
            points.append((day, self._contribution(pledge, row, flags)))
        self._emit(self.parties[rows[0]], points, rows)

    def _contribution(self, pledge: str, row: int, flags: Flags) -> Contribution:
        """What *pledge* in state *row* adds, under packages that show *flags*."""
        table = self.table
        state = table.status[row]
        if state is _CANCELLED:
            return _NOTHING
        if state is _REPORTED:
            return Contribution(None, table.source[row], row, None)
        if state is not _PLEDGED and state is not _DELIVERED:
            entry = Discussed(table.date[row], pledge, table.system[row], state)
            return Contribution(None, table.source[row], -1, entry)
        if flags is not None and not flags.committed:
            return _NOTHING
        system = table.system[row]
        committed = delivered = undisclosed = undelivered = 0
        if system:
            committed, delivered, undisclosed, undelivered = _units(
                state, table.quantity[row], table.delivered_quantity[row]
            )
        value = paid = ""
        top = hidden = unpaid = 0
        if flags is None or not flags.valued:
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
        return Contribution(share, table.source[row], -1, None)

    def _emit(
        self, donor: Party, points: list[tuple[datetime.date, Contribution]], rows: list[int]
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
        for day, found in points:
            if found.share != share:
                if share is not None:
                    self._move(day, donor, share, -1)
                if found.share is not None:
                    self._move(day, donor, found.share, 1)
                share = found.share
            new = []
            while read < len(rows) and dates[rows[read]] <= day:
                text = source[rows[read]]
                if text and text not in texts:
                    texts[text] = None
                    new.append(text)
                read += 1
            if found.share is not None or found.reported >= 0 or found.discussion is not None:
                for text in new if cited else texts:
                    cited.setdefault(text, day)
            else:
                for text, start in cited.items():
                    self._close(0, donor, start, day, text)
                cited = {}
            values = (None, None if found.reported < 0 else found.reported, found.discussion)
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
                self._cite(donor, value, start)
            else:
                self.spans.append(Cited(start, end, donor, value))
        elif position == 1:  # a checkpoint in force
            self.reported.append(Span(start, end, value))
        elif end is None:
            self.open_discussed.setdefault(donor, []).append(value)
        else:
            self.closed_discussed.setdefault(donor, []).append(Span(start, end, value))

    def _move(self, day: datetime.date, donor: Party, share: Share, sign: int) -> None:
        """Add (*sign* 1) or take back (-1) a *share* from *day* on."""
        if share.system:
            line = self.system_parts.setdefault((donor, share.system), {}).setdefault(
                day, [0, 0, 0, 0, 0]
            )
            line[0] += sign * share.units
            line[1] += sign * share.delivered
            line[2] += sign * share.undisclosed
            line[3] += sign * share.undelivered
            line[4] += sign
        if share.top or share.unpaid:
            counted = self.count_parts.setdefault(donor, {}).setdefault(day, [0, 0, 0])
            counted[0] += sign * share.top
            counted[1] += sign * share.hidden
            counted[2] += sign * share.unpaid
        for which, text in enumerate((share.value, share.paid)):
            if text:
                amount = Decimal(text)
                exponent = int(amount.as_tuple().exponent)
                self.parts[which].setdefault(donor, {}).setdefault(share.currency, []).append(
                    MoneyPart(day, share.since, amount if sign > 0 else -amount, sign, exponent)
                )


def _units(state: Status, quantity: int | None, delivered: object) -> tuple[int, int, int, int]:
    """A system pledge's units: committed, delivered, and whether each is undisclosed."""
    committed, undisclosed = (0, 1) if quantity is None else (quantity, 0)
    if state is _DELIVERED:
        return committed, committed, undisclosed, undisclosed
    if isinstance(delivered, int):
        return committed, delivered, undisclosed, 0
    return committed, 0, undisclosed, 0 if delivered is None else 1
