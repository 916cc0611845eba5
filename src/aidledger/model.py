"""The domain model: statuses, records, pledges and donor codes (DESIGN 2).

A :class:`Record` is one line of a ledger, the state of one pledge at one date. A
:class:`Pledge` is all records that share an ``id``: the history of one commitment. Values
are checked once, here, when they are built; after that they are trusted.

>>> record = Record(id="us-pda-29", date="2023-01-06", donor="US", status="pledged",
...                 amount="2850000000", currency="USD", authority="PDA")
>>> record.date
datetime.date(2023, 1, 6)
>>> record.money
Money(amount=Decimal('2850000000'), currency='USD')
"""

from __future__ import annotations

import datetime
import enum
import functools
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from aidledger.money import Money, check_currency, to_decimal

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "Pledge",
    "Record",
    "Status",
    "check_amount",
    "check_territory",
    "cross_field_problem",
    "donor_name",
    "is_territory",
    "parse_date",
    "parse_quantity",
]


class Status(enum.StrEnum):
    """Where a pledge stands (DESIGN 2). ``pledged`` and ``delivered`` are committed."""

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


_COMMITTED = frozenset({Status.PLEDGED, Status.DELIVERED})
_DISCUSSED = frozenset({Status.REQUESTED, Status.CONSIDERING})

#: The interchange columns of DESIGN 4.1, in the order aidledger writes them.
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

# ISO 3166-1 alpha-2 codes are two capitals; CLDR also lists a few that are not countries
# (EZ euro area, UN, QO, the XA/XB pseudo-locales, ZZ unknown) or are only "exceptionally
# reserved" (AC, CP, CQ, DG, EA, IC, TA). EU stays: DESIGN 2 names it as a donor.
_NOT_DONORS = frozenset(
    {"EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
)
_T = TypeVar("_T")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_QUANTITY = re.compile(r"[0-9]+")


@functools.cache
def _territories() -> frozenset[str]:
    from babel import Locale

    codes = [str(code) for code in Locale("en").territories]
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha()) - _NOT_DONORS


def is_territory(code: str) -> bool:
    """Whether *code* is an ISO 3166-1 alpha-2 code known to CLDR, or ``EU``."""
    return code in _territories()


def check_territory(code: str) -> str:
    """Return *code* if it names a country (or ``EU``), else raise ``ValueError`` with a reason."""
    if code in _territories():
        return code
    if code.upper() in _territories():
        raise ValueError(f"is not an ISO 3166-1 alpha-2 code (did you mean {code.upper()!r}?)")
    raise ValueError("is not an ISO 3166-1 alpha-2 country code or EU")


def donor_name(code: str, locale: str = "en") -> str:
    """The name of a country in *locale*, from CLDR (``donor_name("DE", "fr")`` is Allemagne)."""
    from babel import Locale

    return str(Locale.parse(locale).territories.get(code, code))


def parse_date(text: str) -> datetime.date:
    """Read a ``YYYY-MM-DD`` date; anything else (or an impossible day) is a ``ValueError``."""
    if _DATE.fullmatch(text) is None:
        raise ValueError("is not a date (YYYY-MM-DD)")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError("is not a real date") from None


def parse_quantity(text: str) -> int:
    """Read a whole number of units, 0 or more."""
    if _QUANTITY.fullmatch(text) is None:
        if text.startswith("-") and _QUANTITY.fullmatch(text[1:]):
            raise ValueError("is negative: quantities are 0 or more")
        raise ValueError("is not a whole number of units")
    return int(text)


def check_amount(value: Decimal) -> Decimal:
    """Return *value* if it is a finite amount of 0 or more, else raise ``ValueError``."""
    if not value.is_finite():
        raise ValueError("is not a finite decimal number")
    if value < 0:
        raise ValueError("is negative: amounts are 0 or more")
    return value


# --- attrs converters and validators: the boundary of the model -------------------------


def _blank_to_none(value: str | None) -> str | None:
    return value if value else None


def _to_date(value: datetime.date | str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise TypeError(f"{value!r} is a datetime: use a date")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return _located("date", value, parse_date)
    raise TypeError(f"date: {value!r} is not a date")


def _to_status(value: Status | str) -> Status:
    try:
        return Status(value)
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise ValueError(f"status: {value!r} is not a status (one of {known})") from None


def _to_quantity(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _located("quantity", value, parse_quantity)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"quantity: {value!r} is not a whole number")
    if value < 0:
        raise ValueError(f"quantity: {value!r} is negative: quantities are 0 or more")
    return value


def _to_amount(value: Decimal | int | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    amount = to_decimal(value)
    return _located("amount", str(value), lambda _: check_amount(amount))


def _located(field: str, value: str, parse: Callable[[str], _T]) -> _T:
    try:
        return parse(value)
    except ValueError as error:
        raise ValueError(f"{field}: {value!r} {error}") from None


def _territory(instance: Any, attribute: attrs.Attribute[str], value: str) -> None:
    _located(attribute.name, value, check_territory)


def _currency(instance: Any, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None:
        _located(attribute.name, value, check_currency)


def _id(instance: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if not value:
        raise ValueError(f"{attribute.name}: '' is blank, but the field is required")


@attrs.frozen(kw_only=True)
class Record:
    """One line of the ledger: the state of one pledge (``id``) at one date.

    Each record is a full snapshot: ``None`` for a quantity or amount means undisclosed at
    that date, not "unchanged" (DESIGN 3.1). Strings are checked here: a bad value raises
    ``ValueError`` naming the field and the value.
    """

    id: str = attrs.field(validator=_id)
    date: datetime.date = attrs.field(converter=_to_date)
    donor: str = attrs.field(validator=_territory)
    recipient: str = attrs.field(default="UA", validator=_territory)
    system: str | None = attrs.field(default=None, converter=_blank_to_none)
    quantity: int | None = attrs.field(default=None, converter=_to_quantity)
    amount: Decimal | None = attrs.field(default=None, converter=_to_amount)
    currency: str | None = attrs.field(default=None, converter=_blank_to_none, validator=_currency)
    delivered_quantity: int | None = attrs.field(default=None, converter=_to_quantity)
    delivered_amount: Decimal | None = attrs.field(default=None, converter=_to_amount)
    status: Status = attrs.field(converter=_to_status)
    authority: str | None = attrs.field(default=None, converter=_blank_to_none)
    part_of: str | None = attrs.field(default=None, converter=_blank_to_none)
    source: str | None = attrs.field(default=None, converter=_blank_to_none)
    note: str | None = attrs.field(default=None, converter=_blank_to_none)

    def __attrs_post_init__(self) -> None:
        problem = cross_field_problem(
            self.currency,
            self.quantity,
            self.amount,
            self.delivered_quantity,
            self.delivered_amount,
        )
        if problem is not None:
            field, value, reason = problem
            raise ValueError(f"{field}: {value!r} {reason}")

    @property
    def money(self) -> Money | None:
        """The amount with its currency, or ``None`` when undisclosed."""
        if self.amount is None or self.currency is None:
            return None
        return Money(self.amount, self.currency)

    @property
    def delivered_money(self) -> Money | None:
        """The delivered amount with its currency, or ``None`` when none is stated."""
        if self.delivered_amount is None or self.currency is None:
            return None
        return Money(self.delivered_amount, self.currency)


def cross_field_problem(
    currency: str | None,
    quantity: int | None,
    amount: Decimal | str | None,
    delivered_quantity: int | None,
    delivered_amount: Decimal | str | None,
) -> tuple[str, str, str] | None:
    """The first rule between the fields of one record that these values break, as
    ``(field, value, reason)``, or ``None``. Shared by :class:`Record` and the loaders."""
    if currency is None and (amount is not None or delivered_amount is not None):
        return ("currency", "", "is required when amount or delivered_amount is given")
    if delivered_quantity is not None and quantity is not None and delivered_quantity > quantity:
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
            str(delivered_amount),
            f"is more than the amount ({amount})",
        )
    return None


def _record_tuple(records: Iterable[Record]) -> tuple[Record, ...]:
    return tuple(records)


@attrs.frozen
class Pledge:
    """The history of one commitment: its records, by date then input order."""

    id: str
    records: tuple[Record, ...] = attrs.field(converter=_record_tuple)

    @property
    def donor(self) -> str:
        """The donor (the same in every record)."""
        return self.records[0].donor

    @property
    def system(self) -> str | None:
        """The system key (the same in every record), or ``None`` for money and packages."""
        return self.records[0].system

    @property
    def part_of(self) -> str | None:
        """The id of the package this pledge belongs to, if any."""
        return self.records[0].part_of

    def state(self, as_of: datetime.date) -> Record | None:
        """The record in force on *as_of*: the last one dated on or before it (DESIGN 3.1)."""
        current = None
        for record in self.records:
            if record.date > as_of:
                break
            current = record
        return current

    @property
    def commitment_date(self) -> datetime.date | None:
        """The day it was first committed (first ``pledged`` or ``delivered`` record)."""
        return next((r.date for r in self.records if r.status.committed), None)


def records_by_pledge(records: Iterable[Record]) -> dict[str, list[Record]]:
    """Group records by pledge id, keeping input order within each pledge."""
    pledges: dict[str, list[Record]] = {}
    for record in records:
        pledges.setdefault(record.id, []).append(record)
    return pledges
