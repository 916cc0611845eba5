"""The ledger: records, their pledge histories, and the questions asked of them.

A :class:`Ledger` holds records (in columns, see ``_table``) and an index of each pledge's
history. It answers "what was committed as of D" through :meth:`Ledger.summarize`, and
grows only by :meth:`Ledger.append`, which takes a whole batch or nothing.

>>> from aidledger import Ledger, Record
>>> ledger = Ledger([Record(id="fr-amx", date="2023-01-04", donor="FR",
...                         system="AMX-10 RC", status="pledged")])
>>> ledger.summarize()["FR"].undisclosed_value
1
"""

from __future__ import annotations

import datetime
import importlib.util
from collections.abc import Collection, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from aidledger import _counting, aggregate
from aidledger._arguments import as_of_date, currency_code, donor_codes, rate_table
from aidledger._engine import Engine
from aidledger._table import Index, RecordTable, bulk, index_pledges
from aidledger.catalog import Catalog, default_catalog
from aidledger.errors import LoadError, MissingExtraError
from aidledger.model import Pledge, Record
from aidledger.summary import StateTable, Summary

if TYPE_CHECKING:
    import os

    import pandas
    import pyarrow

    from aidledger._columns import Columns
    from aidledger.fx import RateTable
    from aidledger.validate import Problem

__all__ = ["COLUMNAR_FROM", "ENGINES", "Ledger", "columnar_available"]

#: The counting engines a ledger can use: ``python`` (pure Python, no extra needed),
#: ``columnar`` (numpy and Arrow: the ``fast`` extra), or ``auto``: the columnar one for
#: ledgers of :data:`COLUMNAR_FROM` records or more when the extra is installed.
ENGINES = ("auto", "python", "columnar")
#: From how many records ``auto`` counts with the columnar engine: below it, the pure
#: engine answers sooner than numpy and Arrow can be imported (benchmarks/PROFILE.md).
COLUMNAR_FROM = 40_000


def columnar_available() -> bool:
    """Whether the ``fast`` extra (numpy and pyarrow) is installed (nothing is imported)."""
    return all(importlib.util.find_spec(name) is not None for name in ("numpy", "pyarrow"))


def check_engine(engine: str) -> str:
    """*engine* if it names one of :data:`ENGINES`; ``columnar`` needs the extra."""
    if engine not in ENGINES:
        raise ValueError(f"engine={engine!r}: one of {', '.join(ENGINES)}")
    if engine == "columnar" and not columnar_available():
        raise MissingExtraError(
            "the columnar engine needs the optional 'fast' extra: pip install 'aidledger[fast]'"
        )
    return engine


class Ledger:
    """An ordered collection of records and the pledges they describe.

    Records keep their input order, which settles ties between records of one pledge on
    the same day (docs/counting-rules.md, "The state as of a date"). System names are
    resolved through *catalog* (the bundled one by default): a known alias becomes its
    key, an unknown name is kept as written. *engine* chooses how it counts
    (:data:`ENGINES`; docs/embedding.md, "Large ledgers"): the answers are the same,
    only the time differs.
    """

    __slots__ = ("_catalog", "_choice", "_columns", "_engine", "_stored_index", "_stored_table")

    def __init__(
        self,
        records: Iterable[Record] = (),
        *,
        catalog: Catalog | None = None,
        engine: str = "auto",
    ) -> None:
        self._catalog = catalog if catalog is not None else default_catalog()
        self._choice = check_engine(engine)
        self._columns: Columns | None = None
        self._stored_table: RecordTable | None = RecordTable()
        self._stored_index: Index | None = {}
        self._engine: Engine | None = None
        self.append(records)

    @classmethod
    def _from_table(
        cls, table: RecordTable, catalog: Catalog | None = None, engine: str = "auto"
    ) -> Ledger:
        """A ledger over checked columns (the loaders' fast path); checks pledge histories."""
        ledger = cls.__new__(cls)
        ledger._catalog = catalog if catalog is not None else default_catalog()
        ledger._choice = check_engine(engine)
        ledger._columns = None
        ledger._stored_index = index_pledges(table)
        ledger._stored_table = table
        ledger._engine = None
        return ledger

    @classmethod
    def _from_columns(
        cls, columns: Columns, catalog: Catalog, engine: str, index: Index | None = None
    ) -> Ledger:
        """A ledger over machine columns (the columnar readers'): its record table and
        pledge index are made only if something asks for them."""
        ledger = cls.__new__(cls)
        ledger._catalog = catalog
        ledger._choice = check_engine(engine)
        ledger._columns = columns
        ledger._stored_table = columns.table() if index is not None else None
        ledger._stored_index = index
        ledger._engine = None
        return ledger

    @property
    def _table(self) -> RecordTable:
        """The records as a RecordTable (made from the columns when first needed)."""
        if self._stored_table is None:
            assert self._columns is not None
            with bulk():
                self._stored_table = self._columns.table()
        return self._stored_table

    @property
    def _index(self) -> Index:
        """Each pledge's rows (see ``_table.index_pledges``)."""
        if self._stored_index is None:
            with bulk():
                self._stored_index = index_pledges(self._table)
        return self._stored_index

    @property
    def engine(self) -> str:
        """The engine this ledger counts with: ``python`` or ``columnar``."""
        return "columnar" if self._columnar() else "python"

    def _columnar(self) -> bool:
        if self._choice == "auto":
            return len(self) >= COLUMNAR_FROM and columnar_available()
        return self._choice == "columnar"

    @property
    def catalog(self) -> Catalog:
        """The system catalog that names in this ledger were resolved against."""
        return self._catalog

    def __len__(self) -> int:
        if self._stored_table is None and self._columns is not None:
            return len(self._columns)
        return len(self._table)

    def __iter__(self) -> Iterator[Record]:
        return (self._table.record(row) for row in range(len(self._table)))

    def __getitem__(self, row: int) -> Record:
        size = len(self._table)
        if not -size <= row < size:
            raise IndexError(f"record {row} is out of range (the ledger has {size})")
        return self._table.record(row % size)

    def __repr__(self) -> str:
        """What it holds, and the days it spans (``<Ledger: 83 records, 70 pledges, 3
        donors, 2022-02-25 to 2023-01-06>``)."""
        span = self.dates
        if span is None:
            return "<Ledger: empty>"
        if self._stored_index is None and self._columns is not None:
            pledges = len(self._columns.ids)
        else:
            pledges = len(self._index)
        donors = len(self.donors)
        return (
            f"<Ledger: {len(self)} records, {pledges} pledges, {donors} "
            f"{'donor' if donors == 1 else 'donors'}, {span[0].isoformat()} to "
            f"{span[1].isoformat()}>"
        )

    @property
    def records(self) -> list[Record]:
        """All records, in input order."""
        return list(self)

    def pledge(self, pledge_id: str) -> Pledge:
        """The history of pledge *pledge_id*, by date then input order."""
        rows = self._index.get(pledge_id)
        if rows is None:
            raise KeyError(pledge_id)
        if isinstance(rows, int):
            rows = [rows]
        table = self._table
        return Pledge(
            pledge_id,
            tuple(table.record(row) for row in rows),
            table.system_key(rows[0]) or None,
        )

    def pledges(self) -> Iterator[Pledge]:
        """Every pledge, in the order its first record appears."""
        return (self.pledge(pledge_id) for pledge_id in self._index)

    @property
    def dates(self) -> tuple[datetime.date, datetime.date] | None:
        """The first and last record dates, or ``None`` when the ledger is empty."""
        if self._stored_table is None and self._columns is not None:
            return self._columns.dates()
        if not self._table.date:
            return None
        return min(self._table.date), max(self._table.date)

    @property
    def donors(self) -> list[str]:
        """The donor codes that appear in the ledger, sorted."""
        if self._stored_table is None and self._columns is not None:
            return sorted(set(self._columns.donors))
        return sorted(set(self._table.donor))

    def append(self, records: Iterable[Record] | Ledger) -> None:
        """Add a batch of records after the existing ones: all of them, or none.

        A batch that would change a pledge's donor, recipient, system or part_of raises
        :class:`~aidledger.errors.LoadError` and leaves the ledger as it was.
        """
        if isinstance(records, Ledger):
            batch = records._table
        else:
            try:
                batch = RecordTable.from_records(records, self._catalog.resolve)
            except (TypeError, ValueError) as error:
                raise LoadError(str(error)) from error
        if not len(batch):
            return
        start = len(self._table)
        self._table.extend(batch)
        try:
            index = index_pledges(self._table, self._index, start)
        except BaseException:
            self._table.truncate(start)
            raise
        self._stored_index = index
        self._columns = None  # (made again from the table if the columnar engine counts)
        self._engine = None

    def _counting(self) -> Engine:
        if self._engine is None:
            with bulk():
                if self._columnar():
                    from aidledger import _columnar

                    self._engine = _columnar.build(self._machine_columns())
                else:
                    self._engine = _counting.build(self._table, self._index)
        return self._engine

    def _machine_columns(self) -> Columns:
        if self._columns is None:
            from aidledger._columns import Columns

            self._columns = Columns.from_table(self._table)
        return self._columns

    def summarize(
        self,
        as_of: datetime.date | str | None = None,
        donors: Collection[str] | str | None = None,
        currency: str | None = None,
        rates: RateTable | str | None = None,
        recipients: Collection[str] | str | None = None,
    ) -> Summary:
        """Per-donor totals as of *as_of* (default: the latest record date), by the
        counting rules of docs/counting-rules.md.

        *as_of* is a ``date``, a ``datetime`` (its date) or ``YYYY-MM-DD`` text. *donors*
        limits the summary to some donor codes, *recipients* to some recipient codes
        (default: every recipient; a donor's figures are kept per recipient and never
        mixed); both are checked: an unknown code is a ``ValueError``. *rates* is a
        :class:`~aidledger.fx.RateTable`, or ``"ecb"`` for :func:`~aidledger.fx.ecb_rates`.
        With *currency*, each donor also gets ``committed_total`` and ``delivered_total``:
        its amounts converted with *rates* at the rate in force on each pledge's commitment
        date, summed exactly and rounded once. *rates* also lets checkpoints stated in one
        currency be compared with amounts in others. A conversion with no rate in force raises
        :class:`~aidledger.errors.RateNotFoundError` naming the pair, the date and a pledge.
        """
        as_of, donors = as_of_date(as_of), donor_codes(donors)
        recipients = donor_codes(recipients, "recipients")
        currency, rates = currency_code(currency), rate_table(rates)
        if as_of is None:
            span = self.dates
            as_of = None if span is None else span[1]
        rate = None if rates is None else rates.rate
        # (One collection after the summary's objects, not several while they are made:
        # with a large ledger loaded, a full collection walks all of its columns.)
        with bulk():
            counting = self._counting()
            return aggregate.summarize(
                counting, self._catalog, as_of, donors, currency, rate, recipients
            )

    def state(self, as_of: datetime.date | str | None = None) -> StateTable:
        """Every pledge that exists as of *as_of* (default: the latest record date), one
        row each: its record in force, its outermost package, whether it counts and what
        the summary adds up of it (docs/embedding.md, "The state of each pledge"). Query
        this table, not the records: a pledge's history would count it once per record."""
        as_of = as_of_date(as_of)
        if as_of is None:
            span = self.dates
            if span is None:
                return StateTable(None, ())
            as_of = span[1]
        if self._columnar():
            from aidledger import _colstates

            with bulk():
                found = _colstates.states(self._machine_columns(), as_of)
            return StateTable(as_of, tuple(found))
        from aidledger._states import states

        return StateTable(as_of, tuple(states(self._table, self._index, as_of)))

    def validate(
        self, currency: str | None = None, rates: RateTable | str | None = None
    ) -> list[Problem]:
        """Every problem of the ledger, in file order: see :mod:`aidledger.validate`.

        With *rates*, checkpoints stated in one currency are reconciled with amounts in
        others through those rates.
        """
        from aidledger import validate

        table = rate_table(rates)
        rate = None if table is None else table.rate
        return validate.validate(self._table, self._index, self._catalog, self._counting(), rate)

    def to_records(self) -> list[dict[str, Any]]:
        """Every record as a plain dict, keys as in the interchange format (docs/interchange.md):
        ``date`` a ``datetime.date``, amounts ``Decimal``, quantities ``int``, ``status``
        its value, blanks ``None``. See docs/embedding.md."""
        from aidledger import frames

        return frames.ledger_records(self)

    def to_pandas(self, amounts: str = "decimal") -> pandas.DataFrame:
        """The records as a pandas DataFrame (optional extra ``pandas``): amounts as
        ``Decimal`` objects (or exact strings with ``amounts="str"``), never floats."""
        from aidledger import frames

        return frames.to_pandas(self.to_records(), "ledger", amounts)

    def to_arrow(self) -> pyarrow.Table:
        """The records as an Arrow table (optional extra ``arrow``): amounts as exact
        ``decimal128``/``decimal256`` with the scale they need, dates ``date32``."""
        from aidledger import frames

        return frames.to_arrow(self.to_records(), "ledger")

    def write_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write the records as Parquet (optional extra ``arrow``), atomically."""
        from aidledger import frames

        frames.write_parquet(self.to_arrow(), path)
