"""Summaries and pledge-state tables as Excel workbooks (docs/reports.md): a sheet per
table with the schema's columns, amounts exact, undisclosed never a number.

Read back with openpyxl, independently of the writer.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aidledger
from aidledger import Ledger, Record
from aidledger.cli import main
from aidledger.export import SYSTEM_TABLES, systems_records, systems_schema
from aidledger.frames import SCHEMAS, SUMMARY_TABLES, write_table
from tests import strategies as s

LEDGER = """id,date,donor,recipient,system,quantity,amount,currency,delivered_quantity,delivered_amount,status,source
us-1,2023-01-05,US,,HIMARS,4,1000000.50,USD,undisclosed,,pledged,s1
us-2,2023-01-06,US,,M142 HIMARS,,2850000000.123456789012345678,USD,,,pledged,s2
us-3,2023-01-06,US,,,,,,,,considering,s3
us-4,2023-01-07,US,,Patriot,1,,,,,delivered,s4
fr-1,2023-01-04,FR,,AMX-10 RC,,,,,,pledged,s5
us-t,2023-01-07,US,,,,2851000000,USD,,,reported,s6
jp-1,2023-01-07,JP,,,,1500000,JPY,,750000,pledged,s7
"""


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "pledges.csv"
    path.write_text(LEDGER, encoding="utf-8")
    return path


def _sheets(path: Path) -> dict[str, list[dict[str, openpyxl.cell.Cell]]]:
    """Each sheet's rows as dicts of header -> cell (the header row checked apart)."""
    book = openpyxl.load_workbook(path)
    sheets = {}
    for sheet in book:
        rows = list(sheet.iter_rows())
        header = [cell.value for cell in rows[0]]
        sheets[sheet.title] = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    return sheets


def _headers(path: Path) -> dict[str, list[object]]:
    return {
        sheet.title: [c.value for c in next(sheet.iter_rows())]
        for sheet in openpyxl.load_workbook(path)
    }


def _exact(cell: openpyxl.cell.Cell) -> Decimal | None:
    """A number cell as the decimal it holds (shortest text of its float), or a text
    cell's exact decimal."""
    if cell.value is None:
        return None
    if cell.data_type == "n":
        return Decimal(repr(float(cell.value)))
    return Decimal(str(cell.value))


def test_a_summary_workbook_has_a_sheet_per_table_with_the_schema_columns(ledger: Path) -> None:
    summary = aidledger.load(ledger).summarize(currency="USD", donors=["FR", "US"])
    summary.write_xlsx(ledger.parent / "summary.xlsx")
    headers = _headers(ledger.parent / "summary.xlsx")
    assert list(headers) == list(SUMMARY_TABLES)
    assert headers == {table: list(SCHEMAS[table]) for table in SUMMARY_TABLES}
    sheets = _sheets(ledger.parent / "summary.xlsx")
    for table in SUMMARY_TABLES:
        assert len(sheets[table]) == len(summary.to_records(table))


def test_amounts_are_exact_numbers_shown_to_the_minor_unit_or_exact_text(ledger: Path) -> None:
    summary = aidledger.load(ledger).summarize()
    summary.write_xlsx(ledger.parent / "s.xlsx")
    money = {row["donor"].value: row for row in _sheets(ledger.parent / "s.xlsx")["money"]}
    # More digits than a float keeps: the exact text.
    us = money["US"]["committed"]
    assert (us.data_type, us.value) == ("s", "2851000000.623456789012345678")
    # Otherwise a number cell holding the amount, shown with the currency's places.
    jp = money["JP"]
    assert (jp["committed"].data_type, jp["committed"].value) == ("n", 1500000)
    assert jp["committed"].number_format == "#,##0"  # JPY has no minor unit
    assert _exact(jp["delivered"]) == Decimal(750000)
    checks = _sheets(ledger.parent / "s.xlsx")["checkpoints"]
    (check,) = checks
    assert check["stated"].number_format == "#,##0.00"
    assert _exact(check["stated"]) == Decimal("2851000000")
    assert _exact(check["difference"]) == Decimal("0.623456789012345678")
    for table in ("money", "checkpoints"):
        for record, row in zip(
            summary.to_records(table), _sheets(ledger.parent / "s.xlsx")[table], strict=True
        ):
            for column, kind in SCHEMAS[table].items():
                if kind == "amount":
                    assert _exact(row[column]) == record[column], (table, column)


@given(amount=st.decimals(min_value=0, max_value=10**20, places=6, allow_nan=False))
def test_every_amount_reads_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, amount: Decimal
) -> None:
    folder = tmp_path_factory.mktemp("amounts")
    ledger = Ledger([Record(id="p", date="2023-01-05", donor="US", status="pledged",
                            amount=amount, currency="EUR")])  # fmt: skip
    ledger.summarize().write_xlsx(folder / "s.xlsx")
    (row,) = _sheets(folder / "s.xlsx")["money"]
    assert _exact(row["committed"]) == amount
    write_table(ledger.state().to_records(), "state", folder / "state.xlsx")
    (state,) = _sheets(folder / "state.xlsx")["state"]
    assert _exact(state["amount"]) == _exact(state["counted_amount"]) == amount


def test_dates_counts_and_flags_are_typed_cells(ledger: Path) -> None:
    aidledger.load(ledger).summarize().write_xlsx(ledger.parent / "s.xlsx")
    sheets = _sheets(ledger.parent / "s.xlsx")
    (check,) = sheets["checkpoints"]
    assert check["date"].value == datetime.datetime(2023, 1, 7)
    assert check["date"].number_format == "yyyy-mm-dd"
    assert (check["within_tolerance"].data_type, check["within_tolerance"].value) == ("b", True)
    donors = {row["donor"].value: row for row in sheets["donors"]}
    assert (donors["US"]["pledges"].data_type, donors["US"]["pledges"].value) == ("n", 3)
    assert donors["US"]["committed_total"].value is None  # no reporting currency: blank


def test_undisclosed_is_never_a_number(ledger: Path) -> None:
    aidledger.load(ledger).summarize(currency="USD", donors=["FR", "US"]).write_xlsx(
        ledger.parent / "s.xlsx"
    )
    sheets = _sheets(ledger.parent / "s.xlsx")
    donors = {row["donor"].value: row for row in sheets["donors"]}
    fr, us = donors["FR"], donors["US"]
    # France's one pledge has no value and nothing was delivered.
    assert fr["committed_total"].value == "none disclosed"
    assert fr["delivered_total"].value == "no deliveries recorded"
    assert (fr["pledges"].value, fr["undisclosed_value"].value) == (1, 1)
    # The United States' total is a lower bound: a number, shown after "≥".
    assert us["committed_total"].data_type == "n"
    assert _exact(us["committed_total"]) == Decimal("2851000000.62")
    assert us["committed_total"].number_format == '"≥ "#,##0.00'
    assert us["undisclosed_value"].value == 1
    systems = {row["system"].value: row for row in sheets["systems"]}
    himars = systems["himars"]
    assert (himars["committed"].value, himars["committed"].number_format) == (4, '"≥ "#,##0')
    assert himars["delivered"].value == "none disclosed"  # delivered, number undisclosed
    assert systems["amx-10-rc"]["committed"].value == "none disclosed"
    assert systems["patriot"]["delivered"].value == 1
    variants = {row["variant"].value: row for row in sheets["variants"]}
    assert variants["M142 HIMARS"]["delivered"].value == "no deliveries recorded"


def test_labels_speak_the_locale(ledger: Path) -> None:
    summary = aidledger.load(ledger).summarize(currency="USD", donors=["FR", "US"])
    summary.write_xlsx(ledger.parent / "de.xlsx", locale="de")
    donors = {row["donor"].value: row for row in _sheets(ledger.parent / "de.xlsx")["donors"]}
    assert donors["FR"]["name"].value == "Frankreich"
    assert donors["FR"]["committed_total"].value == "keine Angabe"


def test_a_workbook_by_system_holds_what_the_json_by_system_says(
    ledger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ledger.parent / "systems.xlsx"
    arguments = ["summary", str(ledger), "--by", "system"]
    assert main([*arguments, "--format", "xlsx", "-o", str(out)]) == 0
    assert main([*arguments, "--format", "json"]) == 0
    expected = json.loads(capsys.readouterr().out)["systems"]
    assert _headers(out) == {table: list(systems_schema(table)) for table in SYSTEM_TABLES}
    sheets = _sheets(out)
    assert [row["system"].value for row in sheets["systems"]] == [
        line["system"] for line in expected
    ]
    shares = [(line["system"], share) for line in expected for share in line["donors"]]
    found = sheets["system_donors"]
    assert [(row["system"].value, row["donor"].value) for row in found] == [
        (system, share["donor"]) for system, share in shares
    ]
    variants = [
        (system, share["donor"], variant["variant"])
        for system, share in shares
        for variant in share["variants"]
    ]
    assert [
        (row["system"].value, row["donor"].value, row["variant"].value)
        for row in sheets["system_variants"]
    ] == variants
    himars = next(row for row in sheets["systems"] if row["system"].value == "himars")
    assert (himars["committed"].value, himars["committed"].number_format) == (4, '"≥ "#,##0')
    assert himars["delivered"].value == "none disclosed"


def test_a_workbook_is_by_donor_or_by_system(ledger: Path) -> None:
    summary = aidledger.load(ledger).summarize()
    with pytest.raises(ValueError, match="unknown arrangement 'recipient'"):
        summary.write_xlsx(ledger.parent / "x.xlsx", by="recipient")
    with pytest.raises(ValueError, match="unknown table 'lines'"):
        systems_records(summary, "lines")
    assert not (ledger.parent / "x.xlsx").exists()


# --- the command line -------------------------------------------------------------------------


def test_summary_writes_a_workbook_only_to_a_named_file(
    ledger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ledger.parent / "summary.xlsx"
    assert main(["summary", str(ledger), "--format", "xlsx"]) == 2
    assert (
        "--format xlsx writes a workbook, never to stdout: name it with -o"
        in capsys.readouterr().err
    )
    assert main(["summary", str(ledger), "--format", "xlsx", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert list(_headers(out)) == list(SUMMARY_TABLES)
    for wrong in (["-o", str(ledger.parent / "s.csv"), "--format", "xlsx"], ["-o", str(out)]):
        assert main(["summary", str(ledger), *wrong]) == 2
        assert "both or neither" in capsys.readouterr().err
    assert (
        main(
            ["summary", str(ledger), "--format", "xlsx", "-o", str(ledger.parent / "pledges.csv")]
        )
        == 2
    )
    assert main(["summary", str(ledger), "--format", "json", "-o", str(ledger)]) == 2
    assert "a command never writes over its own input" in capsys.readouterr().err
    assert ledger.read_text(encoding="utf-8") == LEDGER


def test_other_formats_print_or_go_to_a_file(
    ledger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summary", str(ledger), "--format", "json"]) == 0
    printed = capsys.readouterr().out
    assert (
        main(
            ["summary", str(ledger), "--format", "json", "--output", str(ledger.parent / "s.json")]
        )
        == 0
    )
    assert capsys.readouterr().out == ""
    assert (ledger.parent / "s.json").read_text(encoding="utf-8") == printed
    assert main(["summary", str(ledger), "-o", str(ledger.parent / "s.txt")]) == 0
    assert "United States" in (ledger.parent / "s.txt").read_text(encoding="utf-8")


def test_state_writes_a_workbook_and_never_over_its_input(
    ledger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ledger.parent / "states.xlsx"
    assert main(["state", str(ledger), "--as-of", "2023-01-07", "-o", str(out)]) == 0
    assert _headers(out) == {"state": list(SCHEMAS["state"])}
    rows = {row["id"].value: row for row in _sheets(out)["state"]}
    assert _exact(rows["us-1"]["amount"]) == Decimal("1000000.50")
    assert rows["us-1"]["amount"].number_format == "#,##0.00"
    assert rows["us-1"]["delivered_quantity_undisclosed"].value is True
    assert rows["us-1"]["delivered_quantity"].value is None
    assert rows["us-2"]["amount"].value == "2850000000.123456789012345678"
    assert main(["state", str(ledger), "-o", str(ledger)]) == 2
    assert "a command never writes over its own input" in capsys.readouterr().err
    assert ledger.read_text(encoding="utf-8") == LEDGER


@given(records=s.wide_records(max_pledges=3))
def test_the_ledger_table_as_a_workbook_holds_every_value(
    tmp_path_factory: pytest.TempPathFactory, records: list[Record]
) -> None:
    folder = tmp_path_factory.mktemp("table")
    ledger = Ledger(records)
    rows = ledger.to_records()
    write_table(rows, "ledger", folder / "ledger.xlsx")
    (sheet,) = openpyxl.load_workbook(folder / "ledger.xlsx")
    assert [c.value for c in next(sheet.iter_rows())] == list(SCHEMAS["ledger"])
    for row, cells in zip(rows, list(sheet.iter_rows())[1:], strict=True):
        for (column, kind), cell in zip(SCHEMAS["ledger"].items(), cells, strict=True):
            value = row[column]
            if kind == "amount":
                assert _exact(cell) == value
            elif kind == "date":
                assert cell.value.date() == value
            elif kind in ("count", "flag"):
                assert cell.value == value
