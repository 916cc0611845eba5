"""What pledges add to their party's figures, worked out on arrays (the columnar engine).

:class:`Shares` is the vectorised form of the counting rules for a set of records in
force, given what the packages above each of them show (docs/counting-rules.md, "What
counts"): which units and which money count, and what is undisclosed. It returns the
changes by *family* of figures, each with the group it belongs to, so that the engine
can sum them over a day's records, or keep them as running sums over every day.

The families and their groups:

- ``systems``: (party, system as written); units committed and delivered (limbs each),
  undisclosed and undisclosed delivered counts, and the number of shares.
- ``counts``: party; top-level pledges, those of them with no amount, and money whose
  delivered value is not known.
- ``money``: (committed or delivered, party, currency, places); amount limbs and the
  number of amounts (a currency is shown when an amount in it counts, even 0).
- ``keyed``: as ``money`` with the commitment day as well (for a reporting currency).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from aidledger._columns import DELIVERED, PLEDGED

if TYPE_CHECKING:
    from aidledger._columns import Columns

__all__ = ["FAMILIES", "Chain", "Family", "Layout", "Shares", "group_sums"]

Ints = npt.NDArray[np.integer[Any]]
Index = npt.NDArray[np.integer[Any]]
Flags = npt.NDArray[np.bool_]

FAMILIES = ("systems", "counts", "money", "keyed")


class Chain(NamedTuple):
    """What the packages above each record show: whether there is a package (a link
    that is not ignored), and if so whether all of them are committed and whether one
    of them has an amount."""

    under: Flags
    committed: Flags
    valued: Flags


class Family(NamedTuple):
    """Changes to one family of figures: the records they come from (positions in the
    rows given to :class:`Shares`), their groups and one array per figure (a boolean
    one is a count: how many records it holds)."""

    entries: Index
    group: Ints
    figures: list[npt.NDArray[Any]]


class Layout:
    """How groups are numbered: the sizes of the codes a group is made of."""

    def __init__(self, columns: Columns, parties: int, since_days: int) -> None:
        self.parties = parties
        self.systems = max(1, len(columns.systems))
        self.currencies = max(1, len(columns.currencies))
        self.places = 1 + max(
            int(columns.amount.places.max(initial=0)),
            int(columns.delivered_amount.places.max(initial=0)),
        )
        self.since_days = max(1, since_days)

    def money(self, which: int, party: Ints, currency: Ints, places: Ints) -> Ints:
        group = (which * self.parties + party) * self.currencies + currency
        return group * self.places + places

    def unpack_money(self, group: int) -> tuple[int, int, int, int]:
        """(which, party, currency, places) of a money group."""
        rest, places = divmod(group, self.places)
        rest, currency = divmod(rest, self.currencies)
        which, party = divmod(rest, self.parties)
        return which, party, currency, places

    def keyed(self, money_group: Ints, since: Ints) -> Ints:
        rest, places = np.divmod(money_group, self.places)
        return (rest * self.since_days + since) * self.places + places

    def unpack_keyed(self, group: int) -> tuple[int, int, int, int, int]:
        """(which, party, currency, commitment day, places) of a keyed group."""
        rest, places = divmod(group, self.places)
        rest, since = divmod(rest, self.since_days)
        which, party, currency, _ = self.unpack_money(rest * self.places)
        return which, party, currency, since, places


class Shares:
    """What each of some records in force adds, under what the packages above them
    show; each family of figures is worked out when asked for (:meth:`family`), so that
    a caller can sum one and let it go before the next."""

    def __init__(
        self,
        columns: Columns,
        rows: Index,
        party: Ints,
        since: Ints,
        chain: Chain,
        layout: Layout,
    ) -> None:
        self.columns, self.rows, self.party, self.since = columns, rows, party, since
        self.layout = layout
        status = columns.status[rows]
        self.delivered = status == DELIVERED
        committed = self.delivered | (status == PLEDGED)
        #: Counted (units, sources): committed, and every package above committed.
        self.active = committed & (~chain.under | chain.committed)
        #: Money counted here: active, and no package above has an amount.
        self.money = self.active & (~chain.under | ~chain.valued)
        self.top = self.money & ~chain.under

    def family(self, name: str) -> Family:
        """The changes of one family (see the module docstring)."""
        if name == "systems":
            return self._systems()
        if name == "counts":
            return self._counts()
        money = self._money()
        if name == "money":
            return money
        return self.keyed(money)

    def keyed(self, money: Family) -> Family:
        """The ``keyed`` family from the ``money`` one: the same, by commitment day too."""
        return Family(money.entries, self.layout.keyed(money.group, self.since[money.entries]),
                      money.figures)  # fmt: skip

    def _systems(self) -> Family:
        columns, rows = self.columns, self.rows
        system = columns.system[rows]
        entries = np.flatnonzero(self.active & (system >= 0))
        chosen = rows[entries]
        done = self.delivered[entries]
        stated = columns.quantity.present[chosen]
        units = columns.quantity.take(chosen)
        partial = columns.delivered_quantity.take(chosen)
        depth = max(len(units), len(partial))
        zero = np.zeros(len(chosen), dtype=np.int64)
        units += [zero] * (depth - len(units))
        partial += [zero] * (depth - len(partial))
        handed = [np.where(done, whole, part) for whole, part in zip(units, partial, strict=True)]
        undisclosed = ~stated
        undelivered = np.where(done, ~stated, columns.quantity_undisclosed[chosen])
        group = self.party[entries].astype(np.int64) * self.layout.systems + system[entries]
        shares = np.ones(len(chosen), dtype=np.bool_)
        return Family(entries, group, [*units, *handed, undisclosed, undelivered, shares])

    def _counts(self) -> Family:
        columns, rows = self.columns, self.rows
        valued = columns.amount.present[rows]
        hidden = self.top & ~valued
        # The delivered value is not known: a delivery with no amount, or stated undisclosed.
        unpaid = self.money & np.where(self.delivered, ~valued, columns.amount_undisclosed[rows])
        entries = np.flatnonzero(self.top | unpaid)
        figures = [flag[entries] for flag in (self.top, hidden, unpaid)]
        return Family(entries, self.party[entries].astype(np.int64), figures)

    def _money(self) -> Family:
        columns, rows, money, delivered = self.columns, self.rows, self.money, self.delivered
        amount, partial = columns.amount, columns.delivered_amount
        valued = amount.present[rows]
        parts = []
        for which, chosen, column in (
            (0, np.flatnonzero(money & valued), amount),
            (1, np.flatnonzero(money & delivered & valued), amount),
            (1, np.flatnonzero(money & ~delivered & partial.present[rows]), partial),
        ):
            held = rows[chosen]
            parts.append((which, chosen, column.take(held), column.places[held]))
        depth = max(len(limbs) for _, _, limbs, _ in parts)
        entries, groups, figures = [], [], []
        for which, chosen, limbs, places in parts:
            limbs = limbs + [np.zeros(len(chosen), dtype=np.int64)] * (depth - len(limbs))
            currency = self.columns.currency[self.rows[chosen]].astype(np.int64)
            entries.append(chosen)
            party = self.party[chosen].astype(np.int64)
            groups.append(self.layout.money(which, party, currency, places))
            figures.append([*limbs, np.ones(len(chosen), dtype=np.bool_)])
        stacked = [np.concatenate(column) for column in zip(*figures, strict=True)]
        return Family(np.concatenate(entries), np.concatenate(groups), stacked)


def group_sums(group: Ints, figures: list[Ints]) -> tuple[Ints, list[Ints]]:
    """The sum of each figure by group (groups ascending)."""
    if not len(group):
        return group, [figure[:0] for figure in figures]
    distinct, inverse = np.unique(group, return_inverse=True)
    sums: list[Ints] = []
    for figure in figures:
        total = np.zeros(len(distinct), dtype=np.int64)
        np.add.at(total, inverse, figure.astype(np.int64, copy=False))
        sums.append(total)
    return distinct, sums
