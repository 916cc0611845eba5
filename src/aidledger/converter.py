"""The one cattrs converter: how aidledger's values become plain data and back.

Every structuring (JSON and JSON Lines records, ledger documents) and unstructuring
(records, the summary JSON, ``to_records()``) goes through :data:`converter`, configured
here and nowhere else. Its rules: ``Decimal`` as an exact decimal string (never a float),
dates as ISO ``YYYY-MM-DD``, statuses by value; unknown keys are an error. A record's
values are read by the field spec (:mod:`aidledger.fields`), as they are from CSV, into
a :class:`Row` of stored values (an amount keeps the text written).

A record object with problems raises :class:`~aidledger.fields.RecordProblems` with every
one of them; the readers locate each (``pledges.json: records[12].amount: '1,5' is not a
decimal number``).

>>> from aidledger import Record
>>> record = structure_record({"id": "fr-amx", "date": "2023-01-04", "donor": "FR",
...                            "system": "amx-10-rc", "status": "pledged"})
>>> plain = unstructure_record(record)
>>> plain["date"], plain["recipient"], plain["status"], "amount" in plain
('2023-01-04', 'UA', 'pledged', False)
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from aidledger.errors import FieldError
from aidledger.fields import (
    COLUMNS,
    RecordProblems,
    Status,
    Undisclosed,
    hinted,
    json_row,
    json_type,
)
from aidledger.model import Record
from aidledger.money import format_decimal

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "FORMAT",
    "DuplicateKeys",
    "LedgerDocument",
    "Refused",
    "Row",
    "python_record",
    "structure_document",
    "structure_record",
    "unstructure_record",
    "unstructure_row",
]

#: The ``format`` of a ledger JSON document (docs/interchange.md).
FORMAT = "aidledger/1"


class Row(tuple[Any, ...]):
    """A record's stored values in interchange order (see :mod:`aidledger.fields`): what
    a JSON record object is structured into, and what a ledger's columns hold."""

    __slots__ = ()


class DuplicateKeys(dict[str, Any]):
    """A JSON object that names a key more than once (the last value kept): the readers
    report each such key where it is."""

    def __init__(self, pairs: Sequence[tuple[str, Any]], duplicates: Sequence[str]) -> None:
        super().__init__(pairs)
        self.duplicates = tuple(duplicates)


class Refused:
    """A JSON value a ledger cannot hold (``NaN``, ``Infinity``, an integer of thousands
    of digits), kept in its place so that it is reported where it is."""

    def __init__(self, shown: str, reason: str) -> None:
        self.shown = shown
        self.reason = reason

    def __repr__(self) -> str:
        return self.shown


@attrs.frozen
class LedgerDocument:
    """A ledger as a JSON document, ``{"format": "aidledger/1", "records": [...]}``, with
    its records as parsed (each is structured into a :class:`Row` on its own, so that
    every record's problems are found)."""

    format: str
    records: list[Any]


# --- structuring ------------------------------------------------------------------------


def _duplicated(value: Mapping[str, Any], keys: Sequence[str], where: str) -> list[ValueError]:
    """A problem for each known key the object names twice (an unknown one is reported
    as unknown)."""
    return [
        FieldError(key, None, f"appears twice in one {where}")
        for key in getattr(value, "duplicates", ())
        if key in keys
    ]


def _unknown(value: Mapping[str, Any], keys: Sequence[str]) -> list[ValueError]:
    extra = value.keys() - set(keys)
    if not extra:
        return []
    named = ", ".join(_key(key) for key in sorted(extra))
    return [ValueError(f"has unknown keys ({named}); keys: {', '.join(keys)}")]


def _key(key: str) -> str:
    """A key as a message shows it: as written when it is plain, else quoted and cut."""
    if key.isprintable() and len(key) <= 60:
        return key
    return repr(key[:60]) + ("..." if len(key) > 60 else "")


def _structure_row(value: object, _: type) -> Row:
    """The stored values of a JSON record object (hints are left to whoever shows the
    problems: :func:`aidledger.fields.hinted`)."""
    if not isinstance(value, Mapping):
        raise RecordProblems([ValueError(f"is a JSON {json_type(value)}, not a record object")])
    errors: list[ValueError] = []
    if not _KEYS.issuperset(value) or isinstance(value, DuplicateKeys):
        errors = _unknown(value, COLUMNS) + _duplicated(value, COLUMNS, "record")
    try:
        row = json_row(value)
    except RecordProblems as problems:
        errors.extend(problems.errors)
    if errors:
        raise RecordProblems(errors)
    return Row(row)


_KEYS = frozenset(COLUMNS)


def _structure_document(value: object, _: type) -> LedgerDocument:
    if not isinstance(value, Mapping):
        raise RecordProblems(
            [
                ValueError(
                    f'is not a ledger: expected an object {{"format": "{FORMAT}", '
                    '"records": [...]}'
                )
            ]
        )
    keys = ("format", "records")
    errors = _unknown(value, keys) + _duplicated(value, keys, "object")
    for key in ("format", "records"):
        if key not in value:
            errors.append(FieldError(key, None, f"required key {key!r} is missing"))
    form, records = value.get("format"), value.get("records")
    if "format" in value and form != FORMAT:
        errors.append(FieldError("format", form, f"is not {FORMAT!r}"))
    if "records" in value and not isinstance(records, list):
        errors.append(
            FieldError("records", None, f"is a JSON {json_type(records)}, not an array of records")
        )
    if errors:
        raise RecordProblems(errors)
    return LedgerDocument(FORMAT, records)  # type: ignore[arg-type]


# --- unstructuring ----------------------------------------------------------------------


def _unstructure_record(record: Record) -> dict[str, Any]:
    plain: dict[str, Any] = {}
    for name in COLUMNS:
        value = getattr(record, name)
        if value is not None:
            plain[name] = _plain_json(value)
    return plain


def _plain_json(value: object) -> object:
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Status | Undisclosed):
        return value.value
    return value


def unstructure_row(row: Sequence[Any]) -> dict[str, Any]:
    """A row of stored values as a JSON object: blank fields left out, amounts as the
    text written, dates as ISO text, statuses by value."""
    plain: dict[str, Any] = {}
    for name, value in zip(COLUMNS, row, strict=True):
        if value is None or value == "":
            continue
        plain[name] = _plain_json(value)
    return plain


@functools.cache
def _build() -> tuple[cattrs.Converter, cattrs.Converter]:
    """Both converters, configured (cattrs is imported only when one is first used)."""
    import cattrs

    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
    converter.register_unstructure_hook(Decimal, format_decimal)
    converter.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    converter.register_unstructure_hook(Status, lambda status: status.value)
    converter.register_structure_hook(Row, _structure_row)
    converter.register_structure_hook(LedgerDocument, _structure_document)
    converter.register_unstructure_hook(Record, _unstructure_record)

    # The same rules for plain Python data (to_records()): dates and amounts stay
    # datetime.date and Decimal objects, blank fields are None (every key present).
    python = converter.copy()
    python.register_unstructure_hook(Decimal, lambda value: value)
    python.register_unstructure_hook(datetime.date, lambda value: value)
    python.register_unstructure_hook(
        Record,
        lambda record: {name: python.unstructure(getattr(record, name)) for name in COLUMNS},
    )
    return converter, python


def __getattr__(name: str) -> Any:
    # ``converter`` and ``python_converter`` are built on first use, so that aidledger
    # reads CSV and writes summaries without importing cattrs (PEP 562).
    if name == "converter":
        return _build()[0]
    if name == "python_converter":
        return _build()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def structure_row(value: object) -> Row:
    """The stored values of a JSON record object; :class:`~aidledger.fields.RecordProblems`
    with every problem of it."""
    return _build()[0].structure(value, Row)


def structure_record(value: object) -> Record:
    """A record from a JSON object; :class:`~aidledger.fields.RecordProblems` with every
    problem of it (with their hints)."""
    try:
        row = structure_row(value)
    except RecordProblems as problems:
        raise RecordProblems(
            [hinted(e) if isinstance(e, FieldError) else e for e in problems.errors]
        ) from None
    return Record(**dict(zip(COLUMNS, row, strict=True)))


def structure_document(value: object) -> LedgerDocument:
    """A ledger document's envelope from parsed JSON: its format checked, its records as
    parsed; :class:`~aidledger.fields.RecordProblems` with every problem of it."""
    return _build()[0].structure(value, LedgerDocument)


def python_record(record: Record) -> dict[str, Any]:
    """A record as plain Python data: every key, ``Decimal`` and ``datetime.date`` kept."""
    return _build()[1].unstructure(record)  # type: ignore[no-any-return]


def unstructure_record(record: Record) -> dict[str, Any]:
    """A record as a JSON object: blank fields left out, amounts as decimal strings."""
    return _unstructure_record(record)
