"""The fields of a record: what each may hold, how it is read, and the rules between them.

These rules are written here once. The CSV reader, the JSON and JSON Lines reader, the
importers and :class:`~aidledger.model.Record` all read values through :data:`FIELDS`, so
that the same bad value gets the same reason however it comes in:

>>> FIELDS["quantity"].read("-3")
Traceback (most recent call last):
...
aidledger.errors.FieldError: quantity: '-3' is negative: quantities are 0 or more
>>> FIELDS["currency"].read("EURO")
Traceback (most recent call last):
...
aidledger.errors.FieldError: currency: 'EURO' is not an ISO 4217 ... (did you mean 'EUR'?)

Each field reads a value into its *stored* form, the one a ledger keeps in its columns: a
blank text is ``""``, a blank recipient ``"UA"``, a blank quantity ``None``, an amount the
exact text written (``"00012"`` stays ``"00012"``), a date a ``datetime.date``, a status a
:class:`Status`. :meth:`Field.record` gives the form a :class:`~aidledger.model.Record`
holds (``None`` for a blank, amounts as ``Decimal``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from aidledger._codes import (
    check_currency_code,
    check_territory,
    check_territory_code,
    currency_hint,
    is_territory,
    territory_code,
    territory_hint,
)
from aidledger._hints import closest, did_you_mean
from aidledger._values import (
    QUANTITY_DIGITS,
    TEXT_LIMIT,
    amount_text,
    amount_value,
    check_amount,
    check_text,
    date_value,
    json_type,
    not_text,
    parse_date,
    parse_quantity,
    quantity_value,
)
from aidledger.errors import FieldError
from aidledger.money import format_decimal, to_decimal

__all__ = [
    "BLANK_REQUIRED",
    "COLUMNS",
    "CROSS_FIELDS",
    "FIELDS",
    "QUANTITY_DIGITS",
    "REQUIRED_COLUMNS",
    "TEXT_LIMIT",
    "UNDISCLOSED",
    "Field",
    "RecordProblems",
    "Status",
    "Undisclosed",
    "build_row",
    "check_amount",
    "check_territory",
    "check_text",
    "cross_field_problem",
    "hinted",
    "is_territory",
    "json_row",
    "json_type",
    "parse_date",
    "parse_quantity",
    "parse_status",
    "territory_code",
]


class Status(enum.StrEnum):
    """Where a pledge stands (docs/counting-rules.md). ``pledged`` and ``delivered`` are
    committed."""

    REQUESTED = "requested"
    CONSIDERING = "considering"
    PLEDGED = "pledged"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REPORTED = "reported"

    @property
    def committed(self) -> bool:
        """Counted in totals: ``pledged`` or ``delivered``."""
        return self in _COMMITTED

    @property
    def discussed(self) -> bool:
        """Listed as under discussion, never summed: ``requested`` or ``considering``."""
        return self in _DISCUSSED


class Undisclosed(enum.StrEnum):
    """A delivered figure that a source says exists but does not give: "delivered in part,
    how many (or how much) not disclosed". Written ``undisclosed`` in every format; a blank
    delivered figure means something else, that no delivery is stated."""

    UNDISCLOSED = "undisclosed"


#: "Delivered in part, figure not disclosed": a value of ``delivered_quantity`` and
#: ``delivered_amount`` (docs/counting-rules.md).
UNDISCLOSED = Undisclosed.UNDISCLOSED

_COMMITTED = frozenset({Status.PLEDGED, Status.DELIVERED})
_DISCUSSED = frozenset({Status.REQUESTED, Status.CONSIDERING})

#: The interchange columns (docs/interchange.md), in the order aidledger writes them.
COLUMNS: tuple[str, ...] = (
    "id",
    "date",
    "donor",
    "recipient",
    "system",
    "quantity",
    "amount",
    "currency",
    "delivered_quantity",
    "delivered_amount",
    "status",
    "authority",
    "part_of",
    "source",
    "note",
)
#: The columns a ledger file must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "date", "donor", "status")
#: The fields the rules between fields read (:func:`cross_field_problem`).
CROSS_FIELDS: tuple[str, ...] = (
    "currency",
    "quantity",
    "amount",
    "delivered_quantity",
    "delivered_amount",
)
#: The reason a required field is blank.
BLANK_REQUIRED = "is blank, but the field is required"
_STATUSES = {status.value: status for status in Status}
_STATUS_LIST = ", ".join(_STATUSES)


# --- the rules on text ----------------------------------------------------------------


def parse_status(text: str) -> Status:
    """Read a status by its value (``pledged``); its hint is :func:`status_hint`'s."""
    try:
        return _STATUSES[text]
    except KeyError:
        raise ValueError(f"is not a status: one of {_STATUS_LIST}") from None


def status_hint(text: str) -> str:
    """`` (did you mean 'pledged'?)`` for a text close to a status (``Pledged``,
    ``pleged``, ``canceled``), else ``""``."""
    return did_you_mean(closest(text, _STATUSES))


def _undisclosed_or(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse_delivered(text: str) -> Any:
        return UNDISCLOSED if text == UNDISCLOSED else parse(text)

    return parse_delivered


# --- the rules on Python values ---------------------------------------------------------


def _status_value(value: object) -> Status:
    raise ValueError(f"is not a status: one of {_STATUS_LIST}")


# --- the record's forms ----------------------------------------------------------------


def _same(value: Any) -> Any:
    return value


def _text_or_none(value: str) -> str | None:
    return value or None


def _amount_or_none(value: str) -> Decimal | Undisclosed | None:
    if not value:
        return None
    if value == UNDISCLOSED:
        return UNDISCLOSED
    return Decimal(value)


@attrs.frozen
class Field:
    """One field of a record: whether it is required, what a blank is stored as, and how a
    value is read from text, from a Python value and from a JSON value.

    *parse* reads a non-blank text into the stored form (raising ``ValueError`` with the
    reason); *hint* adds a "did you mean" to the reason of a text it refused; *convert*
    reads a value that is not text (a ``date``, an ``int``, a ``Decimal``); *json* names
    the JSON type the field takes (``string``, ``amount``: a string, ``quantity``: an
    integer); *record* turns the stored form into a record's.
    """

    name: str
    parse: Callable[[str], Any]
    convert: Callable[[object], Any] = not_text
    required: bool = False
    empty: Any = ""
    hint: Callable[[str], str] | None = None
    json: str = "string"
    record: Callable[[Any], Any] = _text_or_none

    def blank(self) -> Any:
        """The stored value of a blank field; a ``FieldError`` when it is required."""
        if self.required:
            raise FieldError(self.name, "", BLANK_REQUIRED)
        return self.empty

    def read(self, text: str, *, hints: bool = True) -> Any:
        """The stored value of *text* (a CSV cell, an imported cell), or a
        :class:`~aidledger.errors.FieldError` naming the field, the value and why
        (with a hint, unless *hints* is false)."""
        if text == "":
            return self.blank()
        try:
            return self.parse(text)
        except ValueError as error:
            refused = FieldError(self.name, text, str(error))
        raise hinted(refused) if hints else refused

    def take(self, value: object, *, hints: bool = True) -> Any:
        """The stored value of a Python *value*: ``None`` and ``""`` are blank, text is
        read as :meth:`read` reads it, other values by the field's own rule."""
        if value is None or isinstance(value, str):
            return self.read(value or "", hints=hints)
        try:
            return self.convert(value)
        except (TypeError, ValueError) as error:
            raise FieldError(self.name, value, str(error)) from None

    def take_json(self, value: object, *, hints: bool = True) -> Any:
        """The stored value of a parsed JSON *value*: its JSON type checked first (amounts
        are strings, quantities integers or ``"undisclosed"``), then read as :meth:`take`
        reads it."""
        if value is None or (isinstance(value, str) and self.json != "quantity"):
            return self.read(value or "", hints=hints)
        reason = getattr(value, "reason", None)
        if isinstance(reason, str):  # a value the JSON parser refused (NaN, 5000 digits)
            raise FieldError(self.name, value, reason)
        if self.json == "quantity":
            if isinstance(value, int) and not isinstance(value, bool):
                return self.take(value, hints=hints)
            if value == UNDISCLOSED:
                return self.read(UNDISCLOSED, hints=hints)
            kind = json_type(value)
            raise FieldError(self.name, value, f"is a JSON {kind}, not a whole number")
        if (
            self.json == "amount"
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            reason = f"is a JSON number: write amounts as strings ({str(value)!r})"
            raise FieldError(self.name, value, reason)
        raise FieldError(self.name, value, f"is a JSON {json_type(value)}, not a string")

    def python(self, value: object) -> Any:
        """The value a :class:`~aidledger.model.Record` holds for a Python *value*."""
        return self.record(self.take(value))


def hinted(error: FieldError) -> FieldError:
    """*error* with its field's hint added to the reason, when the field has one for the
    value (the hint is computed only for the problems a load shows)."""
    field = FIELDS.get(error.field)
    if field is None or field.hint is None or not isinstance(error.value, str):
        return error
    hint = field.hint(error.value)
    return FieldError(error.field, error.value, error.reason + hint) if hint else error


def _text(name: str, required: bool = False) -> Field:
    return Field(name, check_text, required=required)


def _country(name: str, required: bool, empty: str) -> Field:
    return Field(
        name,
        check_territory_code,
        required=required,
        empty=empty,
        hint=territory_hint,
        record=_same,
    )


#: Every field of a record, in interchange order.
FIELDS: Mapping[str, Field] = {
    field.name: field
    for field in (
        _text("id", required=True),
        Field("date", parse_date, date_value, required=True, record=_same),
        _country("donor", required=True, empty=""),
        _country("recipient", required=False, empty="UA"),
        _text("system"),
        Field(
            "quantity", parse_quantity, quantity_value, empty=None, json="quantity", record=_same
        ),
        Field("amount", amount_text, amount_value, json="amount", record=_amount_or_none),
        Field("currency", check_currency_code, hint=currency_hint),
        Field(
            "delivered_quantity",
            _undisclosed_or(parse_quantity),
            quantity_value,
            empty=None,
            json="quantity",
            record=_same,
        ),
        Field(
            "delivered_amount",
            _undisclosed_or(amount_text),
            amount_value,
            json="amount",
            record=_amount_or_none,
        ),
        Field(
            "status", parse_status, _status_value, required=True, hint=status_hint, record=_same
        ),
        _text("authority"),
        _text("part_of"),
        _text("source"),
        _text("note"),
    )
}


# --- the rules between fields --------------------------------------------------------------


def cross_field_problem(
    currency: str | None,
    quantity: int | None,
    amount: Decimal | str | None,
    delivered_quantity: int | Undisclosed | None,
    delivered_amount: Decimal | str | None,
) -> tuple[str, str, str] | None:
    """The first rule between the fields of one record that these values break, as
    ``(field, value, reason)``, or ``None``. Blank is ``None`` or ``""``. An undisclosed
    delivered figure is compared with nothing and needs no currency."""
    # (Called for many rows of a large file: plain tests, no calls.)
    if delivered_amount == "" or delivered_amount == UNDISCLOSED:
        delivered_amount = None
    if delivered_quantity == UNDISCLOSED:
        delivered_quantity = None
    if amount == "":
        amount = None
    if not currency and (amount is not None or delivered_amount is not None):
        return ("currency", "", "is required when amount or delivered_amount is given")
    if (
        isinstance(delivered_quantity, int)
        and quantity is not None
        and delivered_quantity > quantity
    ):
        return (
            "delivered_quantity",
            str(delivered_quantity),
            f"is more than the quantity ({quantity})",
        )
    if (
        delivered_amount is not None
        and amount is not None
        and to_decimal(delivered_amount) > to_decimal(amount)
    ):
        return (
            "delivered_amount",
            _shown_amount(delivered_amount),
            f"is more than the amount ({_shown_amount(amount)})",
        )
    return None


def _shown_amount(value: Decimal | str) -> str:
    return value if isinstance(value, str) else format_decimal(value)


class RecordProblems(ValueError):
    """Every problem of one record: the fields' :class:`~aidledger.errors.FieldError`
    in field order, then the rule between fields it breaks (only when the fields those
    rules read are all good), or problems of the record as a whole (``ValueError``)."""

    def __init__(self, errors: list[ValueError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def build_row(value: Callable[[Field], Any]) -> tuple[Any, ...]:
    """A record's stored values in interchange order, each the one ``value(field)`` reads;
    :class:`RecordProblems` with every problem found when any field or rule fails."""
    stored: list[Any] = []
    errors: list[ValueError] = []
    for field in _ORDER:
        try:
            stored.append(value(field))
        except FieldError as error:
            errors.append(error)
            stored.append(_FAILED)
    return _checked(stored, errors)


def json_row(record: Mapping[str, object]) -> tuple[Any, ...]:
    """:func:`build_row` for the values of a JSON record object (its keys are the
    caller's to check), each read by :meth:`Field.take_json` without hints: the same
    rules, with a shorter way for the JSON strings most fields hold. A required key that
    is missing or ``null`` is said to be missing."""
    stored: list[Any] = []
    errors: list[ValueError] = []
    for field in _ORDER:
        value = record.get(field.name)
        try:
            if value is None:
                if field.required:
                    reason = f"required key {field.name!r} is missing"
                    raise FieldError(field.name, None, reason)
                stored.append(field.empty)
            elif value.__class__ is str and field.json != "quantity":
                try:
                    stored.append(field.parse(value) if value else field.blank())
                except FieldError:
                    raise
                except ValueError as error:
                    raise FieldError(field.name, value, str(error)) from None
            else:
                stored.append(field.take_json(value, hints=False))
        except FieldError as error:
            errors.append(error)
            stored.append(_FAILED)
    return _checked(stored, errors)


def _checked(stored: list[Any], errors: list[ValueError]) -> tuple[Any, ...]:
    """*stored* as a row once the rules between fields are checked (when the values they
    read are good); :class:`RecordProblems` when *errors* or a rule says so."""
    cross = [stored[position] for position in _CROSS_POSITIONS]
    if _FAILED not in cross:
        problem = cross_field_problem(*cross)
        if problem is not None:
            errors.append(FieldError(*problem))
    if errors:
        raise RecordProblems(errors)
    return tuple(stored)


_ORDER = tuple(FIELDS.values())
_CROSS_POSITIONS = tuple(COLUMNS.index(name) for name in CROSS_FIELDS)
# What a field that failed holds in a row being built.
_FAILED = object()
