"""A ledger's records as machine columns: the storage of the columnar engine.

Where :class:`~aidledger._table.RecordTable` keeps one Python value per field and record,
:class:`Columns` keeps numpy arrays: texts that repeat (ids, codes, system names, sources)
as integer codes into a list of the distinct texts, dates as day numbers, statuses as
small integers, quantities and amounts as exact limbs (:mod:`aidledger._exact`). Every
value has been checked by a loader, exactly as the pure-Python readers check it.

Columns come from the Arrow readers (``_arrowcsv``) or from a ``RecordTable``; a
``RecordTable`` is made from them again (:meth:`Columns.table`) only when something needs
one record object per row (iteration, validation, saving).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from aidledger._exact import Exact, limb_width
from aidledger._table import Origin, RecordTable
from aidledger.model import UNDISCLOSED, Record, Status

__all__ = ["EPOCH", "STATUSES", "Columns", "day_number"]

#: Statuses by code (a status column holds positions in this tuple).
STATUSES = tuple(Status)
REQUESTED, CONSIDERING, PLEDGED, DELIVERED, CANCELLED, REPORTED = range(len(STATUSES))
#: Day 0 of the date columns.
EPOCH = datetime.date(1970, 1, 1)
_EPOCH_ORDINAL = EPOCH.toordinal()

Codes = npt.NDArray[np.integer[Any]]


class Texts(Protocol):
    """A text column that is not held as codes (authority, note, amounts as written):
    ``""`` for a blank."""

    def all(self) -> list[str]: ...

    def at(self, row: int) -> str: ...


def day_number(day: datetime.date) -> int:
    """The number of *day* in a date column."""
    return day.toordinal() - _EPOCH_ORDINAL


class Columns:
    """Parallel numpy columns of checked records, and the texts their codes stand for.

    ``pledge`` holds each row's position in ``ids`` (ids in the order of their first
    record); ``part_of`` a position in ``names`` (the ids, then texts that name no
    pledge), -1 for none. Other coded columns hold -1 for a blank.
    """

    __slots__ = (
        "_table",
        "_texts",
        "amount",
        "amount_undisclosed",
        "currencies",
        "currency",
        "date",
        "delivered_amount",
        "delivered_quantity",
        "donor",
        "donors",
        "ids",
        "names",
        "origins",
        "part_of",
        "pledge",
        "quantity",
        "quantity_undisclosed",
        "recipient",
        "recipients",
        "source",
        "sources",
        "status",
        "system",
        "system_keys",
        "systems",
    )

    pledge: Codes
    ids: Sequence[str]
    part_of: Codes
    names: Sequence[str]
    date: Codes
    status: npt.NDArray[np.int8]
    donor: Codes
    donors: list[str]
    recipient: Codes
    recipients: list[str]
    system: Codes
    systems: list[str]
    system_keys: dict[str, str]
    quantity: Exact
    delivered_quantity: Exact
    quantity_undisclosed: npt.NDArray[np.bool_]
    amount: Exact
    delivered_amount: Exact
    amount_undisclosed: npt.NDArray[np.bool_]
    currency: Codes
    currencies: list[str]
    source: Codes
    sources: list[str]
    origins: list[Origin]

    def __init__(self, **columns: Any) -> None:
        texts = columns.pop("texts", None)
        table = columns.pop("table", None)
        for name, value in columns.items():
            setattr(self, name, value)
        # The RecordTable these columns were made from (or made into), and how to read
        # the texts that are not held as codes (authority, note, amounts as written).
        self._table: RecordTable | None = table
        self._texts: dict[str, Texts] = texts or {}

    def __len__(self) -> int:
        return len(self.pledge)

    # --- from and to record tables ----------------------------------------------------

    @classmethod
    def from_table(cls, table: RecordTable) -> Columns:
        """The columns of a checked ``RecordTable`` (kept, to give back when asked)."""
        size = len(table)
        width = limb_width(size)
        pledge, ids = _encode(table.id)
        names = dict(zip(ids, range(len(ids)), strict=True))
        part_of = np.array(
            [names.setdefault(text, len(names)) if text else -1 for text in table.part_of],
            dtype=np.int32,
        )
        dates, distinct = _encode(table.date)
        days = np.array([day_number(day) for day in distinct], dtype=np.int32)
        by_status = {status: code for code, status in enumerate(STATUSES)}
        delivered = table.delivered_quantity
        return cls(
            pledge=pledge,
            ids=ids,
            part_of=part_of,
            names=list(names),
            date=days[dates] if size else np.zeros(0, dtype=np.int32),
            status=np.array([by_status[s] for s in table.status], dtype=np.int8),
            **_coded("donor", table.donor),
            **_coded("recipient", table.recipient),
            **_coded("system", table.system, blank=True),
            system_keys=dict(table.system_keys),
            quantity=Exact.from_ints(table.quantity, width),
            delivered_quantity=Exact.from_ints(
                [None if value is UNDISCLOSED else value for value in delivered],
                width,
            ),
            quantity_undisclosed=np.array([v is UNDISCLOSED for v in delivered], dtype=np.bool_),
            amount=Exact.from_texts(table.amount, width),
            delivered_amount=Exact.from_texts(
                ["" if text == UNDISCLOSED else text for text in table.delivered_amount], width
            ),
            amount_undisclosed=np.array(
                [text == UNDISCLOSED for text in table.delivered_amount], dtype=np.bool_
            ),
            **_coded("currency", table.currency, blank=True),
            **_coded("source", table.source, blank=True),
            origins=list(table.origins),
            table=table,
        )

    def table(self) -> RecordTable:
        """The records as a ``RecordTable``, made once (the pure-Python storage)."""
        if self._table is None:
            self._table = self._make_table()
        return self._table

    def _make_table(self) -> RecordTable:
        table = RecordTable()
        table.id = _texts(self.ids, self.pledge)
        table.date = _dates(self.date)
        table.donor = _texts(self.donors, self.donor)
        table.recipient = _texts(self.recipients, self.recipient)
        table.system = _texts(self.systems, self.system)
        table.quantity = _ints(self.quantity)
        table.amount = self._texts["amount"].all()
        table.currency = _texts(self.currencies, self.currency)
        delivered: list[Any] = _ints(self.delivered_quantity)
        for row in np.flatnonzero(self.quantity_undisclosed).tolist():
            delivered[row] = UNDISCLOSED
        table.delivered_quantity = delivered
        table.delivered_amount = self._texts["delivered_amount"].all()
        table.status = [STATUSES[code] for code in self.status.tolist()]
        table.authority = self._texts["authority"].all()
        table.part_of = _texts(self.names, self.part_of)
        table.source = _texts(self.sources, self.source)
        table.note = self._texts["note"].all()
        table.origins = list(self.origins)
        table.system_keys = {"": "", **self.system_keys}
        return table

    def dates(self) -> tuple[datetime.date, datetime.date] | None:
        """The first and last record dates, or ``None`` when there is no record."""
        if not len(self):
            return None
        first, last = int(self.date.min()), int(self.date.max())
        return (
            datetime.date.fromordinal(first + _EPOCH_ORDINAL),
            datetime.date.fromordinal(last + _EPOCH_ORDINAL),
        )

    def record(self, row: int) -> Record:
        """The record at *row*, as an object (without making the whole table)."""
        if self._table is not None:
            return self._table.record(row)
        texts = self._texts
        delivered: Any = None
        if self.quantity_undisclosed[row]:
            delivered = UNDISCLOSED
        elif self.delivered_quantity.present[row]:
            delivered = self.delivered_quantity.python(row)
        part_of = int(self.part_of[row])
        return Record(
            id=self.ids[self.pledge[row]],
            date=datetime.date.fromordinal(int(self.date[row]) + _EPOCH_ORDINAL),
            donor=self.donors[self.donor[row]],
            recipient=self.recipients[self.recipient[row]],
            system=_code(self.systems, self.system[row]),
            quantity=self.quantity.python(row) if self.quantity.present[row] else None,
            amount=texts["amount"].at(row) or None,
            currency=_code(self.currencies, self.currency[row]),
            delivered_quantity=delivered,
            delivered_amount=texts["delivered_amount"].at(row) or None,
            status=STATUSES[self.status[row]],
            authority=texts["authority"].at(row) or None,
            part_of=self.names[part_of] if part_of >= 0 else None,
            source=_code(self.sources, self.source[row]),
            note=texts["note"].at(row) or None,
        )


def _code(distinct: Sequence[str], code: Any) -> str | None:
    return distinct[code] if code >= 0 else None


def _encode(values: Sequence[Any]) -> tuple[Codes, list[Any]]:
    """Each value's position among the distinct values, in order of first appearance."""
    seen: dict[Any, int] = {}
    codes = [seen.setdefault(value, len(seen)) for value in values]
    return np.array(codes, dtype=np.int32), list(seen)


def _coded(name: str, values: Sequence[str], blank: bool = False) -> dict[str, Any]:
    """A text column as codes (-1 for a blank when *blank*) and its distinct texts (in
    the attribute named by the plural of *name*)."""
    seen: dict[str, int] = {"": -1} if blank else {}
    codes = [seen.setdefault(value, len(seen) - blank) for value in values]
    distinct = [text for text, code in seen.items() if code >= 0]
    plural = "currencies" if name == "currency" else f"{name}s"
    return {name: np.array(codes, dtype=np.int32), plural: distinct}


def _texts(distinct: Sequence[str], codes: Codes) -> list[str]:
    """The texts of a coded column, ``""`` for a blank."""
    lookup = np.array([*distinct, ""], dtype=object)
    return list(lookup[codes])


def _dates(days: Codes) -> list[datetime.date]:
    if not len(days):
        return []
    first = int(days.min())
    span = np.arange(first, int(days.max()) + 1)
    lookup = np.array(
        [datetime.date.fromordinal(day + _EPOCH_ORDINAL) for day in span.tolist()],
        dtype=object,
    )
    return list(lookup[days - first])


def _ints(column: Exact) -> list[int | None]:
    """A column of whole numbers as Python integers, ``None`` where none is held."""
    if len(column.limbs) == 1:
        values: list[int | None] = column.limbs[0].tolist()
    else:
        values = [column.python(row) for row in range(len(column))]
    for row in np.flatnonzero(~column.present).tolist():
        values[row] = None
    return values
