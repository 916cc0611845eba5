"""Each pledge's state as of a date, with what the summary counts of it (``Ledger.state``).

One pass over the pledges, linear in their number whatever the shape of the packages:
links are followed once each, cycles found as the walks meet them, and what a package's
chain says (all committed, one of them with an amount, the outermost) worked out once per
package (docs/counting-rules.md, "Packages").
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from aidledger._table import Index, RecordTable
from aidledger.model import UNDISCLOSED, Status
from aidledger.summary import PledgeState

__all__ = ["states"]

_COMMITTED = (Status.PLEDGED, Status.DELIVERED)


def _rows_on(table: RecordTable, index: Index, day: datetime.date) -> dict[str, int]:
    """The row in force on *day* of each pledge that exists by then, in index order."""
    dates = table.date
    found: dict[str, int] = {}
    for pledge, rows in index.items():
        if isinstance(rows, int):
            if dates[rows] <= day:
                found[pledge] = rows
            continue
        current = None
        for row in rows:
            if dates[row] > day:
                break
            current = row
        if current is not None:
            found[pledge] = current
    return found


def _parents(table: RecordTable, rows: Mapping[str, int]) -> dict[str, str | None]:
    """Each pledge's package as of the day, ``None`` where the link is ignored (no such
    pledge yet, a ``reported`` one, or a link between pledges on a cycle)."""
    link: dict[str, str | None] = {}
    for pledge, row in rows.items():
        package = table.part_of[row]
        target = rows.get(package) if package else None
        ok = target is not None and table.status[target] is not Status.REPORTED
        link[pledge] = package if ok else None
    parent: dict[str, str | None] = {}
    for start in link:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in parent and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = link[node]
        cycle = set(path[path.index(node) :]) if node is not None and node in on_path else set()
        for member in path:
            parent[member] = None if member in cycle else link[member]
    return parent


def states(table: RecordTable, index: Index, as_of: datetime.date) -> list[PledgeState]:
    """Every pledge that exists as of *as_of*, in the order of their first records."""
    rows = _rows_on(table, index, as_of)
    parent = _parents(table, rows)
    # Per pledge, of its chain (the packages above it): all committed, one with an amount,
    # the outermost package.
    above: dict[str, tuple[bool, bool, str | None]] = {}
    for start in rows:
        path: list[str] = []
        node = start
        while node not in above:
            path.append(node)
            up = parent[node]
            if up is None:
                above[node] = (True, False, None)
                path.pop()
                break
            node = up
        for member in reversed(path):
            up = parent[member]
            assert up is not None
            committed, valued, outermost = above[up]
            row = rows[up]
            above[member] = (
                committed and table.status[row] in _COMMITTED,
                valued or table.amount[row] != "",
                outermost or up,
            )
    return [_state(table, as_of, pledge, row, above[pledge]) for pledge, row in rows.items()]


def _state(
    table: RecordTable,
    as_of: datetime.date,
    pledge: str,
    row: int,
    chain: tuple[bool, bool, str | None],
) -> PledgeState:
    status = table.status[row]
    chain_committed, chain_valued, outermost = chain
    active = status in _COMMITTED and chain_committed
    money = active and not chain_valued
    quantity = table.quantity[row]
    amount = Decimal(table.amount[row]) if table.amount[row] else None
    if status is Status.DELIVERED:
        units_undisclosed, units = quantity is None, quantity
        value_undisclosed, value = amount is None, amount
    else:
        stated_units = table.delivered_quantity[row]
        units_undisclosed = stated_units is UNDISCLOSED
        units = stated_units if isinstance(stated_units, int) else None
        stated_value = table.delivered_amount[row]
        value_undisclosed = stated_value == UNDISCLOSED
        value = None if value_undisclosed or not stated_value else Decimal(stated_value)
    system = table.system_key(row) or None
    return PledgeState(
        as_of=as_of,
        id=pledge,
        date=table.date[row],
        donor=table.donor[row],
        recipient=table.recipient[row],
        system=system,
        variant=table.system[row] or None,
        status=status,
        quantity=quantity,
        amount=amount,
        currency=table.currency[row] or None,
        delivered_quantity=units,
        delivered_amount=value,
        delivered_quantity_undisclosed=units_undisclosed,
        delivered_amount_undisclosed=value_undisclosed,
        package=outermost,
        top_level=outermost is None,
        active=active,
        money_counted=money,
        counted_quantity=quantity if active and system is not None else None,
        counted_delivered_quantity=units if active and system is not None else None,
        counted_amount=amount if money else None,
        counted_delivered_amount=value if money else None,
        source=table.source[row] or None,
    )
