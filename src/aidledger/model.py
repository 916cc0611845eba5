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
from typing import TypeVar

import attrs

from aidledger.errors import FieldError
from aidledger.money import Money, check_currency, parse_amount, to_decimal

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "UNDISCLOSED",
    "Pledge",
    "Record",
    "Status",
    "Undisclosed",
    "check_amount",
    "check_territory",
    "check_text",
    "cross_field_problem",
    "donor_name",
    "is_territory",
    "parse_date",
    "parse_quantity",
    "territory_code",
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


# English names that people (and tables such as Kiel's) write where CLDR writes another.
_OTHER_NAMES = {
    "czech republic": "CZ",
    "turkey": "TR",
    "south korea": "KR",
    "republic of korea": "KR",
    "united states of america": "US",
    "usa": "US",
    "uk": "GB",
    "great britain": "GB",
}


@functools.cache
def _territory_names() -> dict[str, str]:
    from babel import Locale

    names = {
        str(name).casefold(): str(code)
        for code, name in Locale("en").territories.items()
        if str(code) in _territories()
    }
    names.update(_OTHER_NAMES)
    return names


def territory_code(text: str) -> str | None:
    """The code of a country written as its code or its English name, CLDR's or a common
    other one: ``territory_code("Germany")`` is ``"DE"``, ``"Czech Republic"`` ``"CZ"``;
    ``None`` for anything else."""
    key = " ".join(text.split())
    if len(key) == 2 and key.upper() in _territories():
        return key.upper()
    return _territory_names().get(key.casefold())


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


def _checked(field: str, value: str, parse: Callable[[str], _T]) -> _T:
    try:
        return parse(value)
    except ValueError as error:
        raise FieldError(field, value, str(error)) from None


def check_text(text: str) -> str:
    """Return *text* if it can be stored and exchanged: no NUL byte, valid Unicode."""
    if "\x00" in text:
        raise ValueError("has a NUL byte")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode (a lone surrogate)") from None
    return text


def _required_text(field: str, value: str) -> str:
    if value is None or value == "":
        raise FieldError(field, "", "is blank, but the field is required")
    if not isinstance(value, str):
        raise FieldError(field, value, "is not text")
    return _checked(field, value, check_text)


def _optional_text(field: str, value: str | None) -> str | None:
    return None if value is None or value == "" else _required_text(field, value)


def _required_code(field: str, value: str, check: Callable[[str], str]) -> str:
    if not isinstance(value, str):
        raise FieldError(field, value, "is not text")
    return _checked(field, value, check)


def _to_date(value: datetime.date | str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise FieldError("date", value, "is a datetime: use a date")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return _checked("date", value, parse_date)
    raise FieldError("date", value, "is not a date")


def _to_status(value: Status | str) -> Status:
    try:
        return Status(value)
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise FieldError("status", value, f"is not a status: one of {known}") from None


def _quantity(field: str, value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _checked(field, value, parse_quantity)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(field, value, "is not a whole number of units")
    if value < 0:
        raise FieldError(field, value, "is negative: quantities are 0 or more")
    return value


def _amount(field: str, value: Decimal | int | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _checked(field, value, parse_amount)
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError) as error:
        raise FieldError(field, value, str(error).removeprefix(f"{value!r} ")) from None
    try:
        return check_amount(amount)
    except ValueError as error:
        raise FieldError(field, value, str(error)) from None


# attrs wants one named converter per field (so that its mypy plugin can follow them).
def _to_id(value: str) -> str:
    return _required_text("id", value)


def _to_donor(value: str) -> str:
    return _required_code("donor", value, check_territory)


def _to_recipient(value: str) -> str:
    return _required_code("recipient", value, check_territory)


def _to_currency(value: str | None) -> str | None:
    return (
        None if value is None or value == "" else _required_code("currency", value, check_currency)
    )


def _to_system(value: str | None) -> str | None:
    return _optional_text("system", value)


def _to_authority(value: str | None) -> str | None:
    return _optional_text("authority", value)


def _to_part_of(value: str | None) -> str | None:
    return _optional_text("part_of", value)


def _to_source(value: str | None) -> str | None:
    return _optional_text("source", value)


def _to_note(value: str | None) -> str | None:
    return _optional_text("note", value)


def _to_quantity(value: int | str | None) -> int | None:
    return _quantity("quantity", value)


def _to_delivered_quantity(value: int | str | None) -> int | Undisclosed | None:
    if value == UNDISCLOSED:
        return UNDISCLOSED
    return _quantity("delivered_quantity", value)


def _to_amount(value: Decimal | int | str | None) -> Decimal | None:
    return _amount("amount", value)


def _to_delivered_amount(value: Decimal | int | str | None) -> Decimal | Undisclosed | None:
    if isinstance(value, str) and value == UNDISCLOSED:
        return UNDISCLOSED
    return _amount("delivered_amount", value)


@attrs.frozen(kw_only=True)
class Record:
    """One line of the ledger: the state of one pledge (``id``) at one date.

    Each record is a full snapshot: ``None`` for a quantity or amount means undisclosed at
    that date, not "unchanged" (docs/counting-rules.md). ``system`` is the name as written
    (``"Leopard 2A6"``); a ledger resolves it to a catalog key. ``delivered_quantity`` and
    ``delivered_amount`` are ``None`` when no delivery is stated and :data:`UNDISCLOSED`
    when one is but its figure is not given. Values are checked here: a bad one raises
    :class:`~aidledger.errors.FieldError` (a ``ValueError``) naming the field and the value.
    """

    id: str = attrs.field(converter=_to_id)
    date: datetime.date = attrs.field(converter=_to_date)
    donor: str = attrs.field(converter=_to_donor)
    recipient: str = attrs.field(default="UA", converter=_to_recipient)
    system: str | None = attrs.field(default=None, converter=_to_system)
    quantity: int | None = attrs.field(default=None, converter=_to_quantity)
    amount: Decimal | None = attrs.field(default=None, converter=_to_amount)
    currency: str | None = attrs.field(default=None, converter=_to_currency)
    delivered_quantity: int | Undisclosed | None = attrs.field(
        default=None, converter=_to_delivered_quantity
    )
    delivered_amount: Decimal | Undisclosed | None = attrs.field(
        default=None, converter=_to_delivered_amount
    )
    status: Status = attrs.field(converter=_to_status)
    authority: str | None = attrs.field(default=None, converter=_to_authority)
    part_of: str | None = attrs.field(default=None, converter=_to_part_of)
    source: str | None = attrs.field(default=None, converter=_to_source)
    note: str | None = attrs.field(default=None, converter=_to_note)

    def __attrs_post_init__(self) -> None:
        problem = cross_field_problem(
            self.currency,
            self.quantity,
            self.amount,
            self.delivered_quantity,
            self.delivered_amount,
        )
        if problem is not None:
            raise FieldError(*problem)

    @property
    def money(self) -> Money | None:
        """The amount with its currency, or ``None`` when undisclosed."""
        if self.amount is None or self.currency is None:
            return None
        return Money(self.amount, self.currency)

    @property
    def delivered_money(self) -> Money | None:
        """The delivered amount with its currency, or ``None`` when none is stated or it
        is undisclosed."""
        if not isinstance(self.delivered_amount, Decimal) or self.currency is None:
            return None
        return Money(self.delivered_amount, self.currency)


def cross_field_problem(
    currency: str | None,
    quantity: int | None,
    amount: Decimal | str | None,
    delivered_quantity: int | Undisclosed | None,
    delivered_amount: Decimal | str | None,
) -> tuple[str, str, str] | None:
    """The first rule between the fields of one record that these values break, as
    ``(field, value, reason)``, or ``None``. Shared by :class:`Record` and the loaders.
    An undisclosed delivered figure is compared with nothing and needs no currency."""
    if delivered_amount == UNDISCLOSED:
        delivered_amount = None
    if delivered_quantity == UNDISCLOSED:
        delivered_quantity = None
    if currency is None and (amount is not None or delivered_amount is not None):
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
            str(delivered_amount),
            f"is more than the amount ({amount})",
        )
    return None


def _record_tuple(records: Iterable[Record]) -> tuple[Record, ...]:
    return tuple(records)


@attrs.frozen
class Pledge:
    """The history of one commitment: its records, by date then input order, and the
    catalog key its system resolves to (``None`` for money and packages)."""

    id: str
    records: tuple[Record, ...] = attrs.field(converter=_record_tuple)
    system: str | None = None

    @property
    def donor(self) -> str:
        """The donor (the same in every record)."""
        return self.records[0].donor

    @property
    def recipient(self) -> str:
        """The recipient (the same in every record)."""
        return self.records[0].recipient

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
