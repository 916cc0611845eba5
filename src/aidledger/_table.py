"""Columns of records and the index of pledge histories: the ledger's storage.

Records are kept as parallel lists (one per field), not as objects, so that a million of
them load, index and sum quickly; :class:`~aidledger.model.Record` objects are built only
where a user looks. Every value in these columns has been checked by the loader or by
``Record``; text is interned so that repeated ids, dates and codes share one object.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Any

import attrs

from aidledger.errors import LoadError
from aidledger.model import COLUMNS, Record, Status

__all__ = ["Origin", "RecordTable"]


@attrs.frozen
class Origin:
    """Where a run of records came from: a file (or ``None``) and how to find each line.

    Record ``start + k`` is at ``lines[k]`` when ``lines`` is given, else at line
    ``first_line + k`` (CSV), or at ``records[k]`` when ``first_line`` is ``None`` (JSON).
    """

    file: str | None
    start: int
    stop: int
    first_line: int | None = None
    lines: Sequence[int] | None = None

    def line(self, row: int) -> int | None:
        if self.lines is not None:
            return self.lines[row - self.start]
        if self.first_line is None:
            return None
        return self.first_line + row - self.start


class RecordTable:
    """Parallel columns of checked records, plus where each came from.

    ``amount`` and ``delivered_amount`` hold the plain decimal text as written (exact, and
    a third of the memory of ``Decimal`` objects); ``decimal(row)`` reads them.
    """

    __slots__ = (*COLUMNS, "origins")

    id: list[str]
    date: list[datetime.date]
    donor: list[str]
    recipient: list[str]
    system: list[str | None]
    quantity: list[int | None]
    amount: list[str | None]
    currency: list[str | None]
    delivered_quantity: list[int | None]
    delivered_amount: list[str | None]
    status: list[Status]
    authority: list[str | None]
    part_of: list[str | None]
    source: list[str | None]
    note: list[str | None]
    origins: list[Origin]

    def __init__(self) -> None:
        for name in COLUMNS:
            setattr(self, name, [])
        self.origins = []

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
        for origin in other.origins:
            self.origins.append(
                attrs.evolve(origin, start=origin.start + offset, stop=origin.stop + offset)
            )

    def copy(self) -> RecordTable:
        table = RecordTable()
        table.extend(self)
        return table

    def origin(self, row: int) -> Origin | None:
        """The run that *row* belongs to."""
        for origin in reversed(self.origins):
            if origin.start <= row < origin.stop:
                return origin
        return None

    def locate(self, row: int) -> dict[str, Any]:
        """Keyword arguments locating *row* for :class:`LoadError`: file, line or record."""
        origin = self.origin(row)
        if origin is None:
            return {"record": row}
        line = origin.line(row)
        if line is not None:
            return {"file": origin.file, "line": line}
        return {"file": origin.file, "record": row - origin.start}

    def record(self, row: int) -> Record:
        """The record at *row*, as an object."""
        return Record(
            id=self.id[row],
            date=self.date[row],
            donor=self.donor[row],
            recipient=self.recipient[row],
            system=self.system[row],
            quantity=self.quantity[row],
            amount=_decimal_or_none(self.amount[row]),
            currency=self.currency[row],
            delivered_quantity=self.delivered_quantity[row],
            delivered_amount=_decimal_or_none(self.delivered_amount[row]),
            status=self.status[row],
            authority=self.authority[row],
            part_of=self.part_of[row],
            source=self.source[row],
            note=self.note[row],
        )

    @classmethod
    def from_records(
        cls, records: Iterable[Record], resolve_system: Any, file: str | None = None
    ) -> RecordTable:
        """Columns from record objects, resolving each system name through the catalog."""
        table = cls()
        resolved: dict[str, str] = {}
        for record in records:
            if not isinstance(record, Record):
                raise TypeError(f"{record!r} is not a Record")
            table.id.append(record.id)
            table.date.append(record.date)
            table.donor.append(record.donor)
            table.recipient.append(record.recipient)
            system = record.system
            if system is not None:
                if system not in resolved:
                    resolved[system] = resolve_system(system) or system
                system = resolved[system]
            table.system.append(system)
            table.quantity.append(record.quantity)
            table.amount.append(_text_or_none(record.amount))
            table.currency.append(record.currency)
            table.delivered_quantity.append(record.delivered_quantity)
            table.delivered_amount.append(_text_or_none(record.delivered_amount))
            table.status.append(record.status)
            table.authority.append(record.authority)
            table.part_of.append(record.part_of)
            table.source.append(record.source)
            table.note.append(record.note)
        table.origins.append(Origin(file, 0, len(table)))
        return table


def _decimal_or_none(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _text_or_none(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


#: Fields that every record of a pledge must share (DESIGN 3.1).
PLEDGE_INVARIANTS = ("donor", "recipient", "system", "part_of")


def index_pledges(
    table: RecordTable, existing: dict[str, list[int]] | None = None, start: int = 0
) -> dict[str, list[int]]:
    """Map each pledge id to its rows, ordered by date then input order.

    With *existing* (an index of rows ``< start``), rows from *start* on are added to a
    copy of it. Raises :class:`LoadError` at the first row, in input order, that changes a
    pledge's donor, recipient, system or part_of.
    """
    index: dict[str, list[int]] = (
        {} if existing is None else {key: rows.copy() for key, rows in existing.items()}
    )
    ids = table.id
    for row in range(start, len(ids)):
        rows = index.get(ids[row])
        if rows is None:
            index[ids[row]] = [row]
        else:
            rows.append(row)
    dates = table.date
    columns = [getattr(table, name) for name in PLEDGE_INVARIANTS]
    first_bad: tuple[int, str, int] | None = None
    for rows in index.values():
        if len(rows) == 1 or rows[-1] < start:
            continue
        first = rows[0]
        for row in rows[1:]:
            for name, column in zip(PLEDGE_INVARIANTS, columns, strict=True):
                if column[row] != column[first] and (first_bad is None or row < first_bad[0]):
                    first_bad = (row, name, first)
        if any(dates[a] > dates[b] for a, b in pairwise(rows)):
            rows.sort(key=dates.__getitem__)  # stable: ties keep input order
    if first_bad is not None:
        row, name, first = first_bad
        value = getattr(table, name)[row]
        was = getattr(table, name)[first]
        where = table.locate(first)
        at = f"line {where['line']}" if "line" in where else f"record {where['record']}"
        raise LoadError(
            f"changes the pledge's {name} (was {was!r} in its first record, {at}); "
            "donor, recipient, system and part_of are the same in every record of a pledge",
            field=name,
            value="" if value is None else str(value),
            **table.locate(row),
        )
    return index
