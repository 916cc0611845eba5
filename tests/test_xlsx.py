"""A ledger as an Excel workbook: written so that any text reads back as written, read
through the CSV reader's checks with errors located by sheet row (docs/interchange.md).

Workbooks a person might make in a spreadsheet are built with openpyxl, which also checks
independently what aidledger writes: text cells, never formulas.
"""

from __future__ import annotations

import datetime
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aidledger
from aidledger import Ledger, LoadError, MissingExtraError, Record
from aidledger.cli import main
from aidledger.model import COLUMNS
from tests import strategies as s

RECORD = {"id": "a", "date": "2023-01-05", "donor": "US", "status": "pledged"}

# Pieces of text that the xlsx format escapes, or that a writer might take for markup.
_AWKWARD = ("_x0041_", "_x005F_", "_x", "x0041_", "_", "<r>", "</r>", "<t>", "&amp;", "&")
_AWKWARD += ("\r", "\n", "\r\n", "\t", "\x01", "\x1f", "=", "+", "-", "@", " ", "😀", "\u2028")
awkward_texts = st.lists(
    st.one_of(st.sampled_from(_AWKWARD), s.texts(max_size=3)), max_size=8
).map("".join)


def _error(path: Path) -> str:
    with pytest.raises(LoadError) as caught:
        aidledger.load(path)
    return str(caught.value).replace(str(path.parent) + "/", "")


def _workbook(path: Path, rows: list[list[object]], title: str = "ledger") -> Path:
    """A workbook as a spreadsheet user might save it (openpyxl: typed cells)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _row(**fields: object) -> list[object]:
    values = {**RECORD, **fields}
    return [values.get(column) for column in COLUMNS]


# --- round trips ------------------------------------------------------------------------


def _table_text(ledger: Ledger) -> list[tuple[object, ...]]:
    return list(zip(*(column for _, column in ledger._table.columns()), strict=True))


@given(records=s.wide_records())
def test_a_workbook_gives_back_every_record_as_written(
    tmp_path_factory: pytest.TempPathFactory, records: list[Record]
) -> None:
    folder = tmp_path_factory.mktemp("xlsx")
    original = Ledger(records)
    aidledger.save(original, folder / "a.csv")
    aidledger.save(original, folder / "a.xlsx")
    back = aidledger.load(folder / "a.xlsx")
    assert back.records == original.records
    assert _table_text(back) == _table_text(aidledger.load(folder / "a.csv"))
    aidledger.save(back, folder / "b.csv")
    assert (folder / "b.csv").read_bytes() == (folder / "a.csv").read_bytes()


@given(texts=st.lists(awkward_texts, min_size=1, max_size=4))
def test_text_the_format_escapes_reads_back_as_written(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("xlsx")
    records = [
        Record(**RECORD | {"id": f"p{n}{text}", "note": text, "source": text + "x"})
        for n, text in enumerate(texts)
    ]
    aidledger.save(Ledger(records), folder / "a.xlsx")
    back = aidledger.load(folder / "a.xlsx")
    assert [(r.id, r.note, r.source) for r in back] == [(r.id, r.note, r.source) for r in records]


def test_the_issue_14_ledger_survives_csv_json_jsonl_xlsx_csv(tmp_path: Path) -> None:
    header = "id,date,donor,recipient,system,quantity,amount,currency,delivered_quantity,delivered_amount,status\n"
    (tmp_path / "original.csv").write_text(
        header + "a,2023-01-25,DE,,Leopard 2A6,14,,,undisclosed,,pledged\n"
        "b,2022-03-01,BY,RU,T-72B,98,,,,,delivered\n"
        "c,2023-01-05,US,,,,100.50,USD,,undisclosed,pledged\n",
        encoding="utf-8",
    )
    assert main(["convert", str(tmp_path / "original.csv"), str(tmp_path / "direct.csv")]) == 0
    path = tmp_path / "original.csv"
    for step in ("step.json", "step.jsonl", "step.xlsx", "back.csv"):
        assert main(["convert", str(path), str(tmp_path / step)]) == 0
        path = tmp_path / step
    assert path.read_bytes() == (tmp_path / "direct.csv").read_bytes()
    ledger = aidledger.load(tmp_path / "step.xlsx")
    assert [r.system for r in ledger] == ["Leopard 2A6", "T-72B", None]
    assert ledger.pledge("a").system == "leopard-2"
    assert ledger[1].recipient == "RU"
    assert ledger[0].delivered_quantity == "undisclosed"


# --- what the sheet holds ----------------------------------------------------------------


def test_the_sheet_holds_the_interchange_columns_as_typed_cells(tmp_path: Path) -> None:
    records = [
        Record(**RECORD | {"amount": "2850000000.123456789012345678", "currency": "USD",
                           "quantity": 12_345_678_901_234_567, "system": "M142 HIMARS",
                           "delivered_quantity": "undisclosed"}),
        Record(**RECORD | {"id": "b", "date": "1899-12-31", "note": "=HYPERLINK(\"x\")",
                           "source": "+1 -2 @3", "authority": "-PDA"}),
    ]  # fmt: skip
    aidledger.save(Ledger(records), tmp_path / "l.xlsx")
    book = openpyxl.load_workbook(tmp_path / "l.xlsx")
    assert book.sheetnames == ["ledger"]
    sheet = book["ledger"]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    first = dict(zip(COLUMNS, sheet[2], strict=True))
    second = dict(zip(COLUMNS, sheet[3], strict=True))
    # An amount is its exact text; a quantity beyond a float's digits too.
    assert (first["amount"].value, first["amount"].data_type) == (
        "2850000000.123456789012345678",
        "s",
    )
    assert first["quantity"].value == "12345678901234567"
    assert (first["delivered_quantity"].value, first["status"].value) == ("undisclosed", "pledged")
    assert first["date"].value == datetime.datetime(2023, 1, 5)  # a date cell
    assert second["date"].value == "1899-12-31"  # before spreadsheets' dates: text
    assert first["recipient"].value == "UA" and first["note"].value is None  # blank: no cell
    # Formula-looking text is text, and nothing in the file is a formula.
    assert (second["note"].value, second["note"].data_type) == ('=HYPERLINK("x")', "s")
    assert second["source"].data_type == second["authority"].data_type == "s"
    with zipfile.ZipFile(tmp_path / "l.xlsx") as archive:
        assert not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name)
                       for name in archive.namelist())  # fmt: skip
    assert aidledger.load(tmp_path / "l.xlsx").records == Ledger(records).records


def test_a_whole_number_quantity_is_a_number_cell(tmp_path: Path) -> None:
    aidledger.save(Ledger([Record(**RECORD | {"quantity": 14})]), tmp_path / "l.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "l.xlsx")["ledger"]["F2"]
    assert (cell.value, cell.data_type) == (14, "n")


def test_a_text_longer_than_a_cell_is_refused_never_cut(tmp_path: Path) -> None:
    target = tmp_path / "l.xlsx"
    target.write_bytes(b"before")
    fits = Record(**RECORD | {"note": "x" * 32_767})
    aidledger.save(Ledger([fits]), tmp_path / "fits.xlsx")
    assert aidledger.load(tmp_path / "fits.xlsx")[0].note == "x" * 32_767
    # A character outside the BMP takes two of the cell's UTF-16 code units.
    too_long = Record(**RECORD | {"id": "long", "note": "😀" * 16_384})
    with pytest.raises(
        ValueError, match=r"record 1 \(id 'long'\): note: '😀.*has 32,768 characters"
    ):
        aidledger.save(Ledger([fits, too_long]), target)
    assert target.read_bytes() == b"before"  # nothing written
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_character_no_xml_can_hold_is_refused(tmp_path: Path) -> None:
    ledger = Ledger([Record(**RECORD | {"source": "a\ufffeb"})])
    with pytest.raises(ValueError, match=r"record 0 \(id 'a'\): source: .* holds U\+FFFE"):
        aidledger.save(ledger, tmp_path / "l.xlsx")
    aidledger.save(ledger, tmp_path / "l.csv")  # text formats hold it
    assert aidledger.load(tmp_path / "l.csv")[0].source == "a\ufffeb"


def test_the_command_line_refuses_an_unwritable_text_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aidledger.save(Ledger([Record(**RECORD | {"note": "n" * 40_000})]), tmp_path / "l.csv")
    assert main(["convert", str(tmp_path / "l.csv"), str(tmp_path / "l.xlsx")]) == 2
    error = capsys.readouterr().err
    assert "record 0 (id 'a'): note:" in error and "40,000 characters" in error
    assert "Traceback" not in error
    assert not (tmp_path / "l.xlsx").exists()


# --- reading what a spreadsheet saved ---------------------------------------------------------


def test_typed_cells_are_read_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "typed.xlsx",
        [
            list(COLUMNS),
            _row(date=datetime.date(2023, 1, 5), quantity=14, amount=1500000.25, currency="USD"),
            _row(id=7, date=datetime.datetime(2023, 1, 6), amount=0.1, currency="EUR"),
        ],
    )
    first, second = aidledger.load(path)
    assert (first.date, first.quantity, first.amount) == (
        datetime.date(2023, 1, 5),
        14,
        Decimal("1500000.25"),
    )
    assert (second.id, second.date, second.amount) == (
        "7",
        datetime.date(2023, 1, 6),
        Decimal("0.1"),
    )


def test_bad_values_are_located_by_sheet_row_after_notes_of_several_lines(tmp_path: Path) -> None:
    rows = [
        list(COLUMNS),
        _row(id="p1"),
        _row(id="p2", note="three\nlines\nhere"),
        _row(id="p3", note="a\nb"),
        [],
        _row(id="p4", amount="1,5", currency="USD"),
    ]
    path = _workbook(tmp_path / "bad.xlsx", rows)
    assert _error(path) == "bad.xlsx[ledger]:6: amount: '1,5' is not a decimal number"
    rows[5] = _row(id="p4", donor="XX")
    assert _error(_workbook(path, rows)) == (
        "bad.xlsx[ledger]:6: donor: 'XX' is not an ISO 3166-1 alpha-2 country code or EU"
    )
    rows[5] = _row(id="p2", donor="FR", date="2023-02-01")  # a pledge changes donor
    assert "bad.xlsx[ledger]:6" in _error(_workbook(path, rows))
    rows[5] = _row(id="p4", amount="5")
    assert _error(_workbook(path, rows)) == (
        "bad.xlsx[ledger]:6: currency: '' is required when amount or delivered_amount is given"
    )
    rows[5] = _row(id="p4")
    ledger = aidledger.load(_workbook(path, rows))
    assert [r.note for r in ledger] == [None, "three\nlines\nhere", "a\nb", None]
    assert ledger._table.locate(3) == {"file": str(path) + "[ledger]", "line": 6}


def test_an_error_value_is_an_error_never_a_blank(tmp_path: Path) -> None:
    rows = [list(COLUMNS), _row(id="p1"), _row(id="p2", note="#DIV/0!")]
    path = _workbook(tmp_path / "errors.xlsx", rows)  # openpyxl writes it as an error cell
    assert openpyxl.load_workbook(path)["ledger"]["O3"].data_type == "e"
    assert _error(path) == (
        "errors.xlsx[ledger]:3: note: '#DIV/0!' is an error value, not a value "
        "(a formula that failed?)"
    )
    rows[1] = _row(id="p1", amount="1,5", currency="USD")  # an earlier row's problem first
    assert _error(_workbook(path, rows)).startswith("errors.xlsx[ledger]:2: amount: '1,5'")


def test_sheets_headers_and_bad_workbooks(tmp_path: Path) -> None:
    # One sheet, whatever its name, is the ledger.
    path = _workbook(tmp_path / "named.xlsx", [list(COLUMNS), _row()], title="Pledges")
    assert len(aidledger.load(path)) == 1
    book = openpyxl.load_workbook(path)
    book.create_sheet("Notes")
    book.save(tmp_path / "two.xlsx")
    assert _error(tmp_path / "two.xlsx") == (
        "two.xlsx: has 2 sheets ('Pledges', 'Notes'): a ledger workbook holds one, the "
        "ledger ('ledger' when aidledger writes it), so that no sheet is left unread"
    )
    assert _error(_workbook(tmp_path / "empty.xlsx", [])) == (
        "empty.xlsx[ledger]:1: is empty: a ledger file starts with a header row"
    )
    header = [*COLUMNS[:3], "Donor", *COLUMNS[4:]]
    assert "empty.xlsx[ledger]:1: header: 'Donor' is not a column" in _error(
        _workbook(tmp_path / "empty.xlsx", [header, _row()])
    )
    wide = _workbook(tmp_path / "wide.xlsx", [list(COLUMNS), [*_row(), None, "stray"]])
    assert _error(wide) == "wide.xlsx[ledger]:2: has 17 fields where the header has 15"
    # Header only: an empty ledger; header with columns left out: blank.
    assert len(aidledger.load(_workbook(tmp_path / "h.xlsx", [list(COLUMNS)]))) == 0
    short = _workbook(
        tmp_path / "s.xlsx",
        [["id", "date", "donor", "status"], ["a", "2023-01-05", "US", "pledged"]],
    )
    assert aidledger.load(short)[0].recipient == "UA"


def test_a_corrupt_or_misnamed_workbook_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aidledger.save(aidledger.bundled(), tmp_path / "good.xlsx")
    data = (tmp_path / "good.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    assert "cut.xlsx: is not a readable Excel workbook (truncated or corrupt?)" in _error(
        tmp_path / "cut.xlsx"
    )
    (tmp_path / "text.xlsx").write_text("id,date\n", encoding="utf-8")
    assert "text.xlsx: is not a readable Excel workbook" in _error(tmp_path / "text.xlsx")
    assert _error(tmp_path / "missing.xlsx") == (
        "missing.xlsx: cannot be read: No such file or directory"
    )
    assert main(["summary", str(tmp_path / "cut.xlsx")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("aidledger: error: ") and "Traceback" not in error


def test_reading_needs_the_extra_writing_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # as if not installed
    aidledger.save(aidledger.bundled(), tmp_path / "l.xlsx")
    with pytest.raises(
        MissingExtraError, match=r"optional 'xlsx' extra: pip install 'aidledger\[xlsx\]'"
    ):
        aidledger.load(tmp_path / "l.xlsx")
    assert main(["convert", str(tmp_path / "l.xlsx"), str(tmp_path / "l.csv")]) == 2
    assert "'xlsx' extra" in capsys.readouterr().err
    assert not (tmp_path / "l.csv").exists()


def test_convert_writes_a_workbook_atomically_and_never_over_its_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = Path(aidledger.__file__).parent / "data" / "ledger.csv"
    assert main(["convert", str(source), str(tmp_path / "l.xlsx")]) == 0
    assert main(["convert", str(tmp_path / "l.xlsx"), str(tmp_path / "l.csv")]) == 0
    assert main(["convert", str(source), str(tmp_path / "direct.csv")]) == 0
    assert (tmp_path / "l.csv").read_bytes() == (tmp_path / "direct.csv").read_bytes()
    assert main(["convert", str(tmp_path / "l.xlsx"), str(tmp_path / "./l.xlsx")]) == 2
    assert "a command never writes over its own input" in capsys.readouterr().err
    assert main(["convert", str(source), str(tmp_path / "l.xlsx"), "--neutralize-formulas"]) == 2
    assert "CSV files only" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["direct.csv", "l.csv", "l.xlsx"]


def test_error_values_are_found_however_the_sheet_writes_them(tmp_path: Path) -> None:
    from aidledger import _xlsx, _xlsxwrite

    with (tmp_path / "a.xlsx").open("wb") as stream:
        rows = [["x", "ONE", "z"], ["TWO", "y", ""]]
        _xlsxwrite.write_workbook(stream, [_xlsxwrite.Sheet("s", ["a", "b", "c"], rows)])
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    # A cell without a reference, single quotes; a formula whose result is an error.
    sheet = sheet.replace(
        '<c r="B2" t="inlineStr"><is><t>ONE</t></is></c>', "<c t='e'><v>#N/A</v></c>"
    )
    sheet = sheet.replace('<c r="A3" t="inlineStr"><is><t>TWO</t></is></c>',
                          '<c r="A3" t = "e"><f>1/0</f><v>#DIV/0!</v></c>')  # fmt: skip
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(tmp_path / "b.xlsx", "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    book = _xlsx.Workbook(tmp_path / "b.xlsx", "b.xlsx")
    assert list(book.rows("s")) == [
        ["a", "b", "c"],
        ["x", _xlsx.ErrorCell("#N/A"), "z"],
        [_xlsx.ErrorCell("#DIV/0!"), "y", ""],
    ]
    assert _xlsx.cell_text(_xlsx.ErrorCell("#N/A")) == "#N/A"  # what an importer reports
