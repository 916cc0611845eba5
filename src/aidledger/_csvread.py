"""Reading interchange CSV (DESIGN 4.1) into checked columns, fast.

Rows are read in small chunks and turned into columns. Each column is then checked with
as little Python per value as possible: codes, dates, statuses and quantities through a
cache of verdicts per distinct text (they repeat a lot), amounts with one regular
expression over the whole chunk. The first malformed value in file order stops the load
with a :class:`~aidledger.errors.LoadError` naming file, line, field and value; nothing is
half-loaded.
"""

from __future__ import annotations

import csv
import operator
import os
import re
from collections.abc import Callable, Sequence
from itertools import compress, islice
from typing import Any, TextIO

from aidledger._table import Origin, RecordTable
from aidledger.errors import LoadError
from aidledger.model import (
    COLUMNS,
    REQUIRED_COLUMNS,
    Status,
    check_territory,
    check_text,
    cross_field_problem,
    parse_date,
    parse_quantity,
)
from aidledger.money import check_currency, parse_amount

__all__ = ["read_csv", "read_csv_text"]

# Small chunks keep the rows young for the garbage collector, which makes reading them
# twice as fast as with large ones.
_CHUNK = 2000
_STATUSES = {status.value: status for status in Status}
# A chunk of amounts joined by NUL: all plain decimals or blank. (A NUL inside a value
# would fool it, which is why the joined text's NUL count is checked too.)
_AMOUNTS = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?)?(?:\x00(?:[0-9]+(?:\.[0-9]+)?)?)*")


def _parse_status(text: str) -> Status:
    try:
        return _STATUSES[text]
    except KeyError:
        known = ", ".join(_STATUSES)
        hint = f" (did you mean {text.lower()!r}?)" if text.lower() in _STATUSES else ""
        raise ValueError(f"is not a status: one of {known}{hint}") from None


def _blank(parse: Callable[[str], Any], blank: Any) -> Callable[[str], Any]:
    def parse_or_blank(text: str) -> Any:
        return blank if text == "" else parse(text)

    return parse_or_blank


def _required(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse_required(text: str) -> Any:
        if text == "":
            raise ValueError("is blank, but the field is required")
        return parse(text)

    return parse_required


class _Error(Exception):
    """A bad value found in a chunk: row in the chunk, column position, field, value, why."""

    def __init__(self, row: int, position: int, field: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.key = (row, position)
        self.field, self.value, self.reason = field, value, reason


class _Coded:
    """A column of few distinct texts, each converted once (codes, dates, quantities)."""

    def __init__(self, name: str, parse: Callable[[str], Any]) -> None:
        self.name = name
        self.parse = parse
        self.cache: dict[str, Any] = {}

    def __call__(self, values: Sequence[str], position: int) -> list[Any]:
        cache = self.cache
        try:
            return list(map(cache.__getitem__, values))
        except KeyError:
            pass
        bad: dict[str, str] = {}
        for text in set(values).difference(cache):
            try:
                cache[text] = self.parse(text)
            except ValueError as error:
                bad[text] = str(error)
        if bad:
            row = next(i for i, text in enumerate(values) if text in bad)
            raise _Error(row, position, self.name, values[row], bad[values[row]])
        return list(map(cache.__getitem__, values))


class _Text:
    """A column of free text, kept as written; repeated texts share one object."""

    def __init__(self, name: str, required: bool = False, intern: bool = True) -> None:
        self.name = name
        self.required = required
        self.shared: dict[str, str] | None = {} if intern else None

    def __call__(self, values: Sequence[str], position: int) -> Sequence[str]:
        if self.required and "" in values:
            row = values.index("")
            raise _Error(row, position, self.name, "", "is blank, but the field is required")
        if "\x00" in "\x01".join(values):
            row = next(i for i, text in enumerate(values) if "\x00" in text)
            raise _Error(row, position, self.name, values[row], "has a NUL byte")
        if self.shared is None:
            return values
        return list(map(self.shared.setdefault, values, values))


class _Amount:
    """A column of plain decimal amounts, kept as the exact text written."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, values: Sequence[str], position: int) -> Sequence[str]:
        joined = "\x00".join(values)
        if _AMOUNTS.fullmatch(joined) and joined.count("\x00") == len(values) - 1:
            return values
        for row, text in enumerate(values):
            if text:
                try:
                    parse_amount(text)
                except ValueError as error:
                    raise _Error(row, position, self.name, text, str(error)) from None
        raise AssertionError("unreachable: a bad amount was not found")  # pragma: no cover


def _columns(resolve: Callable[[str], str]) -> dict[str, Any]:
    def system(text: str) -> str:
        return resolve(check_text(text))

    return {
        "id": _Text("id", required=True),
        "date": _Coded("date", _required(parse_date)),
        "donor": _Coded("donor", _required(check_territory)),
        "recipient": _Coded("recipient", _blank(check_territory, "UA")),
        "system": _Coded("system", _blank(system, "")),
        "quantity": _Coded("quantity", _blank(parse_quantity, None)),
        "amount": _Amount("amount"),
        "currency": _Coded("currency", _blank(check_currency, "")),
        "delivered_quantity": _Coded("delivered_quantity", _blank(parse_quantity, None)),
        "delivered_amount": _Amount("delivered_amount"),
        "status": _Coded("status", _required(_parse_status)),
        "authority": _Text("authority"),
        "part_of": _Text("part_of"),
        "source": _Text("source"),
        "note": _Text("note", intern=False),
    }


# What a column missing from the header holds: blank, or UA for the recipient.
_ABSENT: dict[str, Any] = {"recipient": "UA", "quantity": None, "delivered_quantity": None}


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
        with open(path, "rb") as raw:
            data = raw.read()
        raise decode_error(data, name) or LoadError(
            f"is not UTF-8 text ({error.reason})", file=name
        ) from None
    except OSError as error:
        raise LoadError(f"cannot be read: {error.strerror or error}", file=name) from None


def decode_error(data: bytes, name: str) -> LoadError | None:
    """What is wrong with *data* as UTF-8 text, located by line; ``None`` when nothing."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return LoadError("is UTF-16 text: save it as UTF-8", file=name, line=1)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as located:
        line = data.count(b"\n", 0, located.start) + 1
        bad = data[located.start : located.start + 4]
        return LoadError(f"is not UTF-8 text (bytes {bad!r})", file=name, line=line)
    return None


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

    readers = _columns(resolve)
    present = [(column, positions[column], readers[column]) for column in positions]
    absent = [column for column in COLUMNS if column not in positions]
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
        if len(set(map(len, chunk))) != 1 or len(chunk[0]) != width:
            row = next(i for i, fields in enumerate(chunk) if len(fields) != width)
            line = starts[row] if starts is not None else first_line + row
            raise LoadError(
                f"has {len(chunk[row])} fields where the header has {width}",
                file=name,
                line=line,
            )
        try:
            _read_chunk(chunk, present, absent, table)
        except _Error as error:
            row = error.key[0]
            line = starts[row] if starts is not None else first_line + row
            raise LoadError(
                error.reason, file=name, line=line, field=error.field, value=error.value
            ) from None
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
        if column not in COLUMNS:
            hint = ""
            if column.strip().lower() in COLUMNS:
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
    present: list[tuple[str, int, Any]],
    absent: list[str],
    table: RecordTable,
) -> None:
    raw = list(zip(*chunk, strict=True))
    converted: dict[str, Sequence[Any]] = {}
    errors: list[_Error] = []
    for column, position, read in present:
        try:
            converted[column] = read(raw[position], position)
        except _Error as error:
            errors.append(error)
    size = len(chunk)
    for column in absent:
        converted[column] = [_ABSENT.get(column, "")] * size
    if all(column in converted for column in _CROSS_COLUMNS):
        try:
            _check_rows(converted, size)
        except _Error as error:
            errors.append(error)
    if errors:
        raise min(errors, key=lambda error: error.key)
    for column, values in converted.items():
        getattr(table, column).extend(values)


_CROSS_COLUMNS = ("currency", "quantity", "amount", "delivered_quantity", "delivered_amount")


def _check_rows(columns: dict[str, Sequence[Any]], size: int) -> None:
    """The rules between fields of a record, over the rows that could break them."""
    currency, amount, delivered_amount = (
        columns["currency"],
        columns["amount"],
        columns["delivered_amount"],
    )
    quantity, delivered_quantity = columns["quantity"], columns["delivered_quantity"]
    suspects: set[int] = set()
    if "" in currency:
        blank = list(map(operator.not_, currency))
        if "".join(compress(amount, blank)) or "".join(compress(delivered_amount, blank)):
            suspects.update(i for i in range(size) if not currency[i])
    if delivered_quantity.count(None) != size:
        suspects.update(i for i in range(size) if delivered_quantity[i] is not None)
    if delivered_amount.count("") != size:
        suspects.update(i for i in range(size) if delivered_amount[i])
    for row in sorted(suspects):
        problem = cross_field_problem(
            currency[row] or None,
            quantity[row],
            amount[row] or None,
            delivered_quantity[row],
            delivered_amount[row] or None,
        )
        if problem is not None:
            # After the value errors of the same row: a bad value comes before a bad rule.
            raise _Error(row, len(COLUMNS), *problem)
