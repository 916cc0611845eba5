"""Building summaries from a counting engine's answers (docs/counting-rules.md).

:func:`summarize` turns each party's figures as of a date into the values of
:mod:`aidledger.summary`: systems grouped by catalog key with their variants as written,
discussions, checkpoints reconciled, and, with a reporting currency, totals converted at
each pledge's commitment date and rounded once. :func:`history` gives the same money
figures on every day they change.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Collection
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from aidledger._conversion import Converter, converted, exact_sum, round_fraction
from aidledger._engine import Engine, Party, Totals
from aidledger.checkpoints import reconcile
from aidledger.money import EXACT, Money
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
                as_of=as_of,
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
    in *currency* (converted with *rate*) or in the one currency it holds. A party's line
    starts on the first day it has a disclosed amount: before, nothing is known (not 0)."""
    if currency is None:
        lines, units = _held_history(engine, until, donors, recipients)
    else:
        lines, units = {}, {}
        # (Each pair and commitment date is looked up once, for every party and day.)
        factor = None if rate is None else functools.cache(rate)
        for party in engine.totals(until, donors, recipients, money_only=True)[0]:
            points = _converted_history(engine, party, until, currency, factor)
            if points:
                lines[party], units[party] = points, currency
    checks = _by_party(reconcile(engine, engine.reported(until, donors, recipients), rate))
    return History(
        currency=currency,
        lines={party: tuple(points) for party, points in lines.items()},
        checkpoints={party: tuple(found) for party, found in checks.items()},
        currencies=units,
    )


def _held_history(
    engine: Engine,
    until: datetime.date,
    donors: Collection[str] | None,
    recipients: Collection[str] | None,
) -> tuple[dict[Party, list[HistoryPoint]], dict[Party, str]]:
    """Each party's values in the one currency it holds, day by day."""
    lines: dict[Party, list[HistoryPoint]] = {}
    units: dict[Party, str] = {}
    for day in engine.days(until):
        money = engine.totals(day, donors, recipients, money_only=True)[0]
        for party, totals in money.items():
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
            _step(
                lines.setdefault(party, []),
                day,
                totals.committed.get(units[party], Decimal(0)),
                totals.delivered.get(units[party], Decimal(0)),
            )
    return lines, units


def _converted_history(
    engine: Engine,
    party: Party,
    until: datetime.date,
    currency: str,
    rate: Converter | None,
) -> list[HistoryPoint]:
    """*party*'s values in *currency* on every day they change: each change is converted
    once (at its commitment date) and added to an exact running sum, rounded once a day,
    as a summary of that day would round it. (Asking the engine for every day's amounts
    instead made a history quadratic in the ledger's size.)"""
    culprit = _culprit(engine, party)
    by_day: dict[datetime.date, list[dict[tuple[str, datetime.date], Decimal]]] = {}
    counts: dict[datetime.date, int] = {}
    for which in (0, 1):
        for day, source, since, amount, count in engine.changes(
            party, ("committed", "delivered")[which], until
        ):
            sums = by_day.setdefault(day, [{}, {}])[which]
            key = (source, since)
            sums[key] = EXACT.add(sums.get(key, Decimal(0)), amount)
            counts[day] = counts.get(day, 0) + count
    points: list[HistoryPoint] = []
    exact = [Fraction(0), Fraction(0)]
    disclosed = 0
    for day in sorted(by_day):
        for which, sums in enumerate(by_day[day]):
            exact[which] += exact_sum(sums, currency, rate, culprit)
        disclosed += counts[day]
        if disclosed:
            _step(
                points,
                day,
                round_fraction(exact[0], currency),
                round_fraction(exact[1], currency),
            )
    return points


def _step(
    points: list[HistoryPoint], day: datetime.date, committed: Decimal, delivered: Decimal
) -> None:
    """Add the values of *day* to a line, if they differ from the last."""
    if not points or (points[-1].committed, points[-1].delivered) != (committed, delivered):
        points.append(HistoryPoint(day, committed, delivered))
