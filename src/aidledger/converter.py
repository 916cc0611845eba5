"""The one cattrs converter: how aidledger's values become plain data and back.

Every structuring (JSON and JSON Lines records, rates) and unstructuring (records, the
summary JSON of DESIGN 5, ``to_records()``) goes through :data:`converter`, configured
here and nowhere else. Its rules: ``Decimal`` as an exact decimal string (never a float),
dates as ISO ``YYYY-MM-DD``, statuses by value; unknown keys are an error.

A structuring error becomes the same located message as a CSV error does
(:func:`located_error`): ``pledges.json: records[12].amount: '1,5' is not a decimal number``.

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
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from aidledger.errors import FieldError, LoadError
from aidledger.model import COLUMNS, UNDISCLOSED, Record, Status, Undisclosed
from aidledger.money import format_decimal

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "FORMAT",
    "LedgerDocument",
    "located_error",
    "python_record",
    "structure_document",
    "structure_record",
    "unstructure_record",
]

#: The ``format`` of a ledger JSON document (DESIGN 4.2).
FORMAT = "aidledger/1"


def _check_format(instance: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if value != FORMAT:
        raise FieldError("format", value, f"is not {FORMAT!r}")


@attrs.frozen
class LedgerDocument:
    """A ledger as a JSON document: ``{"format": "aidledger/1", "records": [...]}``."""

    format: str = attrs.field(validator=_check_format)
    records: list[Record]


def _structure_decimal(value: object, _: type) -> Decimal:
    from aidledger.money import parse_amount

    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a decimal string")
    return parse_amount(value)


def _structure_date(value: object, _: type) -> datetime.date:
    from aidledger.model import parse_date

    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date string (YYYY-MM-DD)")
    return parse_date(value)


# --- records --------------------------------------------------------------------------
# JSON gives each field a type: the hooks below check it, and Record's own converters then
# check the value, so that the rules live once, on the model.

_AMOUNT_FIELDS = ("amount", "delivered_amount")
_QUANTITY_FIELDS = ("quantity", "delivered_quantity")
_TEXT_FIELDS = tuple(name for name in COLUMNS if name not in _AMOUNT_FIELDS + _QUANTITY_FIELDS)


def _json_text(field: str) -> Any:
    def check(value: object, _: type) -> object:
        if value is None or isinstance(value, str):
            return value
        raise FieldError(field, value, f"is a JSON {_json_type(value)}, not a string")

    return check


def _json_amount(field: str) -> Any:
    def check(value: object, _: type) -> object:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise FieldError(
                field, value, f"is a JSON number: write amounts as strings ({str(value)!r})"
            )
        raise FieldError(field, value, f"is a JSON {_json_type(value)}, not a string")

    return check


def _json_quantity(field: str) -> Any:
    def check(value: object, _: type) -> object:
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        if field == "delivered_quantity" and value == UNDISCLOSED:
            return value
        raise FieldError(field, value, f"is a JSON {_json_type(value)}, not a whole number")

    return check


def _json_type(value: object) -> str:
    names = {bool: "boolean", int: "number", float: "number", str: "string"}
    names.update({list: "array", dict: "object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


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


@functools.cache
def _build() -> tuple[cattrs.Converter, cattrs.Converter]:
    """Both converters, configured (cattrs is imported only when one is first used)."""
    import cattrs
    from cattrs.gen import make_dict_structure_fn, override

    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(Decimal, format_decimal)
    converter.register_structure_hook(datetime.date, _structure_date)
    converter.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    converter.register_unstructure_hook(Status, lambda status: status.value)

    # JSON gives each field a type: the hooks check it, and Record's own converters then
    # check the value, so that the rules live once, on the model.
    fields: dict[str, Any] = {
        name: override(struct_hook=_json_text(name)) for name in _TEXT_FIELDS
    }
    fields.update({name: override(struct_hook=_json_amount(name)) for name in _AMOUNT_FIELDS})
    fields.update({name: override(struct_hook=_json_quantity(name)) for name in _QUANTITY_FIELDS})
    record_fields = make_dict_structure_fn(
        Record, converter, _cattrs_forbid_extra_keys=True, **fields
    )

    def structure_record(value: object, cls: type) -> Record:
        if not isinstance(value, Mapping):
            raise ValueError(f"is a JSON {_json_type(value)}, not a record object")
        # null is blank, like a missing key (the model's defaults apply).
        return record_fields({k: v for k, v in value.items() if v is not None}, cls)

    converter.register_structure_hook(Record, structure_record)
    record_list = converter.get_structure_hook(list[Record])

    def structure_records(value: object, kind: type) -> list[Record]:
        # cattrs would read any iterable as a list (an object's keys, a string's letters).
        if not isinstance(value, list):
            raise ValueError(f"is a JSON {_json_type(value)}, not an array of records")
        return record_list(value, kind)  # type: ignore[no-any-return]

    converter.register_unstructure_hook(Record, _unstructure_record)
    converter.register_structure_hook_func(lambda kind: kind == list[Record], structure_records)

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


def structure_record(value: object) -> Record:
    """A record from a JSON object (raises cattrs' validation errors)."""
    return _build()[0].structure(value, Record)


def structure_document(value: object) -> LedgerDocument:
    """A ledger document from parsed JSON (raises cattrs' validation errors)."""
    return _build()[0].structure(value, LedgerDocument)


def python_record(record: Record) -> dict[str, Any]:
    """A record as plain Python data: every key, ``Decimal`` and ``datetime.date`` kept."""
    return _build()[1].unstructure(record)  # type: ignore[no-any-return]


def unstructure_record(record: Record) -> dict[str, Any]:
    """A record as a JSON object: blank fields left out, amounts as decimal strings."""
    return _unstructure_record(record)


# --- errors ---------------------------------------------------------------------------


def _leaves(error: BaseException, path: tuple[str | int, ...] = ()) -> Iterator[Any]:
    """Each underlying error of a cattrs validation error, with its path."""
    import cattrs

    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            step: tuple[str | int, ...] = ()
            for note in getattr(inner, "__notes__", ()):
                if isinstance(note, cattrs.AttributeValidationNote):
                    step = (note.name,)
                elif isinstance(note, cattrs.IterableValidationNote):
                    step = (note.index,)
            yield from _leaves(inner, path + step)
    else:
        yield path, error


def _forbidden_extra_keys() -> type[Exception]:
    from cattrs.errors import ForbiddenExtraKeysError

    return ForbiddenExtraKeysError


def located_error(
    error: BaseException,
    file: str | None,
    document: object = None,
    line: int | None = None,
    record: int | None = None,
) -> LoadError:
    """The first problem of a cattrs structuring *error*, as a located :class:`LoadError`.

    *document* is the data that was structured (to quote values); *line* or *record* say
    where it was, for JSON Lines and for records structured one by one.
    """
    found = []
    for path, leaf in _leaves(error):
        index = next((step for step in path if isinstance(step, int)), record)
        field = next((step for step in reversed(path) if isinstance(step, str)), None)
        if field == "records" and index is not None:
            field = None
        value: str | None = None
        reason = str(leaf)
        if isinstance(leaf, FieldError):
            field, reason = leaf.field, leaf.reason
            value = leaf.value if isinstance(leaf.value, str) else None
            if not isinstance(leaf.value, str):
                reason = f"{leaf.value!r} {reason}"
        elif isinstance(leaf, _forbidden_extra_keys()):
            extra = ", ".join(sorted(leaf.extra_fields))  # type: ignore[attr-defined]
            reason = f"has unknown keys ({extra}); keys: {', '.join(COLUMNS)}"
        elif isinstance(leaf, KeyError):
            reason = f"required key {leaf!s} is missing"
        order = COLUMNS.index(field) if field in COLUMNS else -1
        found.append(((index if index is not None else -1, order), field, value, reason, index))
    _, field, value, reason, index = min(found, key=lambda item: item[0])
    if line is not None:
        return LoadError(reason, file=file, line=line, field=field, value=value)
    return LoadError(reason, file=file, record=index, field=field, value=value)
