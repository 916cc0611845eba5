"""The Kiel Institute's Ukraine Support Tracker item table, imported as a ledger.

The table (Kiel Institute for the World Economy, Ukraine Support Tracker, "bilateral
assistance" item table) has a row per announcement or item of an *activity* (``ID``, one
donor and one type of aid). :func:`read` turns it into records (docs/kiel.md):

- each activity is a pledge ``kiel-<ID>``, dated at its first row (or at an earlier row of
  it), whose amount is Kiel's value of it: ``Converted Value in EUR`` in EUR, or with
  *original_currency* ``Total`` in ``Original Currency``; so per-donor totals are Kiel's;
- each announcement within an activity (its rows of one ``Announcement Date`` and one
  ``Monetary Value as Given by Source``) is a component ``kiel-<ID>.a<date>`` of it, with
  the value as given (a breakdown: never added to the activity's);
- each item row is a component ``kiel-<ID>.a<date>.i<n>`` of its announcement: the system
  resolved through the catalog, the units and units delivered, Kiel's own USD estimate (a
  breakdown too).

Columns are found by their header names, whatever their order, and the text by its
byte-order mark (UTF-8 or UTF-16). Every value that cannot be taken as written is handled
by one of the :data:`RULES` and listed in the
:class:`~aidledger.importers.report.ImportReport`, and every row is counted as imported or
skipped with its reason: nothing is dropped silently.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import datetime
import io
import os
import re
import types
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from typing import NamedTuple, TypeVar

from aidledger._files import open_input
from aidledger.catalog import Catalog, default_catalog
from aidledger.errors import FieldError, LoadError
from aidledger.importers.report import ImportReport
from aidledger.ledger import Ledger
from aidledger.model import Record, Status, territory_code
from aidledger.money import check_currency

__all__ = ["CITATION", "RULES", "load", "read"]

#: How every record's ``source`` starts: Kiel's data is used with this attribution.
CITATION = "Kiel Institute for the World Economy, Ukraine Support Tracker"

RULES: Mapping[str, str] = types.MappingProxyType(
    {
        "until-date": "'until 7/27/2022' (M/D/Y): the date named, the phrase kept in note",
        "between-date": "'between A and B': the later date, the phrase kept in note",
        "since-date": "'since A': the date named, the phrase kept in note",
        "month-date": "a month only ('not specified, 03/22'): its last day, kept in note",
        "no-date": "no date ('unspecified'): the date of the nearest dated row of the "
        "activity, else the day the table was retrieved; the text kept in note",
        "late-date": "a date after the day the table was retrieved ('2922-02-09'): "
        "treated as no date",
        "activity-date": "a row of an activity dated before its first row: the activity "
        "takes that earlier date, so that no component stands alone",
        "no-value": "a value that is not given ('.', 'Not given', 'No price'): left blank "
        "(undisclosed)",
        "not-a-number": "a value that is no plain decimal number: left blank (undisclosed)",
        "no-currency": "a value without an ISO 4217 currency: kept in note, amount blank",
        "breakdown-in-note": "a component's value when its activity has none: kept in "
        "note, not as an amount, since it would count on its own",
        "blank-units": "units '.' or blank on an item row: left blank (undisclosed)",
        "undisclosed": "'undisclosed': left blank (units: undisclosed; delivered: none stated)",
        "not-a-count": "units that are no whole number ('216.66666666666666', '1.000.00', "
        "'dozens', 'partially'): left blank, never guessed",
        "delivered-capped": "more delivered than committed (units or value): delivered "
        "taken as the committed figure",
        "no-system": "an item name that is not one catalog system: system left blank, the "
        "name kept in note",
        "eu-body": "an EU body ('European Peace Facility'): donor EU, the body in authority",
        "merged": "an announcement row of an announcement already recorded: merged into it",
        "later-value": "an activity value on a row after the activity's first: ignored",
        "first-row-flag": "'Total_value_dummy' disagrees with the row order: the "
        "activity's first row in the file is taken as its first",
        "mixed-aid": "an activity whose first row is of an aid type not imported: its "
        "first imported row is taken as its first",
        "source-dot": "a source URL written after a '.': the '.' removed",
        "extra-cell": "a cell beyond the header: ignored",
        "no-id": "a row without an ID: skipped",
    }
)
"""Every rule the importer applies, by the name the report counts it under."""

# --- the table's columns -------------------------------------------------------------------

# Roles -> header names (compared without case and surrounding or repeated spaces).
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
_REQUIRED = ("id", "country", "date", "aid_type", "currency", "value_given", "item", "units")
_UNNAMED = re.compile(r"unnamed: [0-9]+")
_SOURCE = re.compile(r"source of aid ([0-9]+)")
_DELIMITERS = (",", "\t", ";")


def _normal(header: str) -> str:
    return " ".join(header.split()).casefold()


class _Columns:
    """Where each role's column is in a header, found by name."""

    def __init__(self, header: list[str], file: str) -> None:
        self.header = header
        normal = [_normal(name) for name in header]
        self.index: dict[str, int] = {}
        for role, names in _HEADERS.items():
            wanted = {_normal(name) for name in names}
            found = [position for position, name in enumerate(normal) if name in wanted]
            if len(found) > 1:
                raise LoadError(
                    f"is a column twice (columns {found[0] + 1} and {found[1] + 1})",
                    file=file,
                    line=1,
                    field=header[found[0]].strip(),
                )
            if found:
                self.index[role] = found[0]
        # The 2022 layout leaves the items' header blank ("Unnamed: 8" once read by pandas):
        # it is the unnamed column just before "Type of item".
        kind = self.index.get("item_type")
        if "item" not in self.index and kind and _UNNAMED.fullmatch(normal[kind - 1]):
            self.index["item"] = kind - 1
        numbered = [
            (int(match.group(1)), position)
            for position, name in enumerate(normal)
            if (match := _SOURCE.fullmatch(name))
        ]
        self.sources = [position for _, position in sorted(numbered)]

    @property
    def missing(self) -> list[str]:
        """The required columns the header lacks, by their names in the 2022 layout."""
        return [
            "Items (or the unnamed column before 'Type of item')"
            if role == "item"
            else _HEADERS[role][0]
            for role in _REQUIRED
            if role not in self.index
        ]

    def name(self, role: str) -> str:
        """The header of *role*'s column as the file writes it (without outer spaces)."""
        position = self.index.get(role)
        return _HEADERS[role][0] if position is None else self.header[position].strip()


class _Row(NamedTuple):
    line: int  # the line of the file the row starts on (the header is line 1)
    cells: list[str]


# --- reading the file ----------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _text(path: str | os.PathLike[str], file: str) -> str:
    """The file's text: its byte-order mark names the encoding; without one, UTF-8."""
    try:
        with open_input(path, file) as stream:  # a FIFO or a device is refused, not read
            data = stream.read()
    except OSError as error:
        raise LoadError(f"cannot be read: {error.strerror or error}", file=file) from None
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        hint = " and has no byte-order mark" if encoding == "utf-8" else ""
        raise LoadError(
            f"is not {encoding.removesuffix('-sig').upper()} text{hint} "
            f"(bytes {data[error.start : error.start + 4]!r})",
            file=file,
            line=line,
        ) from None


def _rows(text: str, delimiter: str, file: str) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            yield _Row(start, cells)
            start = reader.line_num + 1
    except csv.Error as error:
        raise LoadError(f"is not readable as CSV: {error}", file=file, line=start) from None


def _table(text: str, file: str) -> tuple[_Columns, Iterator[_Row]]:
    """The columns and the data rows of a Kiel table; a LoadError for any other file."""
    best: tuple[_Columns, Iterator[_Row]] | None = None
    for delimiter in _DELIMITERS:
        rows = _rows(text, delimiter, file)
        first = next(rows, None)
        if first is None:
            raise LoadError("is empty: a Kiel table starts with a header row", file=file)
        columns = _Columns(first.cells, file)
        if not columns.missing:
            return columns, rows
        if best is None or len(columns.missing) < len(best[0].missing):
            best = columns, rows
    assert best is not None
    missing = ", ".join(repr(name) for name in best[0].missing)
    raise LoadError(
        f"is not a Kiel Ukraine Support Tracker item table: it has no column {missing}",
        file=file,
        line=1,
    )


# --- reading values ------------------------------------------------------------------------

_PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_WHOLE = re.compile(r"[0-9]+")
_EMPTY = frozenset({"", "."})  # Kiel's empty cell
_NOT_GIVEN = frozenset({"not given", "no price", "undisclosed", "n/a", "na", "-"})
_MDY = r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}|[0-9]{2})"
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]00:00(?::00)?)?")
_US_DATE = re.compile(_MDY)
_UNTIL = re.compile(rf"until\s+{_MDY}", re.IGNORECASE)
_SINCE = re.compile(rf"since\s+{_MDY}", re.IGNORECASE)
_BETWEEN = re.compile(rf"between\s+{_MDY}\s*(?:&|and|-)\s*{_MDY}", re.IGNORECASE)
_MONTH = re.compile(r"[a-z ]*,?\s*([0-9]{1,2})/([0-9]{4}|[0-9]{2})", re.IGNORECASE)
_RETRIEVED = re.compile(rf"\s*{_MDY}\b")


def _day(year: str, month: str, day: str) -> datetime.date | None:
    number = int(year)
    try:
        return datetime.date(number + 2000 if len(year) == 2 else number, int(month), int(day))
    except ValueError:
        return None


def _last_day(year: str, month: str) -> datetime.date | None:
    number = int(year) + 2000 if len(year) == 2 else int(year)
    try:
        first = datetime.date(number, int(month), 1)
    except ValueError:
        return None
    return first + datetime.timedelta(days=calendar.monthrange(number, first.month)[1] - 1)


def _read_date(text: str) -> tuple[datetime.date | None, str | None]:
    """The date an ``Announcement Date`` names, and the rule used (``None``: as written)."""
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        return _day(*match.groups()), None
    if match := _US_DATE.fullmatch(text):
        month, day, year = match.groups()
        return _day(year, month, day), None
    if match := _UNTIL.fullmatch(text):
        month, day, year = match.groups()
        return _day(year, month, day), "until-date"
    if match := _BETWEEN.fullmatch(text):
        month, day, year = match.groups()[3:]
        return _day(year, month, day), "between-date"
    if match := _SINCE.fullmatch(text):
        month, day, year = match.groups()
        return _day(year, month, day), "since-date"
    if match := _MONTH.fullmatch(text):
        month, year = match.groups()
        return _last_day(year, month), "month-date"
    return None, None


# EU institutions: donor EU, the body in authority.
_EU_BODIES = {
    "eu (commission and council)": "EU (Commission and Council)",
    "european peace facility": "European Peace Facility",
    "european investment bank": "European Investment Bank",
}


def _donor(name: str) -> tuple[str, str | None] | None:
    """``(code, authority)`` of a ``countries`` cell, or ``None`` if it names no donor."""
    key = " ".join(name.split()).casefold()
    if key in _EU_BODIES:
        return "EU", _EU_BODIES[key]
    code = territory_code(key)
    return None if code is None else (code, None)


def _is_currency(code: str) -> bool:
    try:
        check_currency(code)
    except ValueError:
        return False
    return True


# --- the import ----------------------------------------------------------------------------


_N = TypeVar("_N", int, Decimal)


class _Dated(NamedTuple):
    row: _Row
    date: datetime.date
    phrase: str | None  # the date as written, when it was not taken as written


class _Announcement:
    __slots__ = ("id", "items")

    def __init__(self, pledge_id: str) -> None:
        self.id = pledge_id
        self.items = 0


class _Import:
    """One import: the file's columns, the options, and the report being written."""

    def __init__(
        self,
        file: str,
        columns: _Columns,
        aid_types: Collection[str],
        original_currency: bool,
        catalog: Catalog,
    ) -> None:
        self.file = file
        self.columns = columns
        self.aid_types = {" ".join(kind.split()).casefold() for kind in aid_types}
        self.original_currency = original_currency
        self.catalog = catalog
        self.report = ImportReport(source=file)
        self.records: list[Record] = []
        self.retrieved: datetime.date | None = None
        self.retrieved_text = ""

    # -- cells --

    def cell(self, row: _Row, role: str) -> str:
        position = self.columns.index.get(role)
        if position is None or position >= len(row.cells):
            return ""
        return row.cells[position]

    def note(self, row: _Row, role: str, rule: str, action: str) -> None:
        self.report.add(row.line, self.columns.name(role), self.cell(row, role), action, rule)

    def amount(self, row: _Row, role: str, *, expected: bool) -> str | None:
        """A value as written when it is a plain decimal number, else ``None`` (reported
        when a value is *expected* there, or when the text says it is not given)."""
        text = self.cell(row, role).strip()
        if _PLAIN_DECIMAL.fullmatch(text):
            return text
        if text in _EMPTY:
            if expected:
                self.note(row, role, "no-value", "left blank (undisclosed)")
        elif text.casefold() in _NOT_GIVEN:
            self.note(row, role, "no-value", "left blank (undisclosed)")
        else:
            self.note(row, role, "not-a-number", "not a plain decimal number: left blank")
        return None

    def count(self, row: _Row, role: str) -> int | None:
        """A whole number of units, or ``None`` (units: undisclosed; delivered: none)."""
        text = self.cell(row, role).strip()
        if _WHOLE.fullmatch(text):
            return int(text)
        blank = "left blank (undisclosed)" if role == "units" else "left blank (none stated)"
        if text in _EMPTY:
            if role == "units":
                self.note(row, role, "blank-units", blank)
        elif text.casefold() == "undisclosed":
            self.note(row, role, "undisclosed", blank)
        else:
            self.note(row, role, "not-a-count", f"not a whole number: {blank}")
        return None

    def capped(self, row: _Row, role: str, delivered: _N | None, total: _N | None) -> _N | None:
        if delivered is not None and total is not None and delivered > total:
            self.note(
                row,
                role,
                "delivered-capped",
                f"more than committed ({total}): delivered taken as {total}",
            )
            return total
        return delivered

    def source(self, row: _Row, activity: str) -> str:
        where = f"line {row.line}"
        if self.retrieved_text:
            where = f"table retrieved {self.retrieved_text}, {where}"
        links = []
        for position in self.columns.sources:
            text = row.cells[position].strip() if position < len(row.cells) else ""
            if text in _EMPTY:
                continue
            if text.startswith(".http"):
                column = self.columns.header[position].strip()
                self.report.add(row.line, column, text, "'.' removed", "source-dot")
                text = text[1:]
            links.append(text)
        cited = f"{CITATION}, {activity} ({where})"
        return f"{cited}: {'; '.join(links)}" if links else cited

    def record(self, row: _Row, **fields: object) -> Record:
        try:
            return Record(status=Status.PLEDGED, **fields)  # type: ignore[arg-type]
        except FieldError as error:
            value = error.value if isinstance(error.value, str) else repr(error.value)
            raise LoadError(
                error.reason, file=self.file, line=row.line, field=error.field, value=value
            ) from None

    # -- rows --

    def run(self, rows: Iterator[_Row]) -> tuple[Ledger, ImportReport]:
        report = self.report
        activities: dict[str, list[_Row]] = {}
        first_lines: dict[str, int] = {}
        width = len(self.columns.header)
        for row in rows:
            report.rows += 1
            retrieved = _RETRIEVED.match(self.cell(row, "retrieved"))
            if retrieved:
                month, day, year = retrieved.groups()
                day_retrieved = _day(year, month, day)
                if day_retrieved and (self.retrieved is None or day_retrieved > self.retrieved):
                    self.retrieved = day_retrieved
            if not any(cell.strip() for cell in row.cells):
                report.skip("empty row")
                continue
            for column, extra in enumerate(row.cells[width:], width + 1):
                if extra.strip():
                    report.add(row.line, f"column {column}", extra, "ignored", "extra-cell")
            activity = self.cell(row, "id").strip()
            if activity:
                first_lines.setdefault(activity, row.line)
            kind = " ".join(self.cell(row, "aid_type").split())
            if kind.casefold() not in self.aid_types:
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

    def dates(self, rows: list[_Row]) -> list[_Dated] | None:
        """Each row of an activity with its date, by the date rules of :data:`RULES`; or
        ``None`` when no row has a date and the table does not say when it was retrieved."""
        read: list[tuple[datetime.date | None, str | None]] = []
        for row in rows:
            day, rule = _read_date(self.cell(row, "date"))
            if day is not None and self.retrieved is not None and day > self.retrieved:
                day, rule = None, "late-date"
            read.append((day, rule))
        dated: list[_Dated] = []
        for number, (row, (day, rule)) in enumerate(zip(rows, read, strict=True)):
            text = self.cell(row, "date").strip()
            if day is not None:
                if rule is not None:
                    self.note(row, "date", rule, f"taken as {day}; the phrase kept in note")
                dated.append(_Dated(row, day, text if rule else None))
                continue
            nearest = next((k for k in range(number - 1, -1, -1) if read[k][0]), None)
            if nearest is None:
                nearest = next((k for k in range(number + 1, len(rows)) if read[k][0]), None)
            if nearest is not None:
                day, how = read[nearest][0], f"the date of line {rows[nearest].line}"
            elif self.retrieved is not None:
                day, how = self.retrieved, "the day the table was retrieved"
            else:
                return None
            late = rule == "late-date"
            reason = f"after the table was retrieved ({self.retrieved})" if late else "no date"
            assert day is not None
            self.note(
                row, "date", "late-date" if late else "no-date", f"{reason}: taken as {day}, {how}"
            )
            dated.append(_Dated(row, day, text))
        return dated

    def donor(self, row: _Row) -> tuple[str, str | None]:
        name = self.cell(row, "country")
        found = _donor(name)
        if found is None:
            raise LoadError(
                "is not a country CLDR names in English, nor a name the Kiel table uses for "
                "one (Czech Republic, Turkey, South Korea) or for an EU body",
                file=self.file,
                line=row.line,
                field=self.columns.name("country"),
                value=name,
            )
        if found[1] is not None:
            self.note(row, "country", "eu-body", f"donor EU, authority {found[1]!r}")
        return found

    def activity(self, activity: str, rows: list[_Row]) -> None:
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
        donor, authority = self.donor(first)
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
                donor, authority = self.donor(row)
            key = (each.date, self.cell(row, "value_given").strip())
            announcement = announcements.get(key)
            is_item = self.cell(row, "item").strip() not in _EMPTY
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

    def check_first_row(self, rows: list[_Row]) -> None:
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
                if self.cell(row, role).strip() not in _EMPTY:
                    self.note(row, role, "later-value", "ignored: not the activity's first row")

    def activity_value(
        self, first: _Row, notes: list[str]
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
        if total is not None and not _is_currency(original):
            self.note(first, "currency", "no-currency", f"Total {total} kept in note")
            notes.append(f"Kiel Total: {total} {original!r}")
            total = None
        return total, (original if total is not None else None), None

    def announcement(
        self,
        each: _Dated,
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
        if amount is not None and not _is_currency(currency):
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
        each: _Dated,
        pledge: str,
        announcement: str,
        activity: str,
        donor: str,
        authority: str | None,
        counted: bool,
    ) -> None:
        row = each.row
        name = " ".join(self.cell(row, "item").split())
        kind = self.cell(row, "item_type").strip()
        notes = [f"Kiel item: {name}" + (f" ({kind})" if kind not in {*_EMPTY, "0"} else "")]
        system = self.catalog.resolve(name)
        if system is None:
            self.note(row, "item", "no-system", "no catalog system: kept in note")
        quantity = self.count(row, "units")
        delivered = self.count(row, "delivered")
        delivered = self.capped(row, "delivered", delivered, quantity)
        estimate = self.amount(row, "estimate", expected=False)
        delivered_estimate = self.amount(row, "delivered_estimate", expected=False)
        if not counted and (estimate is not None or delivered_estimate is not None):
            role = "estimate" if estimate is not None else "delivered_estimate"
            self.note(
                row,
                role,
                "breakdown-in-note",
                "the activity's value is undisclosed: kept in note, not as an amount",
            )
            values = [
                f"{label} {value} USD"
                for label, value in (("committed", estimate), ("delivered", delivered_estimate))
                if value is not None
            ]
            notes.append(f"Kiel estimate: {', '.join(values)} (not counted: {_UNCOUNTED})")
            estimate = delivered_estimate = None
        capped = self.capped(
            row,
            "delivered_estimate",
            None if delivered_estimate is None else Decimal(delivered_estimate),
            None if estimate is None else Decimal(estimate),
        )
        delivered_estimate = None if capped is None else str(capped)
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


def read(
    path: str | os.PathLike[str],
    *,
    aid_types: Collection[str] = ("Military",),
    original_currency: bool = False,
    catalog: Catalog | None = None,
) -> tuple[Ledger, ImportReport]:
    """Import a Kiel item table: the ledger, and the report of what was done.

    *aid_types* are the values of ``Type of Aid General`` to import (case and spaces do not
    matter); other rows are skipped and counted. With *original_currency*, an activity's
    amount is ``Total`` in ``Original Currency`` instead of ``Converted Value in EUR``.
    Item names are resolved through *catalog* (the bundled one by default).

    A file that is not a Kiel table (its header lacks a key column), cannot be decoded,
    or names a donor that is neither a CLDR country nor one of the table's aliases raises
    :class:`~aidledger.errors.LoadError` naming the file, the line and the value.
    """
    file = os.fspath(path)
    catalog = catalog if catalog is not None else default_catalog()
    columns, rows = _table(_text(path, file), file)
    return _Import(file, columns, aid_types, original_currency, catalog).run(rows)


def load(
    path: str | os.PathLike[str],
    *,
    aid_types: Collection[str] = ("Military",),
    original_currency: bool = False,
    catalog: Catalog | None = None,
) -> Ledger:
    """The ledger of a Kiel item table (:func:`read` without its report)."""
    ledger, _ = read(
        path, aid_types=aid_types, original_currency=original_currency, catalog=catalog
    )
    return ledger
