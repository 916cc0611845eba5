"""Reading interchange CSV (DESIGN 4.1) into checked columns, fast.

Rows are read in chunks, turned into columns, and each column is checked once per distinct
value (dates, codes, statuses and quantities repeat a lot), so a million records take about
as long as the ``csv`` module needs to split them. The first malformed value, in file order,
stops the load with a :class:`~aidledger.errors.LoadError` naming file, line, field and
value; nothing is half-loaded.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any, TextIO

from aidledger._table import Origin, RecordTable
from aidledger.errors import LoadError
from aidledger.model import (
    COLUMNS,
    REQUIRED_COLUMNS,
    Status,
    check_territory,
    cross_field_problem,
    parse_date,
    parse_quantity,
)
from aidledger.money import check_currency, parse_amount

__all__ = ["read_csv", "read_csv_text"]

_CHUNK = 50_000
_STATUSES = {status.value: status for status in Status}


class _Bad:
    """A cached verdict that a text is not a valid value of a column."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _parse_status(text: str) -> Status:
    try:
        return _STATUSES[text]
    except KeyError:
        known = ", ".join(_STATUSES)
        hint = f" (did you mean {text.lower()!r}?)" if text.lower() in _STATUSES else ""
        raise ValueError(f"is not a status: one of {known}{hint}") from None


def _check_amount_text(text: str) -> str:
    parse_amount(text)
    return text


def _identity(text: str) -> str:
    return text


# How each column is read: a parser for non-blank text, and whether blank is allowed.
_PARSERS: dict[str, tuple[Callable[[str], Any], bool]] = {
    "id": (_identity, False),
    "date": (parse_date, False),
    "donor": (check_territory, False),
    "recipient": (check_territory, True),
    "system": (_identity, True),
    "quantity": (parse_quantity, True),
    "amount": (_check_amount_text, True),
    "currency": (check_currency, True),
    "delivered_quantity": (parse_quantity, True),
    "delivered_amount": (_check_amount_text, True),
    "status": (_parse_status, False),
    "authority": (_identity, True),
    "part_of": (_identity, True),
    "source": (_identity, True),
    "note": (_identity, True),
}
_TEXT_COLUMNS = ("id", "system", "authority", "part_of", "source", "note")


class _ColumnReader:
    """Checks and converts one column, remembering the verdict on each distinct text."""

    def __init__(self, name: str, position: int | None, resolve: Callable[[str], str]) -> None:
        self.name = name
        self.position = position
        parse, blank_ok = _PARSERS[name]
        if name == "system":
            parse = resolve
        self.parse = parse
        blank = None if blank_ok else _Bad("is blank, but the field is required")
        self.cache: dict[str, Any] = {"": blank}
        if name == "recipient":
            self.cache[""] = "UA"

    def convert(self, values: Sequence[str]) -> tuple[list[Any], int | None]:
        """The converted column, and the index of its first bad value (or ``None``)."""
        cache = self.cache
        for text in set(values).difference(cache):
            try:
                cache[text] = self.parse(text)
            except ValueError as error:
                cache[text] = _Bad(str(error))
        converted = list(map(cache.__getitem__, values))
        bad = [text for text, value in cache.items() if isinstance(value, _Bad)]
        if not bad:
            return converted, None
        bad_set = set(bad)
        first = next((i for i, text in enumerate(values) if text in bad_set), None)
        return converted, first

    def blank_column(self, size: int) -> list[Any]:
        value = self.cache[""]
        return [value] * size


def read_csv(
    path: str | os.PathLike[str],
    resolve_system: Callable[[str], str | None],
    name: str | None = None,
) -> RecordTable:
    """Read a ledger CSV file into checked columns; see :func:`read_csv_text`.

    *name* is what messages call the file (default: *path* as given).
    """
    name = os.fspath(path) if name is None else name
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            return read_csv_text(stream, name, resolve_system)
    except UnicodeDecodeError as error:
        raise _decode_error(path, name, error) from None
    except OSError as error:
        raise LoadError(f"cannot be read: {error.strerror or error}", file=name) from None


def _decode_error(path: str | os.PathLike[str], name: str, error: UnicodeDecodeError) -> LoadError:
    with open(path, "rb") as raw:
        data = raw.read()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return LoadError("is UTF-16 text: save it as UTF-8", file=name, line=1)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as located:
        line = data.count(b"\n", 0, located.start) + 1
        bad = data[located.start : located.start + 4]
        return LoadError(f"is not UTF-8 text (bytes {bad!r})", file=name, line=line)
    return LoadError(f"is not UTF-8 text ({error.reason})", file=name)


def read_csv_text(
    stream: TextIO, name: str, resolve_system: Callable[[str], str | None]
) -> RecordTable:
    """Read interchange CSV from an open text stream (opened with ``newline=""``)."""
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise LoadError(f"is not valid CSV: {error}", file=name, line=reader.line_num) from None
    if header is None:
        raise LoadError("is empty: a ledger file starts with a header row", file=name, line=1)
    positions = _check_header(header, name)

    def resolve(text: str) -> str:
        return resolve_system(text) or text

    readers = [_ColumnReader(column, positions.get(column), resolve) for column in COLUMNS]
    table = RecordTable()
    width = len(header)
    last_line = reader.line_num
    lines: list[int] | None = None
    while True:
        try:
            chunk = list(islice(reader, _CHUNK))
        except csv.Error as error:
            raise LoadError(
                f"is not valid CSV: {error}", file=name, line=reader.line_num
            ) from None
        if not chunk:
            break
        end_line = reader.line_num
        starts = _row_lines(chunk, last_line, end_line)
        if starts is not None:
            if lines is None:
                lines = list(range(2, 2 + len(table)))
            chunk, starts = _drop_blank_rows(chunk, starts)
            lines.extend(starts)
        elif lines is not None:
            lines.extend(range(last_line + 1, end_line + 1))
        first_line = last_line + 1
        last_line = end_line
        if not chunk:
            continue
        widths = set(map(len, chunk))
        if widths != {width}:
            row = next(i for i, fields in enumerate(chunk) if len(fields) != width)
            line = starts[row] if starts is not None else first_line + row
            raise LoadError(
                f"has {len(chunk[row])} fields where the header has {width}",
                file=name,
                line=line,
            )
        _read_chunk(chunk, readers, table, name, starts, first_line)
    if lines is not None:
        table.origins.append(Origin(name, 0, len(table), lines=lines))
    else:
        table.origins.append(Origin(name, 0, len(table), first_line=2))
    return table


def _check_header(header: list[str], name: str) -> dict[str, int]:
    positions: dict[str, int] = {}
    for position, column in enumerate(header):
        if column in positions:
            raise LoadError(
                "is a duplicate column", file=name, line=1, field="header", value=column
            )
        if column not in _PARSERS:
            hint = ""
            if column.strip().lower() in _PARSERS:
                hint = f" (did you mean {column.strip().lower()!r}?)"
            raise LoadError(
                f"is not a column of the ledger format{hint}; columns: {', '.join(COLUMNS)}",
                file=name,
                line=1,
                field="header",
                value=column,
            )
        positions[column] = position
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            raise LoadError(
                f"required column {column!r} is missing", file=name, line=1, field="header"
            )
    return positions


def _row_lines(chunk: list[list[str]], last_line: int, end_line: int) -> list[int] | None:
    """The line each row starts on, or ``None`` when rows are one line each, in a run."""
    if end_line - last_line == len(chunk) and all(chunk):
        return None
    starts = []
    line = last_line + 1
    for fields in chunk:
        starts.append(line)
        line += 1 + sum(field.count("\n") for field in fields)
    return starts


def _drop_blank_rows(
    chunk: list[list[str]], starts: list[int]
) -> tuple[list[list[str]], list[int]]:
    # An empty line holds no record; skipping it drops nothing.
    kept = [(fields, line) for fields, line in zip(chunk, starts, strict=True) if fields]
    return [fields for fields, _ in kept], [line for _, line in kept]


def _read_chunk(
    chunk: list[list[str]],
    readers: list[_ColumnReader],
    table: RecordTable,
    name: str,
    starts: list[int] | None,
    first_line: int,
) -> None:
    columns = list(zip(*chunk, strict=True))
    errors: list[tuple[int, int, str, str, str]] = []
    converted: dict[str, list[Any]] = {}
    for reader in readers:
        if reader.position is None:
            converted[reader.name] = reader.blank_column(len(chunk))
            continue
        values = columns[reader.position]
        if reader.name in _TEXT_COLUMNS and "\x00" in "".join(values):
            row = next(i for i, text in enumerate(values) if "\x00" in text)
            errors.append((row, reader.position, reader.name, values[row], "has a NUL byte"))
        result, bad = reader.convert(values)
        converted[reader.name] = result
        if bad is not None:
            verdict = result[bad]
            errors.append((bad, reader.position, reader.name, values[bad], verdict.reason))
    if not errors:
        cross = _first_cross_field_error(converted, len(chunk))
        if cross is not None:
            row, field, value, reason = cross
            errors.append((row, 0, field, value, reason))
    if errors:
        row, _, field, value, reason = min(errors)
        line = starts[row] if starts is not None else first_line + row
        raise LoadError(reason, file=name, line=line, field=field, value=value)
    for column_name, column in converted.items():
        getattr(table, column_name).extend(column)


def _first_cross_field_error(
    columns: dict[str, list[Any]], size: int
) -> tuple[int, str, str, str] | None:
    names = ("currency", "quantity", "amount", "delivered_quantity", "delivered_amount")
    values = [columns[name] for name in names]
    for row in _rows_with_any(size, columns["amount"], *values[3:]):
        problem = cross_field_problem(*(column[row] for column in values))
        if problem is not None:
            return (row, *problem)
    return None


def _rows_with_any(size: int, *columns: list[Any]) -> Iterable[int]:
    """Rows where any of *columns* is not blank (most rows have no delivery figures)."""
    rows: set[int] = set()
    for column in columns:
        if column.count(None) != size:
            rows.update(i for i, value in enumerate(column) if value is not None)
    return sorted(rows)
