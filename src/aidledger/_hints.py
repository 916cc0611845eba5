"""Guessing what a mistyped word meant: the closest choices by edit distance.

The distance is the optimal-string-alignment variant of Damerau-Levenshtein: inserting,
deleting or changing a character, or swapping two neighbours (``UDS`` for ``USD``), each
count one. A guess is offered only when it is close for its length, so that a word that
is simply something else (``announced`` for a status) gets none.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["closest", "did_you_mean", "distance"]

# Longer words than this are not compared (their hints would be guesses, and comparing
# them costs time a file of junk should not buy).
_LONGEST = 40


def distance(a: str, b: str, bound: int) -> int:
    """The edit distance of *a* and *b*, or ``bound + 1`` when it is more than *bound*."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, start=1):
            cost = 0 if x == y else 1
            best = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                best = min(best, before[j - 2] + 1)
            current[j] = best
        if min(current) > bound:
            return bound + 1
        before, row = row, current
    return row[-1]


def closest(word: str, choices: Iterable[str], bound: int | None = None) -> list[str]:
    """The choices nearest to *word* (compared case-insensitively), at most *bound* edits
    away (default: a third of the word's length, at least one); the nearest first, ties
    in the order given, at most three."""
    key = word.strip().casefold()
    if not key or len(key) > _LONGEST:
        return []
    limit = max(1, len(key) // 3) if bound is None else bound
    scored = []
    for position, choice in enumerate(choices):
        found = distance(key, choice.casefold(), limit)
        if found <= limit:
            scored.append((found, position, choice))
    scored.sort()
    if not scored:
        return []
    best = scored[0][0]
    return [choice for found, _, choice in scored if found == best][:3]


def did_you_mean(options: list[str]) -> str:
    """`` (did you mean 'a'?)`` or `` (did you mean 'a' or 'b'?)``, or ``""`` for none."""
    if not options:
        return ""
    quoted = [repr(option) for option in options]
    shown = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f" (did you mean {shown}?)"
