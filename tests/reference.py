"""A plain, slow second implementation of the counting rules (docs/counting-rules.md).

Written straight from the text over lists of records, sharing no code with the library's
engines, so that property tests can compare them with it on any ledger.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from aidledger import UNDISCLOSED, Record, Status

COMMITTED = {Status.PLEDGED, Status.DELIVERED}
#: A donor entry: (donor, recipient).
Entry = tuple[str, str]


def reference_summary(
    records: list[Record], as_of: datetime.date, resolve: Any = None, by_date: bool = False
) -> dict[Entry, dict[str, Any]]:
    """Figures per (donor, recipient) as plain dicts: committed/delivered by currency,
    pledges, undisclosed_value, undisclosed_delivered_value, systems {key: {"figures":
    [committed, delivered, undisclosed quantity, undisclosed delivered], "variants": {name as
    written: the same four}}}, discussed (date, id, key, status, name as written), and the
    sources of every record up to the date of the pledges that are counted, discussed or
    stated.

    *resolve* maps a system name to its catalog key (or ``None``: kept as written). With
    *by_date*, each donor also gets ``committed_by_date``: the committed amounts by
    currency and commitment date (the pledge's first pledged or delivered record)."""

    def commitment(pledge: str) -> datetime.date:
        return next(
            r.date
            for r in sorted(records, key=lambda r: r.date)
            if r.id == pledge and r.status in COMMITTED
        )

    def key(name: str) -> str:
        return (resolve(name) if resolve else None) or name

    state: dict[str, Record] = {}
    for record in sorted(
        (r for r in records if r.date <= as_of),
        key=lambda r: r.date,  # sorted() is stable: ties keep input order
    ):
        state[record.id] = record

    def link(pledge: str) -> str | None:
        package = state[pledge].part_of
        if package is None or package not in state:
            return None
        if state[package].status is Status.REPORTED:
            return None
        return package

    def on_cycle(pledge: str) -> bool:
        seen = []
        node: str | None = pledge
        while node is not None and node not in seen:
            seen.append(node)
            node = link(node)
        return node == pledge

    def parent(pledge: str) -> str | None:
        return None if on_cycle(pledge) else link(pledge)

    def chain(pledge: str) -> list[str]:
        found = []
        node = parent(pledge)
        while node is not None:
            found.append(node)
            node = parent(node)
        return found

    out: dict[str, dict[str, Any]] = {}
    for pledge, record in state.items():
        donor = out.setdefault(
            (record.donor, record.recipient),
            {
                "committed": defaultdict(Decimal),
                "delivered": defaultdict(Decimal),
                "pledges": 0,
                "undisclosed_value": 0,
                "undisclosed_delivered_value": 0,
                "systems": {},
                "discussed": [],
                "sources": set(),
                **({"committed_by_date": defaultdict(Decimal)} if by_date else {}),
            },
        )
        if record.status in (Status.REQUESTED, Status.CONSIDERING):
            system = None if record.system is None else key(record.system)
            donor["discussed"].append(
                (record.date, pledge, system, record.status.value, record.system)
            )
        links = chain(pledge)
        active = record.status in COMMITTED and all(state[p].status in COMMITTED for p in links)
        cited = active or record.status not in (*COMMITTED, Status.CANCELLED)
        if cited:
            # The sources of every record of the pledge up to the date, not only the
            # one in force.
            donor["sources"].update(
                r.source
                for r in records
                if r.id == pledge and r.date <= as_of and r.source is not None
            )
        if not active:
            continue
        if record.system is not None:
            line = donor["systems"].setdefault(
                key(record.system), {"figures": [0, 0, 0, 0], "variants": {}}
            )
            variant = line["variants"].setdefault(record.system, [0, 0, 0, 0])
            figures = [0, 0, 0, 0]
            if record.quantity is None:
                figures[2] = 1
            else:
                figures[0] = record.quantity
            if record.status is Status.DELIVERED:
                if record.quantity is None:
                    figures[3] = 1
                else:
                    figures[1] = record.quantity
            elif record.delivered_quantity is UNDISCLOSED:
                figures[3] = 1
            else:
                figures[1] = record.delivered_quantity or 0
            for position, value in enumerate(figures):
                line["figures"][position] += value
                variant[position] += value
        if any(state[p].amount is not None for p in links):
            continue
        if not links:
            donor["pledges"] += 1
            if record.amount is None:
                donor["undisclosed_value"] += 1
        if record.amount is not None:
            donor["committed"][record.currency] += record.amount
            if by_date:
                donor["committed_by_date"][(record.currency, commitment(pledge))] += record.amount
        delivered = record.amount if record.status is Status.DELIVERED else record.delivered_amount
        if delivered is UNDISCLOSED or (record.status is Status.DELIVERED and delivered is None):
            donor["undisclosed_delivered_value"] += 1
        elif delivered is not None:
            donor["delivered"][record.currency] += delivered
    for donor in out.values():
        donor["committed"] = dict(donor["committed"])
        donor["delivered"] = dict(donor["delivered"])
        donor["discussed"].sort(key=lambda d: (d[0], d[1]))
        donor["sources"] = sorted(donor["sources"])
    return out


def _figures(line: Any) -> list[int]:
    return [line.committed, line.delivered, line.undisclosed_quantity, line.undisclosed_delivered]


def summary_as_plain(summary: Any) -> dict[Entry, dict[str, Any]]:
    """A library summary in the shape of :func:`reference_summary`."""
    out = {}
    for entry in summary:
        out[entry.donor, entry.recipient] = {
            "committed": {c: m.amount for c, m in entry.committed.items()},
            "delivered": {c: m.amount for c, m in entry.delivered.items()},
            "pledges": entry.pledges,
            "undisclosed_value": entry.undisclosed_value,
            "undisclosed_delivered_value": entry.undisclosed_delivered_value,
            "systems": {
                line.system: {
                    "figures": _figures(line),
                    "variants": {v.name: _figures(v) for v in line.variants},
                }
                for line in entry.systems
            },
            "discussed": [
                (item.date, item.id, item.system, item.status.value, item.name)
                for item in entry.discussed
            ],
            "sources": list(entry.sources),
        }
    return out
