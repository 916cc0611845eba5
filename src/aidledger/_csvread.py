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
import io
import operator
import os
import re
from collections.abc import Callable, Iterator, Sequence
from itertools import compress
from typing import Any, TextIO

from aidledger._progress import advance
from aidledger._table import Origin, RecordTable
from aidledger.errors import LoadError
from aidledger.model import (
    COLUMNS,
    REQUIRED_COLUMNS,
    UNDISCLOSED,
    Status,
    check_territory,
    check_text,
    cross_field_problem,
    parse_date,
    parse_quantity,
)
from aidledger.money import check_currency, parse_amount

__all__ = ["read_csv", "read_csv_text"]

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

    def extend(self, target: list[Any], values: Sequence[str], position: int) -> None:
        cache = self.cache
        size = len(target)
        try:
            target.extend(map(cache.__getitem__, values))
            return
        except KeyError:
            del target[size:]
        bad: dict[str, str] = {}
        for text in set(values).difference(cache):
            try:
                cache[text] = self.parse(text)
            except ValueError as error:
                bad[text] = str(error)
        if bad:
            row = next(i for i, text in enumerate(values) if text in bad)
            raise _Error(row, position, self.name, values[row], bad[values[row]])
        target.extend(map(cache.__getitem__, values))


class _Text:
    """A column of free text, kept as written; with *shared*, repeated texts (a package's
    source, the id of a package in its items' part_of) share one object."""

    def __init__(self, name: str, required: bool = False, shared: bool = True) -> None:
        self.name = name
        self.required = required
        self.shared: dict[str, str] | None = {} if shared else None

    def extend(self, target: list[str], values: Sequence[str], position: int) -> None:
        if self.required and "" in values:
            row = values.index("")
            raise _Error(row, position, self.name, "", "is blank, but the field is required")
        if self.shared is None:
            target.extend(values)
        else:
            target.extend(map(self.shared.setdefault, values, values))


class _Amount:
    """A column of plain decimal amounts, kept as the exact text written (a delivered
    amount may also be ``undisclosed``)."""

    def __init__(self, name: str, undisclosed: bool = False) -> None:
        self.name = name
        self.undisclosed = undisclosed

    def extend(self, target: list[str], values: Sequence[str], position: int) -> None:
        # The block holds no NUL (checked before): NUL can separate the values.
        if _AMOUNTS.fullmatch("\x00".join(values)) is None:
            for row, text in enumerate(values):
                if text and not (self.undisclosed and text == UNDISCLOSED):
                    try:
                        parse_amount(text)
                    except ValueError as error:
                        raise _Error(row, position, self.name, text, str(error)) from None
        target.extend(values)


def _delivered_quantity(text: str) -> Any:
    return UNDISCLOSED if text == UNDISCLOSED else parse_quantity(text)


def _columns(keys: dict[str, str], resolve: Callable[[str], str | None]) -> dict[str, Any]:
    def system(text: str) -> str:
        keys[text] = resolve(check_text(text)) or text
        return text

    return {
        "id": _Text("id", required=True, shared=False),
        "date": _Coded("date", _required(parse_date)),
        "donor": _Coded("donor", _required(check_territory)),
        "recipient": _Coded("recipient", _blank(check_territory, "UA")),
        "system": _Coded("system", _blank(system, "")),
        "quantity": _Coded("quantity", _blank(parse_quantity, None)),
        "amount": _Amount("amount"),
        "currency": _Coded("currency", _blank(check_currency, "")),
        "delivered_quantity": _Coded("delivered_quantity", _blank(_delivered_quantity, None)),
        "delivered_amount": _Amount("delivered_amount", undisclosed=True),
        "status": _Coded("status", _required(_parse_status)),
        "authority": _Text("authority"),
        "part_of": _Text("part_of"),
        "source": _Text("source"),
        "note": _Text("note", shared=False),
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
    header_line = stream.readline()
    if not header_line:
        raise LoadError("is empty: a ledger file starts with a header row", file=name, line=1)
    header_rows = _rows(header_line, name, 1)[0]
    if not header_rows:
        raise LoadError("is empty: a ledger file starts with a header row", file=name, line=1)
    header = header_rows[0]
    positions = _check_header(header, name)

    table = RecordTable()
    readers = _columns(table.system_keys, resolve_system)
    present = [(column, positions[column], readers[column]) for column in positions]
    absent = [column for column in COLUMNS if column not in positions]
    lines: list[int] | None = None
    for columns, starts, first_line, size, nul in _blocks(stream, len(header), name):
        if starts is not None and lines is None:
            lines = list(range(2, 2 + len(table)))
        if lines is not None:
            lines.extend(starts if starts is not None else range(first_line, first_line + size))
        try:
            _read_chunk(columns, size, nul, present, absent, table)
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


# --- splitting text into columns ------------------------------------------------------

# Characters read at a time: about 800 records of a typical ledger. Below the field limit,
# so that only a block grown around a longer line needs its fields measured.
_BLOCK = 100_000
# The longest field, as for the csv module (whose limit this is).
_FIELD_LIMIT = csv.field_size_limit()
# What a block of the file holds: its columns (one sequence per header position), the line
# each row starts on (None when row k is simply on line first + k), the first line, rows,
# and whether the text holds a NUL anywhere (for the reader to locate).
Split = tuple[list[Sequence[str]], list[int] | None, int, int]
Block = tuple[list[Sequence[str]], list[int] | None, int, int, bool]


def _blocks(stream: TextIO, width: int, name: str) -> Iterator[Block]:
    """The records after the header, a block of whole records at a time, as columns.

    Most lines of a ledger hold no quote: those are split on commas, which is exact for
    RFC 4180 text without quotes and much faster than the csv module; records with
    quotes, blank lines or stray carriage returns go through the csv module.
    """
    line = 2
    pending = ""
    while True:
        text = stream.read(_BLOCK)
        block = pending + text
        if not block:
            return
        if text:
            cut = block.rfind("\n") + 1
            # A quoted field may hold line breaks: a block ends outside quotes.
            while cut and block.count('"', 0, cut) % 2:
                cut = block.rfind("\n", 0, cut - 1) + 1
            if not cut:
                pending = block
                continue
        else:
            cut = len(block)
        pending = block[cut:]
        advance(len(text))
        yield _split(block[:cut], width, name, line)
        line += block.count("\n", 0, cut) + (0 if block[cut - 1] == "\n" else 1)


def _too_long(fields: list[str], name: str, line: int) -> None:
    """Refuse a field longer than the csv module's limit, as it would (line: the block's
    first; the offending field's own line is found when there is one)."""
    if max(map(len, fields), default=0) > _FIELD_LIMIT:
        raise LoadError(
            f"is not valid CSV: field larger than field limit ({_FIELD_LIMIT})",
            file=name,
            line=line,
        )


def _split(text: str, width: int, name: str, first_line: int) -> Block:
    nul = "\x00" in text
    if "\r" in text:
        if text.count("\r") != text.count("\r\n") or '"' in text:
            return (*_split_csv(text, width, name, first_line), nul)
        text = text.replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    if text.startswith("\n") or "\n\n" in text:
        return (*_split_csv(text, width, name, first_line), nul)  # blank lines
    if len(text) > _FIELD_LIMIT:
        # Only a block grown around a long line gets here.
        for number, line in enumerate(text.split("\n")):
            if len(line) > _FIELD_LIMIT and '"' not in line:
                _too_long(line.split(","), name, first_line + number)
    columns: list[list[str]] = [[] for _ in range(width)]
    if '"' not in text:
        _plain(text, columns, name, first_line)
        return list(columns), None, first_line, len(columns[0]), nul
    return (*_split_mixed(text, columns, name, first_line), nul)


def _plain(text: str, columns: list[list[str]], name: str, first_line: int) -> None:
    """Append the fields of *text* (whole lines, none quoted) to *columns*.

    Each line break becomes a field of its own, so that one split gives the fields and a
    look at every (width + 1)th place tells whether each line has the header's width.
    """
    width = len(columns)
    lines = text.count("\n")
    flat = text.replace("\n", ",\n,").split(",")
    if len(flat) != lines * (width + 1) + 1 or flat[width :: width + 1].count("\n") != lines:
        for number, line in enumerate(text.split("\n")[:-1]):
            if line.count(",") != width - 1:
                raise LoadError(
                    f"has {line.count(',') + 1} fields where the header has {width}",
                    file=name,
                    line=first_line + number,
                )
    end = len(flat) - 1
    for c, column in enumerate(columns):
        column.extend(flat[c : end : width + 1])


def _split_mixed(text: str, columns: list[list[str]], name: str, first_line: int) -> Split:
    """Runs of lines without quotes split on commas, records with quotes read by the csv
    module, in file order."""
    width = len(columns)
    starts: list[int] = []
    multiline = False
    start = 0  # where the text not yet read begins
    line = first_line  # the line it begins on
    quote = text.find('"')
    while quote >= 0:
        begin = max(text.rfind("\n", start, quote) + 1, start)
        if begin > start:
            run = text[start:begin]
            _plain(run, columns, name, line)
            count = run.count("\n")
            starts.extend(range(line, line + count))
            line += count
        # The record ends at the first line break outside quotes.
        end = text.find("\n", quote)
        while end >= 0 and text.count('"', begin, end) % 2:
            end = text.find("\n", end + 1)
        if end < 0:  # a quote left open at the end of the file: the csv module says so
            end = len(text) - 1
        record = text[begin : end + 1]
        rows, _ = _rows(record, name, line)
        if len(rows) != 1 or len(rows[0]) != width:
            fields = len(rows[0]) if len(rows) == 1 else len(rows)
            raise LoadError(
                f"has {fields} fields where the header has {width}", file=name, line=line
            )
        for column, field in zip(columns, rows[0], strict=True):
            column.append(field)
        starts.append(line)
        breaks = record.count("\n")
        multiline = multiline or breaks > 1
        line += breaks
        start = end + 1
        quote = text.find('"', start)
    if start < len(text):
        run = text[start:]
        _plain(run, columns, name, line)
        starts.extend(range(line, line + run.count("\n")))
    return list(columns), starts if multiline else None, first_line, len(starts)


def _split_csv(text: str, width: int, name: str, first_line: int) -> Split:
    rows, starts = _rows(text, name, first_line)
    if not rows:
        return [[] for _ in range(width)], starts, first_line, 0
    if len(set(map(len, rows))) != 1 or len(rows[0]) != width:
        bad = next(i for i, row in enumerate(rows) if len(row) != width)
        raise LoadError(
            f"has {len(rows[bad])} fields where the header has {width}",
            file=name,
            line=starts[bad],
        )
    return [list(column) for column in zip(*rows, strict=True)], starts, first_line, len(rows)


def _rows(text: str, name: str, first_line: int) -> tuple[list[list[str]], list[int]]:
    """The records of *text* read by the csv module, and the line each starts on; blank
    lines hold no record and are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    starts: list[int] = []
    line = first_line
    try:
        for row in reader:
            if row:
                rows.append(row)
                starts.append(line)
            line = first_line + reader.line_num
    except csv.Error as error:
        raise LoadError(
            f"is not valid CSV: {error}", file=name, line=first_line + reader.line_num - 1
        ) from None
    return rows, starts


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


def _read_chunk(
    raw: list[Sequence[str]],
    size: int,
    nul: bool,
    present: list[tuple[str, int, Any]],
    absent: list[str],
    table: RecordTable,
) -> None:
    """Check and convert one block's columns onto the end of *table*'s (a failed load
    throws the table away, so a half-extended column does no harm). *nul* says whether the
    block's text holds a NUL: then the first field that does is refused."""
    errors: list[_Error] = []
    if nul:
        for column, position, _ in present:
            values = raw[position]
            if "\x00" in "".join(values):
                row = next(i for i, text in enumerate(values) if "\x00" in text)
                errors.append(_Error(row, position, column, values[row], "has a NUL byte"))
        if errors:
            raise min(errors, key=lambda error: error.key)
    for column, position, read in present:
        try:
            read.extend(getattr(table, column), raw[position], position)
        except _Error as error:
            errors.append(error)
    for column in absent:
        getattr(table, column).extend([_ABSENT.get(column, "")] * size)
    if not errors or min(e.key[0] for e in errors) > 0:
        converted = {column: getattr(table, column)[-size:] for column in _CROSS_COLUMNS}
        if all(len(values) == size for values in converted.values()):
            try:
                _check_rows(converted, size)
            except _Error as error:
                errors.append(error)
    if errors:
        raise min(errors, key=lambda error: error.key)


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
