"""What a counting engine answers, whichever engine it is.

Summaries, checkpoints, histories and pledge states are built from the answers of an
:class:`Engine`: the pure-Python one (``_counting``) or the columnar one (``_columnar``).
Both implement the counting rules of docs/counting-rules.md and give the same answers; the
property tests hold each to the plain reference implementation in ``tests``.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from aidledger.model import Record, Status

__all__ = ["Change", "Discussed", "Engine", "Money", "Party", "Totals"]

#: Whose figures: (donor, recipient).
Party = tuple[str, str]
#: Committed or delivered money of a party: (currency, commitment date) -> exact sum.
Money = dict[tuple[str, datetime.date], Decimal]
#: A change of a party's money from a day on: (day, currency, commitment date, signed
#: amount, +1 when an amount is added and -1 when it is taken back).
Change = tuple[datetime.date, str, datetime.date, Decimal, int]


class Discussed(NamedTuple):
    """A pledge under discussion: the date of its state, its id, its system as written
    (``""`` for none) and its status."""

    date: datetime.date
    pledge: str
    name: str
    status: Status


class Engine(Protocol):
    """The questions a summary asks of a ledger's records."""

    #: Answers that never change for this ledger, kept by the modules above (such as a
    #: checkpoint's reconciliation on its own date, by row).
    memo: dict[str, dict[Any, Any]]

    def totals(
        self,
        as_of: datetime.date,
        donors: Collection[str] | None = None,
        recipients: Collection[str] | None = None,
        *,
        money_only: bool = False,
    ) -> tuple[dict[Party, Totals], list[int]]:
        """Each party's figures as of *as_of* (of some *donors* and *recipients*), and the
        rows of the checkpoints in force; with *money_only*, only the money."""
        ...

    def money(self, party: Party, day: datetime.date) -> Totals:
        """*party*'s committed and delivered money as of *day* (nothing else filled in)."""
        ...

    def units(self, party: Party, key: str, day: datetime.date) -> int:
        """The units of the system *key* (however written) *party* committed as of *day*."""
        ...

    def keyed(self, party: Party, which: str, day: datetime.date) -> Money:
        """*party*'s ``committed`` or ``delivered`` amounts as of *day*, by currency and
        commitment date."""
        ...

    def changes(self, party: Party, which: str, until: datetime.date) -> list[Change]:
        """Every change of *party*'s ``committed`` or ``delivered`` money up to *until*, by
        day: summed from the first, they give :meth:`keyed` on any day (a history reads
        them once instead of asking for every day)."""
        ...

    def sources(self, party: Party, day: datetime.date) -> set[str]:
        """The sources of every record up to *day* of *party*'s pledges that are counted,
        discussed or stated on *day*."""
        ...

    def culprit(self, party: Party, currency: str, day: datetime.date) -> str:
        """Names a pledge of *party* committed in *currency* on *day* (for messages)."""
        ...

    def days(self, until: datetime.date) -> list[datetime.date]:
        """Every record date up to *until*, in order."""
        ...

    def reported(
        self,
        until: datetime.date,
        donors: Collection[str] | None = None,
        recipients: Collection[str] | None = None,
    ) -> list[int]:
        """The rows of the ``reported`` records dated up to *until*, in input order."""
        ...

    def record(self, row: int) -> Record:
        """The record at *row* (input order), as an object."""
        ...

    def system_key(self, name: str) -> str:
        """The catalog key a system name of the ledger resolves to."""
        ...


class Totals:
    """One party's figures as of a date (before they become a ``DonorSummary``).

    ``committed`` and ``delivered`` are exact sums by currency; :meth:`keyed` breaks them
    down by commitment date (for conversion) and :meth:`sources` lists the sources, both
    worked out by the engine only when asked for.
    """

    __slots__ = (
        "_day",
        "_engine",
        "_party",
        "committed",
        "delivered",
        "discussed",
        "pledges",
        "systems",
        "undisclosed",
        "unpaid",
    )

    def __init__(self, engine: Engine, party: Party, day: datetime.date) -> None:
        self._engine, self._party, self._day = engine, party, day
        self.committed: dict[str, Decimal] = {}
        self.delivered: dict[str, Decimal] = {}
        # system as written -> [committed, delivered, undisclosed, undisclosed delivered]
        self.systems: dict[str, list[int]] = {}
        self.pledges = 0
        self.undisclosed = 0
        self.unpaid = 0  # money-bearing pledges whose delivered value is not known
        self.discussed: list[Discussed] = []

    def by_currency(self, which: str) -> dict[str, Decimal]:
        """Exact sums of the committed or delivered amounts, by currency."""
        return dict(self.committed if which == "committed" else self.delivered)

    def keyed(self, which: str) -> Money:
        """The committed or delivered amounts by currency and commitment date."""
        return self._engine.keyed(self._party, which, self._day)

    def sources(self) -> set[str]:
        """The sources cited by the records behind these figures."""
        return self._engine.sources(self._party, self._day)
