"""How a value of a field is read: dates, quantities, amounts and text, from text and
from Python values (the rules :mod:`aidledger.fields` assembles, one per field).

Each function returns the value or raises ``ValueError`` with the reason, phrased to
follow the value in a message (``'-3' is negative: quantities are 0 or more``).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from aidledger.money import format_decimal, parse_amount, to_decimal

__all__ = [
    "QUANTITY_DIGITS",
    "TEXT_LIMIT",
    "amount_text",
    "amount_value",
    "check_amount",
    "check_text",
    "date_value",
    "json_type",
    "not_text",
    "parse_date",
    "parse_quantity",
    "quantity_value",
]

#: The most digits a quantity may have: what Python reads from text and writes back
#: (``sys.get_int_max_str_digits()``'s default), far beyond any real count.
QUANTITY_DIGITS = 4300
#: The longest text a field may hold, in characters (64 Mi): far beyond any real record,
#: and what the CSV reader still reads in one field.
TEXT_LIMIT = 1 << 26
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_QUANTITY = re.compile(r"[0-9]+")


# --- the rules on text ----------------------------------------------------------------


def parse_date(text: str) -> datetime.date:
    """Read a ``YYYY-MM-DD`` date; anything else (an ISO week or ordinal date, a time, an
    impossible day) is a ``ValueError``."""
    if _DATE.fullmatch(text) is None:
        raise ValueError("is not a date (YYYY-MM-DD)")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError("is not a real date") from None


def parse_quantity(text: str) -> int:
    """Read a whole number of units, 0 or more, of at most :data:`QUANTITY_DIGITS` digits."""
    if _QUANTITY.fullmatch(text) is None:
        if text.startswith("-") and _QUANTITY.fullmatch(text[1:]):
            raise ValueError("is negative: quantities are 0 or more")
        raise ValueError("is not a whole number of units")
    if len(text) > QUANTITY_DIGITS:
        text = text.lstrip("0") or "0"  # (leading zeros count towards Python's limit)
        if len(text) > QUANTITY_DIGITS:
            raise ValueError(f"has more than {QUANTITY_DIGITS} digits")
    return int(text)


def check_amount(value: Decimal) -> Decimal:
    """Return *value* if it is a finite amount of 0 or more, else raise ``ValueError``
    (a negative zero is zero)."""
    if not value.is_finite():
        raise ValueError("is not a finite decimal number")
    if value.is_signed():
        if value != 0:
            raise ValueError("is negative: amounts are 0 or more")
        return value.copy_abs()
    return value


def check_text(text: str) -> str:
    """Return *text* if it can be stored and exchanged: no NUL, valid Unicode, at most
    :data:`TEXT_LIMIT` characters."""
    if "\x00" in text:
        raise ValueError("has a NUL byte")
    if len(text) > TEXT_LIMIT:
        raise ValueError(f"is longer than {TEXT_LIMIT} characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode (a lone surrogate)") from None
    return text


def amount_text(text: str) -> str:
    if len(text) > TEXT_LIMIT:
        raise ValueError(f"is longer than {TEXT_LIMIT} characters")
    parse_amount(text)
    return text


# --- the rules on Python values ---------------------------------------------------------


def not_text(value: object) -> Any:
    raise ValueError("is not text")


def date_value(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise ValueError("is a datetime: use a date")
    if isinstance(value, datetime.date):
        return value
    raise ValueError("is not a date")


def quantity_value(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("is not a whole number of units")
    if value < 0:
        raise ValueError("is negative: quantities are 0 or more")
    if value >= _TOO_MANY:
        raise ValueError(f"has more than {QUANTITY_DIGITS} digits")
    return value


_TOO_MANY = 10**QUANTITY_DIGITS


def amount_value(value: object) -> str:
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError) as error:
        raise ValueError(str(error).removeprefix(f"{value!r} ")) from None
    amount = check_amount(amount)
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)  # (a finite amount)
    if max(amount.adjusted(), -exponent) > TEXT_LIMIT:
        # Written out in plain digits, it would be longer than any text a ledger holds.
        raise ValueError(f"has more than {TEXT_LIMIT} digits")
    return format_decimal(amount)


_JSON_TYPES: dict[type, str] = {bool: "boolean", int: "number", float: "number", str: "string"}
_JSON_TYPES.update({list: "array", dict: "object"})


def json_type(value: object) -> str:
    """What JSON calls the type of a parsed *value* (``number``, ``array``, ...)."""
    for kind, name in _JSON_TYPES.items():
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__
