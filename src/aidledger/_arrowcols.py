"""Arrow columns of text into checked numpy columns (:class:`~aidledger._columns.Columns`).

The readers (CSV through ``pyarrow.csv``, Parquet) hand over every field as text, as a
CSV file holds it: an Arrow string column per field, null for a blank. Each column is
then checked as the pure-Python reader checks it, with the same functions of
:mod:`aidledger.model` and :mod:`aidledger.money` applied to each *distinct* text (codes,
dates, statuses, quantities repeat a lot), and amounts with one regular expression over
the whole column. Anything it would not accept raises :class:`Doubt`: the caller then
reads the files with the pure-Python reader, which names the file, line, field and
value (so the message is the pure reader's own, word for word).

Arrow arrays become numpy arrays through their buffers: ``Array.to_numpy`` (like
``pa.array`` and ``pa.scalar``) imports pandas when it is installed, a fifth of a second.
"""

from __future__ import annotations

import concurrent.futures
import csv
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from aidledger._columns import STATUSES, Columns, day_number
from aidledger._exact import Exact, limb_width
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
    "columns_of",
    "constant_texts",
    "numbers",
]

_STATUS_CODES = {status.value: code for code, status in enumerate(STATUSES)}


# The longest field the csv module (and so the pure CSV reader) takes, in characters: a
# longer one is in doubt (a field of fewer bytes cannot have more characters).
_FIELD_LIMIT = csv.field_size_limit()


class Doubt(Exception):
    """Something in the input that only the pure-Python reader can judge (and locate)."""


class Part:
    """One file's records as Arrow text columns (``None`` for a column the file lacks),
    with where each came from."""

    def __init__(self, fields: dict[str, Any], size: int, origin: Origin) -> None:
        self.fields, self.size, self.origin = fields, size, origin


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


def _present(column: Any) -> npt.NDArray[np.bool_]:
    return numbers(pc.is_valid(column)).astype(np.bool_)


def _dictionary(column: Any) -> tuple[npt.NDArray[np.integer[Any]], Any]:
    """Codes (-1 for null) and the Arrow array of distinct texts (first appearance)."""
    encoded = pc.dictionary_encode(column)
    chunks = encoded.chunks
    if not chunks:
        return np.zeros(0, dtype=np.int32), pa.chunked_array([], pa.string()).combine_chunks()
    codes = numbers(pa.chunked_array([chunk.indices for chunk in chunks]), -1)
    return codes.astype(np.int32), chunks[-1].dictionary


def _encode(column: Any) -> tuple[npt.NDArray[np.integer[Any]], list[str]]:
    """Codes (-1 for null) and the distinct texts, in order of first appearance."""
    codes, distinct = _dictionary(column)
    return codes, distinct.to_pylist()


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


def _checked(texts: list[str], check: Callable[[str], Any]) -> list[Any]:
    try:
        return [check(text) for text in texts]
    except ValueError:
        raise Doubt from None


def columns_of(parts: Sequence[Part], resolve: Callable[[str], str | None]) -> Columns:
    """The checked columns of the records of *parts* (files in the order given)."""
    size = sum(part.size for part in parts)
    width = limb_width(size)

    def field(name: str) -> Any:
        chunks: list[Any] = []
        for part in parts:
            column = part.fields.get(name)
            if column is None:
                column = pa.nulls(part.size, pa.string())
            chunks.extend(column.chunks if isinstance(column, pa.ChunkedArray) else [column])
        return pa.chunked_array(chunks, pa.string())

    texts = {name: field(name) for name in COLUMNS}
    for part in parts:
        part.fields.clear()  # (each column goes as soon as it is read)
    for name in ("id", "date", "donor", "status"):
        if texts[name].null_count:
            raise Doubt  # a required field is blank
    for name in ("id", "part_of", "source", "note", "authority"):
        if (pc.max(pc.binary_length(texts[name])).as_py() or 0) > _FIELD_LIMIT:
            raise Doubt  # (other fields' texts are checked one by one, or as numbers)
    origins = []
    start = 0
    for part in parts:
        origin = part.origin
        origins.append(
            Origin(origin.file, start, start + part.size, origin.first_line, origin.lines)
        )
        start += part.size
    kept = {name: texts[name] for name in ("amount", "delivered_amount", "authority", "note")}
    # The ids (the most work: a hash of every one) are read on a thread of their own
    # while this one reads the other columns: Arrow lets go of the GIL as it works.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pledges = pool.submit(_pledges, texts.pop("id"), texts.pop("part_of"))
        others = _others(texts, resolve, width)
        found = pledges.result()
    columns = Columns(**found, **others, origins=origins,
                      texts={name: _Texts(column) for name, column in kept.items()})  # fmt: skip
    _check_rows(columns, kept)
    pa.default_memory_pool().release_unused()
    return columns


def _others(
    texts: dict[str, Any], resolve: Callable[[str], str | None], width: int
) -> dict[str, Any]:
    """Every column but the ids and part_of, checked and converted."""
    return dict(
        **_dates(texts.pop("date")),
        **_statuses(texts.pop("status")),
        **_codes("donor", texts.pop("donor"), check_territory),
        **_recipients(texts.pop("recipient")),
        **_systems(texts.pop("system"), resolve),
        **_codes("currency", texts.pop("currency"), check_currency, plural="currencies"),
        **_quantities(texts.pop("quantity"), texts.pop("delivered_quantity"), width),
        **_amounts(texts.pop("amount"), texts.pop("delivered_amount"), width),
        **_sources(texts.pop("source")),
    )


class _Texts:
    """A text column kept in Arrow, read only for a RecordTable or a record object."""

    def __init__(self, column: Any) -> None:
        self._column = column

    def all(self) -> list[str]:
        return [text or "" for text in self._column.to_pylist()]

    def at(self, row: int) -> str:
        return self._column[row].as_py() or ""


def _pledges(ids: Any, part_of: Any) -> dict[str, Any]:
    """Pledge codes, and part_of codes into the same texts: ids first (in order of their
    first record), then the texts that name no pledge."""
    pledge, known = _dictionary(ids)
    package, named = _dictionary(part_of)
    # Which pledge each name in part_of is: the ids are looked up among the few distinct
    # names (a small table), not every record's part_of among the ids.
    where = numbers(pc.index_in(known, value_set=named), -1)
    code = np.full(len(named), -1, dtype=np.int64)
    hits = np.flatnonzero(where >= 0)
    code[where[hits]] = hits
    others = np.flatnonzero(code < 0)
    code[others] = len(known) + np.arange(len(others))
    lookup = np.concatenate([code, [-1]]).astype(np.int32)  # (the last: a blank)
    part = lookup[package]
    extra = pc.take(named, arrow_ints(others))
    return {
        "pledge": pledge,
        "ids": ArrowTexts(known),
        "part_of": part,
        "names": ArrowTexts(pa.chunked_array([known, extra], pa.string())),
    }


def _dates(column: Any) -> dict[str, Any]:
    codes, distinct = _encode(column)
    days = np.array([day_number(day) for day in _checked(distinct, parse_date)], np.int32)
    return {"date": days[codes] if len(days) else codes}


def _statuses(column: Any) -> dict[str, Any]:
    codes, distinct = _encode(column)
    if any(text not in _STATUS_CODES for text in distinct):
        raise Doubt
    lookup = np.array([_STATUS_CODES[text] for text in distinct], dtype=np.int8)
    return {"status": lookup[codes] if len(lookup) else codes.astype(np.int8)}


def _codes(
    name: str, column: Any, check: Callable[[str], Any], plural: str | None = None
) -> dict[str, Any]:
    codes, distinct = _encode(column)
    _checked(distinct, check)
    return {name: codes, plural or f"{name}s": distinct}


def _recipients(column: Any) -> dict[str, Any]:
    """Recipient codes; a blank is Ukraine (UA), as in the interchange format."""
    codes, distinct = _encode(column)
    _checked(distinct, check_territory)
    if (codes < 0).any():
        if "UA" not in distinct:
            distinct.append("UA")
        codes = np.where(codes < 0, distinct.index("UA"), codes).astype(np.int32)
    return {"recipient": codes, "recipients": distinct}


def _systems(column: Any, resolve: Callable[[str], str | None]) -> dict[str, Any]:
    codes, distinct = _encode(column)
    _checked(distinct, check_text)
    if max(map(len, distinct), default=0) > _FIELD_LIMIT:
        raise Doubt
    keys = {name: resolve(name) or name for name in distinct}
    return {"system": codes, "systems": distinct, "system_keys": keys}


def _sources(column: Any) -> dict[str, Any]:
    codes, distinct = _encode(column)
    return {"source": codes, "sources": distinct}


def _whole_numbers(column: Any, width: int, undisclosed: bool) -> tuple[Exact, Any]:
    """A column of quantities (each distinct text read once, as the pure reader reads
    it), and where it says ``undisclosed`` (when *undisclosed*)."""
    codes, distinct = _encode(column)
    hidden = np.zeros(len(codes), dtype=np.bool_)
    if undisclosed and UNDISCLOSED.value in distinct:
        position = distinct.index(UNDISCLOSED.value)
        hidden = codes == position
        distinct[position] = ""
    values = _checked(distinct, lambda text: None if text == "" else parse_quantity(text))
    table = Exact.from_ints([*values, None], width)
    return table.select(np.where(codes < 0, len(values), codes)), hidden


def _quantities(quantity: Any, delivered: Any, width: int) -> dict[str, Any]:
    units, _ = _whole_numbers(quantity, width, undisclosed=False)
    handed, hidden = _whole_numbers(delivered, width, undisclosed=True)
    return {"quantity": units, "delivered_quantity": handed, "quantity_undisclosed": hidden}


def _decimals(column: Any, width: int) -> Exact:
    """A column of plain decimal texts as exact limbs, each row with its places; any
    other text (a sign, an exponent, a comma, a space) is in doubt."""
    present = _present(column)
    length = numbers(pc.binary_length(column)).astype(np.int64)
    point = numbers(pc.find_substring(column, "."), -1).astype(np.int64)
    dotted = point >= 0
    digits = pc.replace_substring(column, ".", "", max_replacements=1) if dotted.any() else column
    # Digits once the one point is dropped (a second one is left), the point inside.
    if not numbers(pc.ascii_is_decimal(digits), 1).astype(np.bool_).all():
        raise Doubt
    if (dotted & ((point == 0) | (point == length - 1))).any():
        raise Doubt
    places = np.where(dotted, length - point - 1, 0).astype(np.int32)
    if int(length.max(initial=0)) > _FIELD_LIMIT:
        raise Doubt
    longest = int((length - dotted).max(initial=0))
    count = max(1, math.ceil(longest / width))
    limbs = []
    for position in range(count):
        part = digits
        if count > 1:
            stop = -position * width or None
            part = pc.utf8_slice_codeunits(digits, start=-(position + 1) * width, stop=stop)
            part = pc.utf8_lpad(part, width=1, padding="0")
        limbs.append(numbers(pc.cast(part, pa.int64())).astype(np.int64))
    return Exact(present, places, limbs, width)


def _amounts(amount: Any, delivered: Any, width: int) -> dict[str, Any]:
    word = UNDISCLOSED.value
    said = pc.and_(
        pc.match_substring(delivered, word), pc.equal(pc.binary_length(delivered), _length(word))
    )
    hidden = numbers(said).astype(np.bool_)
    if hidden.any():
        delivered = pc.if_else(said, pa.nulls(len(delivered), pa.string()), delivered)
    return {
        "amount": _decimals(amount, width),
        "delivered_amount": _decimals(delivered, width),
        "amount_undisclosed": hidden,
    }


def _length(text: str) -> Any:
    """The byte length of *text* as an Arrow scalar (made without ``pa.scalar``)."""
    return pc.binary_length(constant_texts(text, 1))[0]


def _check_rows(columns: Columns, texts: dict[str, Any]) -> None:
    """The rules between the fields of a record, and the fields a pledge's records share
    (donor, recipient, system key, part_of): anything broken is for the pure reader."""
    quantity, handed = columns.quantity, columns.delivered_quantity
    amount, paid = columns.amount, columns.delivered_amount
    if ((amount.present | paid.present) & (columns.currency < 0)).any():
        raise Doubt
    both = np.flatnonzero(quantity.present & handed.present)
    if len(both) and handed.greater(quantity, both).any():
        raise Doubt
    both = np.flatnonzero(amount.present & paid.present)
    if len(both):
        same = amount.places[both] == paid.places[both]
        if paid.greater(amount, both[same]).any():
            raise Doubt
        other = both[~same]
        if len(other) and _more_paid(texts, other):
            raise Doubt
    _check_pledges(columns)


def _more_paid(texts: dict[str, Any], rows: npt.NDArray[np.integer[Any]]) -> bool:
    """Whether a delivered amount is more than the amount, on *rows* (whose amounts are
    written with different places: compared as decimals)."""
    from decimal import Decimal

    index = arrow_ints(rows)
    values = pc.take(texts["amount"], index).to_pylist()
    paid = pc.take(texts["delivered_amount"], index).to_pylist()
    return any(Decimal(p) > Decimal(a) for a, p in zip(values, paid, strict=True))


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


def arrow_ints(values: npt.NDArray[Any]) -> Any:
    """A numpy array as an Arrow int64 array, from its buffer."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def _check_pledges(columns: Columns) -> None:
    pledge = columns.pledge
    if not len(pledge):
        return
    # Codes are given in order of first appearance: a row is its pledge's first when its
    # code is above every code before it.
    seen = np.maximum.accumulate(pledge)
    first_of = np.zeros(len(columns.ids), dtype=np.intp)
    heads = np.flatnonzero(np.r_[True, pledge[1:] > seen[:-1]])
    first_of[pledge[heads]] = heads
    first = first_of[pledge]
    later = np.flatnonzero(first != np.arange(len(pledge)))  # rows after their pledge's first
    if not len(later):
        return
    before = first[later]
    keys = {key: code for code, key in enumerate(sorted(set(columns.system_keys.values())))}
    key_of = np.array([keys[columns.system_keys[name]] for name in columns.systems] + [-1])
    for column in (columns.donor, columns.recipient, key_of[columns.system], columns.part_of):
        if (column[later] != column[before]).any():
            raise Doubt
