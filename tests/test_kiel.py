"""The Kiel Ukraine Support Tracker importer (``aidledger.importers.kiel``, docs/kiel.md).

Fixtures: ``tests/fixtures/kiel/kiel-excerpt.csv`` holds 64 rows cut verbatim from the
shared table (its README says which and why), ``kiel-excerpt-utf16.csv`` the same rows as
a later copy would have them (UTF-16 with a byte-order mark, columns moved, one more
column). The tests on the whole shared table (``../shared/data/kiel/``) are skipped where
it is absent (a clean clone).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aidledger
from aidledger.catalog import default_catalog
from aidledger.cli import main
from aidledger.errors import LoadError
from aidledger.importers import kiel
from aidledger.importers.report import ImportReport
from aidledger.ledger import Ledger
from aidledger.model import Record

FIXTURES = Path(__file__).parent / "fixtures"

KIEL = FIXTURES / "kiel"
EXCERPT = KIEL / "kiel-excerpt.csv"
EXCERPT_UTF16 = KIEL / "kiel-excerpt-utf16.csv"
ROOT = Path(__file__).parent.parent
SHARED_NAME = "kiel-item-table-2022-layout-retrieved-2022-11-03.csv"
SHARED = ROOT.parent / "shared" / "data" / "kiel" / SHARED_NAME
ALL_TYPES = ("Military", "Humanitarian", "Financial")

needs_shared_table = pytest.mark.skipif(
    not SHARED.is_file(), reason="the shared Kiel table is not beside this clone"
)


def table_rows(path: Path = EXCERPT) -> list[list[str]]:
    """The header and rows of a Kiel CSV, read with the csv module."""
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def write_table(
    path: Path, rows: list[list[str]], encoding: str = "utf-8", **dialect: str
) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n", **dialect).writerows(rows)  # type: ignore[arg-type]
    path.write_text(buffer.getvalue(), encoding=encoding, newline="")
    return path


def by_id(ledger: Ledger) -> dict[str, Record]:
    records = {record.id: record for record in ledger}
    assert len(records) == len(ledger)  # one record a pledge: ids are unique
    return records


def entries(report: ImportReport) -> set[tuple[int, str, str, str]]:
    return {(entry.row, entry.column, entry.value, entry.rule) for entry in report}


@pytest.fixture(scope="module")
def military() -> tuple[Ledger, ImportReport]:
    return kiel.read(EXCERPT)


# --- rows: each one imported or skipped with its reason ----------------------------------


def test_every_row_is_imported_or_skipped_with_a_reason(
    military: tuple[Ledger, ImportReport],
) -> None:
    ledger, report = military
    assert report.rows == 64 == len(table_rows()) - 1
    assert report.imported == 55
    assert report.skipped == {
        "aid type 'Humanitarian' not imported": 7,
        "aid type 'Financial' not imported": 2,
    }
    assert report.imported + sum(report.skipped.values()) == report.rows
    assert report.records == len(ledger) == 106
    assert report.source == str(EXCERPT)


def test_load_is_read_without_the_report(military: tuple[Ledger, ImportReport]) -> None:
    assert kiel.load(EXCERPT).records == military[0].records


def test_all_aid_types(tmp_path: Path) -> None:
    ledger, report = kiel.read(EXCERPT, aid_types=[" humanitarian ", "MILITARY", "Financial"])
    assert (report.rows, report.imported, report.skipped) == (64, 64, {})
    records = by_id(ledger)
    assert records["kiel-AUH2.a2022-03-20.i1"].note == "Kiel item: ton of coal (Humanitarian)"
    assert records["kiel-EIF1"].donor == "EU"
    assert records["kiel-EIF1"].authority == "European Investment Bank"
    assert records["kiel-EUF3"].authority == "EU (Commission and Council)"
    assert records["kiel-EUF3"].note == "Kiel aid type: Financial; Kiel Total: 9000000000 EUR"
    assert records["kiel-HUH5.a2022-04-20.i1"].quantity is None  # '216.66666666666666'
    assert records["kiel-INH2.a2022-09-12.i1"].quantity is None  # '7.725'
    assert records["kiel-FIH4"].date == datetime.date(2022, 3, 11)  # between 3/4/22 & 3/11/22
    assert records["kiel-NLH2"].date == datetime.date(2022, 2, 24)  # since 2/24/2022
    assert records["kiel-DKH1"].date == datetime.date(2022, 3, 31)  # not specified, 03/22
    assert records["kiel-EUH1"].date == datetime.date(2022, 11, 3)  # Undisclosed: retrieved


# --- the mapping -------------------------------------------------------------------------

BEM1 = [
    # id, date, system, quantity, amount, currency, delivered quantity, delivered amount, part_of
    ("kiel-BEM1", "2022-02-26", None, None, "76000000", "EUR", None, "21965712.55183574", None),
    (
        "kiel-BEM1.a2022-02-26",
        "2022-02-26",
        None,
        None,
        "76000000",
        "EUR",
        None,
        None,
        "kiel-BEM1",
    ),
    (
        "kiel-BEM1.a2022-02-26.i1",
        "2022-02-26",
        None,
        2000,
        "6000000",
        "USD",
        2000,
        "6000000",
        "kiel-BEM1.a2022-02-26",
    ),
    (
        "kiel-BEM1.a2022-02-26.i2",
        "2022-02-26",
        None,
        3800,
        "6317500",
        "USD",
        3800,
        "6317500",
        "kiel-BEM1.a2022-02-26",
    ),
    (
        "kiel-BEM1.a2022-02-27",
        "2022-02-27",
        None,
        None,
        "76000000",
        "EUR",
        None,
        None,
        "kiel-BEM1",
    ),
    (
        "kiel-BEM1.a2022-02-27.i1",
        "2022-02-27",
        None,
        3000,
        "9000000",
        "USD",
        3000,
        "9000000",
        "kiel-BEM1.a2022-02-27",
    ),
    (
        "kiel-BEM1.a2022-02-27.i2",
        "2022-02-27",
        "m72-law",
        200,
        "400000",
        "USD",
        200,
        "400000",
        "kiel-BEM1.a2022-02-27",
    ),
    (
        "kiel-BEM1.a2022-03-18",
        "2022-03-18",
        None,
        None,
        "76000000",
        "EUR",
        None,
        None,
        "kiel-BEM1",
    ),
]


def test_an_activity_its_announcements_and_items(military: tuple[Ledger, ImportReport]) -> None:
    records = [r for r in military[0] if r.id.startswith("kiel-BEM1")]
    shown = [
        (
            r.id,
            r.date.isoformat(),
            military[0].pledge(r.id).system,  # the key; the record keeps the name as written
            r.quantity,
            None if r.amount is None else str(r.amount),
            r.currency,
            r.delivered_quantity,
            None if r.delivered_amount is None else str(r.delivered_amount),
            r.part_of,
        )
        for r in records
    ]
    assert shown == BEM1
    assert {(r.donor, r.recipient, r.status.value) for r in records} == {("BE", "UA", "pledged")}
    assert records[0].note == "Kiel aid type: Military; Kiel Total: 76000000 EUR"
    assert records[2].note == "Kiel item: FNC-type automatic rifle (Light armaments & infantry)"
    assert records[0].source == (
        "Kiel Institute for the World Economy, Ukraine Support Tracker, BEM1 (table retrieved "
        "2022-11-03, line 3): https://mil.in.ua/en/news/belgium-made-a-decision-to-hand-over-"
        "artillery-to-ukraine-the-media/; https://twitter.com/alexanderdecroo/status/"
        "1497542000228417537; https://www.thebulletin.be/belgium-send-more-weapons-and-fuel-ukraine"
    )


def test_summary_counts_only_the_activities_values(
    military: tuple[Ledger, ImportReport],
) -> None:
    summary = military[0].summarize()
    belgium = summary["BE"]
    assert belgium.committed == {"EUR": aidledger.Money(Decimal("76000000"), "EUR")}
    assert (belgium.pledges, belgium.undisclosed_value) == (1, 0)
    assert belgium.system("m72-law").committed == 200
    # Every amount that counts is an activity's EUR value: no USD estimate, no value as given.
    assert {code for donor in summary for code in donor.committed} == {"EUR"}
    us = summary["US"]
    assert us.committed["EUR"].amount == Decimal("9128148073.22747") + Decimal(
        "657428947.1022555"
    ) + Decimal("6068574896.328512") + Decimal("4045716597.5523415")
    assert (us.system("himars").committed, us.system("himars").undisclosed_quantity) == (22, 1)
    assert us.system("nasams").committed == 8
    assert us.system("m777").committed == 18


def test_the_first_row_of_an_activity_may_be_an_item(
    military: tuple[Ledger, ImportReport],
) -> None:
    records = by_id(military[0])
    assert records["kiel-USM2"].amount == Decimal("657428947.1022555")
    assert records["kiel-USM2.a2022-04-25"].amount == Decimal("650000000")
    first = records["kiel-USM2.a2022-04-25.i1"]
    assert first.part_of == "kiel-USM2.a2022-04-25"
    assert first.note == "Kiel item: 152 mm round for 2A36 Giatsint (Ammunition for heavy weapon)"
    gepard = records["kiel-DEM1.a2022-04-26.i1"]
    assert gepard.system == "Gepard rapid-fire armored vehicle"  # as written
    assert military[0].pledge(gepard.id).system == "gepard"


def test_amounts_keep_every_digit_as_written(military: tuple[Ledger, ImportReport]) -> None:
    records = by_id(military[0])
    assert str(records["kiel-CZM16"].amount) == "64487384.88137513"
    assert str(records["kiel-USM1"].amount) == "9128148073.22747"
    assert str(records["kiel-USM5.a2022-09-28.i1"].amount) == "271373634.53999996"
    assert str(records["kiel-DEM1.a2022-07-27.i2"].delivered_amount) == "43037958.23832193"
    assert all(isinstance(r.amount, Decimal) for r in military[0] if r.amount is not None)


def test_announcements_are_told_apart_by_date_and_value(
    military: tuple[Ledger, ImportReport],
) -> None:
    ids = [r.id for r in military[0] if r.id.startswith("kiel-UKM9")]
    assert ids == [
        "kiel-UKM9",
        "kiel-UKM9.a2022-05-20",
        "kiel-UKM9.a2022-05-20.i1",
        "kiel-UKM9.a2022-05-20.i2",
        "kiel-UKM9.a2022-05-20.i3",
        "kiel-UKM9.a2022-05-03",
        "kiel-UKM9.a2022-05-03.i1",
        "kiel-UKM9.a2022-06-06",
        "kiel-UKM9.a2022-06-06.i1",
        "kiel-UKM9.a2022-06-17",
        "kiel-UKM9.a2022-06-17.i1",
    ]
    records = by_id(military[0])
    # Its row of 2022-05-03 comes after its first (2022-05-20): the activity takes the
    # earlier date, so that no component stands alone before its package exists.
    assert records["kiel-UKM9"].date == datetime.date(2022, 5, 3)


def test_two_announcements_of_one_day_are_numbered(tmp_path: Path) -> None:
    rows = table_rows()
    header = rows[0]
    value = header.index("Monetary Value as Given by Source")
    first = next(row for row in rows if row[0] == "KOM2")
    second = [*first]
    second[value] = "250000"
    for column in ("Total ", "Converted Value in EUR"):
        second[header.index(column)] = ""
    path = write_table(tmp_path / "kiel.csv", [header, first, second])
    ids = [record.id for record in kiel.load(path)]
    assert ids == [
        "kiel-KOM2",
        "kiel-KOM2.a2022-04-13",
        "kiel-KOM2.a2022-04-13.i1",
        "kiel-KOM2.a2022-04-13-2",
        "kiel-KOM2.a2022-04-13-2.i1",
    ]


def test_original_currency() -> None:
    ledger, report = kiel.read(EXCERPT, original_currency=True)
    records = by_id(ledger)
    assert (records["kiel-CZM8"].amount, records["kiel-CZM8"].currency) == (
        Decimal("53260000"),
        "CZK",
    )
    assert records["kiel-CZM8"].delivered_amount is None
    assert "Kiel EUR value: 2167507.732378317 EUR" in (records["kiel-CZM8"].note or "")
    assert (records["kiel-DKM3"].amount, records["kiel-DKM3"].currency) == (
        Decimal("820000000"),
        "DKK",
    )
    assert (records["kiel-CZM16"].amount, records["kiel-CZM16"].currency) == (
        Decimal("63758677.43221559"),
        "USD",
    )
    summary = ledger.summarize()
    assert summary["DK"].committed == {"DKK": aidledger.Money(Decimal("820000000"), "DKK")}
    assert summary["GB"].committed["GBP"].amount == Decimal("1300000000")
    assert report.imported + sum(report.skipped.values()) == report.rows


# --- the mess: every kind the README lists, each with a rule and a report entry ----------

MESS = [
    # (line, column, value, rule)
    (8, "Announcement Date", "unspecified", "no-date"),
    (9, "Announcement Date", "unclear, 04/22", "month-date"),
    (13, "Announcement Date", "2922-02-09 00:00:00", "late-date"),
    (18, "Announcement Date", "until 7/27/2022", "until-date"),
    (31, "Announcement Date", "until 4/6/2023", "late-date"),
    (43, "Announcement Date", "2022-05-20 00:00:00", "activity-date"),
    (12, "Converted Value in EUR", "", "no-value"),
    (9, "Monetary Value as Given by Source", "Not given", "no-value"),
    (27, "Converted Value in EUR", ".", "no-value"),
    (12, "Monetary Value as Given by Source", "820000000", "breakdown-in-note"),
    (24, "Monetary Value as Given by Source", "30666666", "breakdown-in-note"),
    (36, "Value committed (own estimate, in USD)", "3800000", "breakdown-in-note"),
    (62, "Value committed (own estimate, in USD)", "No price", "no-value"),
    (27, "No. of Units", "undisclosed", "undisclosed"),
    (42, "No. of Units", "Undisclosed", "undisclosed"),
    (42, "No. of Units delivered (in-kind military aid)", "Undisclosed", "undisclosed"),
    (54, "No. of Units", ".", "blank-units"),
    (56, "No. of Units", "1.000.00", "not-a-count"),
    (44, "No. of Units delivered (in-kind military aid)", "dozens", "not-a-count"),
    (53, "No. of Units delivered (in-kind military aid)", "partially", "not-a-count"),
    (57, "Unnamed: 8", "ammunition for HIMARS", "no-system"),
    (18, "Unnamed: 8", "GEPARD ammunition round", "no-system"),
    (70, "countries", "European Peace Facility", "eu-body"),
]


@pytest.mark.parametrize(("line", "column", "value", "rule"), MESS)
def test_each_kind_of_mess_is_reported_where_it_is(
    military: tuple[Ledger, ImportReport], line: int, column: str, value: str, rule: str
) -> None:
    found = [e for e in military[1] if (e.row, e.column, e.value) == (line, column, value)]
    assert [e.rule for e in found] == [rule]
    assert rule in kiel.RULES
    assert found[0].action


def test_the_mess_becomes_what_the_rules_say(military: tuple[Ledger, ImportReport]) -> None:
    records = by_id(military[0])
    czm8 = records["kiel-CZM8"]  # 'unspecified': the day the table was retrieved
    assert czm8.date == datetime.date(2022, 11, 3)
    assert "Kiel date: 'unspecified'" in (czm8.note or "")
    assert records["kiel-CZM16"].date == datetime.date(2022, 4, 30)  # 'unclear, 04/22'
    assert records["kiel-EEM3"].date == datetime.date(2022, 11, 3)  # '2922-02-09'
    # 'until 4/6/2023' .. (after the table was retrieved): the date of the row above
    lvm1 = [r for r in military[0] if r.part_of == "kiel-LVM1.a2022-04-06"]
    assert [military[0].pledge(r.id).system for r in lvm1] == [None, "stinger", None]
    dem1 = records["kiel-DEM1.a2022-07-27"]
    assert dem1.note == "Kiel date: 'until 7/27/2022'"
    # Kiel's EUR value blank: the activity is undisclosed; its other values are in notes.
    dkm3 = records["kiel-DKM3"]
    assert (dkm3.amount, dkm3.currency) == (None, None)
    assert dkm3.note == "Kiel aid type: Military; Kiel Total: 820000000 DKK"
    assert records["kiel-DKM3.a2022-08-11"].amount is None
    assert "820000000 DKK (not counted" in (records["kiel-DKM3.a2022-08-11"].note or "")
    esm7 = records["kiel-ESM7.a2022-08-24.i1"]
    assert (esm7.amount, esm7.quantity) == (None, 1000)
    assert "Kiel estimate: committed 3800000 USD (not counted" in (esm7.note or "")
    # units
    assert records["kiel-USM1.a2022-06-01.i2"].quantity is None  # '1.000.00'
    assert records["kiel-USM1.a2022-06-01.i1"].quantity is None  # HIMARS 'undisclosed'
    assert records["kiel-USM1.a2022-04-21.i1"].delivered_quantity is None  # 'partially'
    heavy_drone = records["kiel-UKM9.a2022-05-20.i2"]  # delivered 'dozens'
    assert (heavy_drone.quantity, heavy_drone.delivered_quantity) == (None, None)
    goggles = records["kiel-UKM9.a2022-05-20.i3"]  # undisclosed, 2000 delivered: allowed
    assert (goggles.quantity, goggles.delivered_quantity) == (None, 2000)
    # items: ammunition for a system is not the system, and keeps its name in the note
    ammunition = records["kiel-USM1.a2022-06-15.i1"]
    assert ammunition.system is None
    assert ammunition.note == "Kiel item: ammunition for HIMARS (Ammunition for heavy weapon)"
    # donors: aliases and EU bodies
    assert records["kiel-CZM16"].donor == "CZ"
    assert records["kiel-TRM1"].donor == "TR"
    assert records["kiel-KOM2"].donor == "KR"
    assert (records["kiel-EUM1"].donor, records["kiel-EUM1"].authority) == (
        "EU",
        "European Peace Facility",
    )
    # a source written '.https://...'
    assert ".https" not in (records["kiel-USM6"].source or "")
    assert "; https://www.state.gov/2-8-billion" in (records["kiel-USM6"].source or "")


def test_every_rule_is_documented() -> None:
    page = (ROOT / "docs" / "kiel.md").read_text(encoding="utf-8")
    for rule in kiel.RULES:
        assert f"`{rule}`" in page, rule


def test_the_report_is_written_in_full(
    military: tuple[Ledger, ImportReport], tmp_path: Path
) -> None:
    report = military[1]
    report.write(tmp_path / "report.csv")
    written = table_rows(tmp_path / "report.csv")
    assert written[0] == ["row", "column", "value", "rule", "action"]
    assert len(written) - 1 == len(report.entries)
    assert {row[3] for row in written[1:]} <= set(kiel.RULES)
    summary = report.summary()
    assert summary.startswith(f"{EXCERPT}: 64 rows read, 55 imported as 106 records\n")
    assert "7 skipped: aid type 'Humanitarian' not imported" in summary


# --- later copies of the table -------------------------------------------------------------


def test_a_utf16_copy_with_moved_and_added_columns_gives_the_same_ledger(
    military: tuple[Ledger, ImportReport],
) -> None:
    assert EXCERPT_UTF16.read_bytes()[:2] == codecs.BOM_UTF16_LE
    ledger, report = kiel.read(EXCERPT_UTF16)
    assert ledger.records == military[0].records
    assert entries(report) == entries(military[1])
    assert (report.rows, report.imported, report.skipped) == (
        military[1].rows,
        military[1].imported,
        military[1].skipped,
    )


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-16-be", ","), ("utf-16", "\t"), ("utf-8", ";"), ("utf-32", ",")],
)
def test_encodings_and_delimiters_are_detected(
    tmp_path: Path, military: tuple[Ledger, ImportReport], encoding: str, delimiter: str
) -> None:
    path = write_table(tmp_path / "kiel.csv", table_rows(), delimiter=delimiter)
    text = path.read_text(encoding="utf-8")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path.write_bytes(data)
    assert kiel.load(path).records == military[0].records


def test_columns_are_read_by_name_in_any_order(
    tmp_path: Path, military: tuple[Ledger, ImportReport]
) -> None:
    rows = table_rows()
    rows[0] = ["Items" if name == "Unnamed: 8" else name.strip() for name in rows[0]]
    reversed_rows = [[*reversed(row), "new"] for row in rows]
    ledger = kiel.load(write_table(tmp_path / "kiel.csv", reversed_rows))
    assert ledger.records == military[0].records


# --- rules that the excerpt does not need, on rows changed from it -----------------------


def changed(rows: list[list[str]], activity: str, column: str, value: str, at: int = 0) -> None:
    """Set *column* of the *at*-th row of *activity* to *value*, in place."""
    index = rows[0].index(column)
    [row for row in rows if row[0] == activity][at][index] = value


def test_an_announcement_row_repeated_is_merged(tmp_path: Path) -> None:
    rows = table_rows()
    bem1 = [row for row in rows if row[0] == "BEM1"]
    rows.insert(rows.index(bem1[-1]) + 1, bem1[-1])
    report = kiel.read(write_table(tmp_path / "kiel.csv", rows))[1]
    assert report.imported == 56 and report.records == 106
    (merged,) = [e for e in report if e.rule == "merged"]
    assert merged.row == 8
    assert merged.action == "merged into kiel-BEM1.a2022-03-18 (no record)"


def test_more_delivered_than_committed_is_capped_and_reported(tmp_path: Path) -> None:
    rows = table_rows()
    changed(rows, "BEM1", "No. of Units delivered (in-kind military aid)", "2500")
    changed(rows, "BEM1", "Value delivered (own estimate, in USD)", "7000000")
    changed(rows, "BEM1", "Total monetary value delivered in EUR", "80000000")
    ledger, report = kiel.read(write_table(tmp_path / "kiel.csv", rows))
    records = by_id(ledger)
    rifle = records["kiel-BEM1.a2022-02-26.i1"]
    assert (rifle.quantity, rifle.delivered_quantity) == (2000, 2000)
    assert (rifle.amount, rifle.delivered_amount) == (Decimal(6000000), Decimal(6000000))
    assert records["kiel-BEM1"].delivered_amount == Decimal("76000000")
    capped = [(e.column, e.value) for e in report if e.rule == "delivered-capped"]
    assert capped == [
        ("Total monetary value delivered in EUR", "80000000"),
        ("No. of Units delivered (in-kind military aid)", "2500"),
        ("Value delivered (own estimate, in USD)", "7000000"),
    ]


def test_a_first_row_out_of_place_and_a_value_on_a_later_row(tmp_path: Path) -> None:
    rows = table_rows()
    first = next(row for row in rows if row[0] == "KOM2")
    rows.remove(first)
    changed(rows, "KOM2", "Total ", "1600000")
    ledger, report = kiel.read(write_table(tmp_path / "kiel.csv", rows))
    kom2 = by_id(ledger)["kiel-KOM2"]
    assert kom2.amount is None  # Kiel's value was on the row left out
    (flag,) = [e for e in report if e.rule == "first-row-flag"]
    assert (flag.column, flag.value) == ("Total_value_dummy (1 is first row in the package)", "0")
    assert ("Converted Value in EUR", "no-value") in {
        (e.column, e.rule) for e in report if e.row == flag.row
    }
    # the same value on a later row is ignored and reported
    rows = table_rows()
    changed(rows, "KOM2", "Converted Value in EUR", "1", at=1)
    ledger, report = kiel.read(write_table(tmp_path / "kiel.csv", rows))
    assert by_id(ledger)["kiel-KOM2"].amount == Decimal("1618286.6390209366")
    assert [(e.row, e.rule) for e in report if e.value == "1"] == [(35, "later-value")]


def test_an_activity_whose_first_row_is_not_imported(tmp_path: Path) -> None:
    rows = table_rows()
    changed(rows, "BEM1", "Type of Aid General", "Humanitarian")
    ledger, report = kiel.read(write_table(tmp_path / "kiel.csv", rows))
    assert by_id(ledger)["kiel-BEM1"].date == datetime.date(2022, 2, 26)
    assert by_id(ledger)["kiel-BEM1"].amount is None
    assert [(e.row, e.rule) for e in report if e.rule == "mixed-aid"] == [(4, "mixed-aid")]
    assert report.skipped["aid type 'Humanitarian' not imported"] == 8


def test_values_that_are_no_numbers_and_currencies_that_are_none(tmp_path: Path) -> None:
    rows = table_rows()
    changed(rows, "BEM1", "Converted Value in EUR", "about 76 million")
    changed(rows, "CZM8", "Original Currency", "Kč")
    ledger, report = kiel.read(write_table(tmp_path / "kiel.csv", rows))
    assert by_id(ledger)["kiel-BEM1"].amount is None
    assert [e.value for e in report if e.rule == "not-a-number"] == ["about 76 million"]
    assert by_id(ledger)["kiel-CZM8.a2022-11-03"].amount is None
    assert "53260000 'Kč'" in (by_id(ledger)["kiel-CZM8.a2022-11-03"].note or "")
    ledger, report = kiel.read(tmp_path / "kiel.csv", original_currency=True)
    assert by_id(ledger)["kiel-CZM8"].amount is None
    assert [e.rule for e in report if e.value == "Kč"] == ["no-currency", "no-currency"]


def test_rows_without_an_id_empty_rows_and_extra_cells(tmp_path: Path) -> None:
    rows = table_rows()
    changed(rows, "EEM3", "ID", "")
    rows[1] = [*rows[1], "a cell too many"]
    rows.insert(2, [""] * len(rows[0]))
    ledger, report = kiel.read(write_table(tmp_path / "kiel.csv", rows))
    assert report.skipped["no ID"] == 1
    assert report.skipped["empty row"] == 1
    assert report.imported + sum(report.skipped.values()) == report.rows == 65
    assert "kiel-EEM3" not in by_id(ledger)
    assert {e.rule for e in report} >= {"no-id", "extra-cell"}


def test_an_activity_without_any_date_is_skipped_when_nothing_dates_it(tmp_path: Path) -> None:
    rows = table_rows()
    retrieved = rows[0].index("retrieved")
    rows = [[cell for n, cell in enumerate(row) if n != retrieved] for row in rows]
    ledger, report = kiel.read(write_table(tmp_path / "kiel.csv", rows))
    assert report.skipped["activity without a date"] == 1  # CZM8: 'unspecified'
    assert "kiel-CZM8" not in by_id(ledger)
    assert by_id(ledger)["kiel-EEM3"].date == datetime.date(2922, 2, 9)  # nothing to check by
    assert "table retrieved" not in (by_id(ledger)["kiel-BEM1"].source or "")


# --- refusals --------------------------------------------------------------------------------


def test_an_unknown_donor_is_an_error_naming_line_and_value(tmp_path: Path) -> None:
    rows = table_rows()
    changed(rows, "BEM1", "countries", "Atlantis", at=2)
    with pytest.raises(LoadError) as caught:
        kiel.read(write_table(tmp_path / "kiel.csv", rows))
    assert (caught.value.line, caught.value.field, caught.value.value) == (
        5,
        "countries",
        "Atlantis",
    )
    assert str(caught.value).startswith(f"{tmp_path / 'kiel.csv'}:5: countries: 'Atlantis' is")
    # a row that is not imported is not checked
    rows = table_rows()
    changed(rows, "AUH2", "countries", "Atlantis")
    assert kiel.read(write_table(tmp_path / "kiel.csv", rows))[1].imported == 55


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (
            b"id,date,donor,status\nx,2023-01-01,US,pledged\n",
            "is not a Kiel Ukraine Support Tracker item table: it has no column "
            "'countries', 'Announcement Date', 'Type of Aid General', 'Original Currency', "
            "'Monetary Value as Given by Source', \"Items (or the unnamed column before 'Type "
            "of item')\", 'No. of Units'",
        ),
        (b"ID,countries\xff\xfe\x00,x\n", "is not UTF-8 text and has no byte-order mark"),
        (codecs.BOM_UTF16_LE + b"I\x00D\x00\x00\xd8", "is not UTF-16 text"),
        (b'ID,"countries\n', "is not readable as CSV"),
    ],
)
def test_a_file_that_is_not_a_kiel_table_is_refused(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "other.csv"
    path.write_bytes(content)
    with pytest.raises(LoadError) as caught:
        kiel.read(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_a_column_given_twice_is_refused(tmp_path: Path) -> None:
    rows = table_rows()
    rows = [[*row, row[0]] for row in rows]
    with pytest.raises(LoadError, match=r"kiel.csv:1: ID: is a column twice \(columns 1 and 46\)"):
        kiel.read(write_table(tmp_path / "kiel.csv", rows))


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"missing\.csv: cannot be read: No such file"):
        kiel.read(tmp_path / "missing.csv")


# --- properties ------------------------------------------------------------------------------


@given(
    source=st.sampled_from([EXCERPT, EXCERPT_UTF16]),
    aid_types=st.sets(st.sampled_from(ALL_TYPES), min_size=1),
    original_currency=st.booleans(),
    suffix=st.sampled_from([".csv", ".json", ".jsonl"]),
    as_of=st.dates(datetime.date(2022, 2, 1), datetime.date(2022, 12, 31)),
)
def test_import_save_and_load_change_no_summary(
    source: Path,
    aid_types: set[str],
    original_currency: bool,
    suffix: str,
    as_of: datetime.date,
) -> None:
    ledger = kiel.load(source, aid_types=aid_types, original_currency=original_currency)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"kiel{suffix}"
        aidledger.save(ledger, path)
        loaded = aidledger.load(path)
    assert loaded.records == ledger.records
    for day in (as_of, None):
        expected = ledger.summarize(as_of=day).render(format="json")
        assert loaded.summarize(as_of=day).render(format="json") == expected
    if not original_currency:  # every amount that counts is in EUR: no rate needed
        expected = ledger.summarize(as_of=as_of, currency="EUR").render(format="json")
        assert loaded.summarize(as_of=as_of, currency="EUR").render(format="json") == expected


ROWS = table_rows()
FUZZED = [
    *("Announcement Date", "Type of Aid General", "Original Currency", "Unnamed: 8", "ID"),
    *("Monetary Value as Given by Source", "No. of Units", "Total ", "Converted Value in EUR"),
    *("No. of Units delivered (in-kind military aid)", "Value committed (own estimate, in USD)"),
    *("Value delivered (own estimate, in USD)", "Total monetary value delivered in EUR"),
    *("Total_value_dummy (1 is first row in the package)", "Source of Aid 1", "retrieved"),
]
MESSY = st.one_of(
    st.sampled_from(
        [
            *("", ".", "undisclosed", "Not given", "No price", "dozens", "1.000.00", "-5"),
            *("216.66666666666666", "until 7/27/2022", "unclear, 13/22", "2022-02-30", "1e9"),
            *("9" * 40, "0", "1", "Military", "Humanitarian", "EUR", "XXX", "until 2/30/2022"),
            *("between 1/1/22 and 12/31/21", "12/31/9999", ".http://x", "BEM1", "USM1"),
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
)


@given(
    st.lists(st.sampled_from(range(1, len(ROWS))), max_size=25),
    st.lists(st.tuples(st.sampled_from(FUZZED), MESSY), max_size=12),
)
def test_any_rows_with_any_mess_are_imported_or_skipped(
    picked: list[int], mess: list[tuple[str, str]]
) -> None:
    header = ROWS[0]
    rows = [list(ROWS[index]) for index in picked]
    for number, (column, value) in enumerate(mess):
        if rows:
            rows[number % len(rows)][header.index(column)] = value
    with tempfile.TemporaryDirectory() as folder:
        path = write_table(Path(folder) / "kiel.csv", [header, *rows])
        ledger, report = kiel.read(path, aid_types=ALL_TYPES)
        aidledger.save(ledger, Path(folder) / "out.csv")
        assert aidledger.load(Path(folder) / "out.csv").records == ledger.records
    assert report.rows == len(rows)
    assert report.imported + sum(report.skipped.values()) == report.rows
    assert {entry.rule for entry in report} <= set(kiel.RULES)
    assert report.records == len(ledger)


# --- the catalog on the table's real names ------------------------------------------------

# Every item name of the shared table's military rows that resolves to a catalog system,
# with its key (Kiel Institute for the World Economy, Ukraine Support Tracker, item table,
# retrieved 2022-11-03). Every other name there resolves to None.
RESOLVED = {
    "AHS Krab self-propelled howitzer": "krab",
    "anti-aircraft Starstreak missile": "starstreak",
    "armored high mobility multipurpose wheeled vehicle": "humvee",
    "Armored high mobility multipurpose wheeled vehicle": "humvee",
    "Armored High Mobility Multipurpose Wheeled Vehicle": "humvee",
    "AT4 anti-tank weapon": "at4",
    "Bayraktar TB2 drone": "bayraktar-tb2",
    "Black Hornet drone": "black-hornet",
    "BMC Kirpi": "kirpi",
    "BMP-1": "bmp-1",
    "Brimstone-1 missile": "brimstone",
    "Bushmaster Protected Mobility Vehicles": "bushmaster",
    "BVP-1 infantry fighting vehicle": "bmp-1",
    "CAESAR artillery howitzer": "caesar",
    "Carl Gustav M2 recoilless rifle": "carl-gustaf",
    "D-30 Howitzer": "d-30",
    "Dana Howitzer": "dana",
    "Dingo 2": "dingo",
    "FH70 155mm howitzer": "fh-70",
    "FlyEye drone": "flyeye",
    "Gepard rapid-fire armored vehicle": "gepard",
    "Guided Multiple Launch Rocket System round": "gmlrs",
    "Harpoon coastal defense missile system": "harpoon",
    "Harpoon coastal defense missile": "harpoon",
    "Hellfire missiles": "hellfire",
    "High-speed Anti-radiation missiles": "agm-88",
    "HIMARS 142 multiple rocket launcher": "himars",
    "Iris-T SLM": "iris-t",
    "Javelin anti-armor systems": "javelin",
    "Javelin anti-tank missile": "javelin",
    "Javelin": "javelin",
    "light anti-armor weapon": "light-anti-armour-weapon",
    "Lince armoured car": "iveco-lmv",
    "Lockheed Martin Desert Hawk": "desert-hawk",
    "M101 105mm howitzer": "m101",
    "M109 A3GM 155mm howitzer": "m109",
    "M113 armored personnel carrier": "m113",
    "M114 155mm Howitzer": "m114",
    "M119 105mm howitzer": "m119",
    "M577 Command Post Carrier": "m577",
    "M270 weapon system (Norway)": "m270",
    "M270 weapon system": "m270",
    "M31A1 munition": "gmlrs",
    "M72 rocket launcher": "m72-law",
    "M777 howitzer": "m777",
    "M80A infantry fighting vehicle": "m-80a",
    "Mamba 4x4 armoured vehicle": "mamba",
    "Mars II": "m270",
    "MaxxPro Mine Resistant Ambush Protected Vehicles": "mrap",
    "Mi-17": "mi-17",
    "Mi-2": "mi-2",
    "Mi-24 attack helicopter": "mi-24",
    "Milan": "milan",
    "Mistral Air Defence Launcher": "mistral",
    "Mistral Air Defence Missile": "mistral",
    "Modified T-72 tank (T-72A/T-72M1/M1R)": "t-72",
    "National Advanced Surface-to-Air Missile System (NASAMS)": "nasams",
    "NLAW anti-tank weapon": "nlaw",
    "Panzerfaust 3": "panzerfaust-3",
    "Panzerhaubitze 2000": "pzh-2000",
    "Phoenix Ghost tactical unmanned aerial system": "phoenix-ghost",
    "Piorun man-portable air-defense system": "piorun",
    "PT-91 Twardy": "pt-91",
    "Puma unmanned aerial system": "puma-uas",
    "Puma Unmanned Aerial System": "puma-uas",
    "RBS 17 anti-ship missile system": "rbs-17",
    "RGW 90 Matador": "rgw-90",
    "RM-70 multiple rocket launcher": "rm-70",
    "Roshel Senator 4x4 armored personnel carrier": "senator",
    "S-300 air defence system": "s-300",
    "Scan Eagle Unmanned Aerial Systems": "scaneagle",
    "Soviet-made RPG-18 anti-tank missile launcher": "rpg-18",
    "Starstreak anti-aircraft missile system": "starstreak",
    "Stinger anti-aircraft system (Latvia)": "stinger",
    "Stinger anti-aircraft system": "stinger",
    "Stinger missile": "stinger",
    "Stormer armoured vehicle with Starstreak anti-air missile launchers": "stormer-hvm",
    "Strela missile": "strela",
    "Switchblade tactical unmanned aerial system": "switchblade",
    "Switchblade Tactical Unmanned Aerial System": "switchblade",
    "T-55 tank": "t-55",
    "Tactical unmanned aerial system": "tactical-uas",
    "Tube-Launched, Optically-Tracked, Wire-Guided (TOW) missiles": "tow",
    "VAMPIRE Counter-Unmanned Aerial System": "vampire",
    "VAMTAC 4x4 armored vehicle": "vamtac",
    "Warmate drone": "warmate",
    "YPR-765 infantry vehicle": "ypr-765",
    "Zusana-2 howitzer": "zuzana",
}


@pytest.mark.parametrize(("name", "key"), sorted(RESOLVED.items()))
def test_the_real_names_resolve(name: str, key: str) -> None:
    assert default_catalog().resolve(name) == key


# --- the whole shared table --------------------------------------------------------------


@pytest.fixture(scope="module")
def shared() -> tuple[Ledger, ImportReport]:
    return kiel.read(SHARED)


def kiel_eur_sums() -> dict[str, Decimal]:
    """Kiel's own figure per donor: the sum of its military activities' EUR values, read
    from the table with the csv module alone."""
    codes = {"Czech Republic": "CZ", "South Korea": "KR", "Turkey": "TR"}
    codes.update(dict.fromkeys(("European Peace Facility", "EU (Commission and Council)"), "EU"))
    sums: dict[str, Decimal] = defaultdict(Decimal)
    seen = set()
    for row in csv.DictReader(SHARED.open(encoding="utf-8", newline="")):
        if row["Type of Aid General"].strip() != "Military" or row["ID"] in seen:
            continue
        seen.add(row["ID"])
        name = row["countries"]
        code = codes[name] if name in codes else _cldr_code(name)
        value = row["Converted Value in EUR"].strip()
        sums[code] += Decimal(value) if re.fullmatch(r"[0-9.]+", value) and value != "." else 0
    return dict(sums)


def _cldr_code(name: str) -> str:
    from babel import Locale

    (code,) = [code for code, text in Locale("en").territories.items() if text == name]
    return str(code)


@needs_shared_table
def test_shared_table_every_row_is_accounted_for(shared: tuple[Ledger, ImportReport]) -> None:
    ledger, report = shared
    assert (report.rows, report.imported, report.records) == (1032, 701, 1043)
    assert report.skipped == {
        "aid type 'Humanitarian' not imported": 273,
        "aid type 'Financial' not imported": 58,
    }
    assert report.imported + sum(report.skipped.values()) == report.rows
    assert not ledger.validate()


@needs_shared_table
def test_shared_table_kiel_figure_for_the_united_states_to_the_cent(
    shared: tuple[Ledger, ImportReport],
) -> None:
    kiel_figure = kiel_eur_sums()["US"]
    assert kiel_figure == Decimal("27644887225.64984236")
    summary = shared[0].summarize(currency="EUR")
    assert summary["US"].committed_total == aidledger.Money(Decimal("27644887225.65"), "EUR")
    assert summary["US"].committed["EUR"].amount == kiel_figure


@needs_shared_table
def test_shared_table_per_donor_totals_are_kiels(shared: tuple[Ledger, ImportReport]) -> None:
    summary = shared[0].summarize()
    sums = kiel_eur_sums()
    assert {donor.donor for donor in summary} == set(sums)
    for code, figure in sums.items():
        committed = summary[code].committed
        assert set(committed) <= {"EUR"}, code
        assert (committed["EUR"].amount if committed else Decimal(0)) == figure, code


@needs_shared_table
def test_shared_table_us_himars_nasams_m777_are_the_tables_item_rows(
    shared: tuple[Ledger, ImportReport],
) -> None:
    names = {
        "himars": "HIMARS 142 multiple rocket launcher",
        "nasams": "National Advanced Surface-to-Air Missile System (NASAMS)",
        "m777": "M777 howitzer",
    }
    rows = [
        row
        for row in csv.DictReader(SHARED.open(encoding="utf-8", newline=""))
        if row["countries"] == "United States" and row["Type of Aid General"] == "Military"
    ]
    us = shared[0].summarize()["US"]
    for key, name in names.items():
        units = [row["No. of Units"] for row in rows if row["Unnamed: 8"] == name]
        counted = sum(int(text) for text in units if text.isdigit())
        undisclosed = sum(1 for text in units if not text.isdigit())
        total = us.system(key)
        assert (total.committed, total.undisclosed_quantity) == (counted, undisclosed), key
    assert [us.system(key).committed for key in names] == [30, 8, 126]


@needs_shared_table
def test_shared_table_names_resolved(shared: tuple[Ledger, ImportReport]) -> None:
    ledger, report = shared
    items = [r for r in ledger if r.note and r.note.startswith("Kiel item: ")]
    assert len(items) == 636
    resolved = {ledger.pledge(r.id).system for r in items if r.system}
    assert len([r for r in items if r.system]) == 162
    assert resolved == set(RESOLVED.values())
    unresolved = [e for e in report if e.rule == "no-system"]
    assert len(unresolved) == 636 - 162
    names = {e.value.strip() for e in unresolved}
    assert not names & set(RESOLVED)


@needs_shared_table
def test_shared_table_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "kiel.csv"
    imported = subprocess.run(
        [sys.executable, "-m", "aidledger", "import", "kiel", str(SHARED), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == ""
    assert "1032 rows read, 701 imported as 1043 records" in imported.stderr
    summary = subprocess.run(
        [
            sys.executable,
            "-m",
            "aidledger",
            "summary",
            str(out),
            *("--currency", "EUR", "--format", "json"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    donors = {d["donor"]: d for d in json.loads(summary.stdout)["donors"]}
    for code, figure in kiel_eur_sums().items():
        assert donors[code]["committed_total"] == str(figure.quantize(Decimal("0.01"))), code


# --- the command line ------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_import_kiel_writes_the_ledger_and_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], military: tuple[Ledger, ImportReport]
) -> None:
    out, report = tmp_path / "kiel.json", tmp_path / "report.csv"
    status, stdout, stderr = run(
        capsys, "import", "kiel", str(EXCERPT), "-o", str(out), "--report", str(report)
    )
    assert (status, stdout) == (0, "")
    assert stderr == military[1].summary()
    assert aidledger.load(out).records == military[0].records
    assert len(table_rows(report)) == len(military[1].entries) + 1


def test_import_kiel_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kiel.csv"
    status, _, stderr = run(
        capsys,
        "import",
        "kiel",
        str(EXCERPT_UTF16),
        "--output",
        str(out),
        "--aid-type",
        "Humanitarian",
        "--aid-type",
        "Financial",
        "--original-currency",
    )
    assert status == 0
    assert "64 rows read, 9 imported" in stderr
    records = by_id(aidledger.load(out))
    assert (records["kiel-AUH2"].amount, records["kiel-AUH2"].currency) == (
        Decimal("32600000"),
        "AUD",
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import", "kiel", "missing.csv", "-o", "x.csv"], "missing.csv: cannot be read"),
        (["import", "kiel", "{docs}/pledges.csv", "-o", "x.csv"], "is not a Kiel Ukraine"),
        (["import", "kiel", "{excerpt}", "-o", "x.txt"], "x.txt: a ledger is written as"),
        (["import", "kiel", "{excerpt}"], "the following arguments are required: -o"),
        (["import"], "the following arguments are required: KIND"),
        (["import", "oryx", "x.csv"], "invalid choice: 'oryx'"),
        (["import", "kiel", "{excerpt}", "-o", "nofolder/x.csv"], "nofolder/x.csv: cannot be"),
    ],
)
def test_import_kiel_errors(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = [a.format(docs=FIXTURES / "docs", excerpt=EXCERPT) for a in argv]
    status, stdout, stderr = run(capsys, *argv)
    assert (status, stdout) == (2, "")
    assert stderr.startswith("aidledger: error: ")
    assert message in stderr
    assert stderr.count("\n") == 1
    assert not (tmp_path / "x.csv").exists()
