"""The 2022 layout of Kiel's table: the "bilateral assistance" item table (docs/kiel.md).

A row per announcement or item of an *activity* (``ID``: one donor and one type of aid):

- each activity is a pledge ``kiel-<ID>``, dated at its first row (or at an earlier row of
  it), whose amount is Kiel's value of it: ``Converted Value in EUR`` in EUR, or with
  *original_currency* ``Total`` in ``Original Currency``; so per-donor totals are Kiel's;
- each announcement within an activity (its rows of one ``Announcement Date`` and one
  ``Monetary Value as Given by Source``) is a component ``kiel-<ID>.a<date>`` of it, with
  the value as given (a breakdown: never added to the activity's);
- each item row is a component ``kiel-<ID>.a<date>.i<n>`` of its announcement: the system
  resolved through the catalog, the units and units delivered, Kiel's own USD estimate (a
  breakdown too).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal

from aidledger.importers.kiel._common import CITATION, Dated, Import, aid_type
from aidledger.importers.kiel._input import Layout, Row
from aidledger.importers.kiel._rules import (
    COUNT_DIGITS,
    EMPTY,
    WHOLE,
    is_currency,
    read_date,
)
from aidledger.importers.report import ImportReport
from aidledger.ledger import Ledger

__all__ = ["ITEM_TABLE", "ItemTable"]

# Roles -> header names (compared as _input.normal does).
_HEADERS: Mapping[str, tuple[str, ...]] = {
    "id": ("ID",),
    "country": ("countries", "country"),
    "date": ("Announcement Date",),
    "aid_type": ("Type of Aid General",),
    "currency": ("Original Currency",),
    "value_given": ("Monetary Value as Given by Source",),
    "item": ("Items", "Item"),
    "item_type": ("Type of item",),
    "units": ("No. of Units",),
    "delivered": ("No. of Units delivered (in-kind military aid)", "No. of Units delivered"),
    "estimate": ("Value committed (own estimate, in USD)",),
    "delivered_estimate": ("Value delivered (own estimate, in USD)",),
    "total": ("Total",),
    "eur": ("Converted Value in EUR",),
    "delivered_eur": ("Total monetary value delivered in EUR",),
    "first_row": ("Total_value_dummy (1 is first row in the package)",),
    "retrieved": ("retrieved",),
}
#: The 2022 item table, found by these columns.
ITEM_TABLE = Layout(
    "item table",
    _HEADERS,
    ("id", "country", "date", "aid_type", "currency", "value_given", "item", "units"),
    workbook=False,
)

_MDY = r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}|[0-9]{2})"
_RETRIEVED = re.compile(rf"\s*{_MDY}\b")


def _retrieved(text: str) -> datetime.date | None:
    match = _RETRIEVED.match(text)
    if match is None:
        return None
    month, day, year = match.groups()
    try:
        return datetime.date(
            int(year) + 2000 if len(year) == 2 else int(year), int(month), int(day)
        )
    except ValueError:
        return None


class _Announcement:
    __slots__ = ("id", "items")

    def __init__(self, pledge_id: str) -> None:
        self.id = pledge_id
        self.items = 0


class ItemTable(Import):
    """One import of a 2022 item table."""

    retrieved: datetime.date | None = None
    retrieved_text = ""

    def count(self, row: Row, role: str) -> int | None:
        """A whole number of units, or ``None`` (units: undisclosed; delivered: none)."""
        text = self.cell(row, role).strip()
        blank = "left blank (undisclosed)" if role == "units" else "left blank (none stated)"
        if WHOLE.fullmatch(text):
            if len(text) <= COUNT_DIGITS:
                return int(text)
            self.note(row, role, "huge-count", f"{len(text)} digits: {blank}")
        elif text in EMPTY:
            if role == "units":
                self.note(row, role, "blank-units", blank)
        elif text.casefold() == "undisclosed":
            self.note(row, role, "undisclosed", blank)
        else:
            self.note(row, role, "not-a-count", f"not a whole number: {blank}")
        return None

    def source(self, row: Row, activity: str) -> str:
        where = f"line {row.line}"
        if self.retrieved_text:
            where = f"table retrieved {self.retrieved_text}, {where}"
        links = self.links(row)
        cited = f"{CITATION}, {activity} ({where})"
        return f"{cited}: {'; '.join(links)}" if links else cited

    # -- rows --

    def run(self, rows: Iterator[Row]) -> tuple[Ledger, ImportReport]:
        report = self.report
        activities: dict[str, list[Row]] = {}
        first_lines: dict[str, int] = {}
        for row in rows:
            report.rows += 1
            retrieved = _retrieved(self.cell(row, "retrieved"))
            if retrieved and (self.retrieved is None or retrieved > self.retrieved):
                self.retrieved = retrieved
            if not any(cell.strip() for cell in row.cells):
                report.skip("empty row")
                continue
            self.extra_cells(row)
            activity = self.cell(row, "id").strip()
            if activity:
                first_lines.setdefault(activity, row.line)
            kind = " ".join(self.cell(row, "aid_type").split())
            if aid_type(kind) not in self.aid_types:
                report.skip(f"aid type {kind!r} not imported" if kind else "no aid type")
                continue
            if not activity:
                self.note(row, "id", "no-id", "skipped")
                report.skip("no ID")
                continue
            activities.setdefault(activity, []).append(row)
        if self.retrieved is not None:
            self.retrieved_text = self.retrieved.isoformat()
        for activity, members in activities.items():
            if first_lines[activity] != members[0].line:
                self.note(
                    members[0],
                    "aid_type",
                    "mixed-aid",
                    f"the activity's first row (line {first_lines[activity]}) is not "
                    "imported: this row is taken as its first",
                )
            self.activity(activity, members)
        report.records = len(self.records)
        return Ledger(self.records, catalog=self.catalog), report

    def dates(self, rows: list[Row]) -> list[Dated] | None:
        """Each row of an activity with its date, by the date rules of :data:`RULES`; or
        ``None`` when no row has a date and the table does not say when it was retrieved."""
        read: list[tuple[datetime.date | None, str | None]] = []
        for row in rows:
            day, rule = read_date(self.cell(row, "date"))
            if day is not None and self.retrieved is not None and day > self.retrieved:
                day, rule = None, "late-date"
            read.append((day, rule))
        retrieved = self.retrieved
        fallback = None if retrieved is None else (retrieved, "the day the table was retrieved")
        return self.dated(rows, read, fallback, late=retrieved)

    def activity(self, activity: str, rows: list[Row]) -> None:
        """The records of one activity: itself, its announcements and their items."""
        report = self.report
        dated = self.dates(rows)
        if dated is None:
            self.note(rows[0], "date", "no-date", "no date anywhere in the activity: skipped")
            for _ in rows:
                report.skip("activity without a date")
            return
        report.imported += len(rows)
        first = rows[0]
        pledge = f"kiel-{activity}"
        self.check_first_row(rows)
        start = min(dated, key=lambda each: each.date)
        if start.date < dated[0].date:
            self.note(
                first,
                "date",
                "activity-date",
                f"the activity is dated {start.date}, the date of line {start.row.line}",
            )
        donor, authority, _ = self.donor(first, "country")
        notes = [f"Kiel aid type: {' '.join(self.cell(first, 'aid_type').split())}"]
        if dated[0].phrase is not None:
            notes.append(f"Kiel date: {dated[0].phrase!r}")
        amount, currency, delivered = self.activity_value(first, notes)
        self.records.append(
            self.record(
                first,
                id=pledge,
                date=start.date,
                donor=donor,
                amount=amount,
                currency=currency,
                delivered_amount=delivered,
                authority=authority,
                source=self.source(first, activity),
                note="; ".join(notes),
            )
        )
        counted = amount is not None
        announcements: dict[tuple[datetime.date, str], _Announcement] = {}
        per_day: dict[datetime.date, int] = {}
        for each in dated:
            row = each.row
            if row is not first:
                donor, authority, _ = self.donor(row, "country")
            key = (each.date, self.cell(row, "value_given").strip())
            announcement = announcements.get(key)
            is_item = self.cell(row, "item").strip() not in EMPTY
            if announcement is None:
                per_day[each.date] = per_day.get(each.date, 0) + 1
                number = per_day[each.date]
                suffix = f"-{number}" if number > 1 else ""
                announcement = _Announcement(f"{pledge}.a{each.date.isoformat()}{suffix}")
                announcements[key] = announcement
                self.announcement(
                    each, announcement.id, pledge, activity, donor, authority, counted
                )
            elif not is_item:
                self.note(
                    row, "value_given", "merged", f"merged into {announcement.id} (no record)"
                )
            if is_item:
                announcement.items += 1
                self.item(
                    each,
                    f"{announcement.id}.i{announcement.items}",
                    announcement.id,
                    activity,
                    donor,
                    authority,
                    counted,
                )

    def check_first_row(self, rows: list[Row]) -> None:
        if "first_row" in self.columns.index:
            flags = [self.cell(row, "first_row").strip() for row in rows]
            action = "the activity's first row in the file is taken as its first"
            if flags[0] != "1":
                self.note(rows[0], "first_row", "first-row-flag", action)
            for row, flag in zip(rows[1:], flags[1:], strict=True):
                if flag == "1":
                    self.note(row, "first_row", "first-row-flag", action)
        for row in rows[1:]:
            for role in ("total", "eur", "delivered_eur"):
                if self.cell(row, role).strip() not in EMPTY:
                    self.note(row, role, "later-value", "ignored: not the activity's first row")

    def activity_value(
        self, first: Row, notes: list[str]
    ) -> tuple[str | None, str | None, str | None]:
        """The activity's ``(amount, currency, delivered_amount)``; the other of Kiel's two
        values (EUR or original currency) goes into *notes*."""
        original = self.cell(first, "currency").strip()
        total = self.amount(first, "total", expected=self.original_currency)
        if not self.original_currency:
            if total is not None:
                notes.append(f"Kiel Total: {total} {original}".rstrip())
            amount = self.amount(first, "eur", expected=True)
            delivered = self.amount(first, "delivered_eur", expected=False)
            capped = self.capped(
                first,
                "delivered_eur",
                None if delivered is None else Decimal(delivered),
                None if amount is None else Decimal(amount),
            )
            delivered = None if capped is None else str(capped)
            return amount, "EUR" if amount or delivered else None, delivered
        euro = self.amount(first, "eur", expected=False)
        if euro is not None:
            notes.append(f"Kiel EUR value: {euro} EUR")
        if total is not None and not is_currency(original):
            self.note(first, "currency", "no-currency", f"Total {total} kept in note")
            notes.append(f"Kiel Total: {total} {original!r}")
            total = None
        return total, (original if total is not None else None), None

    def announcement(
        self,
        each: Dated,
        pledge: str,
        activity_pledge: str,
        activity: str,
        donor: str,
        authority: str | None,
        counted: bool,
    ) -> None:
        row = each.row
        notes = [] if each.phrase is None else [f"Kiel date: {each.phrase!r}"]
        currency = self.cell(row, "currency").strip()
        amount = self.amount(row, "value_given", expected=True)
        if amount is not None and not is_currency(currency):
            self.note(row, "currency", "no-currency", f"value {amount} kept in note")
            notes.append(f"value as given: {amount} {currency!r}")
            amount = None
        elif amount is not None and not counted:
            self.note(
                row,
                "value_given",
                "breakdown-in-note",
                "the activity's value is undisclosed: kept in note, not as an amount",
            )
            notes.append(f"value as given: {amount} {currency} (not counted: {_UNCOUNTED})")
            amount = None
        self.records.append(
            self.record(
                row,
                id=pledge,
                date=each.date,
                donor=donor,
                amount=amount,
                currency=currency if amount is not None else None,
                authority=authority,
                part_of=activity_pledge,
                source=self.source(row, activity),
                note="; ".join(notes) or None,
            )
        )

    def item(
        self,
        each: Dated,
        pledge: str,
        announcement: str,
        activity: str,
        donor: str,
        authority: str | None,
        counted: bool,
    ) -> None:
        row = each.row
        system, notes = self.item_name(row)
        quantity = self.count(row, "units")
        delivered = self.count(row, "delivered")
        delivered = self.capped(row, "delivered", delivered, quantity)
        estimate, delivered_estimate = self.estimates(row, counted, "activity", notes)
        has_money = estimate is not None or delivered_estimate is not None
        self.records.append(
            self.record(
                row,
                id=pledge,
                date=each.date,
                donor=donor,
                system=system,
                quantity=quantity,
                delivered_quantity=delivered,
                amount=estimate,
                currency="USD" if has_money else None,
                delivered_amount=delivered_estimate,
                authority=authority,
                part_of=announcement,
                source=self.source(row, activity),
                note="; ".join(notes),
            )
        )


_UNCOUNTED = "the activity's value is undisclosed"
