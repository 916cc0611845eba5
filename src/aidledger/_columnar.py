"""The columnar counting engine: the counting rules over numpy columns, exactly.

It answers what :class:`~aidledger._engine.Engine` asks, as the pure-Python engine
(``_counting``) does, and the property tests hold the two to the same answers. How:

- **States on any day without a group-by.** Records are sorted once by (pledge, date,
  input order) and each keeps the date its pledge's next record takes over: a record is
  in force on D when ``date <= D < next``. A same-day successor makes that span empty,
  so ties follow input order.
- **Most records count the same over their whole span.** The packages above a pledge
  stop changing what they show (committed, valued, reported) from a day on, their
  *steady* day (pointer doubling, ``_chains``). From then, a record counts as the
  packages show at the end of the ledger: the figures of such spans are summed for the
  first day asked, and kept as running sums by day from the second (a one-off summary
  never pays for them; ``_chains.Spanned``), any date then one binary search per group.
  The rest (a record before its packages settle, a cycle) is worked out on the day
  asked, on the few pledges concerned and the packages above them (``_timeline``).
- **Exact.** Quantities and amounts are summed as int64 limbs that cannot overflow and
  put together as Python integers (``_exact``); money is kept apart by the number of
  places written, so that a total shows the places its amounts need, as a Decimal sum
  would.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Collection
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from aidledger._chains import cut, fold_up, on_cycles
from aidledger._columns import DELIVERED, EPOCH, PLEDGED, REPORTED, STATUSES, Columns, day_number
from aidledger._engine import Change, Discussed, Money, Party, Totals
from aidledger._exact import as_decimal, combine
from aidledger._shares import Chain, Shares, group_sums
from aidledger._timeline import prepare, shares_of
from aidledger.model import Record

__all__ = ["Columnar", "build"]

Ints = npt.NDArray[np.integer[Any]]
Rows = npt.NDArray[np.integer[Any]]
Flags = npt.NDArray[np.bool_]

_WHICH = {"committed": 0, "delivered": 1}


class Columnar:
    """Every party's figures on any day, from numpy columns (see the module docstring)."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self.memo: dict[str, dict[Any, Any]] = {}
        self._by_day: dict[tuple[str, int], Any] = {}
        timeline = self._timeline = prepare(columns)
        self.parties = timeline.parties
        self.layout = timeline.layout
        self._fixed = timeline.fixed

    # --- a day's figures ------------------------------------------------------------------

    def _offset(self, day: datetime.date) -> int:
        """*day* as an offset of the timeline (clipped: nothing changes outside it)."""
        t = self._timeline
        return min(max(day_number(day) - t.low, -1), t.span - 1)

    def _moving_on(self, offset: int) -> tuple[Shares, Rows]:
        """What the moving spans in force on the day add: the packages above them are
        followed as they stand that day (links to pledges that do not exist yet or are
        ``reported`` ignored, links between pledges on a cycle cut)."""
        key = ("moving", offset)
        found = self._by_day.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        c, t = self.columns, self._timeline
        moving = t.moving
        count = len(moving.nodes)
        node = np.arange(count, dtype=np.int64)
        position = np.searchsorted(moving.key, node * t.span + offset, side="right") - 1
        clipped = np.maximum(position, 0)
        exists = (position >= 0) & (moving.key[clipped] // t.span == node)
        row = moving.node_rows[clipped]
        status = np.where(exists, c.status[row], -1)
        target = np.maximum(moving.link, 0)
        live = (moving.link >= 0) & exists & exists[target] & (status[target] != REPORTED)
        link = np.where(live, moving.link, -1)
        cycle, _ = on_cycles(link)
        link = cut(link, cycle)
        committed = (status == PLEDGED) | (status == DELIVERED)
        ok, priced = fold_up(link, [committed, exists & c.amount.present[row]], ["and", "or"])
        on = moving.spans.on(offset + t.low)
        rows = moving.spans.rows[on]
        above = link[moving.local[on]]
        held = np.maximum(above, 0)
        found = (shares_of(t, rows, Chain(above >= 0, ok[held], priced[held])), rows)
        if len(self._by_day) > 512:
            self._by_day.clear()
        self._by_day[key] = found
        return found

    def _figures(self, name: str, offset: int) -> dict[int, list[int]]:
        """Each group of a family with its figures on the day (fixed and moving)."""
        key = (name, offset)
        found = self._by_day.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        groups, values = self._fixed[name].at(offset)
        moving = self._moving_on(offset)[0].family(name)
        extra_groups, extra = group_sums(moving.group, moving.figures)
        result: dict[int, list[int]] = {}
        for group, *figures in zip(groups.tolist(), *(v.tolist() for v in values), strict=True):
            result[group] = figures
        for group, *figures in zip(
            extra_groups.tolist(), *(v.tolist() for v in extra), strict=True
        ):
            held = result.get(group)
            result[group] = (
                figures if held is None else [a + b for a, b in zip(held, figures, strict=True)]
            )
        self._by_day[key] = result
        return result

    def _money(self, offset: int) -> dict[int, tuple[dict[str, Decimal], dict[str, Decimal]]]:
        """Each party's committed and delivered money by currency on the day."""
        key = ("money by party", offset)
        found = self._by_day.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        c, layout = self.columns, self.layout
        width = c.amount.width
        sums: dict[tuple[int, int, int], dict[int, list[int]]] = {}
        for group, figures in self._figures("money", offset).items():
            which, party, currency, places = layout.unpack_money(group)
            sums.setdefault((which, party, currency), {})[places] = figures
        result: dict[int, tuple[dict[str, Decimal], dict[str, Decimal]]] = {}
        for (which, party, currency), by_places in sums.items():
            amount = _amount(by_places, width)
            if amount is not None:
                result.setdefault(party, ({}, {}))[which][c.currencies[currency]] = amount
        self._by_day[key] = result
        return result

    def _systems(self, offset: int) -> dict[int, dict[str, list[int]]]:
        """Each party's system lines (by name as written) on the day."""
        key = ("systems by party", offset)
        found = self._by_day.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        c = self.columns
        width = c.quantity.width
        result: dict[int, dict[str, list[int]]] = {}
        names = c.systems
        for group, figures in self._figures("systems", offset).items():
            *units, undisclosed, undelivered, shares = figures
            if not shares:
                continue  # no share of the system counts on the day
            party, system = divmod(group, self.layout.systems)
            if len(units) == 2:  # one limb each (the usual case)
                committed, delivered = units
            else:
                limbs = len(units) // 2
                committed = combine(units[:limbs], width)
                delivered = combine(units[limbs:], width)
            line = [committed, delivered, undisclosed, undelivered]
            result.setdefault(party, {})[names[system]] = line
        self._by_day[key] = result
        return result

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
        rows of the checkpoints in force."""
        day = day_number(as_of)
        offset = self._offset(as_of)
        money = self._money(offset)
        chosen = [
            code
            for code, first in enumerate(self._timeline.first_day.tolist())
            if first <= day and _wanted(self.parties[code], donors, recipients)
        ]
        result: dict[Party, Totals] = {}
        for code in chosen:
            party = self.parties[code]
            totals = result[party] = Totals(self, party, as_of)
            committed, delivered = money.get(code, ({}, {}))
            totals.committed.update(committed)
            totals.delivered.update(delivered)
        if money_only:
            return result, []
        counts = self._figures("counts", offset)
        systems = self._systems(offset)
        discussed = self._discussions(day)
        for code in chosen:
            totals = result[self.parties[code]]
            totals.pledges, totals.undisclosed, totals.unpaid = counts.get(code, (0, 0, 0))
            totals.systems.update(systems.get(code, {}))
            totals.discussed = discussed.get(code, [])
        spans = self._timeline.reported
        in_force = spans.rows[spans.on(day)].tolist()
        reported = [row for row in in_force if _wanted(self._party_of(row), donors, recipients)]
        return result, reported

    def _party_of(self, row: int) -> Party:
        return self.parties[int(self._timeline.party[row])]

    def _discussions(self, day: int) -> dict[int, list[Discussed]]:
        """Each party's discussions in force on the day."""
        spans = self._timeline.discussed
        entries = self._discussion_entries()
        found: dict[int, list[Discussed]] = {}
        for position in np.flatnonzero(spans.on(day)).tolist():
            found.setdefault(int(spans.party[position]), []).append(entries[position])
        return found

    def _discussion_entries(self) -> list[Discussed]:
        """What each discussed span lists (made once: the same whatever the day)."""
        entries: list[Discussed] | None = self.memo.get("discussions", {}).get("all")
        if entries is None:
            c = self.columns
            rows = self._timeline.discussed.rows
            ids = c.ids
            names = [*c.systems, ""]
            dated = set(c.date[rows].tolist())
            days = {day: EPOCH + datetime.timedelta(days=day) for day in dated}
            entries = [
                Discussed(days[day], ids[pledge], names[system], STATUSES[status])
                for day, pledge, system, status in zip(
                    c.date[rows].tolist(), c.pledge[rows].tolist(), c.system[rows].tolist(),
                    c.status[rows].tolist(), strict=True,
                )
            ]  # fmt: skip
            self.memo.setdefault("discussions", {})["all"] = entries
        return entries

    def money(self, party: Party, day: datetime.date) -> Totals:
        """*party*'s committed and delivered money as of *day* (nothing else filled in)."""
        totals = Totals(self, party, day)
        code = self._code(party)
        if code is not None:
            committed, delivered = self._money(self._offset(day)).get(code, ({}, {}))
            totals.committed.update(committed)
            totals.delivered.update(delivered)
        return totals

    def _code(self, party: Party) -> int | None:
        try:
            return self.parties.index(party)
        except ValueError:
            return None

    def units(self, party: Party, key: str, day: datetime.date) -> int:
        """The units of the system *key* (however written) *party* committed as of *day*."""
        code = self._code(party)
        if code is None:
            return 0
        keys = self.columns.system_keys
        lines = self._systems(self._offset(day)).get(code, {})
        return sum(figures[0] for name, figures in lines.items() if keys[name] == key)

    def keyed(self, party: Party, which: str, day: datetime.date) -> Money:
        """*party*'s committed or delivered amounts as of *day*, by currency and
        commitment date."""
        code = self._code(party)
        if code is None:
            return {}
        c, layout = self.columns, self.layout
        wanted = _WHICH[which]
        sums: dict[tuple[int, int], dict[int, list[int]]] = {}
        for group, figures in self._figures("keyed", self._offset(day)).items():
            kind, owner, currency, since, places = layout.unpack_keyed(group)
            if kind == wanted and owner == code:
                sums.setdefault((currency, since), {})[places] = figures
        result: Money = {}
        for (currency, since), by_places in sums.items():
            amount = _amount(by_places, c.amount.width)
            if amount is not None:
                day_of = EPOCH + datetime.timedelta(days=int(self._timeline.since_days[since]))
                result[(c.currencies[currency], day_of)] = amount
        return result

    def changes(self, party: Party, which: str, until: datetime.date) -> list[Change]:
        """Every change of *party*'s committed or delivered money up to *until*, by day.

        A history in a reporting currency reads every change, which the running sums
        here give only one day at a time (a day-by-day walk took minutes at 100,000
        records). The pure-Python engine, built once over the same records when first
        asked, lists them in one pass: the same rules, the reference answer."""
        engine = self.memo.setdefault("pure engine", {}).get("engine")
        if engine is None:
            from aidledger import _counting
            from aidledger._table import index_pledges

            table = self.columns.table()
            engine = self.memo["pure engine"]["engine"] = _counting.build(
                table, index_pledges(table)
            )
        found: list[Change] = engine.changes(party, which, until)
        return found

    def sources(self, party: Party, day: datetime.date) -> set[str]:
        """The sources of every record up to *day* of *party*'s pledges that are counted,
        discussed or stated on *day*."""
        code = self._code(party)
        if code is None:
            return set()
        c = self.columns
        number = day_number(day)
        rows = []
        t = self._timeline
        for spans in (t.cited, t.discussed, t.reported):
            rows.append(spans.rows[spans.on(number) & (spans.party == code)])
        moving_shares, moving = self._moving_on(self._offset(day))
        moving = moving[moving_shares.active]
        rows.append(moving[t.party[moving] == code])
        # A pledge cited on *day* cites the sources of all its records up to it.
        cited = np.zeros(len(c.ids), dtype=np.bool_)
        cited[c.pledge[np.concatenate(rows)]] = True
        codes = np.unique(c.source[cited[c.pledge] & (c.date <= number)])
        return {c.sources[source] for source in codes.tolist() if source >= 0}

    def culprit(self, party: Party, currency: str, day: datetime.date) -> str:
        """Names a pledge of *party* committed in *currency* on *day* (for messages)."""
        c, t = self.columns, self._timeline
        code = self._code(party)
        if currency in c.currencies and code is not None:
            first = t.first
            match = (
                (t.party[first] == code)
                & (c.currency[first] == c.currencies.index(currency))
                & (t.since == day_number(day))
            )
            found = np.flatnonzero(match)
            if len(found):
                return f"pledge {c.ids[int(found[0])]!r} (committed {day.isoformat()})"
        return f"{party[0]}'s {currency} amounts committed on {day.isoformat()}"

    def days(self, until: datetime.date) -> list[datetime.date]:
        """Every record date up to *until*, in order."""
        if "days" not in self.memo:
            distinct = np.unique(self.columns.date).tolist()
            self.memo["days"] = {"all": [EPOCH + datetime.timedelta(days=d) for d in distinct]}
        every: list[datetime.date] = self.memo["days"]["all"]
        return every[: bisect.bisect_right(every, until)]

    def reported(
        self,
        until: datetime.date,
        donors: Collection[str] | None = None,
        recipients: Collection[str] | None = None,
    ) -> list[int]:
        """The rows of the ``reported`` records dated up to *until*, in input order."""
        c = self.columns
        rows = np.flatnonzero((c.status == REPORTED) & (c.date <= day_number(until)))
        return [row for row in rows.tolist() if _wanted(self._party_of(row), donors, recipients)]

    def record(self, row: int) -> Record:
        """The record at *row* (input order), as an object."""
        return self.columns.record(row)

    def system_key(self, name: str) -> str:
        """The catalog key a system name of the ledger resolves to."""
        return self.columns.system_keys.get(name, name)


def _amount(by_places: dict[int, list[int]], width: int) -> Decimal | None:
    """A money total from its sums by places (limbs, then the number of amounts), with
    the places of the amounts that count; ``None`` when no amount counts."""
    counted = [places for places, figures in by_places.items() if figures[-1]]
    if not counted:
        return None
    places = max(counted)
    total = 0
    for held in counted:  # (a group none of whose amounts counts any more sums to 0)
        total += combine(by_places[held][:-1], width) * 10 ** (places - held)
    return as_decimal(total, places)


def _wanted(
    party: Party, donors: Collection[str] | None, recipients: Collection[str] | None
) -> bool:
    return (donors is None or party[0] in donors) and (
        recipients is None or party[1] in recipients
    )


def build(columns: Columns) -> Columnar:
    """The columnar engine over a ledger's columns."""
    return Columnar(columns)
