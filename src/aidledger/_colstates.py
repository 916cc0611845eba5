"""Each pledge's state as of a date, on numpy columns (``Ledger.state`` for the columnar
engine): the same rows as ``_states.states``, worked out on arrays.

The record in force of each pledge is found from one sort by (pledge, date, input
order); the package links of that day are followed by pointer doubling (``_chains``),
links between pledges on a cycle cut, and what each chain shows (all committed, one
with an amount, the outermost package) folded up it (docs/counting-rules.md, "Packages").
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from aidledger._chains import cut, fold_up, on_cycles, stable_order
from aidledger._columns import DELIVERED, PLEDGED, REPORTED, STATUSES, Columns, day_number
from aidledger._exact import Exact, as_decimal
from aidledger.summary import PledgeState

__all__ = ["in_force", "states"]

Index = npt.NDArray[np.integer[Any]]


def in_force(columns: Columns, day: int) -> tuple[Index, Index]:
    """The pledges that exist on *day* (ascending codes) and the row in force of each."""
    date = columns.date.astype(np.int64)
    if not len(date):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    low = int(date.min())
    span = int(date.max()) - low + 1
    order = stable_order(columns.pledge.astype(np.int64) * span + (date - low))
    pledge = columns.pledge[order]
    on = date[order] <= day
    last = on.copy()
    last[:-1] &= ~(on[1:] & (pledge[1:] == pledge[:-1]))
    positions = np.flatnonzero(last)
    return pledge[positions].astype(np.intp), order[positions]


def states(columns: Columns, as_of: datetime.date) -> list[PledgeState]:
    """Every pledge that exists as of *as_of*, in the order of their first records."""
    c = columns
    pledges, rows = in_force(c, day_number(as_of))
    local = np.full(len(c.ids), -1, dtype=np.intp)
    local[pledges] = np.arange(len(pledges))
    named = c.part_of[rows]
    known = (named >= 0) & (named < len(c.ids))
    target = np.where(known, local[np.where(known, named, 0)], -1)
    status = c.status[rows]
    safe = np.maximum(target, 0)
    link = np.where((target >= 0) & (status[safe] != REPORTED), target, -1)
    cycle, _ = on_cycles(link)
    link = cut(link, cycle)
    committed = (status == PLEDGED) | (status == DELIVERED)
    valued = c.amount.present[rows]
    ok, priced, outermost = fold_up(
        link, [committed, valued, np.arange(len(link))], ["and", "or", "last"]
    )
    under = link >= 0
    above = np.maximum(link, 0)
    active = committed & (~under | ok[above])
    money = active & (~under | ~priced[above])
    package = np.where(under, outermost[above], -1)
    return _rows(c, as_of, pledges, rows, package, active, money)


def _decimals(column: Exact, rows: Index) -> list[Decimal | None]:
    """The amounts of *rows* as Decimals with their places as written."""
    present = column.present[rows].tolist()
    places = column.places[rows].tolist()
    if len(column.limbs) == 1:
        values = column.limbs[0][rows].tolist()
    else:
        values = [column.python(row) for row in rows.tolist()]
    made: dict[tuple[int, int], Decimal] = {}
    found: list[Decimal | None] = []
    for held, value, place in zip(present, values, places, strict=True):
        if not held:
            found.append(None)
            continue
        decimal = made.get((value, place))
        if decimal is None:
            decimal = made[(value, place)] = as_decimal(value, place)
        found.append(decimal)
    return found


def _ints(column: Exact, rows: Index) -> list[int | None]:
    present = column.present[rows].tolist()
    if len(column.limbs) == 1:
        values = column.limbs[0][rows].tolist()
    else:
        values = [column.python(row) for row in rows.tolist()]
    return [value if held else None for value, held in zip(values, present, strict=True)]


def _texts(distinct: list[str], codes: npt.NDArray[Any]) -> list[str | None]:
    lookup = np.array([*distinct, None], dtype=object)
    return list(lookup[codes])


def _rows(
    c: Columns,
    as_of: datetime.date,
    pledges: Index,
    rows: Index,
    package: Index,
    active: npt.NDArray[np.bool_],
    money: npt.NDArray[np.bool_],
) -> list[PledgeState]:
    status = [STATUSES[code] for code in c.status[rows].tolist()]
    delivered = (c.status[rows] == DELIVERED).tolist()
    quantity = _ints(c.quantity, rows)
    amount = _decimals(c.amount, rows)
    handed = _ints(c.delivered_quantity, rows)
    paid = _decimals(c.delivered_amount, rows)
    hidden_units = c.quantity_undisclosed[rows].tolist()
    hidden_value = c.amount_undisclosed[rows].tolist()
    names = _texts(c.systems, c.system[rows])
    keys = [None if name is None else c.system_keys[name] for name in names]
    ids = np.array(c.ids, dtype=object)
    outermost = np.array([*c.ids, None], dtype=object)[
        np.where(package >= 0, pledges[package], -1)
    ]
    days = np.unique(c.date[rows])
    dates = dict(zip(days.tolist(), (_date(day) for day in days.tolist()), strict=True))
    found = []
    for (
        pledge, row, state, done, units, value, part, part_value, units_hidden,
        value_hidden, name, key, counts, counted, top,
    ) in zip(
        ids[pledges].tolist(), rows.tolist(), status, delivered, quantity, amount, handed,
        paid, hidden_units, hidden_value, names, keys, active.tolist(), money.tolist(),
        outermost.tolist(), strict=True,
    ):  # fmt: skip
        if done:
            units_hidden, delivered_units = units is None, units
            value_hidden, delivered_value = value is None, value
        else:
            delivered_units, delivered_value = part, part_value
        has_system = counts and key is not None
        found.append(
            PledgeState(
                as_of=as_of,
                id=pledge,
                date=dates[int(c.date[row])],
                donor=c.donors[c.donor[row]],
                recipient=c.recipients[c.recipient[row]],
                system=key,
                variant=name,
                status=state,
                quantity=units,
                amount=value,
                currency=c.currencies[c.currency[row]] if c.currency[row] >= 0 else None,
                delivered_quantity=delivered_units,
                delivered_amount=delivered_value,
                delivered_quantity_undisclosed=units_hidden,
                delivered_amount_undisclosed=value_hidden,
                package=top,
                top_level=top is None,
                active=counts,
                money_counted=counted,
                counted_quantity=units if has_system else None,
                counted_delivered_quantity=delivered_units if has_system else None,
                counted_amount=value if counted else None,
                counted_delivered_amount=delivered_value if counted else None,
                source=c.sources[c.source[row]] if c.source[row] >= 0 else None,
            )
        )
    return found


def _date(day: int) -> datetime.date:
    return datetime.date(1970, 1, 1) + datetime.timedelta(days=day)
