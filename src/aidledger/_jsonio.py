"""Reading and writing ledgers as JSON and JSON Lines (docs/interchange.md), through the
converter.

JSON: ``{"format": "aidledger/1", "records": [...]}``, problems located as
``file.json: records[12].amount: ...``. JSON Lines: one record object a line, problems
located as ``file.jsonl:13: amount: ...``. Every record is read, and every problem of
every record reported, before a file with any is refused. ``NaN``, ``Infinity``,
integers of thousands of digits and keys given twice are problems of the field they are
in; so are bytes that are not UTF-8 (by line), and JSON nested too deeply to be a ledger.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from aidledger._csvread import decode_error
from aidledger._progress import advance
from aidledger._table import Origin, RecordTable
from aidledger.converter import (
    FORMAT,
    DuplicateKeys,
    Refused,
    Row,
    structure_document,
    structure_row,
    unstructure_record,
    unstructure_row,
)
from aidledger.errors import FieldError, LoadError, Problems, collecting, located
from aidledger.fields import QUANTITY_DIGITS, RecordProblems, hinted
from aidledger.ledger import Ledger
from aidledger.model import Record

__all__ = ["read_json", "read_jsonl", "write_json", "write_jsonl"]

# How many records are read between two steps of progress.
_STEP = 1024


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    duplicates: list[str] = []
    for key, _ in pairs:
        if key in seen:
            duplicates.append(key)
        seen.add(key)
    return DuplicateKeys(pairs, list(dict.fromkeys(duplicates)))


def _constant(name: str) -> Refused:
    return Refused(name, "is not a number a ledger can hold")


def _integer(text: str) -> int | Refused:
    digits = len(text.lstrip("-").lstrip("0"))
    if digits > QUANTITY_DIGITS:
        return Refused(
            f"{text[:20]}... ({digits} digits)", f"has more than {QUANTITY_DIGITS} digits"
        )
    return int(text)


def _parse(text: str, file: str, line: int | None = None) -> Any:
    """Parsed JSON; a syntax error (or nesting too deep) is a located :class:`LoadError`."""
    try:
        try:
            return json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
        except ValueError as error:
            if isinstance(error, json.JSONDecodeError):
                raise
            # An integer of more digits than Python reads from text: parsed again, with
            # such integers kept in their place to be reported there.
            return json.loads(
                text, object_pairs_hook=_object, parse_constant=_constant, parse_int=_integer
            )
    except json.JSONDecodeError as error:
        at = error.lineno if line is None else line
        raise LoadError(
            f"is not valid JSON: {error.msg} (column {error.colno})", file=file, line=at
        ) from None
    except RecursionError:
        raise LoadError("is not a ledger: JSON nested too deeply", file=file, line=line) from None


def _read_text(path: str | os.PathLike[str], name: str) -> str:
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError as error:
        raise LoadError(f"cannot be read: {error.strerror or error}", file=name) from None
    problem = decode_error(data, name)
    if problem is not None:
        raise problem
    return data.decode("utf-8-sig")


def _problem(error: ValueError, file: str, **where: int) -> LoadError:
    if isinstance(error, FieldError):
        error = hinted(error)
    return located(error, file=file, **where)


def _report(
    problems: Problems, error: RecordProblems, file: str, line: int | None, record: int | None
) -> None:
    """Add every problem of one record (or document) to *problems*."""
    where: dict[str, int] = {}
    if line is not None:
        where["line"] = line
    elif record is not None:
        where["record"] = record
    for position, problem in enumerate(error.errors):
        problems.add(
            functools.partial(_problem, problem, file, **where),
            file=file,
            where=line if line is not None else record,
            position=position,
        )


def _row(found: Problems, value: object, file: str, **where: int) -> Row | None:
    """The stored values of one record object, or ``None`` with its problems reported."""
    try:
        return structure_row(value)
    except RecordProblems as error:
        _report(found, error, file, where.get("line"), where.get("record"))
        return None


def read_json(
    path: str | os.PathLike[str],
    resolve_system: Callable[[str], str | None],
    name: str | None = None,
    problems: Problems | None = None,
) -> RecordTable:
    """Read a ledger JSON document into checked columns (every problem to *problems*;
    without it, raised together)."""
    name = os.fspath(path) if name is None else name
    table = RecordTable()
    with collecting(problems, name) as found:
        text = _read_text(path, name)
        document = _parse(text, name)
        try:
            envelope = structure_document(document)
        except RecordProblems as error:
            _report(found, error, name, None, None)
            return table
        # Progress in characters, as for CSV: a share of the text every _STEP records.
        step = len(text) * _STEP // max(1, len(envelope.records))
        done = 0
        rows, indices = [], []
        for index, value in enumerate(envelope.records):
            if index % _STEP == _STEP - 1:
                advance(step)
                done += step
            row = _row(found, value, name, record=index)
            if row is not None:
                rows.append(row)
                indices.append(index)
        advance(len(text) - done)
        table.append_rows(rows, resolve_system)
        complete = len(indices) == len(envelope.records)
        table.origins.append(Origin(name, 0, len(table), indices=None if complete else indices))
    return table


def read_jsonl(
    path: str | os.PathLike[str],
    resolve_system: Callable[[str], str | None],
    name: str | None = None,
    problems: Problems | None = None,
) -> RecordTable:
    """Read a ledger in JSON Lines (one record object a line) into checked columns (every
    problem to *problems*; without it, raised together)."""
    name = os.fspath(path) if name is None else name
    table = RecordTable()
    with collecting(problems, name) as found:
        rows = []
        lines: list[int] = []
        # Lines end at "\n" only (a "\r" before it is part of the ending): str.splitlines()
        # would also split inside a record at U+2028, U+0085 and other breaks that JSON
        # text may hold unescaped.
        for number, line in enumerate(_read_text(path, name).split("\n"), start=1):
            advance(len(line) + 1)
            text = line.removesuffix("\r")
            if not text.strip():
                continue  # a blank line holds no record
            with found.gather():
                row = _row(found, _parse(text, name, line=number), name, line=number)
                if row is not None:
                    rows.append(row)
                    lines.append(number)
        table.append_rows(rows, resolve_system)
        table.origins.append(Origin(name, 0, len(table), lines=lines))
    return table


def _json_lines(records: Iterable[Record]) -> Iterator[str]:
    if isinstance(records, Ledger):
        # A ledger: its stored values, amounts as written.
        table = records._table
        for row in range(len(table)):
            yield json.dumps(unstructure_row(table.row(row)), ensure_ascii=False)
        return
    for record in records:
        yield json.dumps(unstructure_record(record), ensure_ascii=False)


def write_json(stream: TextIO, records: Iterable[Record]) -> None:
    """Write a ledger JSON document, one record a line (easy to read and to diff)."""
    stream.write(f'{{"format": "{FORMAT}", "records": [')
    separator = "\n"
    for line in _json_lines(records):
        stream.write(separator)
        stream.write(line)
        separator = ",\n"
    stream.write("\n]}\n")


def write_jsonl(stream: TextIO, records: Iterable[Record]) -> None:
    """Write a ledger as JSON Lines."""
    for line in _json_lines(records):
        stream.write(line)
        stream.write("\n")
