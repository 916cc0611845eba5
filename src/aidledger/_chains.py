"""Array building blocks of the columnar engine: orders, package chains, running sums.

- :func:`stable_order` sorts integer keys in linear time (16 bits at a time: numpy's
  stable sort of 16-bit integers is a radix sort), keeping ties in input order.
- Package links form a graph in which each pledge names at most one package. Walks up it
  are done by *pointer doubling*: each round every pledge looks twice as far up, so a
  chain of any depth is done in log2(depth) rounds (:func:`fold_up`). A walk that has not
  ended after as many rounds as the graph has pledges sits on a cycle
  (:func:`on_cycles`), and the links between pledges on a cycle are ignored
  (docs/counting-rules.md, "Packages").
- :class:`Steps` holds figures that change on some days, by group, as running sums: the
  figures of every group on any day are then one binary search each. :class:`Spanned`
  holds figures that count over spans of days: it sums them directly for the first day
  asked, and makes running sums of them only when a second day is asked (a one-off
  summary never pays for them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Spanned", "Steps", "ancestors", "cut", "fold_up", "on_cycles", "stable_order"]

#: The end of a span that never ends.
NEVER = np.iinfo(np.int32).max

Ints = npt.NDArray[np.integer[Any]]
Index = npt.NDArray[np.integer[Any]]
Flags = npt.NDArray[np.bool_]


def stable_order(key: npt.NDArray[np.integer[Any]]) -> Index:
    """The positions of *key* (integers >= 0) in ascending order, ties in input order."""
    if not len(key):
        return np.zeros(0, dtype=np.intp)
    key = key.astype(np.int64, copy=False)
    highest = int(key.max())
    order: Index | None = None
    shift = 0
    while True:
        part = key if order is None else key[order]
        digit = ((part >> shift) & 0xFFFF).astype(np.uint16)
        step = np.argsort(digit, kind="stable")
        order = step if order is None else order[step]
        shift += 16
        if highest >> shift == 0:
            return order


def on_cycles(link: Index) -> tuple[Flags, Flags]:
    """Which nodes are on a cycle of *link* (-1: no link), and which walk up for ever
    (on a cycle, or below one)."""
    size = len(link)
    jump = link.copy()
    walking = np.flatnonzero(jump >= 0)
    # After 2**rounds >= size steps, a walk that goes on is on its cycle, and the map of
    # 2**rounds steps permutes each cycle: its image is exactly the set of cycle nodes.
    for _ in range(max(1, size.bit_length())):
        if not len(walking):
            break
        jump[walking] = jump[jump[walking]]
        walking = walking[jump[walking] >= 0]
    endless = np.zeros(size, dtype=np.bool_)
    endless[walking] = True
    cycle = np.zeros(size, dtype=np.bool_)
    cycle[jump[walking]] = True
    return cycle, endless


def cut(link: Index, cycle: Flags) -> Index:
    """*link* without the links out of pledges on a cycle (each of them is top-level)."""
    acyclic = link.copy()
    acyclic[cycle] = -1
    return acyclic


def fold_up(
    link: Index, values: Sequence[npt.NDArray[Any]], ops: Sequence[str]
) -> list[npt.NDArray[Any]]:
    """Each node's *values* combined over its chain, itself included, up *link* (which
    must have no cycle). ``ops`` says how, per value: ``"and"``, ``"or"``, ``"max"``, or
    ``"last"`` (the value of the chain's last node: with node numbers, the outermost)."""
    folded = [value.copy() for value in values]
    jump = link.copy()
    walking = np.flatnonzero(jump >= 0)
    while len(walking):
        above = jump[walking]
        for value, op in zip(folded, ops, strict=True):
            mine, theirs = value[walking], value[above]
            if op == "and":
                value[walking] = mine & theirs
            elif op == "or":
                value[walking] = mine | theirs
            elif op == "max":
                value[walking] = np.maximum(mine, theirs)
            else:
                value[walking] = theirs
        jump[walking] = jump[above]
        walking = walking[jump[walking] >= 0]
    return folded


def ancestors(link: Index, start: Flags) -> Flags:
    """*start* and every node above one of them, up *link*."""
    marked = start.copy()
    frontier: Index = np.flatnonzero(start)
    while len(frontier):
        above = link[frontier]
        above = np.unique(above[above >= 0])
        above = above[~marked[above]]
        marked[above] = True
        frontier = above
    return marked


class Steps:
    """Integer figures of groups that change on some days, as running sums.

    Built from changes (group, day, one amount per figure); :meth:`at` gives each
    group's figures on a day: the sum of its changes dated on or before it. Running sums
    are in int64: the caller keeps every change small enough that the sum of all their
    absolute values fits (see ``_exact.limb_width``).
    """

    __slots__ = ("_groups", "_keys", "_span", "_starts", "_sums")

    def __init__(
        self,
        group: Ints,
        day: npt.NDArray[np.integer[Any]],
        changes: Sequence[npt.NDArray[Any]],
        span: int,
    ) -> None:
        self._span = span
        # By group, then day (each sort stable: ties keep their order).
        order = stable_order(day)
        order = order[stable_order(group[order])]
        group, day = group[order], day[order]
        if len(group):
            new = np.flatnonzero((group[1:] != group[:-1]) | (day[1:] != day[:-1])) + 1
            first = np.concatenate([[0], new]).astype(np.intp)
        else:
            first = np.zeros(0, dtype=np.intp)
        owner = group[first].astype(np.int64)
        self._keys = owner * span + day[first]
        if len(owner):
            head = np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))
        else:
            head = first
        self._groups: Ints = owner[head]
        self._starts = head
        sizes = np.diff(np.concatenate([head, [len(owner)]]))
        del group, day
        self._sums = []
        for change in changes:
            if len(first):
                running = np.cumsum(np.add.reduceat(change[order], first, dtype=np.int64))
                # Running sums restart with each group.
                before = np.concatenate([[0], running[head[1:] - 1]])
                running -= np.repeat(before, sizes)
            else:
                running = np.zeros(0, dtype=np.int64)
            self._sums.append(running)

    @property
    def groups(self) -> Ints:
        """Every group that has a change, ascending."""
        return self._groups

    def at(self, day: int, groups: Ints | None = None) -> tuple[Ints, list[Ints]]:
        """The groups (of *groups*, default all) with a change on or before *day*, and
        their figures then."""
        if groups is None:
            chosen, starts = self._groups, self._starts
        else:
            where = np.searchsorted(self._groups, groups)
            inside = where < len(self._groups)
            where = where[inside]
            where = where[self._groups[where] == groups[inside]]
            chosen, starts = self._groups[where], self._starts[where]
        if not len(chosen):
            return chosen, [np.zeros(0, dtype=np.int64) for _ in self._sums]
        position = np.searchsorted(self._keys, chosen * self._span + day, side="right") - 1
        held = position >= starts
        position = position[held]
        return chosen[held], [running[position] for running in self._sums]


class Spanned:
    """Figures by group that each count over a span of days ``[begin, end)`` (offsets;
    :data:`NEVER` for no end): see the module docstring."""

    __slots__ = ("_asked", "_begin", "_end", "_figures", "_group", "_span", "_steps")

    def __init__(
        self, group: Ints, begin: Ints, end: Ints, figures: Sequence[npt.NDArray[Any]], span: int
    ) -> None:
        self._group, self._begin, self._end = group, begin, end
        self._figures = list(figures)
        self._span = span
        self._asked: int | None = None
        self._steps: Steps | None = None

    def at(self, day: int) -> tuple[Ints, list[Ints]]:
        """The groups with a figure counting on *day* (an offset), and their figures."""
        if self._steps is None and self._asked in (None, day):
            self._asked = day
            return self._sums(day)
        return self.steps().at(day)

    def steps(self) -> Steps:
        """The running sums (made once; the spans are let go)."""
        if self._steps is None:
            ends = np.flatnonzero(self._end < NEVER)
            group = np.concatenate([self._group, self._group[ends]])
            day = np.concatenate([self._begin, self._end[ends]])
            changes = [_signed(figure, ends) for figure in self._figures]
            self._steps = Steps(group, day, changes, self._span)
            self._group = self._begin = self._end = group[:0]
            self._figures = []
        return self._steps

    def _sums(self, day: int) -> tuple[Ints, list[Ints]]:
        on = np.flatnonzero((self._begin <= day) & (day < self._end))
        if not len(on):
            return self._group[:0].astype(np.int64), [np.zeros(0, np.int64) for _ in self._figures]
        groups, codes = _dense(self._group[on])
        order = stable_order(codes)
        first = np.flatnonzero(np.concatenate([[True], np.diff(codes[order]) != 0]))
        sums: list[Ints] = []
        for figure in self._figures:
            if figure.dtype == np.bool_:  # a count: how many records hold it
                sums.append(np.bincount(codes[figure[on]], minlength=len(groups)))
            else:
                sums.append(np.add.reduceat(figure[on][order], first, dtype=np.int64))
        return groups, sums


def _signed(figure: npt.NDArray[Any], ends: Ints) -> npt.NDArray[Any]:
    """A figure's changes: added where its spans begin, taken back where they end."""
    if figure.dtype == np.bool_:
        figure = figure.view(np.int8)
    return np.concatenate([figure, -figure[ends]])


def _dense(group: Ints) -> tuple[Ints, Ints]:
    """The distinct groups (ascending) and each entry's position among them."""
    if not len(group):
        return group.astype(np.int64), np.zeros(0, dtype=np.intp)
    highest = int(group.max())
    if highest < 1 << 20:
        used = np.bincount(group, minlength=highest + 1) > 0
        position = np.cumsum(used) - 1
        return np.flatnonzero(used).astype(np.int64), position[group]
    order = stable_order(group)
    ordered = group[order]
    new = np.concatenate([[True], ordered[1:] != ordered[:-1]])
    codes = np.empty(len(group), dtype=np.intp)
    codes[order] = np.cumsum(new) - 1
    return ordered[new].astype(np.int64), codes
