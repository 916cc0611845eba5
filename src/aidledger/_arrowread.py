"""Loading ledger files into columns for the columnar engine (``load(engine=...)``).

CSV is read by ``pyarrow.csv`` with every field as text, Parquet by ``pyarrow.parquet``
(``_parquet``); both are then checked vectorised (``_arrowcols``). Before Arrow reads a
CSV file, one pass over its bytes settles what Arrow would read differently from the
csv module: quotes (a quoted field followed by more text, or left open, is an error; a
quote inside an unquoted field is text), carriage returns, blank lines and records that
span lines (for the line numbers), NUL bytes and the header.

Whenever anything is in doubt, the files are read by the pure-Python readers instead:
they raise the located error, word for word as on the pure path, or (if the doubt was
only caution) read the ledger, whose columns are then made from their table. Loading is
all-or-nothing either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from aidledger._arrowcols import Doubt, Part, columns_of
from aidledger._columns import Columns
from aidledger._table import Index, Origin, RecordTable, index_pledges
from aidledger.model import COLUMNS, REQUIRED_COLUMNS

__all__ = ["load_columns"]

#: Reads one file with the pure-Python reader (the fallback, and JSON).
PureReader = Callable[[str | os.PathLike[str]], RecordTable]

_BOM = b"\xef\xbb\xbf"


def load_columns(
    paths: Sequence[str | os.PathLike[str]],
    resolve: Callable[[str], str | None],
    pure: Callable[[], RecordTable],
) -> tuple[Columns, Index | None]:
    """The columns of the records of *paths*, in the order given; with the pledge index
    when the pure readers (*pure*) had to read them."""
    try:
        parts = [_part(path) for path in paths]
        return columns_of(parts, resolve), None
    except Doubt:
        table = pure()
        index = index_pledges(table)
        return Columns.from_table(table), index


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
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError:
        raise Doubt from None
    header, start = _header(data)
    if data.find(b"\x00") >= 0:
        raise Doubt  # a NUL byte: the pure reader locates it
    if data.find(b"\r") >= 0 and data.count(b"\r") != data.count(b"\r\n"):
        raise Doubt  # a carriage return that ends no line
    spans = _quoted_spans(data, start) if data.find(b'"', start) >= 0 else []
    # Lines are records, unless a quoted field spans lines (or there are blank lines:
    # then Arrow's rows are fewer, and the lines are worked out once they are read).
    lines = _lines(data, spans) if spans else None
    rows = data.count(b"\n") - 1 + (data[len(data) - 1 :] != b"\n")
    del data  # (Arrow reads the file itself: the bytes need not be held twice)
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 22),
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


def _header(data: bytes) -> tuple[list[str], int]:
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


def _quoted_spans(data: bytes, start: int) -> list[tuple[int, int]]:
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


def _lines(data: bytes, spans: list[tuple[int, int]]) -> list[int]:
    """The line each record starts on (blank lines hold none; a quoted field may hold
    line breaks)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(raw == 10)
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
