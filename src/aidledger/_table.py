"""Columns of records and the index of pledge histories: the ledger's storage.

Records are kept as parallel lists (one per field), not as objects, so that a million of
them load, index and sum quickly; :class:`~aidledger.model.Record` objects are built only
where a user looks. Every value in these columns has been checked by a loader or by
``Record``. Inside the table a blank text field is ``""`` (not ``None``), amounts are the
exact decimal text as written (``"undisclosed"`` for an undisclosed delivered amount),
and repeated texts share one object. ``system`` holds each name as written;
``system_keys`` maps every name in it to the catalog key it resolves to.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import compress, pairwise
from typing import Any, cast

import attrs

from aidledger.errors import LoadError, Problems
from aidledger.model import COLUMNS, Record, Status, Undisclosed

__all__ = ["Index", "Origin", "RecordTable", "index_pledges"]

#: A pledge's rows: one row number, or several ordered by date then input order.
Rows = int | list[int]
Index = dict[str, Rows]


@attrs.frozen
class Origin:
    """Where a run of records came from: a file (or ``None``) and how to find each line.

    Record ``start + k`` is at ``lines[k]`` when ``lines`` is given, else at line
    ``first_line + k`` (CSV), or at ``records[indices[k]]`` (JSON; ``records[k]`` without
    ``indices``) when ``first_line`` is ``None``.
    """

    file: str | None
    start: int
    stop: int
    first_line: int | None = None
    lines: Sequence[int] | None = None
    indices: Sequence[int] | None = None

    def line(self, row: int) -> int | None:
        if self.lines is not None:
            return self.lines[row - self.start]
        if self.first_line is None:
            return None
        return self.first_line + row - self.start

    def index(self, row: int) -> int:
        """The index of *row* among the file's records (JSON)."""
        if self.indices is not None:
            return self.indices[row - self.start]
        return row - self.start


class RecordTable:
    """Parallel columns of checked records, plus where each came from."""

    __slots__ = (*COLUMNS, "origins", "system_keys")

    id: list[str]
    date: list[datetime.date]
    donor: list[str]
    recipient: list[str]
    system: list[str]
    quantity: list[int | None]
    amount: list[str]
    currency: list[str]
    delivered_quantity: list[int | Undisclosed | None]
    delivered_amount: list[str]
    status: list[Status]
    authority: list[str]
    part_of: list[str]
    source: list[str]
    note: list[str]
    origins: list[Origin]
    system_keys: dict[str, str]

    def __init__(self) -> None:
        for name in COLUMNS:
            setattr(self, name, [])
        self.origins = []
        self.system_keys = {"": ""}

    def system_key(self, row: int) -> str:
        """The catalog key of *row*'s system (``""`` for none; an unknown name as written)."""
        return self.system_keys[self.system[row]]

    def __len__(self) -> int:
        return len(self.id)

    def columns(self) -> Iterator[tuple[str, list[Any]]]:
        """Each column with its name, in interchange order."""
        for name in COLUMNS:
            yield name, getattr(self, name)

    def extend(self, other: RecordTable) -> None:
        """Append *other*'s rows (already checked) after this table's."""
        offset = len(self)
        for name, column in self.columns():
            column.extend(getattr(other, name))
        self.system_keys.update(other.system_keys)
        for origin in other.origins:
            self.origins.append(
                attrs.evolve(origin, start=origin.start + offset, stop=origin.stop + offset)
            )

    def truncate(self, size: int) -> None:
        """Drop every row from *size* on (undoing a failed append)."""
        for _, column in self.columns():
            del column[size:]
        self.origins = [o for o in self.origins if o.start < size]

    def locate(self, row: int) -> dict[str, Any]:
        """Keyword arguments locating *row* for :class:`LoadError`: file, line or record."""
        for origin in reversed(self.origins):
            if origin.start <= row < origin.stop:
                line = origin.line(row)
                if line is not None:
                    return {"file": origin.file, "line": line}
                return {"file": origin.file, "record": origin.index(row)}
        return {"record": row}

    def record(self, row: int) -> Record:
        """The record at *row*, as an object."""
        return Record._from_stored(self.row(row))

    def row(self, row: int) -> list[Any]:
        """The stored values of *row*, in interchange order (see :mod:`aidledger.fields`)."""
        return [getattr(self, name)[row] for name in COLUMNS]

    def append_rows(
        self, rows: Iterable[Sequence[Any]], resolve_system: Callable[[str], str | None]
    ) -> None:
        """Append rows of stored values (checked, in interchange order), resolving each
        system name through the catalog."""
        resolved = self.system_keys
        columns = [column for _, column in self.columns()]
        system = COLUMNS.index("system")
        for values in rows:
            name = values[system]
            if name not in resolved:
                resolved[name] = resolve_system(name) or name
            for column, value in zip(columns, values, strict=True):
                column.append(value)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Record],
        resolve_system: Callable[[str], str | None],
        file: str | None = None,
    ) -> RecordTable:
        """Columns from record objects, resolving each system name through the catalog."""
        table = cls()
        resolved = table.system_keys
        for record in records:
            if not isinstance(record, Record):
                raise TypeError(f"{record!r} is not a Record")
            system = record.system or ""
            if system not in resolved:
                resolved[system] = resolve_system(system) or system
            table.id.append(record.id)
            table.date.append(record.date)
            table.donor.append(record.donor)
            table.recipient.append(record.recipient)
            table.system.append(system)
            table.quantity.append(record.quantity)
            table.amount.append(_text(record.amount))
            table.currency.append(record.currency or "")
            table.delivered_quantity.append(record.delivered_quantity)
            table.delivered_amount.append(_text(record.delivered_amount))
            table.status.append(record.status)
            table.authority.append(record.authority or "")
            table.part_of.append(record.part_of or "")
            table.source.append(record.source or "")
            table.note.append(record.note or "")
        table.origins.append(Origin(file, 0, len(table)))
        return table


def _text(value: Decimal | Undisclosed | None) -> str:
    if value is None:
        return ""
    return value.value if isinstance(value, Undisclosed) else format(value, "f")


@contextlib.contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of values are read or counted:
    columns and sums hold no cycles, and collections would walk them again and again
    (some 3 s of a million-record summary) for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: Fields that every record of a pledge must share (docs/counting-rules.md).
PLEDGE_INVARIANTS = ("donor", "recipient", "system", "part_of")


def index_pledges(table: RecordTable, existing: Index | None = None, start: int = 0) -> Index:
    """Map each pledge id to its rows, ordered by date then input order.

    With *existing* (an index of the rows before *start*), rows from *start* on are added
    to a copy of it, which leaves *existing* as it was. Raises :class:`LoadError` at the
    rows, in input order, that change a pledge's donor, recipient, system or part_of (one
    error for all of them).
    """
    ids = table.id
    new = ids[start:]
    rows = range(start, len(ids))
    # Most pledges have one record: building the dict of each id's last row, and finding
    # the rows that are not their pledge's last, happens in C; only those rows and the
    # pledges they belong to are visited one by one.
    last: dict[str, int] = dict(zip(new, rows, strict=True))
    repeated: set[str] = set()
    earlier: list[int] = []
    if len(last) < len(new):
        lasts = map(last.__getitem__, new)
        earlier = list(compress(rows, map(operator.ne, lasts, rows)))
        repeated = {ids[row] for row in earlier}
    if existing is not None:
        repeated.update(last.keys() & existing.keys())
    # (The dict of last rows becomes the index itself: no copy of a million entries.)
    index = cast(Index, last) if existing is None else {**existing, **last}
    if not repeated:
        return index
    grown: dict[str, list[int]] = {}
    for pledge in repeated:
        before = None if existing is None else existing.get(pledge)
        grown[pledge] = (
            [] if before is None else [before] if isinstance(before, int) else [*before]
        )
    for row in earlier:
        grown[ids[row]].append(row)
    for pledge, history in grown.items():
        history.append(last[pledge])
    _check_invariants(table, grown)
    dates = table.date
    for history in grown.values():
        if any(dates[a] > dates[b] for a, b in pairwise(history)):
            history.sort(key=dates.__getitem__)  # stable: ties keep input order
    index.update(grown)
    return index


def _invariant_columns(table: RecordTable) -> list[tuple[str, Sequence[str]]]:
    """The columns a pledge's records share; for the system, its catalog key (a pledge may
    write the name differently from record to record: "Bradley", then "M2A2 Bradley")."""
    columns: list[tuple[str, Sequence[str]]] = []
    for name in PLEDGE_INVARIANTS:
        column: Sequence[str] = getattr(table, name)
        if name == "system":
            column = _Keys(table)
        columns.append((name, column))
    return columns


class _Keys(Sequence[str]):
    """The system column read as catalog keys."""

    def __init__(self, table: RecordTable) -> None:
        self._names, self._keys = table.system, table.system_keys

    def __getitem__(self, row: Any) -> Any:
        return self._keys[self._names[row]]

    def __len__(self) -> int:
        return len(self._names)


def _where(table: RecordTable, row: int) -> str:
    where = table.locate(row)
    return f"line {where['line']}" if "line" in where else f"record {where['record']}"


def _check_invariants(table: RecordTable, pledges: Mapping[str, list[int]]) -> None:
    columns = _invariant_columns(table)
    changed: dict[int, tuple[str, int]] = {}  # row: the field it changes, the first row
    for rows in pledges.values():
        first = min(rows)
        for name, column in columns:
            expected = column[first]
            for row in rows:
                if column[row] != expected and row not in changed:
                    changed[row] = (name, first)
    if not changed:
        return
    problems = Problems()
    for row in sorted(changed):
        name, first = changed[row]
        where = table.locate(row)
        problems.add(
            functools.partial(_changed, table, row, name, first),
            file=where.get("file"),
            where=where.get("line", where.get("record")),
            position=len(COLUMNS) + 1,
        )
    problems.check()


def _changed(table: RecordTable, row: int, name: str, first: int) -> LoadError:
    column = getattr(table, name)
    return LoadError(
        f"changes the pledge's {name} (was {column[first]!r} in its first record, "
        f"{_where(table, first)}); "
        "donor, recipient, system and part_of are the same in every record of a pledge",
        field=name,
        value=column[row],
        **table.locate(row),
    )
