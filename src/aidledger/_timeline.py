"""When each record counts, and how: the columnar engine's one pass over the columns.

A record is in force from its date until its pledge's next record takes over. What it
adds in that span depends on the packages above it, which stop changing what they show
(committed, valued, reported) from a day on: their *steady* day. So a committed record's
span splits in two: from the steady day on it counts as the packages show at the end of
the ledger (**fixed**: summed into running figures once), before it, it is worked out on
each day asked (**moving**: a cycle, a package that appears or is cancelled later). Other
records (discussed, stated) count the same whatever is above them.

:func:`prepare` works all that out with a handful of sorts and pointer-doubling passes
(``_chains``), and keeps only what the questions need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from aidledger._chains import NEVER, Spanned, ancestors, cut, fold_up, on_cycles, stable_order
from aidledger._columns import CONSIDERING, DELIVERED, PLEDGED, REPORTED, REQUESTED
from aidledger._shares import Chain, Family, Layout, Shares

if TYPE_CHECKING:
    from aidledger._columns import Columns
    from aidledger._engine import Party

__all__ = ["Moving", "Spans", "Timeline", "prepare", "shares_of", "spanned"]

Ints = npt.NDArray[np.integer[Any]]
Rows = npt.NDArray[np.integer[Any]]
Flags = npt.NDArray[np.bool_]


class Spans:
    """Records of one kind, each in force over the days ``[start, end)``."""

    __slots__ = ("end", "party", "rows", "start")

    def __init__(self, rows: Rows, start: Rows, end: Rows, party: Rows) -> None:
        self.rows, self.start, self.end, self.party = rows, start, end, party

    def on(self, day: int) -> Flags:
        """Which of them are in force on *day*."""
        return (self.start <= day) & (day < self.end)


class Moving:
    """The spans worked out on the day asked, and the pledges that decides: theirs and
    every package above them (``nodes``, in code order), with their package links among
    themselves and their records in (pledge, date) order for lookups by day; ``local``
    is each span's pledge among the nodes."""

    __slots__ = ("key", "link", "local", "node_rows", "nodes", "spans")

    def __init__(self, spans: Spans, nodes: Ints, local: Ints, link: Ints, key: Ints,
                 node_rows: Rows) -> None:  # fmt: skip
        self.spans, self.nodes, self.local, self.link = spans, nodes, local, link
        self.key, self.node_rows = key, node_rows


class Timeline:
    """What :func:`prepare` found (see the module docstring)."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        size = len(columns)
        date = columns.date
        self.low = int(date.min()) if size else 0
        #: Day offsets run from 0 (the first record's day) to span - 1.
        self.span = (int(date.max()) - self.low + 2) if size else 2
        #: Each pledge's first record (by date, then input order).
        self.first: Rows = np.zeros(0, dtype=np.int32)
        self.party: Rows = np.zeros(0, dtype=np.int32)
        self.parties: list[Party] = []
        self.first_day: Ints = np.zeros(0, dtype=np.int64)
        self.since: Rows = np.zeros(0, dtype=np.int32)  # each pledge's commitment date
        self.since_days: Rows = np.zeros(0, dtype=np.int32)
        self.layout: Layout
        #: The figures of the fixed spans, by family (see ``_shares``).
        self.fixed: dict[str, Spanned] = {}
        self.cited: Spans
        self.discussed: Spans
        self.reported: Spans
        self.moving: Moving


def prepare(columns: Columns) -> Timeline:
    """Sort the records, follow the packages, and split the records into spans."""
    timeline = Timeline(columns)
    following, final, changed = _order(timeline)
    _parties(timeline)
    link, steady, shown = _packages(timeline, final, changed)
    _spans(timeline, following, link, steady, shown)
    return timeline


def _order(t: Timeline) -> tuple[Rows, Rows, Ints]:
    """Each record's next date (when the next record of its pledge takes over), each
    pledge's first and last record and the day it last changed what it shows the items
    below it. Most pledges have one record: only the records of the others are sorted,
    by (pledge, date, input order)."""
    c = t.columns
    pledge, date, status = c.pledge, c.date, c.status
    committed = (status == PLEDGED) | (status == DELIVERED)
    shown = committed | (status == REPORTED) * 2 | c.amount.present * 4
    # A pledge with one record: it is first and last, its date every date.
    single = np.bincount(pledge, minlength=len(c.ids))[pledge] == 1
    following = np.full(len(c), NEVER, dtype=np.int32)
    first = np.zeros(len(c.ids), dtype=np.int32)
    alone = np.flatnonzero(single).astype(np.int32)
    first[pledge[alone]] = alone
    final = first.copy()
    since = np.zeros(len(c.ids), dtype=np.int32)
    since[pledge[alone]] = date[alone]
    changed = since.copy()
    rows = np.flatnonzero(~single)
    rows = rows[stable_order(pledge[rows].astype(np.int64) * t.span + (date[rows] - t.low))]
    rows = rows.astype(np.int32)
    if len(rows):
        owner, day = pledge[rows], date[rows]
        same = owner[1:] == owner[:-1]
        following[rows[:-1]] = np.where(same, day[1:], NEVER)
        starts = np.flatnonzero(np.concatenate([[True], ~same]))
        ends = np.flatnonzero(np.concatenate([~same, [True]]))
        first[owner[starts]] = rows[starts]
        final[owner[ends]] = rows[ends]
        # The commitment date: the first committed record (else the first record).
        since[owner[starts]] = day[starts]
        positions = np.flatnonzero(committed[rows])
        if len(positions):
            owners = owner[positions]
            head = np.concatenate([[True], owners[1:] != owners[:-1]])
            since[owners[head]] = day[positions[head]]
        flags = shown[rows]
        moved = np.flatnonzero(np.concatenate([[True], ~same | (flags[1:] != flags[:-1])]))
        owners = owner[moved]
        last = np.concatenate([owners[1:] != owners[:-1], [True]])
        changed[owners[last]] = day[moved[last]]
    t.since, t.first = since, first
    return following, final, changed


def _parties(t: Timeline) -> None:
    """Each record's party code; each party's first day; the commitment days."""
    c = t.columns
    width = max(1, len(c.recipients))
    combined = c.donor.astype(np.int64) * width + c.recipient
    used = np.bincount(combined, minlength=max(1, len(c.donors)) * width) > 0
    t.party = (np.cumsum(used) - 1)[combined].astype(np.int32)
    t.parties = [
        (c.donors[code // width], c.recipients[code % width])
        for code in np.flatnonzero(used).tolist()
    ]
    day = c.date.astype(np.int64) - t.low
    if len(t.parties) * t.span <= 1 << 24:
        # (A table of days by party: cheaper than a minimum by group.)
        seen = np.bincount(t.party * t.span + day, minlength=len(t.parties) * t.span)
        t.first_day = seen.reshape(len(t.parties), t.span).astype(np.bool_).argmax(axis=1)
        t.first_day += t.low
        t.since_days = np.flatnonzero(np.bincount(t.since - t.low, minlength=t.span)) + t.low
    else:
        first = np.full(len(t.parties), NEVER, dtype=np.int64)
        np.minimum.at(first, t.party, c.date)
        t.first_day = first
        t.since_days = np.unique(t.since)
    t.since_days = t.since_days.astype(np.int32)
    t.layout = Layout(c, len(t.parties), len(t.since_days))


def _packages(t: Timeline, final: Rows, changed: Ints) -> tuple[Ints, Ints, Chain]:
    """Each pledge's package (if it names one that exists), its steady day (when it
    and every package above it stop changing: never, below a cycle), and what the
    packages above it show once steady (as the ledger ends)."""
    c = t.columns
    named = c.part_of[final]
    link = np.where((named >= 0) & (named < len(c.ids)), named, -1).astype(np.int32)
    _, endless = on_cycles(link)
    (steady,) = fold_up(np.where(endless, -1, link), [changed], ["max"])
    steady[endless] = NEVER
    status = c.status[final]
    target = np.maximum(link, 0)
    above = np.where((link >= 0) & (status[target] != REPORTED), link, -1)
    cycle, _ = on_cycles(above)
    committed = (status == PLEDGED) | (status == DELIVERED)
    ok, priced = fold_up(cut(above, cycle), [committed, c.amount.present[final]], ["and", "or"])
    held = np.maximum(above, 0)
    return link, steady, Chain(above >= 0, ok[held], priced[held])


def _spans(t: Timeline, following: Rows, link: Ints, steady: Ints, shown: Chain) -> None:
    c = t.columns
    status, date = c.status, c.date
    alive = date < following
    committed = alive & ((status == PLEDGED) | (status == DELIVERED))
    package = link[c.pledge]
    settled = np.where(package >= 0, steady[np.maximum(package, 0)], -1).astype(np.int32)
    start = np.maximum(date, settled)
    moving = np.flatnonzero(committed & (package >= 0) & (date < np.minimum(following, settled)))
    del package
    _fixed(t, np.flatnonzero(committed & (start < following)).astype(np.int32), start, following,
           shown)  # fmt: skip
    moving = moving.astype(np.int32)
    until = np.minimum(following[moving], settled[moving])
    del settled, start
    t.moving = _moving(t, Spans(moving, date[moving], until, t.party[moving]), link)
    t.discussed = _plain(t, alive & ((status == REQUESTED) | (status == CONSIDERING)), following)
    t.reported = _plain(t, alive & (status == REPORTED), following)


def _fixed(t: Timeline, fixed: Rows, start: Rows, following: Rows, shown: Chain) -> None:
    """The fixed spans' figures, family by family (each family's changes go as soon as
    they are held), and the spans whose sources are cited."""
    pledge = t.columns.pledge[fixed]
    found = shares_of(t, fixed, Chain(shown.under[pledge], shown.committed[pledge],
                                      shown.valued[pledge]))  # fmt: skip
    del pledge
    begin, end = start[fixed], following[fixed]
    for name in ("systems", "counts", "money"):
        family = found.family(name)
        t.fixed[name] = spanned(family, begin, end, t)
        if name == "money":
            t.fixed["keyed"] = spanned(found.keyed(family), begin, end, t)
        del family
    cited = fixed[found.active]
    t.cited = Spans(cited, start[cited], following[cited], t.party[cited])


def _plain(t: Timeline, mask: Flags, following: Rows) -> Spans:
    rows = np.flatnonzero(mask).astype(np.int32)
    return Spans(rows, t.columns.date[rows], following[rows], t.party[rows])


def shares_of(t: Timeline, rows: Rows, chain: Chain) -> Shares:
    """What *rows* (records in force) add under *chain* (see ``_shares``)."""
    since = np.searchsorted(t.since_days, t.since[t.columns.pledge[rows]]).astype(np.int32)
    return Shares(t.columns, rows, t.party[rows], since, chain, t.layout)


def spanned(family: Family, start: Rows, end: Rows, t: Timeline) -> Spanned:
    """A family's figures, each counting over its record's span (as day offsets)."""
    begin = start[family.entries] - t.low
    finish = end[family.entries]
    finish = np.where(finish < NEVER, finish - t.low, NEVER)
    return Spanned(family.group, begin, finish, family.figures, t.span)


def _moving(t: Timeline, spans: Spans, link: Ints) -> Moving:
    c = t.columns
    wanted = np.zeros(len(c.ids), dtype=np.bool_)
    wanted[c.pledge[spans.rows]] = True
    nodes = np.flatnonzero(ancestors(link, wanted)).astype(np.int32)
    local = np.full(len(c.ids), -1, dtype=np.int32)
    local[nodes] = np.arange(len(nodes), dtype=np.int32)
    above = link[nodes]
    node_link = np.where(above >= 0, local[np.maximum(above, 0)], -1)
    # Their records by (pledge, date): those of pledges with one record, then the others,
    # sorted (a few: only the pledges concerned and the packages above them).
    node_rows = np.flatnonzero(local[c.pledge] >= 0)
    owner = local[c.pledge[node_rows]].astype(np.int64)
    node_rows = node_rows[stable_order(owner * t.span + (c.date[node_rows] - t.low))]
    owner = local[c.pledge[node_rows]].astype(np.int64)
    key = owner * t.span + (c.date[node_rows] - t.low)
    return Moving(spans, nodes, local[c.pledge[spans.rows]], node_link, key, node_rows)
