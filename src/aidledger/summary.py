"""What a summary holds: per-donor figures as of a date, as immutable values.

These are the values :meth:`Ledger.summarize <aidledger.Ledger.summarize>` returns
(docs/counting-rules.md says what each figure counts); ``aggregate`` builds them, and
reports, charts and exports only read them. A donor's figures are kept per recipient: a
:class:`DonorSummary` is one donor's assistance to one recipient.

>>> import aidledger, datetime
>>> summary = aidledger.bundled().summarize(as_of=datetime.date(2023, 1, 5))
>>> summary["US"].committed["USD"]
Money(amount=Decimal('20870000000'), currency='USD')
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from aidledger.model import Status, donor_name
from aidledger.money import Money

if TYPE_CHECKING:
    import pandas
    import pyarrow
    from matplotlib.figure import Figure

__all__ = [
    "CheckpointCheck",
    "Discussion",
    "DonorShare",
    "DonorSummary",
    "History",
    "HistoryPoint",
    "PledgeState",
    "StateTable",
    "Summary",
    "SystemSummary",
    "SystemTotal",
    "Variant",
]


@attrs.frozen
class Variant:
    """Units of one system as one name was written (``Leopard 2A6``): the breakdown of a
    :class:`SystemTotal` by the names its records use."""

    name: str
    committed: int
    delivered: int
    undisclosed_quantity: int
    undisclosed_delivered: int


@attrs.frozen
class SystemTotal:
    """Units of one system committed and delivered by a donor: ``undisclosed_quantity``
    counts its pledges whose number is not known, ``undisclosed_delivered`` those whose
    delivered number is not known (delivered, or delivered in part, number not given);
    ``variants`` breaks the figures down by the names as written."""

    system: str
    name: str
    committed: int
    delivered: int
    undisclosed_quantity: int
    undisclosed_delivered: int = 0
    variants: tuple[Variant, ...] = ()

    def variant(self, name: str) -> Variant | None:
        """The figures of the records that write the system as *name*, if any."""
        return next((found for found in self.variants if found.name == name), None)


@attrs.frozen
class Discussion:
    """A pledge under discussion (``requested`` or ``considering``) as of the summary date:
    ``system`` is its catalog key, ``name`` the system as written."""

    id: str
    system: str | None
    status: Status
    date: datetime.date
    name: str | None = None


@attrs.frozen
class CheckpointCheck:
    """A stated cumulative total (a ``reported`` record) beside what the ledger holds.

    ``ledger`` is the donor's committed total to the recipient as of the checkpoint's
    date, in its currency (or the committed units of its system); ``difference`` is ledger
    minus stated. When the ledger's amounts are in other currencies and no rates were
    given, they cannot be compared: ``ledger``, ``difference`` and ``within_tolerance``
    are ``None`` and ``reason`` says why.
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
    recipient: str = "UA"

    @property
    def comparable(self) -> bool:
        """Whether the ledger could be compared with the stated figure."""
        return self.ledger is not None


def _money_map(value: Mapping[str, Money]) -> Mapping[str, Money]:
    return MappingProxyType(dict(sorted(value.items())))


def _resolved(sources: Iterable[str] | Callable[[], Iterable[str]]) -> tuple[str, ...]:
    return tuple(sorted(sources() if callable(sources) else sources))


@attrs.frozen(kw_only=True, repr=False)
class DonorSummary:
    """What one donor has committed, delivered and discussed for one recipient as of a date.

    ``committed`` and ``delivered`` map each currency to the exact sum of the *disclosed*
    amounts (never mixed); ``committed_total`` and ``delivered_total`` are in the
    summary's reporting currency, rounded once, or ``None`` without one. ``pledges``
    counts active top-level pledges and ``undisclosed_value`` those of them whose amount
    is not known; ``undisclosed_delivered_value`` counts the pledges whose money counts
    and whose delivered value is not known. A total beside a non-zero count of undisclosed
    values is a lower bound.
    """

    donor: str
    recipient: str = "UA"
    #: The date of the summary these figures belong to (for display).
    as_of: datetime.date | None = attrs.field(default=None, eq=False)
    committed: Mapping[str, Money] = attrs.field(converter=_money_map, hash=False)
    delivered: Mapping[str, Money] = attrs.field(converter=_money_map, hash=False)
    committed_total: Money | None = None
    delivered_total: Money | None = None
    pledges: int
    undisclosed_value: int
    undisclosed_delivered_value: int = 0
    systems: tuple[SystemTotal, ...] = ()
    discussed: tuple[Discussion, ...] = ()
    checkpoints: tuple[CheckpointCheck, ...] = ()
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

    def recipient_name(self, locale: str = "en") -> str:
        """The recipient's name in *locale*, from CLDR."""
        return donor_name(self.recipient, locale)

    def system(self, key: str) -> SystemTotal | None:
        """The line for system *key*, or ``None`` when the donor has no active pledge of it."""
        return next((line for line in self.systems if line.system == key), None)

    def __repr__(self) -> str:
        from aidledger import report

        return report.describe_donor(self)

    def __str__(self) -> str:
        """The donor's section of the text report."""
        from aidledger import report

        return report.render_donor(self._alone(), self, "text")

    def _repr_html_(self) -> str:
        from aidledger import report

        return report.render_donor(self._alone(), self, "html")

    def _alone(self) -> Summary:
        """A summary of this entry alone, for its report section."""
        return Summary(
            as_of=self.as_of, currency=None, donors=(self,), recipients=(self.recipient,)
        )

    @property
    def delivers(self) -> bool:
        """Whether any delivery is recorded: delivered money or units, or a delivery whose
        figure is undisclosed. Without one, the donor has "no deliveries recorded"."""
        return bool(
            self.delivered
            or self.undisclosed_delivered_value
            or any(line.delivered or line.undisclosed_delivered for line in self.systems)
        )


@attrs.frozen
class DonorShare:
    """One donor's line of a system, in a :class:`SystemSummary`."""

    donor: str
    recipient: str
    line: SystemTotal


@attrs.frozen
class SystemSummary:
    """One system across donors: the sums of their lines, and each donor's line."""

    system: str
    name: str
    committed: int
    delivered: int
    undisclosed_quantity: int
    undisclosed_delivered: int
    donors: tuple[DonorShare, ...]


#: A key of :class:`Summary`: a donor code, or (donor, recipient).
EntryKey = str | tuple[str, str]


@attrs.frozen(repr=False)
class Summary:
    """Per-donor summaries as of a date, sorted by donor code, then recipient.

    ``recipients`` are the recipients the summary covers; ``recipient_filter`` the ones
    asked for (``None``: every recipient). ``summary["US"]`` is the United States' entry
    when it has one recipient; ``summary["US", "UA"]`` names the recipient.

    >>> import aidledger, datetime
    >>> summary = aidledger.bundled().summarize(as_of=datetime.date(2023, 1, 5))
    >>> summary["US"].recipient, summary.recipients
    ('UA', ('UA',))
    """

    as_of: datetime.date | None
    currency: str | None
    donors: tuple[DonorSummary, ...]
    recipients: tuple[str, ...] = ()
    recipient_filter: tuple[str, ...] | None = None
    # How to build the history behind this summary (for plots): kept out of eq and repr.
    _history: Callable[[], History] | None = attrs.field(
        default=None, eq=False, repr=False, alias="history"
    )

    def __getitem__(self, key: EntryKey) -> DonorSummary:
        if isinstance(key, tuple):
            for entry in self.donors:
                if (entry.donor, entry.recipient) == key:
                    return entry
            raise KeyError(key)
        found = [entry for entry in self.donors if entry.donor == key]
        if len(found) == 1:
            return found[0]
        if not found:
            raise KeyError(key)
        recipients = ", ".join(entry.recipient for entry in found)
        raise KeyError(
            f"{key} gives to {len(found)} recipients ({recipients}): "
            f"name one, as in summary[{key!r}, {found[0].recipient!r}]"
        )

    def get(self, key: EntryKey, default: DonorSummary | None = None) -> DonorSummary | None:
        """The entry for *key* (as for ``summary[key]``), or *default* when there is none.
        A donor code of a donor with several recipients is still a ``KeyError``."""
        try:
            return self[key]
        except KeyError:
            if key in self:
                raise
            return default

    def __contains__(self, key: object) -> bool:
        if isinstance(key, tuple):
            return any((entry.donor, entry.recipient) == key for entry in self.donors)
        return any(entry.donor == key for entry in self.donors)

    def __iter__(self) -> Iterator[DonorSummary]:
        return iter(self.donors)

    def __len__(self) -> int:
        return len(self.donors)

    def __repr__(self) -> str:
        """What it is, as of when, how many donors, the top line."""
        from aidledger import report

        return report.describe_summary(self)

    def __str__(self) -> str:
        """The text report (:meth:`render`)."""
        return self.render()

    def _repr_html_(self) -> str:
        """The HTML report's tables, for a notebook (styles inline, nothing fetched)."""
        from aidledger import report

        return report.html_fragment(self)

    def systems(self) -> tuple[SystemSummary, ...]:
        """Each system across donors, sorted by key: what all of them committed and
        delivered, what is undisclosed, and each donor's line."""
        shares: dict[str, list[DonorShare]] = {}
        for entry in self.donors:
            for line in entry.systems:
                shares.setdefault(line.system, []).append(
                    DonorShare(entry.donor, entry.recipient, line)
                )
        return tuple(
            SystemSummary(
                system=key,
                name=found[0].line.name,
                committed=sum(share.line.committed for share in found),
                delivered=sum(share.line.delivered for share in found),
                undisclosed_quantity=sum(share.line.undisclosed_quantity for share in found),
                undisclosed_delivered=sum(share.line.undisclosed_delivered for share in found),
                donors=tuple(found),
            )
            for key, found in sorted(shares.items())
        )

    def to_dict(self, locale: str = "en") -> dict[str, Any]:
        """The summary as the JSON object of docs/counting-rules.md (amounts as exact
        decimal strings)."""
        from aidledger import export

        return export.summary_to_dict(self, locale)

    def to_json(self, locale: str = "en", indent: int | None = 1) -> str:
        """:meth:`to_dict` as JSON text."""
        import json

        return json.dumps(self.to_dict(locale), indent=indent, ensure_ascii=False)

    def render(
        self, format: str = "text", locale: str = "en", by: str = "donor", top: int | None = None
    ) -> str:
        """The summary for people, in *locale*: ``text`` (a terminal), ``markdown``,
        ``html`` (one standalone page) or ``json`` (docs/counting-rules.md); *by*
        ``donor`` or ``system`` (each system across donors); *top* limits the overview
        to its first donors (docs/reports.md)."""
        from aidledger import report

        return report.render(self, format=format, locale=locale, by=by, top=top)

    def to_records(self, table: str = "money", locale: str = "en") -> list[dict[str, Any]]:
        """One table of the summary as plain dicts: ``money`` (per donor and currency),
        ``donors``, ``systems``, ``variants``, ``discussed`` or ``checkpoints``; keys and
        types in docs/embedding.md. Amounts stay ``Decimal``, dates ``datetime.date``."""
        from aidledger import export

        return export.summary_records(self, table, locale)

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

    def write_xlsx(
        self, path: str | os.PathLike[str], locale: str = "en", by: str = "donor"
    ) -> None:
        """Write the summary as an Excel workbook, atomically: one sheet per table of
        :meth:`to_records` (*by* ``"system"``: of :meth:`systems`, as ``--by system``
        shows it), amounts as numbers that hold them exactly (docs/reports.md). Needs no
        extra."""
        from aidledger import _workbooks
        from aidledger._files import write_together

        if by not in ("donor", "system"):
            raise ValueError(f"unknown arrangement {by!r}: one of donor, system")
        write_together([(path, _workbooks.summary_writer(self, locale, by))])

    def history(self) -> History:
        """Each donor's committed and delivered value on every day it changed, up to the
        summary's date, with the checkpoints stated along the way."""
        if self._history is None:
            return History(currency=self.currency, lines={}, checkpoints={})
        return self._history()

    def plot(
        self, path: str | os.PathLike[str] | None = None, locale: str = "en", units: bool = False
    ) -> Figure:
        """A chart of :meth:`history`: cumulative committed (solid) and delivered (dashed)
        value per donor, checkpoints as markers; with *units* (or when no value is
        disclosed), the units of each system committed and delivered. Needs the ``plot``
        extra (matplotlib); returns the matplotlib figure, and writes it to *path* (.png,
        .svg) if given. ``ValueError`` when there is nothing to draw."""
        from aidledger import plot

        return plot.plot(self, path=path, locale=locale, units=units)


@attrs.frozen
class HistoryPoint:
    """A donor's cumulative committed and delivered value from *date* on."""

    date: datetime.date
    committed: Decimal
    delivered: Decimal


@attrs.frozen
class History:
    """Cumulative values over time, per (donor, recipient), each in one currency
    (``currencies``)."""

    currency: str | None
    lines: Mapping[tuple[str, str], tuple[HistoryPoint, ...]] = attrs.field(hash=False)
    checkpoints: Mapping[tuple[str, str], tuple[CheckpointCheck, ...]] = attrs.field(hash=False)
    currencies: Mapping[tuple[str, str], str] = attrs.field(factory=dict, hash=False)


@attrs.frozen(kw_only=True)
class PledgeState:
    """One pledge as of a date: its record in force, and what the summary counts of it.

    ``system`` is the catalog key, ``variant`` the name as written. ``delivered_quantity``
    and ``delivered_amount`` are what is delivered so far as the counting rules read it
    (all of it for ``delivered``; ``None`` when none is stated, or when it is undisclosed,
    which the ``..._undisclosed`` flags say). ``package`` is the outermost package of its
    chain; ``active`` says its units count, ``money_counted`` that its money counts here
    (it is active and no package above it has an amount). The ``counted_`` figures are
    the ones the summary adds up: ``None`` where it adds nothing.
    """

    as_of: datetime.date
    id: str
    date: datetime.date
    donor: str
    recipient: str
    system: str | None
    variant: str | None
    status: Status
    quantity: int | None
    amount: Decimal | None
    currency: str | None
    delivered_quantity: int | None
    delivered_amount: Decimal | None
    delivered_quantity_undisclosed: bool
    delivered_amount_undisclosed: bool
    package: str | None
    top_level: bool
    active: bool
    money_counted: bool
    counted_quantity: int | None
    counted_delivered_quantity: int | None
    counted_amount: Decimal | None
    counted_delivered_amount: Decimal | None
    source: str | None


@attrs.frozen
class StateTable:
    """Every pledge that exists as of a date, one :class:`PledgeState` each, in the order
    of their first records: the table to query instead of the records (a history's
    records would count a pledge once per record)."""

    as_of: datetime.date | None
    pledges: tuple[PledgeState, ...]

    def __iter__(self) -> Iterator[PledgeState]:
        return iter(self.pledges)

    def __len__(self) -> int:
        return len(self.pledges)

    def to_records(self) -> list[dict[str, Any]]:
        """The rows as plain dicts (the ``state`` table of ``aidledger.frames.SCHEMAS``):
        amounts ``Decimal``, dates ``datetime.date``, ``status`` its value."""
        from aidledger import export

        return export.state_records(self)

    def to_pandas(self, amounts: str = "decimal") -> pandas.DataFrame:
        """:meth:`to_records` as a pandas DataFrame (optional extra ``pandas``)."""
        from aidledger import frames

        return frames.to_pandas(self.to_records(), "state", amounts)

    def to_arrow(self) -> pyarrow.Table:
        """:meth:`to_records` as an Arrow table (optional extra ``arrow``)."""
        from aidledger import frames

        return frames.to_arrow(self.to_records(), "state")

    def write_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write the table as Parquet (optional extra ``arrow``), atomically."""
        from aidledger import frames

        frames.write_parquet(self.to_arrow(), path)
