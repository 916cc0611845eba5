"""Reading interchange CSV (docs/interchange.md) into checked columns, fast.

Blocks of rows come as columns from :mod:`aidledger._csvsplit`. Each column is checked by
its field's rules (:data:`aidledger.fields.FIELDS`) with as little Python per value as
possible: codes, dates, statuses and quantities through a cache of verdicts per distinct
text (they repeat a lot), amounts with one regular expression over the whole block.
Every problem is collected, located by line, field and value; a file with any is refused
whole (the rows without one are kept only so that the rules between records can still
be checked, see :func:`aidledger.io.load`).
"""

from __future__ import annotations

import functools
import operator
import os
import re
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from typing import Any, TextIO

from aidledger._csvsplit import Block, blocks, field_limit, rows
from aidledger._encoding import detect
from aidledger._hints import closest, did_you_mean
from aidledger._table import Origin, RecordTable
from aidledger.errors import FieldError, LoadError, Problems, collecting, located
from aidledger.fields import (
    BLANK_REQUIRED,
    COLUMNS,
    CROSS_FIELDS,
    FIELDS,
    REQUIRED_COLUMNS,
    Field,
    check_text,
    cross_field_problem,
    hinted,
)

__all__ = ["decode_error", "read_csv", "read_csv_text"]

# A block's amounts joined by NUL: all plain decimals or blank. (A NUL inside a value
# would fool it, which is why blocks with a NUL are checked value by value first.)
_AMOUNTS = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?)?(?:\x00(?:[0-9]+(?:\.[0-9]+)?)?)*")
# Where the rules between fields sort among a row's problems: after its values.
_CROSS = len(COLUMNS)
# A value the reader refused: what a column holds at that row until the row is dropped.
_BAD = object()

#: A value problem found in a block: row in the block, column position, field, value, why.
_Found = tuple[int, int, str, str, str]


class _Coded:
    """A column of few distinct texts, each converted once (codes, dates, quantities)."""

    def __init__(self, field: Field, parse: Callable[[str], Any] | None = None) -> None:
        self.field = field
        self.parse = parse or field.parse
        # Texts known good (with what they read as) and known bad (with why).
        self.cache: dict[str, Any] = {} if field.required else {"": field.empty}
        self.bad: dict[str, str] = {"": BLANK_REQUIRED} if field.required else {}

    def extend(
        self, target: list[Any], values: Sequence[str], position: int, found: list[_Found]
    ) -> None:
        cache = self.cache
        size = len(target)
        try:
            target.extend(map(cache.__getitem__, values))
            return
        except KeyError:
            del target[size:]
        bad = self.bad
        # (set.difference(a, b) would walk a and b whole: with one dict it walks the set.)
        for text in set(values).difference(cache).difference(bad):
            try:
                cache[text] = self.parse(text)
            except ValueError as error:
                bad[text] = str(error)
        target.extend(map(cache.get, values, repeat(_BAD)))
        name = self.field.name
        for row, text in enumerate(values):
            reason = bad.get(text)
            if reason is not None:
                found.append((row, position, name, text, reason))


class _Text:
    """A column of free text, kept as written; with *shared*, repeated texts (a package's
    source, the id of a package in its items' part_of) share one object."""

    def __init__(self, field: Field, shared: bool = True) -> None:
        self.field = field
        self.shared: dict[str, str] | None = {} if shared else None

    def extend(
        self, target: list[str], values: Sequence[str], position: int, found: list[_Found]
    ) -> None:
        if self.field.required and "" in values:
            name = self.field.name
            found.extend(
                (row, position, name, "", BLANK_REQUIRED)
                for row, text in enumerate(values)
                if not text
            )
        if self.shared is None:
            target.extend(values)
        else:
            target.extend(map(self.shared.setdefault, values, values))


class _Amount:
    """A column of plain decimal amounts, kept as the exact text written (a delivered
    amount may also be ``undisclosed``)."""

    def __init__(self, field: Field) -> None:
        self.field = field

    def extend(
        self, target: list[str], values: Sequence[str], position: int, found: list[_Found]
    ) -> None:
        # The block holds no NUL (or its values are checked first): NUL can separate them.
        if _AMOUNTS.fullmatch("\x00".join(values)) is None:
            for row, text in enumerate(values):
                if text:
                    try:
                        self.field.parse(text)
                    except ValueError as error:
                        found.append((row, position, self.field.name, text, str(error)))
        target.extend(values)


def _columns(keys: dict[str, str], resolve: Callable[[str], str | None]) -> dict[str, Any]:
    def system(text: str) -> str:
        keys[text] = resolve(check_text(text)) or text
        return text

    return {
        "id": _Text(FIELDS["id"], shared=False),
        "date": _Coded(FIELDS["date"]),
        "donor": _Coded(FIELDS["donor"]),
        "recipient": _Coded(FIELDS["recipient"]),
        "system": _Coded(FIELDS["system"], system),
        "quantity": _Coded(FIELDS["quantity"]),
        "amount": _Amount(FIELDS["amount"]),
        "currency": _Coded(FIELDS["currency"]),
        "delivered_quantity": _Coded(FIELDS["delivered_quantity"]),
        "delivered_amount": _Amount(FIELDS["delivered_amount"]),
        "status": _Coded(FIELDS["status"]),
        "authority": _Text(FIELDS["authority"]),
        "part_of": _Text(FIELDS["part_of"]),
        "source": _Text(FIELDS["source"]),
        "note": _Text(FIELDS["note"], shared=False),
    }


def read_csv(
    path: str | os.PathLike[str],
    resolve_system: Callable[[str], str | None],
    name: str | None = None,
    problems: Problems | None = None,
) -> RecordTable:
    """Read a ledger CSV file into checked columns; see :func:`read_csv_text`.

    *name* is what messages call the file (default: *path* as given).
    """
    name = os.fspath(path) if name is None else name
    table = RecordTable()
    with collecting(problems, name) as found:
        try:
            with open(path, "rb") as raw:
                # UTF-16 of Latin letters is valid UTF-8 (with a NUL beside each letter):
                # it is recognised from its start, before it is read as text.
                problem = decode_error(raw.read(_SAMPLE), name, complete=False)
            if problem is not None:
                raise problem
            with open(path, encoding="utf-8-sig", newline="") as stream:
                table = read_csv_text(stream, name, resolve_system, found)
        except UnicodeDecodeError as error:
            with open(path, "rb") as raw:
                data = raw.read()
            found.add(
                decode_error(data, name)
                or LoadError(f"is not UTF-8 text ({error.reason})", file=name)
            )
        except OSError as error:
            found.add(LoadError(f"cannot be read: {error.strerror or error}", file=name))
    return table


_SAMPLE = 4096


def decode_error(data: bytes, name: str, complete: bool = True) -> LoadError | None:
    """What is wrong with *data* as a ledger's UTF-8 text, located by line; ``None`` when
    nothing. A file in UTF-16 or UTF-32 (by its byte-order mark, or UTF-16 by the NUL
    beside each ASCII character) is named as such; one that reads as Windows-1252
    (Latin-1) says so. With *complete* false, *data* is the file's start: only its
    encoding is judged."""
    wide = _wide_encoding(data)
    if wide is not None:
        return LoadError(f"is {wide}: save it as UTF-8", file=name, line=1)
    if not complete:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start
        line = data.count(b"\n", 0, start) + data.count(b"\r", 0, start)
        line += 1 - data.count(b"\r\n", 0, start)
        reason = f"is not UTF-8 text (bytes {data[start : start + 4]!r})"
        if _looks_like_windows_1252(data):
            reason += "; it looks like Windows-1252 (Latin-1) text: save it as UTF-8"
        return LoadError(reason, file=name, line=line)
    return None


def _wide_encoding(data: bytes) -> str | None:
    """``UTF-16 text`` (or UTF-32) when *data* starts with that byte-order mark, or is
    UTF-16 without one (as :func:`aidledger._encoding.detect` tells: a ledger starts with
    an ASCII header, and ASCII in UTF-16 has a NUL beside each character)."""
    found = detect(data)
    if found is None or not found[0].startswith(("utf-16", "utf-32")):
        return None
    encoding, how = found
    if how == "its byte-order mark":
        return f"{encoding[:6].upper()} text"
    order = "little-endian" if encoding.endswith("-le") else "big-endian"
    return f"UTF-16 text ({order}, no byte-order mark)"


# Control characters that text has no business holding (tab and line ends aside).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _looks_like_windows_1252(data: bytes) -> bool:
    """Whether *data* reads as Windows-1252 text (the superset of Latin-1 that Western
    European spreadsheets save): every byte a character, and no control characters."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return _CONTROLS.search(text) is None


def read_csv_text(
    stream: TextIO,
    name: str,
    resolve_system: Callable[[str], str | None],
    problems: Problems | None = None,
) -> RecordTable:
    """Read interchange CSV from an open text stream (opened with ``newline=""``).

    Every problem found goes to *problems* (then the table holds the rows without one);
    without *problems*, the first of them is raised with all of them.
    """
    table = RecordTable()
    with collecting(problems, name) as found, field_limit():
        _read(stream, name, resolve_system, found, table)
    return table


def _read(
    stream: TextIO,
    name: str,
    resolve_system: Callable[[str], str | None],
    problems: Problems,
    table: RecordTable,
) -> None:
    header_line = stream.readline()
    header = rows(header_line, name, 1)[0] if header_line else []
    if not header:
        problems.add(
            LoadError("is empty: a ledger file starts with a header row", file=name, line=1)
        )
        return
    positions, refused = _check_header(header[0], name)
    if refused:
        for problem in refused:
            problems.add(problem)
        return
    readers = _columns(table.system_keys, resolve_system)
    present = [(column, positions[column], readers[column]) for column in positions]
    absent = [column for column in COLUMNS if column not in positions]
    lines: list[int] | None = None
    for block in blocks(stream, len(header[0]), name):
        start = len(table)
        found = _read_block(block, present, absent, table)
        starts: Sequence[int] = block.lines or range(
            block.first_line, block.first_line + block.size
        )
        for problem in block.problems:
            problems.add(problem)
        if found:
            starts = _drop(table, start, block.size, found, starts, name, problems)
        if lines is None and (block.lines is not None or block.problems or found):
            lines = list(range(2, 2 + start))
        if lines is not None:
            lines.extend(starts)
    if lines is not None:
        table.origins.append(Origin(name, 0, len(table), lines=lines))
    else:
        table.origins.append(Origin(name, 0, len(table), first_line=2))


def _problem(name: str, line: int, field: str, value: str, reason: str) -> LoadError:
    return located(hinted(FieldError(field, value, reason)), file=name, line=line)


def _drop(
    table: RecordTable,
    start: int,
    size: int,
    found: list[_Found],
    starts: Sequence[int],
    name: str,
    problems: Problems,
) -> list[int]:
    """Report the problems *found* in the block of rows from *start*, drop those rows
    from *table*, and return the lines of the rows kept."""
    seen: set[tuple[int, int]] = set()
    for row, position, field, value, reason in found:
        if (row, position) in seen:
            continue  # (a NUL found first, then again by the field's own rule)
        seen.add((row, position))
        line = starts[row]
        problem = functools.partial(_problem, name, line, field, value, reason)
        problems.add(problem, file=name, where=line, position=position)
    bad = {row for row, _ in seen}
    keep = [row not in bad for row in range(size)]
    for _, column in table.columns():
        column[start:] = compress(column[start:], keep)
    return list(compress(starts, keep))


def _read_block(
    block: Block,
    present: list[tuple[str, int, Any]],
    absent: list[str],
    table: RecordTable,
) -> list[_Found]:
    """Check and convert one block's columns onto the end of *table*'s; the problems
    found (the rows they are on hold placeholders until they are dropped)."""
    raw, size = block.columns, block.size
    found: list[_Found] = []
    if block.nul:
        for column, position, _ in present:
            values = raw[position]
            if "\x00" in "".join(values):
                found.extend(
                    (row, position, column, text, "has a NUL byte")
                    for row, text in enumerate(values)
                    if "\x00" in text
                )
    for column, position, read in present:
        read.extend(getattr(table, column), raw[position], position, found)
    for column in absent:
        getattr(table, column).extend([FIELDS[column].empty] * size)
    if size:
        failed = (
            {row for row, _, field, _, _ in found if field in CROSS_FIELDS} if found else set()
        )
        converted = {column: getattr(table, column)[-size:] for column in CROSS_FIELDS}
        _check_rows(converted, size, failed, found)
    return found


def _check_rows(
    columns: dict[str, Sequence[Any]], size: int, failed: set[int], found: list[_Found]
) -> None:
    """The rules between fields of a record, over the rows that could break them (and
    whose values those rules read are good)."""
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
    for row in sorted(suspects - failed if failed else suspects):
        problem = cross_field_problem(
            currency[row],
            quantity[row],
            amount[row],
            delivered_quantity[row],
            delivered_amount[row],
        )
        if problem is not None:
            # After the value errors of the same row: a bad value comes before a bad rule.
            found.append((row, _CROSS, *problem))


_SEPARATORS = {";": "semicolon", "\t": "tab"}


def _check_header(header: list[str], name: str) -> tuple[dict[str, int], list[LoadError]]:
    """The position of each column, and every problem of the header."""
    positions: dict[str, int] = {}
    problems: list[LoadError] = []

    def refuse(reason: str, value: str | None = None) -> None:
        problems.append(LoadError(reason, file=name, line=1, field="header", value=value))

    for separator, called in _SEPARATORS.items():
        cells = [cell for cell in header if separator in cell]
        if cells and any(part.strip() in COLUMNS for part in cells[0].split(separator)):
            refuse(
                f"is not a column of the ledger format: the file looks {called}-separated, "
                "and a ledger's columns are separated by commas (save it as CSV with "
                "commas, or import it with `aidledger import csv` and a mapping's "
                "delimiter, docs/mapping.md)",
                cells[0],
            )
            return positions, problems
    meant: set[str] = set()  # columns an unknown one's hint names
    for position, column in enumerate(header):
        if column in positions:
            refuse("is a duplicate column", column)
        elif column not in COLUMNS:
            near = [column.strip().lower()] if column.strip().lower() in COLUMNS else []
            near = near or closest(column, COLUMNS)
            meant.update(near)
            refuse(
                f"is not a column of the ledger format{did_you_mean(near)}; "
                f"columns: {', '.join(COLUMNS)}",
                column,
            )
        else:
            positions[column] = position
    for column in REQUIRED_COLUMNS:
        if column not in positions and column not in meant:
            refuse(f"required column {column!r} is missing")
    return positions, problems
