"""What a comparison of two ledgers holds: both sides' figures per donor and system, the
differences, and the pledges that explain them, as immutable values.

:func:`aidledger.compare` builds them (two Kiel releases, or an analyst's ledger against
Kiel's); reports and the JSON only read them. Differences are *b minus a* and sum what
each side discloses: the undisclosed counts of both sides stand beside them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from aidledger.model import donor_name
from aidledger.money import EXACT, Money
from aidledger.summary import DonorSummary, PledgeState, SystemTotal

__all__ = [
    "Comparison",
    "DonorDifference",
    "PledgeChange",
    "SystemDifference",
    "money_difference",
]

#: How a pledge differs: in one ledger only, or in both with other counted figures.
ONLY_A, ONLY_B, CHANGED = "only_a", "only_b", "changed"

#: What of an active pledge's state the figures count, and so can explain a difference.
COUNTED = (
    "system",
    "currency",
    "top_level",
    "money_counted",
    "counted_quantity",
    "counted_delivered_quantity",
    "counted_amount",
    "counted_delivered_amount",
    "delivered_quantity_undisclosed",
    "delivered_amount_undisclosed",
)


@attrs.frozen
class PledgeChange:
    """A pledge whose counted figures differ between the two ledgers: ``change`` is
    ``only_a``, ``only_b`` or ``changed`` (then ``fields`` names what differs)."""

    id: str
    change: str
    a: PledgeState | None
    b: PledgeState | None
    fields: tuple[str, ...] = ()


def money_difference(a: Mapping[str, Money], b: Mapping[str, Money]) -> dict[str, Decimal]:
    """*b* minus *a* per currency, for the currencies either holds (a missing one adds 0)."""
    found = {}
    for currency in sorted(set(a) | set(b)):
        left = a[currency].amount if currency in a else Decimal(0)
        right = b[currency].amount if currency in b else Decimal(0)
        found[currency] = EXACT.subtract(right, left)
    return found


@attrs.frozen
class SystemDifference:
    """One system of one donor in both ledgers (``None``: no active pledge of it there)."""

    system: str
    name: str
    a: SystemTotal | None
    b: SystemTotal | None
    pledges: tuple[PledgeChange, ...]

    def _figure(self, side: SystemTotal | None, name: str) -> int:
        return 0 if side is None else int(getattr(side, name))

    @property
    def committed_difference(self) -> int:
        """Units committed in b minus in a (disclosed numbers)."""
        return self._figure(self.b, "committed") - self._figure(self.a, "committed")

    @property
    def delivered_difference(self) -> int:
        """Units delivered in b minus in a (disclosed numbers)."""
        return self._figure(self.b, "delivered") - self._figure(self.a, "delivered")

    @property
    def differs(self) -> bool:
        """Whether any figure of the line differs."""
        return _line(self.a) != _line(self.b)


def _line(side: SystemTotal | None) -> tuple[int, ...]:
    if side is None:
        return (0, 0, 0, 0)
    return (side.committed, side.delivered, side.undisclosed_quantity, side.undisclosed_delivered)


@attrs.frozen
class DonorDifference:
    """One donor's assistance to one recipient in both ledgers (``None``: not there)."""

    donor: str
    recipient: str
    a: DonorSummary | None
    b: DonorSummary | None
    systems: tuple[SystemDifference, ...]
    pledges: tuple[PledgeChange, ...]

    def name(self, locale: str = "en") -> str:
        """The donor's name in *locale*, from CLDR."""
        return donor_name(self.donor, locale)

    @property
    def committed_difference(self) -> dict[str, Decimal]:
        """Committed value in b minus in a, per currency (disclosed values)."""
        return money_difference(_money(self.a, "committed"), _money(self.b, "committed"))

    @property
    def delivered_difference(self) -> dict[str, Decimal]:
        """Delivered value in b minus in a, per currency (disclosed values)."""
        return money_difference(_money(self.a, "delivered"), _money(self.b, "delivered"))

    @property
    def total_difference(self) -> Money | None:
        """Committed total in the reporting currency, b minus a (``None`` without one)."""
        a = None if self.a is None else self.a.committed_total
        b = None if self.b is None else self.b.committed_total
        if a is None and b is None:
            return None
        currency = (a or b).currency  # type: ignore[union-attr]
        zero = Money(0, currency)
        return (b or zero) - (a or zero)

    @property
    def differs(self) -> bool:
        """Whether any figure of the entry differs between the two ledgers."""
        return (
            bool(self.pledges)
            or any(line.differs for line in self.systems)
            or (_counts(self.a) != _counts(self.b))
        )


def _money(entry: DonorSummary | None, which: str) -> Mapping[str, Money]:
    return {} if entry is None else getattr(entry, which)


def _counts(entry: DonorSummary | None) -> tuple[Any, ...]:
    if entry is None:
        return ({}, {}, 0, 0, 0)
    return (
        dict(entry.committed),
        dict(entry.delivered),
        entry.pledges,
        entry.undisclosed_value,
        entry.undisclosed_delivered_value,
    )


@attrs.frozen
class Comparison:
    """Two ledgers side by side as of a date: ``names`` says what *a* and *b* are (file
    names, release numbers); ``donors`` has an entry for each donor and recipient either
    ledger holds, sorted by donor then recipient."""

    as_of: datetime.date | None
    currency: str | None
    names: tuple[str, str]
    donors: tuple[DonorDifference, ...]

    def __iter__(self) -> Iterator[DonorDifference]:
        return iter(self.donors)

    def __len__(self) -> int:
        return len(self.donors)

    def __getitem__(self, key: str | tuple[str, str]) -> DonorDifference:
        found = [
            entry
            for entry in self.donors
            if (entry.donor, entry.recipient) == key or entry.donor == key
        ]
        if len(found) != 1:
            raise KeyError(key)
        return found[0]

    @property
    def differences(self) -> tuple[DonorDifference, ...]:
        """The entries whose figures differ."""
        return tuple(entry for entry in self.donors if entry.differs)

    def to_dict(self, locale: str = "en") -> dict[str, Any]:
        """The comparison as JSON data (docs/compare.md): amounts as exact decimal
        strings."""
        from aidledger import export

        return export.comparison_to_dict(self, locale)

    def to_json(self, locale: str = "en", indent: int | None = 1) -> str:
        """:meth:`to_dict` as JSON text."""
        import json

        return json.dumps(self.to_dict(locale), indent=indent, ensure_ascii=False)

    def render(self, format: str = "text", locale: str = "en") -> str:
        """The comparison for people, in *locale*: ``text``, ``markdown``, ``html`` (one
        standalone page) or ``json``."""
        from aidledger import _comparison_report

        return _comparison_report.render(self, format=format, locale=locale)

    def __str__(self) -> str:
        """The text report (:meth:`render`)."""
        return self.render()
