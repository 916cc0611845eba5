"""Building summaries from a counting engine's answers (docs/counting-rules.md).

:func:`summarize` turns each party's figures as of a date into the values of
:mod:`aidledger.summary`: systems grouped by catalog key with their variants as written,
discussions, checkpoints reconciled, and, with a reporting currency, totals converted at
each pledge's commitment date and rounded once. :func:`history` gives the same money
figures on every day they change.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from aidledger._conversion import Converter, converted
from aidledger._engine import Engine, Party, Totals
from aidledger.checkpoints import reconcile
from aidledger.money import Money
from aidledger.summary import (
    CheckpointCheck,
    Discussion,
    DonorSummary,
    History,
    HistoryPoint,
    Summary,
    SystemTotal,
    Variant,
)

if TYPE_CHECKING:
    from aidledger.catalog import Catalog

__all__ = ["history", "summarize"]


def summarize(
    engine: Engine,
    catalog: Catalog,
    as_of: datetime.date | None,
    donors: Collection[str] | None = None,
    currency: str | None = None,
    rate: Converter | None = None,
    recipients: Collection[str] | None = None,
) -> Summary:
    """The :class:`Summary` as of *as_of* of some *donors* to some *recipients* (``None``:
    all). With *currency*, each entry's totals are converted into it with *rate*, at the
    rate in force on each pledge's commitment date; *rate* also converts checkpoints
    stated in one currency when the ledger holds others. Without *rate*, nothing is
    converted."""
    wanted = None if donors is None else frozenset(donors)
    chosen = None if recipients is None else tuple(sorted(set(recipients)))
    rate = _once(rate)
    if as_of is None:
        return Summary(
            as_of=None, currency=currency, donors=(), recipients=chosen or (),
            recipient_filter=chosen,
        )  # fmt: skip
    totals, reported = engine.totals(as_of, wanted, chosen)
    checkpoints = _by_party(reconcile(engine, reported, rate))
    entries = []
    for party in sorted(totals):
        entry = totals[party]
        committed_total = delivered_total = None
        if currency is not None:
            culprit = _culprit(engine, party)
            committed_total = converted(entry.keyed("committed"), currency, rate, culprit)
            delivered_total = converted(entry.keyed("delivered"), currency, rate, culprit)
        entries.append(
            DonorSummary(
                donor=party[0],
                recipient=party[1],
                committed={c: Money(a, c) for c, a in entry.committed.items()},
                delivered={c: Money(a, c) for c, a in entry.delivered.items()},
                committed_total=committed_total,
                delivered_total=delivered_total,
                pledges=entry.pledges,
                undisclosed_value=entry.undisclosed,
                undisclosed_delivered_value=entry.unpaid,
                systems=_systems(engine, catalog, entry),
                discussed=_discussed(engine, entry),
                checkpoints=tuple(sorted(checkpoints.get(party, ()), key=_checkpoint_order)),
                sources=entry.sources,
            )
        )

    def history_of_summary() -> History:
        return history(engine, as_of, wanted, currency, rate, chosen)

    covered = chosen if chosen is not None else tuple(sorted({party[1] for party in totals}))
    return Summary(
        as_of=as_of,
        currency=currency,
        donors=tuple(entries),
        recipients=covered,
        recipient_filter=chosen,
        history=history_of_summary,
    )


def _systems(engine: Engine, catalog: Catalog, entry: Totals) -> tuple[SystemTotal, ...]:
    """The entry's system lines by catalog key, each with its variants as written."""
    by_key: dict[str, list[tuple[str, list[int]]]] = {}
    for name, figures in entry.systems.items():
        by_key.setdefault(engine.system_key(name), []).append((name, figures))
    lines = []
    for key in sorted(by_key):
        written = by_key[key]
        if len(written) == 1:  # (most lines have one variant: its figures are the line's)
            figures = written[0][1]
        else:
            written.sort(key=_first)
            figures = [sum(column) for column in zip(*(f for _, f in written), strict=True)]
        committed, delivered, undisclosed, undelivered = figures
        system = catalog.get(key)
        lines.append(
            SystemTotal(
                system=key,
                name=key if system is None else system.name,
                committed=committed,
                delivered=delivered,
                undisclosed_quantity=undisclosed,
                undisclosed_delivered=undelivered,
                variants=tuple(Variant(name, *found) for name, found in written),
            )
        )
    return tuple(lines)


def _discussed(engine: Engine, entry: Totals) -> tuple[Discussion, ...]:
    return tuple(
        Discussion(
            id=pledge,
            system=engine.system_key(name) if name else None,
            status=status,
            date=date,
            name=name or None,
        )
        for date, pledge, name, status in sorted(entry.discussed, key=lambda d: d[:2])
    )


def _first(item: tuple[str, list[int]]) -> str:
    return item[0]


def _checkpoint_order(check: CheckpointCheck) -> tuple[datetime.date, str]:
    return (check.date, check.id)


def _by_party(checks: list[CheckpointCheck]) -> dict[Party, list[CheckpointCheck]]:
    found: dict[Party, list[CheckpointCheck]] = {}
    for check in checks:
        found.setdefault((check.donor, check.recipient), []).append(check)
    return found


def _once(rate: Converter | None) -> Converter | None:
    """*rate*, asked once per currency pair and day: every party of a summary (and every
    day of a history) asks for the same few."""
    if rate is None:
        return None
    known: dict[tuple[str, str, datetime.date], Fraction] = {}

    def once(base: str, quote: str, day: datetime.date) -> Fraction:
        found = known.get((base, quote, day))
        if found is None:
            found = known[(base, quote, day)] = rate(base, quote, day)
        return found

    return once


def _culprit(engine: Engine, party: Party) -> Callable[[str, datetime.date], str]:
    def name(currency: str, day: datetime.date) -> str:
        return engine.culprit(party, currency, day)

    return name


def history(
    engine: Engine,
    until: datetime.date,
    donors: Collection[str] | None,
    currency: str | None,
    rate: Converter | None,
    recipients: Collection[str] | None = None,
) -> History:
    """Each party's committed and delivered value on every day it changed, up to *until*,
    in *currency* (converted with *rate*) or in the one currency it holds."""
    lines: dict[Party, list[HistoryPoint]] = {}
    units: dict[Party, str] = {}
    rate = _once(rate)
    for day in engine.days(until):
        money = engine.totals(day, donors, recipients, money_only=True)[0]
        for party, totals in money.items():
            if currency is not None:
                culprit = _culprit(engine, party)
                committed = converted(totals.keyed("committed"), currency, rate, culprit).amount
                delivered = converted(totals.keyed("delivered"), currency, rate, culprit).amount
                units[party] = currency
            else:
                held = set(totals.committed) | set(totals.delivered)
                if party in units:
                    held.add(units[party])
                if len(held) > 1:
                    raise ValueError(
                        f"{party[0]} holds {', '.join(sorted(held))}: give a reporting "
                        "currency and rates to draw its history in one"
                    )
                if not held:
                    continue
                units[party] = held.pop()
                committed = totals.committed.get(units[party], Decimal(0))
                delivered = totals.delivered.get(units[party], Decimal(0))
            points = lines.setdefault(party, [])
            if not points or (points[-1].committed, points[-1].delivered) != (
                committed,
                delivered,
            ):
                points.append(HistoryPoint(day, committed, delivered))
    checks = _by_party(reconcile(engine, engine.reported(until, donors, recipients), rate))
    return History(
        currency=currency,
        lines={party: tuple(points) for party, points in lines.items()},
        checkpoints={party: tuple(found) for party, found in checks.items()},
        currencies=units,
    )
