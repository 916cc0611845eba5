"""What an import of either Kiel layout does the same way: cells, reported values, records."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from decimal import Decimal
from typing import NamedTuple, TypeVar

from aidledger.catalog import Catalog
from aidledger.errors import FieldError, LoadError, located
from aidledger.importers.kiel._input import Row, Table
from aidledger.importers.kiel._rules import (
    EMPTY,
    NOT_GIVEN,
    PLAIN_DECIMAL,
    Donor,
    nearest_dated,
    read_donor,
)
from aidledger.importers.report import ImportReport
from aidledger.model import Record, Status

#: How every record's ``source`` starts: Kiel's data is used with this attribution.
CITATION = "Kiel Institute for the World Economy, Ukraine Support Tracker"

_N = TypeVar("_N", int, Decimal)


def aid_type(text: str) -> str:
    """An aid type as compared: no case, spaces collapsed (``'Humanitarian '``)."""
    return " ".join(text.split()).casefold()


class Dated(NamedTuple):
    """A row with the date it is taken at."""

    row: Row
    date: datetime.date
    phrase: str | None  # the date as written, when it was not taken as written


class Import:
    """One import: the table's columns, the options, and the report being written."""

    def __init__(
        self,
        table: Table,
        aid_types: Collection[str],
        original_currency: bool,
        catalog: Catalog,
    ) -> None:
        self.file = table.file
        self.name = table.name
        self.columns = table.columns
        self.aid_types = {aid_type(kind) for kind in aid_types}
        self.original_currency = original_currency
        self.catalog = catalog
        self.report = ImportReport(
            source=table.file, unit="line" if table.sheet is None else "row"
        )
        self.records: list[Record] = []

    # -- cells --

    def cell(self, row: Row, role: str) -> str:
        position = self.columns.index.get(role)
        if position is None or position >= len(row.cells):
            return ""
        return row.cells[position]

    def note(self, row: Row, role: str, rule: str, action: str) -> None:
        self.report.add(row.line, self.columns.name(role), self.cell(row, role), action, rule)

    def extra_cells(self, row: Row) -> None:
        width = len(self.columns.header)
        for column, extra in enumerate(row.cells[width:], width + 1):
            if extra.strip():
                self.report.add(row.line, f"column {column}", extra, "ignored", "extra-cell")

    def amount(self, row: Row, role: str, *, expected: bool) -> str | None:
        """A value as written when it is a plain decimal number, else ``None`` (reported
        when a value is *expected* there, or when the text says it is not given)."""
        text = self.cell(row, role).strip()
        if PLAIN_DECIMAL.fullmatch(text):
            return text
        if text in EMPTY:
            if expected:
                self.note(row, role, "no-value", "left blank (undisclosed)")
        elif text.casefold() in NOT_GIVEN:
            self.note(row, role, "no-value", "left blank (undisclosed)")
        elif text.startswith("-") and PLAIN_DECIMAL.fullmatch(text[1:]):
            self.note(row, role, "not-a-number", "negative: left blank (amounts are 0 or more)")
        else:
            self.note(row, role, "not-a-number", "not a plain decimal number: left blank")
        return None

    def capped(self, row: Row, role: str, delivered: _N | None, total: _N | None) -> _N | None:
        if delivered is not None and total is not None and delivered > total:
            self.note(
                row,
                role,
                "delivered-capped",
                f"more than committed ({total}): delivered taken as {total}",
            )
            return total
        return delivered

    def dated(
        self,
        rows: list[Row],
        read: list[tuple[datetime.date | None, str | None]],
        fallback: tuple[datetime.date, str] | None,
        late: datetime.date | None = None,
    ) -> list[Dated] | None:
        """Each row of an activity with its date, as *read* by the date rules (``RULES``),
        else the nearest dated row's of the activity, else the *fallback* ``(date, what it
        is)``; ``None`` when a row has none of them. A row ``late-date`` is one dated after
        the day the table was retrieved (*late*)."""
        dated: list[Dated] = []
        days = [day for day, _ in read]
        for number, (row, (day, rule)) in enumerate(zip(rows, read, strict=True)):
            text = self.cell(row, "date").strip()
            if day is not None:
                if rule is not None:
                    self.note(row, "date", rule, f"taken as {day}; the phrase kept in note")
                dated.append(Dated(row, day, text if rule else None))
                continue
            nearest = nearest_dated(days, number)
            if nearest is not None:
                found = days[nearest]
                assert found is not None
                day, how = found, f"the date of {self.report.unit} {rows[nearest].line}"
            elif fallback is not None:
                day, how = fallback
            else:
                return None
            if rule == "late-date":
                self.note(
                    row,
                    "date",
                    rule,
                    f"after the table was retrieved ({late}): taken as {day}, {how}",
                )
            else:
                self.note(row, "date", "no-date", f"no date: taken as {day}, {how}")
            dated.append(Dated(row, day, text))
        return dated

    def item_name(self, row: Row) -> tuple[str | None, list[str]]:
        """An item row's system, as written when the catalog resolves it (else ``None``,
        reported as ``no-system``), and its note: the name as written, with its type."""
        name = " ".join(self.cell(row, "item").split())
        kind = " ".join(self.cell(row, "item_type").split())
        notes = [f"Kiel item: {name}" + (f" ({kind})" if kind not in {*EMPTY, "0"} else "")]
        # The name as written is the record's system when it is one catalog system (the
        # ledger counts it under its key); anything else (ammunition, parts, "helmet")
        # is no system at all and stays in the note.
        if self.catalog.resolve(name) is None:
            self.note(row, "item", "no-system", "no catalog system: kept in note")
            return None, notes
        return name, notes

    def estimates(
        self, row: Row, counted: bool, whose: str, notes: list[str]
    ) -> tuple[str | None, str | None]:
        """An item's USD estimates, committed and delivered: amounts when its pledge's
        value *counted*, else kept in *notes* (the *whose* value is undisclosed)."""
        estimate = self.amount(row, "estimate", expected=False)
        delivered = self.amount(row, "delivered_estimate", expected=False)
        if not counted and (estimate is not None or delivered is not None):
            role = "estimate" if estimate is not None else "delivered_estimate"
            uncounted = f"the {whose}'s value is undisclosed"
            self.note(
                row, role, "breakdown-in-note", f"{uncounted}: kept in note, not as an amount"
            )
            values = [
                f"{label} {value} USD"
                for label, value in (("committed", estimate), ("delivered", delivered))
                if value is not None
            ]
            notes.append(f"Kiel estimate: {', '.join(values)} (not counted: {uncounted})")
            return None, None
        capped = self.capped(
            row,
            "delivered_estimate",
            None if delivered is None else Decimal(delivered),
            None if estimate is None else Decimal(estimate),
        )
        return estimate, None if capped is None else str(capped)

    def donor(self, row: Row, role: str) -> Donor:
        name = self.cell(row, role)
        found = read_donor(name)
        if found is None:
            raise LoadError(
                "is not a country CLDR names in English, nor a name the Kiel table uses for "
                "one (Czech Republic, Turkey, South Korea) or for an EU body",
                file=self.file,
                line=row.line,
                field=self.columns.name(role),
                value=name,
            )
        if found.rule == "eu-body":
            self.note(row, role, "eu-body", f"donor EU, authority {found.authority!r}")
        elif found.rule is not None:
            self.note(row, role, found.rule, f"donor {found.code}")
        return found

    def links(self, row: Row) -> list[str]:
        """The row's sources (``Source of Aid 1`` .. ``4``), each as written."""
        links = []
        for position in self.columns.sources:
            text = row.cells[position].strip() if position < len(row.cells) else ""
            if text in EMPTY:
                continue
            if text.startswith(".http"):
                column = self.columns.header[position].strip()
                self.report.add(row.line, column, text, "'.' removed", "source-dot")
                text = text[1:]
            links.append(text)
        return links

    def record(self, row: Row, **fields: object) -> Record:
        try:
            return Record(status=Status.PLEDGED, **fields)  # type: ignore[arg-type]
        except FieldError as error:
            raise located(error, file=self.file, line=row.line) from None
