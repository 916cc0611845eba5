"""Reading and writing ledgers as JSON and JSON Lines (DESIGN 4.2), through the converter.

JSON: ``{"format": "aidledger/1", "records": [...]}``, errors located as
``file.json: records[12].amount: ...``. JSON Lines: one record object a line, errors
located as ``file.jsonl:13: amount: ...``. NaN, Infinity, duplicate keys and non-UTF-8
bytes are refused; so is JSON nested too deeply to be a ledger.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

import cattrs

from aidledger._csvread import decode_error
from aidledger._table import Origin, RecordTable
from aidledger.converter import (
    FORMAT,
    located_error,
    structure_document,
    structure_record,
    unstructure_record,
)
from aidledger.errors import LoadError
from aidledger.model import Record

__all__ = ["read_json", "read_jsonl", "write_json", "write_jsonl"]


class _Refused(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"the key {key!r} appears twice in one object")
            seen.add(key)
    return result


def _no_constants(name: str) -> Any:
    raise _Refused(f"{name} is not a number a ledger can hold")


def _parse(text: str, file: str, line: int | None = None) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        at = error.lineno if line is None else line
        raise LoadError(
            f"is not valid JSON: {error.msg} (column {error.colno})", file=file, line=at
        ) from None
    except _Refused as error:
        raise LoadError(f"is not a ledger: {error}", file=file, line=line) from None
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        raise LoadError(f"is not valid JSON: {error}", file=file, line=line) from None
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


def read_json(
    path: str | os.PathLike[str],
    resolve_system: Callable[[str], str | None],
    name: str | None = None,
) -> RecordTable:
    """Read a ledger JSON document into checked columns."""
    name = os.fspath(path) if name is None else name
    document = _parse(_read_text(path, name), name)
    if not isinstance(document, dict):
        raise LoadError(
            f'is not a ledger: expected an object {{"format": "{FORMAT}", "records": [...]}}',
            file=name,
        )
    try:
        ledger = structure_document(document)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as error:
        raise located_error(error, name, document) from None
    table = RecordTable.from_records(ledger.records, resolve_system, file=name)
    table.origins[-1] = Origin(name, 0, len(table))
    return table


def read_jsonl(
    path: str | os.PathLike[str],
    resolve_system: Callable[[str], str | None],
    name: str | None = None,
) -> RecordTable:
    """Read a ledger in JSON Lines (one record object a line) into checked columns."""
    name = os.fspath(path) if name is None else name
    records: list[Record] = []
    lines: list[int] = []
    # Lines end at "\n" only (a "\r" before it is part of the ending): str.splitlines()
    # would also split inside a record at U+2028, U+0085 and other breaks that JSON text
    # may hold unescaped.
    for number, text in enumerate(_read_text(path, name).split("\n"), start=1):
        text = text.removesuffix("\r")
        if not text.strip():
            continue  # a blank line holds no record
        value = _parse(text, name, line=number)
        try:
            records.append(structure_record(value))
        except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as error:
            raise located_error(error, name, value, line=number) from None
        lines.append(number)
    table = RecordTable.from_records(records, resolve_system, file=name)
    table.origins[-1] = Origin(name, 0, len(table), lines=lines)
    return table


def _json_lines(records: Iterable[Record]) -> Iterator[str]:
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
