"""Per-donor summaries as of a date: the counting rules of DESIGN 3.

:func:`summarize` reads the ledger's columns and builds typed, immutable summary objects.
The rules, in short: the state of a pledge as of D is its last record dated on or before D;
``pledged`` and ``delivered`` are committed; a component follows its package (cancel the
package and its items are cancelled); money is counted once, at the outermost package
that has an amount; quantities come from every active pledge; ``requested`` and
``considering`` are listed, never summed; ``reported`` records are checkpoints.
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from aidledger._counting import Counting
from aidledger._table import RecordTable
from aidledger.errors import RateNotFoundError
from aidledger.model import Status, donor_name
from aidledger.money import EXACT, Money, round_half_even

if TYPE_CHECKING:
    import pandas
    import pyarrow
    from matplotlib.figure import Figure

    from aidledger.catalog import Catalog

__all__ = [
    "CheckpointCheck",
    "Discussion",
    "DonorSummary",
    "History",
    "HistoryPoint",
    "Summary",
    "SystemTotal",
    "reconcile",
    "summarize",
    "tolerance",
]

_REPORTED = Status.REPORTED


@attrs.frozen
class SystemTotal:
    """Units of one system committed and delivered by a donor, and how many pledges of it
    have an undisclosed quantity."""

    system: str
    name: str
    committed: int
    delivered: int
    undisclosed_quantity: int


@attrs.frozen
class Discussion:
    """A pledge under discussion (``requested`` or ``considering``) as of the summary date."""

    id: str
    system: str | None
    status: Status
    date: datetime.date


@attrs.frozen
class CheckpointCheck:
    """A stated cumulative total (a ``reported`` record) beside what the ledger holds.

    ``ledger`` is the donor's committed total as of the checkpoint's date, in its currency
    (or the committed units of its system); ``difference`` is ledger minus stated. When the
    ledger's amounts are in other currencies and no rates were given, they cannot be
    compared: ``ledger``, ``difference`` and ``within_tolerance`` are ``None`` and
    ``reason`` says why.
    """

    id: str
    date: datetime.date
    donor: str
    system: str | None
    currency: str | None
    stated: Decimal
    tolerance: Decimal
    ledger: Decimal | None
    difference: Decimal | None
    within_tolerance: bool | None
    source: str | None = None
    note: str | None = None
    reason: str | None = None

    @property
    def comparable(self) -> bool:
        """Whether the ledger could be compared with the stated figure."""
        return self.ledger is not None


def _money_map(value: Mapping[str, Money]) -> Mapping[str, Money]:
    return MappingProxyType(dict(sorted(value.items())))


def _resolved(sources: Iterable[str] | Callable[[], Iterable[str]]) -> tuple[str, ...]:
    return tuple(sorted(sources() if callable(sources) else sources))


@attrs.frozen
class DonorSummary:
    """What one donor has committed, delivered and discussed as of a date.

    ``committed`` and ``delivered`` map each currency to its exact total (never mixed);
    ``committed_total`` and ``delivered_total`` are in the summary's reporting currency,
    rounded once, or ``None`` without one. ``pledges`` counts active top-level pledges and
    ``undisclosed_value`` those of them whose amount is not known.
    """

    donor: str
    committed: Mapping[str, Money] = attrs.field(converter=_money_map, hash=False)
    delivered: Mapping[str, Money] = attrs.field(converter=_money_map, hash=False)
    committed_total: Money | None
    delivered_total: Money | None
    pledges: int
    undisclosed_value: int
    systems: tuple[SystemTotal, ...]
    discussed: tuple[Discussion, ...]
    checkpoints: tuple[CheckpointCheck, ...]
    # The sources, or how to find them: most summaries never look (see ``sources``).
    # Compared (and hashed) as the sources they stand for.
    _sources: Iterable[str] | Callable[[], Iterable[str]] = attrs.field(
        default=(), eq=_resolved, repr=False, alias="sources"
    )

    @functools.cached_property
    def sources(self) -> tuple[str, ...]:
        """The sources cited by the records behind these figures (counted, discussed,
        stated), sorted; worked out when first read."""
        return _resolved(self._sources)

    def name(self, locale: str = "en") -> str:
        """The donor's name in *locale*, from CLDR."""
        return donor_name(self.donor, locale)

    def system(self, key: str) -> SystemTotal | None:
        """The line for system *key*, or ``None`` when the donor has no active pledge of it."""
        return next((line for line in self.systems if line.system == key), None)


@attrs.frozen
class Summary:
    """Per-donor summaries as of a date, sorted by donor code.

    >>> import aidledger, datetime
    >>> summary = aidledger.bundled().summarize(as_of=datetime.date(2023, 1, 5))
    >>> summary["US"].committed["USD"]
    Money(amount=Decimal('20870000000'), currency='USD')
    """

    as_of: datetime.date | None
    currency: str | None
    donors: tuple[DonorSummary, ...]
    # How to build the history behind this summary (for plots): kept out of eq and repr.
    _history: Callable[[], History] | None = attrs.field(
        default=None, eq=False, repr=False, alias="history"
    )

    def __getitem__(self, donor: str) -> DonorSummary:
        for entry in self.donors:
            if entry.donor == donor:
                return entry
        raise KeyError(donor)

    def __contains__(self, donor: object) -> bool:
        return any(entry.donor == donor for entry in self.donors)

    def __iter__(self) -> Iterator[DonorSummary]:
        return iter(self.donors)

    def __len__(self) -> int:
        return len(self.donors)

    def to_dict(self, locale: str = "en") -> dict[str, Any]:
        """The summary as the JSON object of DESIGN 5 (amounts as exact decimal strings)."""
        from aidledger.converter import summary_to_dict

        return summary_to_dict(self, locale)

    def to_json(self, locale: str = "en", indent: int | None = 1) -> str:
        """:meth:`to_dict` as JSON text."""
        import json

        return json.dumps(self.to_dict(locale), indent=indent, ensure_ascii=False)

    def render(self, format: str = "text", locale: str = "en") -> str:
        """The summary for people, in *locale*: ``text`` (a terminal), ``markdown``,
        ``html`` (one standalone page) or ``json`` (DESIGN 5)."""
        from aidledger import report

        return report.render(self, format=format, locale=locale)

    def to_records(self, table: str = "money", locale: str = "en") -> list[dict[str, Any]]:
        """One table of the summary as plain dicts: ``money`` (per donor and currency),
        ``donors``, ``systems``, ``discussed`` or ``checkpoints``; keys and types in
        docs/embedding.md. Amounts stay ``Decimal``, dates ``datetime.date``."""
        from aidledger import frames

        return frames.summary_records(self, table, locale)

    def to_pandas(
        self, table: str = "money", locale: str = "en", amounts: str = "decimal"
    ) -> pandas.DataFrame:
        """:meth:`to_records` as a pandas DataFrame (optional extra ``pandas``); amounts
        as ``Decimal`` objects, or exact strings with ``amounts="str"``; never floats."""
        from aidledger import frames

        return frames.to_pandas(self.to_records(table, locale), table, amounts)

    def to_arrow(self, table: str = "money", locale: str = "en") -> pyarrow.Table:
        """:meth:`to_records` as an Arrow table (optional extra ``arrow``)."""
        from aidledger import frames

        return frames.to_arrow(self.to_records(table, locale), table)

    def write_parquet(
        self, path: str | os.PathLike[str], table: str = "money", locale: str = "en"
    ) -> None:
        """Write one table of the summary as Parquet (optional extra ``arrow``)."""
        from aidledger import frames

        frames.write_parquet(self.to_arrow(table, locale), path)

    def history(self) -> History:
        """Each donor's committed and delivered value on every day it changed, up to the
        summary's date, with the checkpoints stated along the way."""
        if self._history is None:
            return History(currency=self.currency, lines={}, checkpoints={})
        return self._history()

    def plot(self, path: str | os.PathLike[str] | None = None, locale: str = "en") -> Figure:
        """A chart of :meth:`history`: cumulative committed (solid) and delivered (dashed)
        value per donor, checkpoints as markers. Needs the ``plot`` extra (matplotlib);
        returns the matplotlib figure, and writes it to *path* (.png, .svg) if given."""
        from aidledger import plot

        return plot.plot(self, path=path, locale=locale)


@attrs.frozen
class HistoryPoint:
    """A donor's cumulative committed and delivered value from *date* on."""

    date: datetime.date
    committed: Decimal
    delivered: Decimal


@attrs.frozen
class History:
    """Cumulative values over time, per donor, each in one currency (``currencies``)."""

    currency: str | None
    lines: Mapping[str, tuple[HistoryPoint, ...]] = attrs.field(hash=False)
    checkpoints: Mapping[str, tuple[CheckpointCheck, ...]] = attrs.field(hash=False)
    currencies: Mapping[str, str] = attrs.field(factory=dict, hash=False)


def tolerance(stated: Decimal) -> Decimal:
    """Half a unit in the last non-zero digit of *stated* as written (DESIGN 3.5).

    >>> tolerance(Decimal("21300000000"))
    Decimal('5E+7')
    >>> tolerance(Decimal("12"))
    Decimal('0.5')
    """
    if stated == 0:
        return Decimal(0)
    digits = stated.as_tuple().digits
    exponent = int(stated.as_tuple().exponent)
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return Decimal(5).scaleb(exponent + trailing_zeros - 1)


# --- the counting engine ------------------------------------------------------------------


#: The exact factor converting 1 unit of a currency into another on a day:
#: ``rate(base, quote, day)``; raises RateNotFoundError when no rate is in force.
Converter = Callable[[str, str, datetime.date], Fraction]


def summarize(
    engine: Counting,
    catalog: Catalog,
    as_of: datetime.date | None,
    donors: Collection[str] | None = None,
    currency: str | None = None,
    rate: Converter | None = None,
) -> Summary:
    """Build the :class:`Summary` of DESIGN 3 and 5 as of *as_of*.

    With *currency*, each donor's totals are converted into it with *rate*, at the rate
    in force on each pledge's commitment date; *rate* also converts checkpoints stated in
    one currency when the ledger holds others. Without *rate*, nothing is converted.
    """
    if as_of is None:
        return Summary(as_of=None, currency=currency, donors=())
    wanted = None if donors is None else frozenset(donors)
    totals, reported = engine.dated.totals(as_of, wanted)
    checkpoints = _checkpoints(engine, reported, rate)
    entries = []
    for donor in sorted(totals):
        entry = totals[donor]
        committed = entry.by_currency("committed")
        delivered = entry.by_currency("delivered")
        committed_total = delivered_total = None
        if currency is not None:
            culprit = _culprit(engine, donor)
            committed_total = _converted(entry.keyed("committed"), currency, rate, culprit)
            delivered_total = _converted(entry.keyed("delivered"), currency, rate, culprit)
        systems = tuple(
            SystemTotal(key, _system_name(catalog, key), *entry.systems[key])
            for key in sorted(entry.systems)
        )
        discussed = tuple(
            Discussion(id=pledge, system=system or None, status=status, date=date)
            for date, pledge, system, status in sorted(entry.discussed, key=lambda d: d[:2])
        )
        entries.append(
            DonorSummary(
                donor=donor,
                committed={c: Money(a, c) for c, a in committed.items()},
                delivered={c: Money(a, c) for c, a in delivered.items()},
                committed_total=committed_total,
                delivered_total=delivered_total,
                pledges=entry.pledges,
                undisclosed_value=entry.undisclosed,
                systems=systems,
                discussed=discussed,
                checkpoints=tuple(checkpoints.get(donor, ())),
                sources=entry.sources,
            )
        )

    def history() -> History:
        return _history(engine, as_of, wanted, currency, rate)

    return Summary(as_of=as_of, currency=currency, donors=tuple(entries), history=history)


def _history(
    engine: Counting,
    until: datetime.date,
    donors: Collection[str] | None,
    currency: str | None,
    rate: Converter | None,
) -> History:
    table = engine.pledges.table
    days = sorted({day for day in table.date if day <= until})
    lines: dict[str, list[HistoryPoint]] = {}
    units: dict[str, str] = {}
    for day in days:
        for donor, totals in engine.dated.totals(day, donors, money_only=True)[0].items():
            if currency is not None:
                culprit = _culprit(engine, donor)
                committed = _converted(totals.keyed("committed"), currency, rate, culprit).amount
                delivered = _converted(totals.keyed("delivered"), currency, rate, culprit).amount
                units[donor] = currency
            else:
                by_committed = totals.by_currency("committed")
                by_delivered = totals.by_currency("delivered")
                held = (
                    set(by_committed)
                    | set(by_delivered)
                    | ({units[donor]} if donor in units else set())
                )
                if len(held) > 1:
                    raise ValueError(
                        f"{donor} holds {', '.join(sorted(held))}: give a reporting currency "
                        "and rates to draw its history in one"
                    )
                if not held:
                    continue
                units[donor] = held.pop()
                committed = by_committed.get(units[donor], Decimal(0))
                delivered = by_delivered.get(units[donor], Decimal(0))
            points = lines.setdefault(donor, [])
            point = HistoryPoint(day, committed, delivered)
            if not points or (points[-1].committed, points[-1].delivered) != (
                committed,
                delivered,
            ):
                points.append(point)
    rows = [
        row
        for row, status in enumerate(table.status)
        if status is _REPORTED
        and table.date[row] <= until
        and (donors is None or table.donor[row] in donors)
    ]
    checks: dict[str, list[CheckpointCheck]] = {}
    for check in reconcile(engine, rows, rate):
        checks.setdefault(check.donor, []).append(check)
    return History(
        currency=currency,
        lines={donor: tuple(points) for donor, points in lines.items()},
        checkpoints={donor: tuple(found) for donor, found in checks.items()},
        currencies=units,
    )


def _system_name(catalog: Catalog, key: str) -> str:
    system = catalog.get(key)
    return key if system is None else system.name


def _converted(
    amounts: Mapping[tuple[str, datetime.date], Decimal],
    currency: str,
    rate: Converter | None,
    culprit: Callable[[str, datetime.date], str],
) -> Money:
    """The exact sum of *amounts* in *currency*, each at the rate of its commitment date,
    rounded once (DESIGN 3.3)."""
    exact = Fraction(0)
    for (source, date), amount in amounts.items():
        if source == currency:
            exact += Fraction(amount)
            continue
        try:
            if rate is None:
                raise RateNotFoundError(
                    f"no {source}->{currency} exchange rate: no rates were given"
                )
            exact += Fraction(amount) * rate(source, currency, date)
        except RateNotFoundError as error:
            raise RateNotFoundError(f"{error}, needed for {culprit(source, date)}") from None
    return Money(_round_fraction(exact, currency), currency)


def _culprit(engine: Counting, donor: str) -> Callable[[str, datetime.date], str]:
    """Names a pledge of *donor* committed in a currency on a day (for error messages)."""

    def name(currency: str, date: datetime.date) -> str:
        table = engine.pledges.table
        for pledge in engine.pledges.index:
            rows = engine.pledges.index[pledge]
            first = rows if isinstance(rows, int) else rows[0]
            if (
                table.donor[first] == donor
                and table.currency[first] == currency
                and engine.pledges.commitment_date(pledge) == date
            ):
                return f"pledge {pledge!r} (committed {date.isoformat()})"
        return f"{donor}'s {currency} amounts committed on {date.isoformat()}"

    return name


def _round_fraction(value: Fraction, currency: str) -> Decimal:
    """*value* rounded half-even to *currency*'s minor unit: the one rounding of DESIGN 3.3."""
    from aidledger.money import currency_precision

    scale = 10 ** currency_precision(currency)
    units = round(value * scale)  # Fraction.__round__ rounds half to even
    return round_half_even(Decimal(units).scaleb(-currency_precision(currency)), currency)


def _checkpoints(
    engine: Counting, rows: list[int], rate: Converter | None
) -> dict[str, list[CheckpointCheck]]:
    found: dict[str, list[CheckpointCheck]] = {}
    for check in reconcile(engine, rows, rate):
        found.setdefault(check.donor, []).append(check)
    for checks in found.values():
        checks.sort(key=lambda c: (c.date, c.id))
    return found


def reconcile(engine: Counting, rows: list[int], rate: Converter | None) -> list[CheckpointCheck]:
    """Each ``reported`` record of *rows* beside the ledger's committed total on its date
    (DESIGN 3.5), in the order given. With *rate*, amounts in other currencies are
    converted into the checkpoint's."""
    table = engine.pledges.table
    if rate is not None:
        return [
            _reconcile(engine, table, row, rate, _culprit(engine, table.donor[row]))
            for row in rows
        ]
    # Without rates, a checkpoint's figures depend on nothing but the ledger: summaries at
    # many dates reconcile each checkpoint in force once.
    memo: dict[int, CheckpointCheck] = engine.memo.setdefault("checkpoints", {})
    found = []
    for row in rows:
        check = memo.get(row)
        if check is None:
            culprit = _culprit(engine, table.donor[row])
            check = memo[row] = _reconcile(engine, table, row, None, culprit)
        found.append(check)
    return found


def _reconcile(
    engine: Counting,
    table: RecordTable,
    row: int,
    rate: Converter | None,
    culprit: Callable[[str, datetime.date], str],
) -> CheckpointCheck:
    system, amount, quantity = table.system[row], table.amount[row], table.quantity[row]
    currency, donor, day = table.currency[row], table.donor[row], table.date[row]
    if system and quantity is not None:
        stated = Decimal(quantity)
        ledger: Decimal | None = Decimal(engine.dated.units(donor, system, day))
        reason = None
        unit = None
    elif not system and amount:
        stated = Decimal(amount)
        unit = currency
        totals = engine.dated.money(donor, day)
        by_currency = totals.by_currency("committed")
        others = sorted(set(by_currency) - {currency})
        if not others:
            ledger, reason = by_currency.get(currency, Decimal(0)), None
        elif rate is not None:
            ledger = _converted(totals.keyed("committed"), currency, rate, culprit).amount
            reason = None
        else:
            ledger = None
            reason = (
                f"the ledger also holds {', '.join(others)}: "
                f"give exchange rates to compare with {currency}"
            )
    else:
        stated = Decimal(amount) if amount else Decimal(quantity or 0)
        unit = currency or None
        ledger = None
        reason = (
            "states neither an amount (with no system) nor a system with a quantity, "
            "so there is nothing to compare"
        )
    allowed = tolerance(stated)
    difference = None if ledger is None else EXACT.subtract(ledger, stated)
    return CheckpointCheck(
        id=table.id[row],
        date=day,
        donor=table.donor[row],
        system=system or None,
        source=table.source[row] or None,
        note=table.note[row] or None,
        currency=unit,
        stated=stated,
        tolerance=allowed,
        ledger=ledger,
        difference=difference,
        within_tolerance=None if difference is None else abs(difference) <= allowed,
        reason=reason,
    )
