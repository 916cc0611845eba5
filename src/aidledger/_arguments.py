"""The arguments of the public API, checked as the command line checks its options.

Each function takes what a caller passed and returns it in the one form the ledger works
with, or raises ``TypeError`` (a value of the wrong kind) or ``ValueError`` (a value of the
right kind that names nothing) whose message starts with the argument's name.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING

from aidledger.model import check_territory, parse_date
from aidledger.money import check_currency

if TYPE_CHECKING:
    from aidledger.fx import RateTable

__all__ = ["as_of_date", "currency_code", "donor_codes", "rate_table"]


def _kind(value: object) -> str:
    return f"{value!r} is of type {type(value).__name__}"


def as_of_date(value: object, name: str = "as_of") -> datetime.date | None:
    """A day: a ``date``, a ``datetime`` (its date, as written: an aware one is not
    converted to another zone), or ``YYYY-MM-DD`` text; ``None`` stays ``None``.

    Not ISO week or ordinal dates (``2023-W01-4``), compact forms (``20230105``), numbers
    or bytes: what a ledger's ``date`` column refuses is refused here too.
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError as error:
            raise ValueError(f"{name}: {value!r} {error}") from None
    raise TypeError(f"{name}: {_kind(value)}; expected a date, a datetime or 'YYYY-MM-DD' text")


def donor_codes(value: object, name: str = "donors") -> tuple[str, ...] | None:
    """Donor codes: one code or a collection of them, each an ISO 3166-1 alpha-2 code or
    ``EU`` as a ledger writes it (``"us"`` is refused with the hint ``'US'``)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = (value,)
    elif not isinstance(value, Collection) or isinstance(value, bytes | bytearray):
        raise TypeError(f"{name}: {_kind(value)}; expected a donor code or a list of them")
    codes = []
    for code in value:
        if not isinstance(code, str):
            raise TypeError(f"{name}: {_kind(code)}; a donor code is text such as 'US'")
        try:
            codes.append(check_territory(code))
        except ValueError as error:
            raise ValueError(f"{name}: {code!r} {error}") from None
    return tuple(codes)


def currency_code(value: object, name: str = "currency") -> str | None:
    """An ISO 4217 currency code (``"EUR"``), or ``None``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name}: {_kind(value)}; expected an ISO 4217 code such as 'EUR'")
    try:
        return check_currency(value)
    except ValueError as error:
        raise ValueError(f"{name}: {value!r} {error}") from None


def rate_table(value: object, name: str = "rates") -> RateTable | None:
    """A :class:`~aidledger.fx.RateTable`, or ``"ecb"`` for :func:`~aidledger.fx.ecb_rates`
    (the ECB reference rates, as ``--rates ecb`` on the command line), or ``None``."""
    from aidledger.fx import RateTable, ecb_rates

    if value is None or isinstance(value, RateTable):
        return value
    if value == "ecb":
        return ecb_rates()
    if isinstance(value, str):
        raise ValueError(
            f"{name}: {value!r} is not 'ecb'; read a rates file with aidledger.load_rates()"
        )
    raise TypeError(f"{name}: {_kind(value)}; expected a RateTable or 'ecb'")
