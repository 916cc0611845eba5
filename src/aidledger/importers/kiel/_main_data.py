"""The current layout of Kiel's table: the workbook's main data sheet (docs/kiel.md).

A row per sub-activity or item (``activity_id`` ``AUM7``, ``sub_activity_id`` ``AUM7_1``),
each an ``Allocation`` (aid specified for delivery: Kiel's headline figures sum these) or a
``Commitment`` (a broader promise that allocations are later drawn from). One measure is
imported at a time, so the two are never added together:

- each sub-activity is a pledge ``kiel-<sub_activity_id>``, dated by ``announcement_date``,
  whose amount is ``tot_sub_activity_value_EUR`` (with *original_currency*
  ``tot_sub_activity_value`` in ``reporting_currency``) and whose delivered amount is
  ``tot_value_deliv_EUR``; so per-donor totals are Kiel's allocations;
- each of its rows that names an item is a component ``kiel-<sub_activity_id>.i<n>``: the
  system resolved through the catalog, ``item_numb`` and ``item_numb_deliv`` as units
  committed and delivered, Kiel's own USD estimates (a breakdown: never added again);
- with *measure* ``commitment``, each commitment row (a tranche) is a pledge
  ``kiel-<activity_id>.c<n>`` valued by ``tot_activity_value_EUR``, its item a component.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal

import attrs

from aidledger.catalog import Catalog
from aidledger.importers.kiel._common import CITATION, Dated, Import, aid_type
from aidledger.importers.kiel._input import Layout, Row, Table
from aidledger.importers.kiel._rules import (
    COUNT_DIGITS,
    EMPTY,
    PLAIN_DECIMAL,
    WHOLE,
    Donor,
    is_currency,
    is_undisclosed,
    read_date,
)
from aidledger.importers.report import ImportReport
from aidledger.ledger import Ledger
from aidledger.model import UNDISCLOSED, Undisclosed

__all__ = ["MEASURES", "MainData", "main_data_layout", "undisclosed_delivered"]

#: The values of ``measure`` an import can choose, by the option's name.
MEASURES: Mapping[str, str] = {"allocation": "Allocation", "commitment": "Commitment"}

# Roles -> header names (compared as _input.normal does: case and "_" do not matter).
_HEADERS: Mapping[str, tuple[str, ...]] = {
    "activity": ("activity_id",),
    "sub_activity": ("sub_activity_id",),
    "donor": ("donor",),
    "date": ("announcement_date",),
    "aid_type": ("aid_type_general",),
    "aid_type_specific": ("aid_type_specific",),
    "measure": ("measure",),
    "currency": ("reporting_currency",),
    "activity_value": ("tot_activity_value",),
    "activity_eur": ("tot_activity_value_EUR",),
    "value": ("tot_sub_activity_value",),
    "eur": ("tot_sub_activity_value_EUR",),
    "delivered_eur": ("tot_value_deliv_EUR",),
    "item": ("item",),
    "item_type": ("item_type",),
    "units": ("item_numb",),
    "delivered": ("item_numb_deliv",),
    "estimate": ("item_value_estimate_USD",),
    "delivered_estimate": ("item_value_estimate_deliv_USD",),
    "reported_value": ("source_reported_value",),
}
_ALWAYS = ("activity", "sub_activity", "donor", "date", "aid_type", "measure", "item", "units")


def main_data_layout(measure: str, original_currency: bool) -> Layout:
    """The main data sheet's layout: the columns the chosen measure and currency need."""
    prefix = "activity_" if measure == "commitment" else ""
    value = (f"{prefix}value", "currency") if original_currency else (f"{prefix}eur",)
    return Layout("main data sheet", _HEADERS, (*_ALWAYS, *value), workbook=True)


def undisclosed_delivered() -> tuple[Undisclosed, str]:
    """What a delivered figure Kiel says is undisclosed becomes, and the words the report
    says it with: "delivered in part, figure not disclosed"."""
    return UNDISCLOSED, "delivered in part, figure not disclosed: undisclosed"


class _SubActivity:
    """A pledge being built: its first row, and the rows that follow it."""

    __slots__ = ("id", "rows")

    def __init__(self, pledge_id: str, first: Dated) -> None:
        self.id = pledge_id
        self.rows = [first]


class MainData(Import):
    """One import of a main data sheet: allocations, or commitments."""

    def __init__(
        self,
        table: Table,
        aid_types: Collection[str],
        original_currency: bool,
        catalog: Catalog,
        measure: str,
    ) -> None:
        super().__init__(table, aid_types, original_currency, catalog)
        self.measure = measure
        self.commitment = measure == "commitment"
        self.kind = "commitment" if self.commitment else "sub-activity"  # what a pledge is

    # -- rows --

    def run(self, rows: Iterator[Row]) -> tuple[Ledger, ImportReport]:
        report = self.report
        wanted = MEASURES[self.measure].casefold()
        activities: dict[str, list[Row]] = {}
        for row in rows:
            report.rows += 1
            if not any(cell.strip() for cell in row.cells):
                report.skip("empty row", row.line)
                continue
            self.extra_cells(row)
            kind = " ".join(self.cell(row, "aid_type").split())
            if aid_type(kind) not in self.aid_types:
                report.skip(f"aid type {kind!r} not imported" if kind else "no aid type", row.line)
                continue
            measure = " ".join(self.cell(row, "measure").split())
            if measure.casefold() != wanted:
                other = next(
                    (k for k, v in MEASURES.items() if v.casefold() == measure.casefold()), None
                )
                hint = f" (import it with measure {other!r})" if other else ""
                report.skip(f"measure {measure!r} not imported{hint}", row.line)
                continue
            activity = self.cell(row, "activity").strip()
            if not activity:
                self.note(row, "activity", "no-id", "skipped")
                report.skip("no activity_id", row.line)
                continue
            activities.setdefault(activity, []).append(row)
        read = {
            activity: [read_date(self.cell(row, "date")) for row in members]
            for activity, members in activities.items()
        }
        days = [day for each in read.values() for day, _ in each if day is not None]
        latest = max(days, default=None)
        fallback = None if latest is None else (latest, "the latest date of the table")
        for activity, members in activities.items():
            dated = self.dated(members, read[activity], fallback)
            if dated is None:  # not a single date in the table
                self.note(members[0], "date", "no-date", "no date in the whole table: skipped")
                for row in members:
                    report.skip("no date in the table", row.line)
                continue
            self.activity(activity, dated)
        report.records = len(self.records)
        return Ledger(self.records, catalog=self.catalog), report

    def activity(self, activity: str, rows: list[Dated]) -> None:
        """The records of one activity's rows: its sub-activities (or tranches) and items."""
        subs: list[_SubActivity] = []
        by_key: dict[str, _SubActivity] = {}
        uses: dict[str, int] = {}
        previous: _SubActivity | None = None
        for each in rows:
            row = each.row
            key = activity if self.commitment else self.sub_key(row, activity)
            has_value = any(self.cell(row, role).strip() for role in self.value_roles)
            has_item = self.cell(row, "item").strip() not in EMPTY
            sub = by_key.get(key)
            if sub is None or has_value or (self.commitment and not has_item):
                uses[key] = uses.get(key, 0) + 1
                sub = _SubActivity(self.pledge_id(key, activity, uses[key]), each)
                if uses[key] > 1 and not self.commitment:
                    self.note(row, "sub_activity", "repeated-sub-activity", f"pledge {sub.id}")
                by_key[key] = sub
                subs.append(sub)
            else:
                if sub is not previous:
                    self.note(row, "sub_activity", "item-apart", f"an item of {sub.id}")
                sub.rows.append(each)
            previous = sub
        for sub in subs:
            self.sub_activity(sub, activity)

    @property
    def value_roles(self) -> tuple[str, ...]:
        return ("activity_value", "activity_eur") if self.commitment else ("value", "eur")

    def sub_key(self, row: Row, activity: str) -> str:
        key = self.cell(row, "sub_activity").strip()
        if key in {*EMPTY, "0"}:
            self.note(row, "sub_activity", "no-sub-id", f"the sub-activity is {activity}")
            return activity
        return key

    def pledge_id(self, key: str, activity: str, use: int) -> str:
        """``kiel-<activity>.c<n>`` for a commitment's *n*-th tranche, else
        ``kiel-<sub_activity_id>`` (with ``-<n>`` for the *n*-th use of the id)."""
        if self.commitment:
            return f"kiel-{activity}.c{use}"
        name = key if key.startswith(activity) else f"{activity}_{key}"
        return f"kiel-{name}" + (f"-{use}" if use > 1 else "")

    def source(self, row: Row, reference: str) -> str:
        cited = f"{CITATION}, {reference} ({self.name}, {self.report.unit} {row.line})"
        links = self.links(row)
        return f"{cited}: {'; '.join(links)}" if links else cited

    def sub_activity(self, sub: _SubActivity, activity: str) -> None:
        """The records of one sub-activity (or tranche): itself, then its items."""
        report = self.report
        first = sub.rows[0]
        row = first.row
        start = min(sub.rows, key=lambda each: each.date)
        if start.date < first.date:
            self.note(
                row,
                "date",
                "activity-date",
                f"the sub-activity is dated {start.date}, the date of row {start.row.line}",
            )
        donor = self.donor(row, "donor")
        reference = activity if self.commitment else self.cell(row, "sub_activity").strip()
        kind = " ".join(self.cell(row, "aid_type").split())
        specific = " ".join(self.cell(row, "aid_type_specific").split())
        notes = [f"Kiel aid type: {kind}" + (f" ({specific})" if specific not in EMPTY else "")]
        notes.append(f"Kiel measure: {' '.join(self.cell(row, 'measure').split())}")
        if first.phrase is not None:
            notes.append(f"Kiel date: {first.phrase!r}")
        amount, currency, delivered = self.value(row, notes)
        self.records.append(
            self.record(
                row,
                id=sub.id,
                date=start.date,
                donor=donor.code,
                amount=amount,
                currency=currency,
                delivered_amount=delivered,
                authority=donor.authority,
                source=self.source(row, reference or activity),
                note="; ".join(notes),
            )
        )
        counted = amount is not None
        position = len(self.records) - 1
        items = 0
        delivers = False
        for each in sub.rows:
            line = each.row
            if line is not row:
                self.later_values(line)
            if self.cell(line, "item").strip() in EMPTY:
                if line is row:
                    report.imported_row(line.line, f"a {self.kind}", sub.id)
                else:
                    self.note(line, "item", "merged", f"merged into {sub.id} (no record)")
                    report.imported_row(line.line, f"merged into its {self.kind}", sub.id)
                continue
            items += 1
            item = f"{sub.id}.i{items}"
            owner = donor if line is row else self.donor(line, "donor")
            delivers |= self.item(each, item, sub.id, owner, reference or activity, counted)
            if line is row:
                report.imported_row(line.line, f"a {self.kind} and its item", sub.id, item)
            else:
                report.imported_row(line.line, f"an item of its {self.kind}", item)
        if delivers and self.records[position].delivered_amount is None:
            # Its items were delivered (in part), and Kiel gives no delivered value.
            self.note(
                row, "delivered_eur", "delivered-undisclosed", "items delivered: undisclosed"
            )
            self.records[position] = attrs.evolve(
                self.records[position], delivered_amount=UNDISCLOSED
            )

    def later_values(self, row: Row) -> None:
        for role in ("delivered_eur", *self.value_roles):
            if self.cell(row, role).strip() not in EMPTY:
                self.note(row, role, "later-value", "ignored: not the sub-activity's first row")

    def plain(self, row: Row, role: str) -> str | None:
        """A cell's decimal number as written, or ``None``: read without a report, for
        values kept in notes only."""
        text = self.cell(row, role).strip()
        return text if PLAIN_DECIMAL.fullmatch(text) else None

    def value(
        self, row: Row, notes: list[str]
    ) -> tuple[str | None, str | None, str | Undisclosed | None]:
        """The sub-activity's ``(amount, currency, delivered_amount)``; Kiel's other figures
        (the value in the reporting currency, or in EUR) go into *notes*."""
        eur, original = ("activity_eur", "activity_value") if self.commitment else ("eur", "value")
        reported = self.cell(row, "currency").strip()
        if self.original_currency:
            amount = self.amount(row, original, expected=True)
            for role, label in ((eur, "value"), ("delivered_eur", "delivered value")):
                if (figure := self.plain(row, role)) is not None:
                    notes.append(f"Kiel {label} in EUR: {figure} EUR")
            if amount is not None and not is_currency(reported):
                self.note(row, "currency", "no-currency", f"value {amount} kept in note")
                notes.append(f"Kiel value: {amount} {reported!r}")
                amount = None
            # A delivered value is known in EUR only: delivered in part, how much of the
            # original currency not given.
            paid = self.plain(row, "delivered_eur")
            some = UNDISCLOSED if paid is not None and Decimal(paid) else None
            return amount, (reported if amount is not None else None), some
        amount = self.amount(row, eur, expected=True)
        figure = self.plain(row, original)
        if figure is not None and reported and (reported != "EUR" or figure != amount):
            notes.append(f"Kiel value in {reported}: {figure} {reported}")
        elif amount is None and (figure := self.plain(row, "reported_value")) is not None:
            notes.append(f"value reported by the source: {figure} {reported}".rstrip())
        delivered = self.delivered_value(row, notes)
        if (
            delivered is not None
            and delivered is not UNDISCLOSED
            and amount is not None
            and Decimal(delivered) > Decimal(amount)
        ):
            self.note(
                row,
                "delivered_eur",
                "delivered-capped",
                f"more than committed ({amount}): delivered taken as {amount}, Kiel's "
                "figure kept in note",
            )
            notes.append(f"Kiel delivered value: {delivered} EUR")
            delivered = amount
        return amount, ("EUR" if amount is not None or delivered is not None else None), delivered

    def delivered_value(self, row: Row, notes: list[str]) -> str | Undisclosed | None:
        text = self.cell(row, "delivered_eur").strip()
        if is_undisclosed(text):
            value, action = undisclosed_delivered()
            self.note(row, "delivered_eur", "delivered-undisclosed", action)
            return value
        return self.amount(row, "delivered_eur", expected=False)

    def count(self, row: Row, role: str, notes: list[str]) -> int | Undisclosed | None:
        """A whole number of units, or ``None`` (units: undisclosed; delivered: none stated,
        or undisclosed as :func:`undisclosed_delivered` says)."""
        text = self.cell(row, role).strip()
        units = role == "units"
        blank = "left blank (undisclosed)" if units else "left blank (none stated)"
        whole = text.split(".", 1)[0]
        if PLAIN_DECIMAL.fullmatch(text) and len(whole) > COUNT_DIGITS:
            self.note(row, role, "huge-count", f"{len(whole)} digits: {blank}")
            return None
        if WHOLE.fullmatch(text):
            return int(text)
        if PLAIN_DECIMAL.fullmatch(text):
            if not text[len(whole) + 1 :].strip("0"):  # 45.0: a whole number
                return int(whole)
            what = "units" if units else "units delivered"
            notes.append(f"Kiel {what}: {text} (a share)")
            if units:
                self.note(
                    row,
                    role,
                    "share-of-units",
                    "a share, no whole number: left blank (undisclosed), the share kept in note",
                )
                return None
            value, action = undisclosed_delivered()
            self.note(row, role, "delivered-undisclosed", f"a share: {action}; kept in note")
            return value
        if text in EMPTY:
            if units:
                self.note(row, role, "blank-units", blank)
            return None
        if is_undisclosed(text):
            if units:
                self.note(row, role, "undisclosed", blank)
                return None
            value, action = undisclosed_delivered()
            self.note(row, role, "delivered-undisclosed", action)
            return value
        self.note(row, role, "not-a-count", f"not a whole number: {blank}")
        return None

    def units(self, row: Row, notes: list[str]) -> int | None:
        """An item's units committed (never undisclosed-as-delivered: see :meth:`count`)."""
        units = self.count(row, "units", notes)
        assert not isinstance(units, Undisclosed)
        return units

    def item(
        self, each: Dated, pledge: str, parent: str, donor: Donor, reference: str, counted: bool
    ) -> bool:
        """Add the item record of *each*; whether it records a delivery."""
        row = each.row
        system, notes = self.item_name(row)
        quantity = self.units(row, notes)
        delivered = self.count(row, "delivered", notes)
        if isinstance(delivered, int) and quantity is not None and delivered > quantity:
            self.note(
                row,
                "delivered",
                "delivered-capped",
                f"more than committed ({quantity}): delivered taken as {quantity}",
            )
            notes.append(f"Kiel units delivered: {delivered}")
            delivered = quantity
        estimate, delivered_estimate = self.estimates(row, counted, "sub-activity", notes)
        has_money = estimate is not None or delivered_estimate is not None
        self.records.append(
            self.record(
                row,
                id=pledge,
                date=each.date,
                donor=donor.code,
                system=system,
                quantity=quantity,
                delivered_quantity=delivered,
                amount=estimate,
                currency="USD" if has_money else None,
                delivered_amount=delivered_estimate,
                authority=donor.authority,
                part_of=parent,
                source=self.source(row, reference),
                note="; ".join(notes),
            )
        )
        return delivered is UNDISCLOSED or bool(delivered)
