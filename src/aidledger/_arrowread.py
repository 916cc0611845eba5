"""Loading ledger files into columns for the columnar engine (``load(engine=...)``).

CSV is read by ``pyarrow.csv`` with every field as text, Parquet by ``pyarrow.parquet``
(``_parquet``); both are then checked vectorised (``_arrowcols``). Before Arrow reads a
CSV file, one pass over its bytes settles what Arrow would read differently from the
csv module: quotes (a quoted field followed by more text, or left open, is an error; a
quote inside an unquoted field is text), carriage returns, blank lines and records that
span lines (for the line numbers), NUL bytes and the header.

Whenever anything is in doubt, the files are read by the pure-Python readers instead:
they report every located problem, word for word as on the pure path, or (if the doubt
was only caution) read the ledger, whose columns are then made from their table. Loading
is all-or-nothing either way.
"""

from __future__ import annotations

import contextlib
import mmap
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv

from aidledger._arrowcols import Doubt, Part, columns_of
from aidledger._columns import Columns
from aidledger._table import Origin
from aidledger.model import COLUMNS, REQUIRED_COLUMNS

__all__ = ["load_columns"]

_BOM = b"\xef\xbb\xbf"


def load_columns(
    paths: Sequence[str | os.PathLike[str]], resolve: Callable[[str], str | None]
) -> Columns | None:
    """The columns of the records of *paths*, in the order given; ``None`` when anything
    is in doubt, for the pure-Python readers to read them (or name what is wrong)."""
    try:
        return columns_of([_part(path) for path in paths], resolve)
    except Doubt:
        return None


def _part(path: str | os.PathLike[str]) -> Part:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".parquet":
        from aidledger import _parquet

        part: Part = _parquet.read_part(path)
        return part
    raise Doubt  # JSON and JSON Lines: the pure reader, then columns from its table


def read_csv(path: str | os.PathLike[str]) -> Part:
    """One CSV file, to be read a batch at a time (see the module docstring)."""
    try:
        with open(path, "rb") as stream, _mapped(stream) as data:
            header, spans, lines, rows = _scan(data)
    except OSError:
        raise Doubt from None
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=bool(spans)),
            convert_options=pacsv.ConvertOptions(
                # Every field as text, each kept as codes into its distinct texts,
                # found as the blocks are parsed (on every core).
                column_types=dict.fromkeys(header, pa.dictionary(pa.int32(), pa.string())),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, OSError):
        raise Doubt from None
    size = table.num_rows
    if lines is None and size != rows:
        with open(path, "rb") as stream:
            lines = _lines(stream.read(), [])  # blank lines
    if lines is not None and len(lines) != size:
        raise Doubt
    fields = dict(zip(table.column_names, table.columns, strict=True))
    name = os.fspath(path)
    if lines is None:
        return Part(fields, size, Origin(name, 0, size, first_line=2))
    return Part(fields, size, Origin(name, 0, size, lines=lines))


@contextlib.contextmanager
def _mapped(stream: Any) -> Iterator[mmap.mmap]:
    """The bytes of an open file, mapped, not copied (an empty one is in doubt)."""
    try:
        data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    except ValueError:
        raise Doubt from None
    with data:
        yield data


def _scan(data: mmap.mmap) -> tuple[list[str], list[tuple[int, int]], list[int] | None, int]:
    """What Arrow would read differently from the csv module (see the module
    docstring): the header, the quoted fields that span lines, each record's line when
    not simply one a line, and how many lines hold records."""
    header, start = _header(data)
    if data.find(b"\x00") >= 0:
        raise Doubt  # a NUL byte: the pure reader locates it
    if data.find(b"\r") >= 0 and _bare_returns(data):
        raise Doubt  # a carriage return that ends no line
    spans = _quoted_spans(data, start) if data.find(b'"', start) >= 0 else []
    # Lines are records, unless a quoted field spans lines (or there are blank lines:
    # then Arrow's rows are fewer, and the lines are worked out once they are read).
    lines = _lines(data, spans) if spans else None
    rows = _count(data, 10) - 1 + (data[len(data) - 1 :] != b"\n")
    return header, spans, lines, rows


def _chunks(data: Any, step: int = 1 << 23) -> Iterator[tuple[int, npt.NDArray[np.uint8]]]:
    """The bytes of *data* as numpy arrays of *step* bytes at most, with their offsets."""
    for offset in range(0, len(data), step):
        yield offset, np.frombuffer(data, np.uint8, count=min(step, len(data) - offset),
                                    offset=offset)  # fmt: skip


def _count(data: Any, byte: int) -> int:
    return sum(int(np.count_nonzero(chunk == byte)) for _, chunk in _chunks(data))


def _bare_returns(data: Any) -> bool:
    """Whether a carriage return is followed by anything but a line feed."""
    for offset, chunk in _chunks(data):
        for position in (np.flatnonzero(chunk == 13) + offset).tolist():
            if data[position + 1 : position + 2] != b"\n":
                return True
    return False


def _header(data: Any) -> tuple[list[str], int]:
    """The header's columns, when aidledger reads them, and where the records start."""
    end = data.find(b"\n")
    if end < 0:
        raise Doubt
    raw = data[:end].removeprefix(_BOM).removesuffix(b"\r")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Doubt from None
    columns = text.split(",")
    if (
        '"' in text
        or len(set(columns)) != len(columns)
        or not set(columns) <= set(COLUMNS)
        or not set(REQUIRED_COLUMNS) <= set(columns)
    ):
        raise Doubt
    return columns, end + 1


def _quoted_spans(data: Any, start: int) -> list[tuple[int, int]]:
    """The quoted fields that hold a line break, as (opening, closing) quote positions;
    ``Doubt`` when the quoting is not what the csv module (strict) accepts."""
    spans = []
    found = data.find(b'"', start)
    while found >= 0:
        if data[found - 1] not in b",\n\r":
            found = data.find(b'"', found + 1)  # inside an unquoted field: text
            continue
        close = found
        while True:
            close = data.find(b'"', close + 1)
            if close < 0:
                raise Doubt  # left open at the end of the file
            if data[close + 1 : close + 2] != b'"':
                break
            close += 1  # a doubled quote stands for one
        if data[close + 1 : close + 2] not in (b",", b"\n", b"\r", b""):
            raise Doubt  # more text after the closing quote
        if data.find(b"\n", found, close) >= 0:
            spans.append((found, close))
        found = data.find(b'"', close + 1)
    return spans


def _lines(data: Any, spans: list[tuple[int, int]]) -> list[int]:
    """The line each record starts on (blank lines hold none; a quoted field may hold
    line breaks)."""
    found = [np.flatnonzero(chunk == 10) + offset for offset, chunk in _chunks(data)]
    breaks = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    raw = np.frombuffer(data, dtype=np.uint8)
    numbers_of = np.arange(len(breaks))
    if spans:
        opening = np.array([a for a, _ in spans])
        closing = np.array([b for _, b in spans])
        inside = np.searchsorted(opening, breaks, side="right") - 1
        held = (inside >= 0) & (breaks < closing[np.maximum(inside, 0)])
        breaks, numbers_of = breaks[~held], numbers_of[~held]
    after = breaks + 1
    keep = after < len(raw)
    after, numbers_of = after[keep], numbers_of[keep]
    # A record starts after a line break that is followed by neither another nor CRLF.
    record = (raw[after] != 10) & (raw[after] != 13)
    del raw
    lines: list[int] = (numbers_of[record] + 2).tolist()
    return lines
