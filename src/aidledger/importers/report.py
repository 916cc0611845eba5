"""What an import did with the values it could not take as they were.

Each :class:`Entry` says where (source row, column), what was there, and what the
importer did with it (the rule it applied). An importer may also say, for every row, what
it became or why it was skipped (an :class:`Outcome`). The report's summary counts rows
and entries by rule; the full report is written as CSV with ``ImportReport.write``.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Iterator
from typing import TextIO

import attrs

from aidledger._files import write_together

__all__ = ["Entry", "ImportReport", "Outcome"]


@attrs.frozen
class Entry:
    """One value an importer changed, left blank or kept with a warning."""

    row: int  # the line of the source file (the header is line 1)
    column: str
    value: str
    action: str  # what was done, in words: "left blank (undisclosed)", ...
    rule: str  # a short name of the rule, for counting: "blank", "until-date", ...


@attrs.frozen
class Outcome:
    """What one source row became (``imported``: the records it gave) or why it was not
    imported (``skipped``: the reason)."""

    row: int
    imported: bool
    what: str  # "item kiel-AUM7_1.i2", "aid type 'Humanitarian' not imported", ...


@attrs.define
class ImportReport:
    """Everything an import did besides copying values, and how many rows it read."""

    source: str
    rows: int = 0
    unit: str = attrs.field(default="line", kw_only=True)  # what the source's rows are called
    imported: int = 0
    skipped: dict[str, int] = attrs.field(factory=dict)  # reason -> rows (e.g. other aid)
    entries: list[Entry] = attrs.field(factory=list)
    records: int = 0
    outcomes: list[Outcome] = attrs.field(factory=list)
    imported_as: dict[str, int] = attrs.field(factory=dict)  # kind of row -> rows

    def add(self, row: int, column: str, value: str, action: str, rule: str) -> None:
        """Note that *value* of *column* on source line *row* was handled by *rule*."""
        self.entries.append(Entry(row, column, value, action, rule))

    def skip(self, reason: str, row: int | None = None) -> None:
        """Count a source row left out, and why (every row is counted somewhere); with
        *row*, the row's outcome is kept for the full report too."""
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        if row is not None:
            self.outcomes.append(Outcome(row, False, reason))

    def imported_row(self, row: int, kind: str, *records: str) -> None:
        """Count source line *row* as imported as a *kind* of row ("item", ...), giving
        *records* (their ids)."""
        self.imported += 1
        self.imported_as[kind] = self.imported_as.get(kind, 0) + 1
        self.outcomes.append(Outcome(row, True, f"{kind}: {', '.join(records)}"))

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def summary(self) -> str:
        """A few lines for a terminal: rows read, imported, skipped, and rules applied."""
        lines = [
            f"{self.source}: {self.rows} rows read, {self.imported} imported as "
            f"{self.records} records"
        ]
        lines.extend(
            f"  {count} imported as {kind}" for kind, count in sorted(self.imported_as.items())
        )
        lines.extend(
            f"  {count} skipped: {reason}" for reason, count in sorted(self.skipped.items())
        )
        counts = Counter(entry.rule for entry in self.entries)
        first: dict[str, Entry] = {}
        for entry in self.entries:
            first.setdefault(entry.rule, entry)
        lines.extend(
            f"  {count} x {rule} (e.g. {self.unit} {first[rule].row}, {first[rule].column}: "
            f"{first[rule].value!r} {first[rule].action})"
            for rule, count in counts.most_common()
        )
        return "\n".join(lines) + "\n"

    def write(self, path: str | os.PathLike[str]) -> None:
        """The full report as CSV in *path*, written atomically (as ledgers are saved)."""
        write_together([(path, self.write_csv)])

    def write_csv(self, stream: TextIO) -> None:
        """The full report as CSV on *stream*: row, column, value, rule, action (one line
        an entry).

        When the importer kept every row's outcome, each row has a line of its own first,
        with the rule ``imported`` (the action says as what) or ``skipped`` (the action
        says why), then its entries; lines are in row order.
        """
        lines = [
            (entry.row, 1, entry.column, entry.value, entry.rule, entry.action)
            for entry in self.entries
        ]
        if self.outcomes:
            lines.extend(
                (
                    outcome.row,
                    0,
                    "",
                    "",
                    "imported" if outcome.imported else "skipped",
                    outcome.what,
                )
                for outcome in self.outcomes
            )
            lines.sort(key=lambda line: line[:2])
        writer = csv.writer(stream)
        writer.writerow(["row", "column", "value", "rule", "action"])
        for row, _, *cells in lines:
            writer.writerow([row, *cells])
