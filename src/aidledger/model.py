"""The domain model: records and pledges (docs/counting-rules.md).

A :class:`Record` is one line of a ledger, the state of one pledge at one date. A
:class:`Pledge` is all records that share an ``id``: the history of one commitment. Values
are checked once, when a record is built, by the rules of :mod:`aidledger.fields` (which
also holds statuses, columns and codes; they are re-exported here); after that they are
trusted.

>>> record = Record(id="us-pda-29", date="2023-01-06", donor="US", status="pledged",
...                 amount="2850000000", currency="USD", authority="PDA")
>>> record.date
datetime.date(2023, 1, 6)
>>> record.money
Money(amount=Decimal('2850000000'), currency='USD')
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from aidledger.errors import FieldError
from aidledger.fields import (
    COLUMNS,
    FIELDS,
    REQUIRED_COLUMNS,
    UNDISCLOSED,
    Status,
    Undisclosed,
    check_amount,
    check_territory,
    check_text,
    cross_field_problem,
    is_territory,
    parse_date,
    parse_quantity,
    territory_code,
)
from aidledger.money import Money

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


def donor_name(code: str, locale: str = "en") -> str:
    """The name of a country in *locale*, from CLDR (``donor_name("DE", "fr")`` is Allemagne)."""
    from babel import Locale

    return str(Locale.parse(locale).territories.get(code, code))


# --- attrs converters: the boundary of the model, by the field spec ------------------------
# attrs wants one named converter per field (so that its mypy plugin can follow them).


def _to_id(value: str) -> str:
    return FIELDS["id"].python(value)  # type: ignore[no-any-return]


def _to_date(value: datetime.date | str) -> datetime.date:
    return FIELDS["date"].python(value)  # type: ignore[no-any-return]


def _to_donor(value: str) -> str:
    return FIELDS["donor"].python(value)  # type: ignore[no-any-return]


def _to_recipient(value: str | None) -> str:
    return FIELDS["recipient"].python(value)  # type: ignore[no-any-return]


def _to_system(value: str | None) -> str | None:
    return FIELDS["system"].python(value)  # type: ignore[no-any-return]


def _to_quantity(value: int | str | None) -> int | None:
    return FIELDS["quantity"].python(value)  # type: ignore[no-any-return]


def _to_amount(value: Decimal | int | str | None) -> Decimal | None:
    return FIELDS["amount"].python(value)  # type: ignore[no-any-return]


def _to_currency(value: str | None) -> str | None:
    return FIELDS["currency"].python(value)  # type: ignore[no-any-return]


def _to_delivered_quantity(value: int | str | None) -> int | Undisclosed | None:
    return FIELDS["delivered_quantity"].python(value)  # type: ignore[no-any-return]


def _to_delivered_amount(value: Decimal | int | str | None) -> Decimal | Undisclosed | None:
    return FIELDS["delivered_amount"].python(value)  # type: ignore[no-any-return]


def _to_status(value: Status | str) -> Status:
    return FIELDS["status"].python(value)  # type: ignore[no-any-return]


def _to_authority(value: str | None) -> str | None:
    return FIELDS["authority"].python(value)  # type: ignore[no-any-return]


def _to_part_of(value: str | None) -> str | None:
    return FIELDS["part_of"].python(value)  # type: ignore[no-any-return]


def _to_source(value: str | None) -> str | None:
    return FIELDS["source"].python(value)  # type: ignore[no-any-return]


def _to_note(value: str | None) -> str | None:
    return FIELDS["note"].python(value)  # type: ignore[no-any-return]


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

    @classmethod
    def _from_stored(cls, values: Iterable[Any]) -> Record:
        """The record of a row of stored values, in interchange order, that a loader has
        already checked (a ledger's columns): only turned into the record's forms (a blank
        is ``None``, an amount a ``Decimal``), not checked again: iterating a ledger takes
        two thirds of the time it took with the checks."""
        record = object.__new__(cls)
        for field, value in zip(_ORDER, values, strict=True):
            object.__setattr__(record, field.name, field.record(value))
        return record

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


_ORDER = tuple(FIELDS.values())


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
        """The record in force on *as_of*: the last one dated on or before it
        (docs/counting-rules.md, "The state as of a date")."""
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
