"""Arrow columns of text into checked numpy columns (:class:`~aidledger._columns.Columns`).

The readers (CSV through ``pyarrow.csv``, Parquet) hand over every field as text, as a
CSV file holds it, dictionary-encoded: each row's code and the distinct texts (the CSV
reader builds them as it parses, on every core). Each field is then checked on its
distinct texts only, with the pure reader's own functions (:mod:`aidledger.model`,
:mod:`aidledger.money`): dates, codes, statuses and quantities repeat a lot, and amounts
are checked as a vectorised whole. Anything the pure reader would refuse raises
:class:`Doubt`; the caller then reads the files with the pure-Python reader, which names
file, line, field and value (its message, word for word).

Arrow arrays become numpy arrays through their buffers: ``Array.to_numpy`` (like
``pa.array`` and ``pa.scalar``) imports pandas when it is installed, a fifth of a second.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from aidledger._columns import STATUSES, Columns, day_number
from aidledger._exact import Exact, limb_width, smallest
from aidledger._table import Origin
from aidledger.model import (
    COLUMNS,
    UNDISCLOSED,
    check_territory,
    check_text,
    parse_date,
    parse_quantity,
)
from aidledger.money import check_currency

__all__ = [
    "ArrowTexts",
    "Doubt",
    "Part",
    "arrow_flags",
    "arrow_ints",
    "coded_texts",
    "columns_of",
    "constant_texts",
    "numbers",
    "string_array",
]

Codes = npt.NDArray[np.integer[Any]]
_STATUS_CODES = {status.value: code for code, status in enumerate(STATUSES)}
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())
# The longest field the csv module (and so the pure CSV reader) takes, in characters: a
# longer one is in doubt (a field of fewer bytes cannot have more characters).
_FIELD_LIMIT = csv.field_size_limit()


class Doubt(Exception):
    """Something in the input that only the pure-Python reader can judge (and locate)."""


class Part:
    """One file's records as Arrow text columns (dictionary-encoded or plain; a field
    the file lacks is absent), how many, and where each came from."""

    def __init__(self, fields: dict[str, Any], size: int, origin: Origin) -> None:
        self.fields, self.size, self.origin = fields, size, origin


# --- Arrow to numpy, without pandas ------------------------------------------------------


def numbers(column: Any, fill: int = 0) -> npt.NDArray[Any]:
    """An Arrow integer or boolean array (chunked or not) as numpy, nulls as *fill*."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    parts = []
    for chunk in chunks:
        size, offset = len(chunk), chunk.offset
        validity, data = chunk.buffers()[:2]
        if pa.types.is_boolean(chunk.type):
            values: npt.NDArray[Any] = _bits(data, offset, size)
        else:
            dtype = np.dtype(f"int{chunk.type.bit_width}")
            values = np.frombuffer(data, dtype, count=size, offset=offset * dtype.itemsize)
        if chunk.null_count:
            values = np.where(_bits(validity, offset, size), values, fill)
        parts.append(values)
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def _bits(buffer: Any, offset: int, size: int) -> npt.NDArray[np.bool_]:
    bits = np.unpackbits(np.frombuffer(buffer, np.uint8), bitorder="little")
    return bits[offset : offset + size].astype(np.bool_)


def arrow_flags(values: npt.NDArray[np.bool_]) -> Any:
    """A numpy array of flags as an Arrow boolean array, from its bits."""
    bits = np.packbits(values, bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])


def constant_texts(text: str, size: int) -> Any:
    """An Arrow string array of *size* times *text*."""
    data = text.encode() * size
    offsets = np.arange(size + 1, dtype=np.int32) * len(text.encode())
    return pa.Array.from_buffers(
        pa.string(), size, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def string_array(texts: Sequence[str]) -> Any:
    """An Arrow string array of *texts*, from buffers (``pa.array`` would import pandas)."""
    encoded = [text.encode() for text in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(text) for text in encoded], out=offsets[1:])
    return pa.Array.from_buffers(
        pa.large_string(),
        len(encoded),
        [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))],
    ).cast(pa.string())


def coded_texts(codes: npt.NDArray[Any], texts: Sequence[str]) -> Any:
    """A dictionary array: each row's code (-1 for a blank) into *texts*."""
    valid = codes >= 0
    validity = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
    data = np.where(valid, codes, 0).astype(np.int32)
    indices = pa.Array.from_buffers(pa.int32(), len(data), [validity, pa.py_buffer(data)])
    return pa.DictionaryArray.from_arrays(indices, string_array(texts))


def arrow_ints(values: npt.NDArray[Any]) -> Any:
    """A numpy array as an Arrow int64 array, from its buffer."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


class ArrowTexts(Sequence[str]):
    """Texts held in an Arrow array, read one by one (or all at once, when iterated)."""

    def __init__(self, column: Any) -> None:
        self._column = column
        self._size = len(column)
        self._all: list[str] | None = None

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index: Any) -> Any:
        if self._all is not None or isinstance(index, slice):
            return self.tolist()[index]
        return self._column[int(index)].as_py()

    def __iter__(self) -> Any:
        return iter(self.tolist())

    def tolist(self) -> list[str]:
        if self._all is None:
            self._all = self._column.to_pylist()
        return self._all


class _CodedTexts:
    """A text column held as codes into distinct texts (``_columns.Texts``)."""

    def __init__(self, codes: Codes, distinct: Sequence[str]) -> None:
        self._codes, self._distinct = codes, distinct

    def all(self) -> list[str]:
        lookup = np.array([*self._distinct, ""], dtype=object)
        return list(lookup[self._codes])

    def at(self, row: int) -> str:
        code = int(self._codes[row])
        return self._distinct[code] if code >= 0 else ""


# --- the columns ----------------------------------------------------------------------------


class _Field:
    """One field of every record: each row's code (-1 for a blank) and the distinct
    texts (in order of first appearance), as an Arrow array and as Python strings."""

    def __init__(self, column: Any) -> None:
        chunks = column.chunks
        # (A Parquet column's chunks often share one dictionary: nothing to unify.)
        if any(not chunk.dictionary.equals(chunks[0].dictionary) for chunk in chunks[1:]):
            chunks = column.unify_dictionaries().chunks
        self.codes = smallest(
            numbers(pa.chunked_array([c.indices for c in chunks], pa.int32()), -1)
        )
        self.values = chunks[-1].dictionary if chunks else pa.nulls(0, pa.string())
        self._texts: list[str] | None = None

    @property
    def texts(self) -> list[str]:
        if self._texts is None:
            self._texts = self.values.to_pylist()
        return self._texts

    def longest(self) -> int:
        return int(pc.max(pc.binary_length(self.values)).as_py() or 0)

    def checked(self, check: Callable[[str], Any]) -> list[Any]:
        """Each distinct text as the pure reader's *check* reads it."""
        try:
            return [check(text) for text in self.texts]
        except ValueError:
            raise Doubt from None

    def lookup(self, values: npt.NDArray[Any], blank: Any) -> npt.NDArray[Any]:
        """Each row's value among *values* (one per distinct text), *blank* for none."""
        table: npt.NDArray[Any] = np.concatenate([values, np.array([blank], values.dtype)])
        found: npt.NDArray[Any] = table[self.codes]
        return found


def _field(parts: Sequence[Part], name: str) -> _Field:
    """A field of every part's records, one dictionary-encoded chunked array."""
    chunks: list[Any] = []
    for part in parts:
        column = part.fields.get(name)
        if column is None:
            column = pa.nulls(part.size, _DICTIONARY)
        for chunk in column.chunks if isinstance(column, pa.ChunkedArray) else [column]:
            if not pa.types.is_dictionary(chunk.type):
                chunk = pc.dictionary_encode(chunk.cast(pa.string()))
            chunks.append(chunk.cast(_DICTIONARY))
    return _Field(pa.chunked_array(chunks, _DICTIONARY))


def columns_of(parts: Sequence[Part], resolve: Callable[[str], str | None]) -> Columns:
    """The checked columns of the records of *parts* (files in the order given)."""
    width = limb_width(sum(part.size for part in parts))
    fields = {}
    pool = pa.default_memory_pool()
    for name in COLUMNS:
        fields[name] = _field(parts, name)
        for part in parts:
            part.fields.pop(name, None)  # (each column goes once it is held as codes)
        pool.release_unused()  # (and its memory with it, for the arrays that follow)
    for name in ("id", "date", "donor", "status"):
        if (fields[name].codes < 0).any():
            raise Doubt  # a required field is blank
    for name in ("id", "part_of", "source", "note", "authority", "system"):
        if fields[name].longest() > _FIELD_LIMIT:
            raise Doubt  # (a longer code, date or number is refused anyway)
    origins, start = [], 0
    for part in parts:
        origin = part.origin
        stop = start + part.size
        origins.append(Origin(origin.file, start, stop, origin.first_line, origin.lines))
        start = stop
    amount, paid = fields["amount"], fields["delivered_amount"]
    columns = Columns(
        **_pledges(fields["id"], fields["part_of"]),
        **_codes(fields, resolve),
        **_quantities(fields["quantity"], fields["delivered_quantity"], width),
        **_amounts(amount, paid, width),
        origins=origins,
        texts={
            name: _CodedTexts(fields[name].codes, ArrowTexts(fields[name].values))
            for name in ("amount", "delivered_amount", "note", "authority")
        },
    )
    _check_rows(columns, amount, paid)
    pool.release_unused()
    return columns


def _pledges(ids: _Field, part_of: _Field) -> dict[str, Any]:
    """Pledge codes, and part_of codes into the same texts: ids first (in order of their
    first record), then the texts that name no pledge."""
    known, named = ids.values, part_of.values
    # Which pledge each name in part_of is: the ids are looked up among the few distinct
    # names (a small table), not every record's part_of among the ids.
    where = numbers(pc.index_in(known, value_set=named), -1)
    code = np.full(len(named), -1, dtype=np.int64)
    hits = np.flatnonzero(where >= 0)
    code[where[hits]] = hits
    others = np.flatnonzero(code < 0)
    code[others] = len(known) + np.arange(len(others))
    extra = pc.take(named, arrow_ints(others))
    return {
        "pledge": ids.codes,
        "ids": ArrowTexts(known),
        "part_of": part_of.lookup(code.astype(np.int32), -1),
        "names": ArrowTexts(pa.chunked_array([known, extra], pa.string())),
    }


def _codes(fields: dict[str, _Field], resolve: Callable[[str], str | None]) -> dict[str, Any]:
    """The coded fields, each distinct text checked as the pure reader checks it."""
    days = [day_number(day) for day in fields["date"].checked(parse_date)]
    statuses = fields["status"].checked(_status)
    recipient = fields["recipient"]
    recipients = list(recipient.checked(check_territory))
    if "UA" not in recipients:
        recipients.append("UA")  # a blank recipient is Ukraine
    ukraine = recipients.index("UA")
    systems = fields["system"].checked(check_text)
    currency, donor, source = fields["currency"], fields["donor"], fields["source"]
    return {
        "date": fields["date"].lookup(np.array(days, dtype=np.int32), 0),
        "status": fields["status"].lookup(np.array(statuses, dtype=np.int8), -1),
        "donor": donor.codes,
        "donors": donor.checked(check_territory),
        "recipient": recipient.lookup(np.arange(len(recipient.texts), dtype=np.int32), ukraine),
        "recipients": recipients,
        "system": fields["system"].codes,
        "systems": systems,
        "system_keys": {name: resolve(name) or name for name in systems},
        "currency": currency.codes,
        "currencies": currency.checked(check_currency),
        "source": source.codes,
        "sources": ArrowTexts(source.values),
    }


def _status(text: str) -> int:
    if text not in _STATUS_CODES:
        raise ValueError(f"{text!r} is not a status")
    return _STATUS_CODES[text]


def _quantities(quantity: _Field, delivered: _Field, width: int) -> dict[str, Any]:
    units = quantity.checked(parse_quantity)
    said = [text == UNDISCLOSED.value for text in delivered.texts]
    handed = delivered.checked(lambda text: None if text == UNDISCLOSED else parse_quantity(text))
    return {
        "quantity": _whole(units, quantity.codes, width),
        "delivered_quantity": _whole(handed, delivered.codes, width),
        "quantity_undisclosed": delivered.lookup(np.array(said, dtype=np.bool_), False),
    }


def _whole(values: list[int | None], codes: Codes, width: int) -> Exact:
    """Whole numbers (one per distinct text; ``None`` for undisclosed) as exact limbs."""
    table = Exact.from_ints([*values, None], width)
    return table.select(np.where(codes < 0, len(values), codes))


def _amounts(amount: _Field, delivered: _Field, width: int) -> dict[str, Any]:
    said = np.array([text == UNDISCLOSED.value for text in delivered.texts], dtype=np.bool_)
    values = delivered.values
    if said.any():
        values = pc.if_else(arrow_flags(said), pa.nulls(len(said), pa.string()), values)
    return {
        "amount": _decimals(amount.values, width).select(_blank_last(amount)),
        "delivered_amount": _decimals(values, width).select(_blank_last(delivered)),
        "amount_undisclosed": delivered.lookup(said, False),
    }


def _blank_last(field: _Field) -> Codes:
    """A field's codes, a blank as the one after its distinct texts (see ``_decimals``)."""
    return np.where(field.codes < 0, len(field.values), field.codes)


def _decimals(column: Any, width: int) -> Exact:
    """Plain decimal texts as exact limbs, each with its places, and one blank after
    them; any other text (a sign, an exponent, a comma, a space) is in doubt."""
    column = pa.concat_arrays([column, pa.nulls(1, pa.string())])
    present = numbers(pc.is_valid(column)).astype(np.bool_)
    length = numbers(pc.binary_length(column)).astype(np.int64)
    point = numbers(pc.find_substring(column, "."), -1).astype(np.int64)
    dotted = point >= 0
    digits = pc.replace_substring(column, ".", "", max_replacements=1) if dotted.any() else column
    # Digits once the one point is dropped (a second one is left), the point inside.
    if not numbers(pc.ascii_is_decimal(digits), 1).astype(np.bool_).all():
        raise Doubt
    if (dotted & ((point == 0) | (point == length - 1))).any():
        raise Doubt
    if int(length.max(initial=0)) > _FIELD_LIMIT:
        raise Doubt
    places = np.where(dotted, length - point - 1, 0).astype(np.int32)
    count = max(1, math.ceil(int((length - dotted).max(initial=0)) / width))
    limbs = []
    for position in range(count):
        part = digits
        if count > 1:
            stop = -position * width or None
            part = pc.utf8_slice_codeunits(digits, start=-(position + 1) * width, stop=stop)
            part = pc.utf8_lpad(part, width=1, padding="0")
        limbs.append(numbers(pc.cast(part, pa.int64())).astype(np.int64))
    return Exact(present, places, limbs, width)


def _check_rows(columns: Columns, amount: _Field, paid: _Field) -> None:
    """The rules between the fields of a record, and the fields a pledge's records share
    (donor, recipient, system key, part_of): anything broken is for the pure reader."""
    quantity, handed = columns.quantity, columns.delivered_quantity
    value, delivered = columns.amount, columns.delivered_amount
    if ((value.present | delivered.present) & (columns.currency < 0)).any():
        raise Doubt
    both = np.flatnonzero(quantity.present & handed.present)
    if len(both) and handed.greater(quantity, both).any():
        raise Doubt
    both = np.flatnonzero(value.present & delivered.present)
    if len(both):
        same = value.places[both] == delivered.places[both]
        if delivered.greater(value, both[same]).any():
            raise Doubt
        # Written with different places: compared as decimals.
        for row in both[~same].tolist():
            texts_a, texts_p = amount.texts, paid.texts
            if Decimal(texts_p[paid.codes[row]]) > Decimal(texts_a[amount.codes[row]]):
                raise Doubt
    _check_pledges(columns)


def _check_pledges(columns: Columns) -> None:
    pledge = columns.pledge
    if not len(pledge):
        return
    # Codes are given in order of first appearance: a row is its pledge's first when its
    # code is above every code before it.
    seen = np.maximum.accumulate(pledge)
    first_of = np.zeros(len(columns.ids), dtype=np.int32)
    heads = np.flatnonzero(np.concatenate([[True], pledge[1:] > seen[:-1]])).astype(np.int32)
    del seen
    first_of[pledge[heads]] = heads
    first = first_of[pledge]
    del first_of
    later = np.flatnonzero(first != np.arange(len(pledge), dtype=np.int32))  # not the first
    if not len(later):
        return
    before = first[later]
    keys = {key: code for code, key in enumerate(sorted(set(columns.system_keys.values())))}
    key_of = np.array([keys[columns.system_keys[name]] for name in columns.systems] + [-1])
    for column in (columns.donor, columns.recipient, key_of[columns.system], columns.part_of):
        if (column[later] != column[before]).any():
            raise Doubt
