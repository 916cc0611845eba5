"""Two ledgers side by side: what changed between two releases of a tracker, and whether
an analyst's ledger agrees with Kiel's (docs/compare.md).

Both ledgers are summarised as of the same day by the same rules; each donor's and each
system's figures are set side by side, and the pledges that explain a difference are
found by comparing the state of each pledge (``Ledger.state``), matched by id: a pledge in
one ledger only, or in both with other counted figures.

>>> import aidledger
>>> from aidledger import Ledger, Record
>>> release = Ledger([Record(id="p", date="2023-01-10", donor="PL", status="pledged",
...                          amount="100", currency="EUR")])
>>> revised = Ledger([Record(id="p", date="2023-01-10", donor="PL", status="pledged",
...                          amount="120", currency="EUR")])
>>> aidledger.compare(release, revised)["PL"].committed_difference
{'EUR': Decimal('20')}
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from aidledger.comparison import (
    CHANGED,
    COUNTED,
    ONLY_A,
    ONLY_B,
    Comparison,
    DonorDifference,
    PledgeChange,
    SystemDifference,
)
from aidledger.summary import DonorSummary, PledgeState, Summary

if TYPE_CHECKING:
    from aidledger.fx import RateTable
    from aidledger.ledger import Ledger

__all__ = ["compare"]

_Party = tuple[str, str]


def compare(
    a: Ledger,
    b: Ledger,
    *,
    as_of: datetime.date | str | None = None,
    currency: str | None = None,
    rates: RateTable | None = None,
    donors: Collection[str] | str | None = None,
    recipients: Collection[str] | str | None = None,
    names: tuple[str, str] = ("a", "b"),
) -> Comparison:
    """*a* and *b* side by side as of *as_of* (default: the later of their latest record
    dates), summarised with the same *currency*, *rates*, *donors* and *recipients* as
    :meth:`Ledger.summarize` takes; *names* label the two sides in reports."""
    if isinstance(as_of, str):
        as_of = datetime.date.fromisoformat(as_of)
    if as_of is None:
        ends = [span[1] for span in (a.dates, b.dates) if span is not None]
        as_of = max(ends) if ends else None
    sides = tuple(
        ledger.summarize(
            as_of=as_of, currency=currency, rates=rates, donors=donors, recipients=recipients
        )
        for ledger in (a, b)
    )
    if as_of is None:
        return Comparison(as_of=None, currency=currency, names=names, donors=())
    wanted = {party for side in sides for party in _parties(side)}
    states = [_by_party(ledger.state(as_of), wanted) for ledger in (a, b)]
    entries = []
    for party in sorted(wanted):
        left, right = (_parties(side).get(party) for side in sides)
        changes = _changes(states[0].get(party, {}), states[1].get(party, {}))
        lines = {line.system: line for line in left.systems} if left else {}
        other = {line.system: line for line in right.systems} if right else {}
        systems = []
        for key in sorted(set(lines) | set(other)):
            line = lines.get(key) or other[key]
            systems.append(
                SystemDifference(
                    system=key,
                    name=line.name,
                    a=lines.get(key),
                    b=other.get(key),
                    pledges=tuple(c for c in changes if key in _systems(c)),
                )
            )
        entries.append(
            DonorDifference(
                donor=party[0],
                recipient=party[1],
                a=left,
                b=right,
                systems=tuple(systems),
                pledges=changes,
            )
        )
    return Comparison(as_of=as_of, currency=currency, names=names, donors=tuple(entries))


def _parties(summary: Summary) -> dict[_Party, DonorSummary]:
    return {(entry.donor, entry.recipient): entry for entry in summary}


def _by_party(
    states: Iterable[PledgeState], wanted: Collection[_Party]
) -> dict[_Party, dict[str, PledgeState]]:
    found: dict[_Party, dict[str, PledgeState]] = {}
    for state in states:
        party = (state.donor, state.recipient)
        if party in wanted:
            found.setdefault(party, {})[state.id] = state
    return found


def _signature(state: PledgeState | None) -> tuple[object, ...] | None:
    """What a pledge adds to the figures (``None``: nothing, it is not active)."""
    if state is None or not state.active:
        return None
    return tuple(getattr(state, name) for name in COUNTED)


def _changes(a: dict[str, PledgeState], b: dict[str, PledgeState]) -> tuple[PledgeChange, ...]:
    """The pledges whose counted figures differ, in id order."""
    found = []
    for pledge in sorted(set(a) | set(b)):
        left, right = a.get(pledge), b.get(pledge)
        before, after = _signature(left), _signature(right)
        if before == after:
            continue
        kind = ONLY_B if left is None else ONLY_A if right is None else CHANGED
        if before is None or after is None:
            fields: tuple[str, ...] = ("active",) if kind == CHANGED else ()
        else:
            fields = tuple(n for n, x, y in zip(COUNTED, before, after, strict=True) if x != y)
        found.append(PledgeChange(pledge, kind, left, right, fields))
    return tuple(found)


def _systems(change: PledgeChange) -> set[str]:
    return {state.system for state in (change.a, change.b) if state and state.system}
