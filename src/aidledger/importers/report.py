"""What an import did with the values it could not take as they were.

Each :class:`Entry` says where (source row, column), what was there, and what the
importer did with it (the rule it applied). The report's summary counts entries by rule;
the full report is written as CSV with ``ImportReport.write``.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Iterator
from typing import TextIO

import attrs

from aidledger._files import write_together

__all__ = ["Entry", "ImportReport"]


@attrs.frozen
class Entry:
    """One value an importer changed, left blank or kept with a warning."""

    row: int  # the line of the source file (the header is line 1)
    column: str
    value: str
    action: str  # what was done, in words: "left blank (undisclosed)", ...
    rule: str  # a short name of the rule, for counting: "blank", "until-date", ...


@attrs.define
class ImportReport:
    """Everything an import did besides copying values, and how many rows it read."""

    source: str
    rows: int = 0
    imported: int = 0
    skipped: dict[str, int] = attrs.field(factory=dict)  # reason -> rows (e.g. other aid)
    entries: list[Entry] = attrs.field(factory=list)
    records: int = 0

    def add(self, row: int, column: str, value: str, action: str, rule: str) -> None:
        """Note that *value* of *column* on source line *row* was handled by *rule*."""
        self.entries.append(Entry(row, column, value, action, rule))

    def skip(self, reason: str) -> None:
        """Count a source row left out, and why (every row is counted somewhere)."""
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def summary(self) -> str:
        """A few lines for a terminal: rows read, imported, skipped, and rules applied."""
        lines = [
            f"{self.source}: {self.rows} rows read, {self.imported} imported as "
            f"{self.records} records"
        ]
        lines.extend(
            f"  {count} skipped: {reason}" for reason, count in sorted(self.skipped.items())
        )
        counts = Counter(entry.rule for entry in self.entries)
        first: dict[str, Entry] = {}
        for entry in self.entries:
            first.setdefault(entry.rule, entry)
        lines.extend(
            f"  {count} x {rule} (e.g. line {first[rule].row}, {first[rule].column}: "
            f"{first[rule].value!r} {first[rule].action})"
            for rule, count in counts.most_common()
        )
        return "\n".join(lines) + "\n"

    def write(self, path: str | os.PathLike[str]) -> None:
        """The full report as CSV in *path*, written atomically (as ledgers are saved)."""
        write_together([(path, self.write_csv)])

    def write_csv(self, stream: TextIO) -> None:
        """The full report as CSV on *stream*: row, column, value, rule, action (one line
        an entry)."""
        writer = csv.writer(stream)
        writer.writerow(["row", "column", "value", "rule", "action"])
        for entry in self.entries:
            writer.writerow([entry.row, entry.column, entry.value, entry.rule, entry.action])
