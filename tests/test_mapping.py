"""Importing any spreadsheet through a TOML column mapping."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import aidledger
from aidledger import LoadError, Status
from aidledger.importers.mapping import donor_code, load, read, read_mapping

FIXTURES = Path(__file__).parent / "fixtures" / "mapping"
WEAPONS, MAPPING = FIXTURES / "weapons.csv", FIXTURES / "weapons.toml"


def test_a_list_of_supplied_weapons_becomes_a_ledger() -> None:
    ledger, report = read(WEAPONS, read_mapping(MAPPING))
    records = {r.id: r for r in ledger}
    himars = records["list-2"]
    assert (himars.date, himars.donor, himars.system, himars.quantity) == (
        datetime.date(2022, 10, 4),
        "US",
        "M142 HIMARS",
        38,
    )
    assert ledger.pledge("list-2").system == "himars"
    assert himars.status is Status.PLEDGED
    assert himars.source == "https://www.defense.gov/News/Releases/"
    assert himars.note == "from a list of supplied weapons"
    assert records["list-3"].system == "PzH 2000 155mm"
    assert ledger.pledge("list-3").system == "pzh-2000"
    assert records["list-3"].status is Status.DELIVERED
    assert records["list-4"].quantity == 1400
    assert records["list-4"].source is None
    assert records["list-6"].quantity is None  # '?' is undisclosed, not zero
    assert records["list-8"].system == "Flying Carpet"
    assert (report.rows, report.imported, report.records) == (7, 7, 7)
    rules = {(e.row, e.rule) for e in report}
    assert (4, "thousands") in rules
    assert (6, "blank") in rules
    assert (8, "unknown-system") in rules
    summary = ledger.summarize()
    assert summary["US"].system("stinger").delivered == 1400  # type: ignore[union-attr]
    assert summary["FR"].system("amx-10-rc").undisclosed_quantity == 1  # type: ignore[union-attr]


def test_the_report_is_written_in_full(tmp_path: Path) -> None:
    _, report = read(WEAPONS, read_mapping(MAPPING))
    report.write(tmp_path / "report.csv")
    lines = (tmp_path / "report.csv").read_text().splitlines()
    assert lines[0] == "row,column,value,rule,action"
    assert len(lines) == len(report.entries) + 1
    assert "7 rows read, 7 imported as 7 records" in report.summary()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "X,Atlantis,1,False,,01/01/2023",
            "Supplier: 'Atlantis' is not an ISO 3166-1 alpha-2 country code or EU",
        ),
        (
            "X,France,1,Maybe,,01/01/2023",
            "Delivered: 'Maybe' is not in the mapping's values for status ('True', 'False')",
        ),
        (
            "X,France,1,True,,2023-01-01",
            "Date: '2023-01-01' is not a date in the format '%d/%m/%Y'",
        ),
        ("X,France,1,True,,01/01/2023,extra", "has 7 fields where the header has 6"),
    ],
)
def test_what_no_rule_covers_is_a_located_error(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "list.csv"
    path.write_text(WEAPONS.read_text().splitlines()[0] + "\n" + row + "\n")
    with pytest.raises(LoadError) as caught:
        read(path, read_mapping(MAPPING))
    assert str(caught.value) == f"{path}:2: {message}"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[fields]\nid = 'ID'\n", "fields: no rule for the required fields date, donor, status"),
        ("[fields]\ncolour = 'C'\n", "fields.colour: is not a field of a record"),
        (
            "[fields]\nid = { column = 'A', value = 'B' }\n",
            "fields.id: a rule has exactly one of column, value, template",
        ),
        ("[source]\nsep = ';'\n[fields]\nid = 'A'\n", "source.sep: unknown key"),
        ("[fields\n", "is not valid TOML"),
    ],
)
def test_a_bad_mapping_names_the_key(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "map.toml"
    path.write_text(toml)
    with pytest.raises(LoadError, match=message.replace("(", r"\(")):
        read_mapping(path)


def test_a_mapped_column_missing_from_the_source(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("System,Country\nHIMARS,US\n")
    with pytest.raises(
        LoadError,
        match=r"list\.csv:1: the mapping's columns 'Date' \(for date\), 'Supplier' \(for donor\), "
        r"'Count' \(for quantity\), 'Delivered' \(for status\), 'Proof' \(for source\) are not in",
    ):
        read(path, read_mapping(MAPPING))


def test_a_pledge_changing_donor_across_rows_is_located(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        "[fields]\nid = 'ID'\ndate = 'Date'\ndonor = 'Donor'\nstatus = { value = 'pledged' }\n"
    )
    path = tmp_path / "list.csv"
    path.write_text("ID,Date,Donor\na,2023-01-01,US\n\na,2023-02-01,France\n")
    with pytest.raises(LoadError) as caught:
        read(path, read_mapping(mapping))
    assert str(caught.value).startswith(f"{path}:4: donor: 'FR' changes the pledge's donor")


def test_utf16_and_semicolons(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        "[source]\ndelimiter = ';'\n[fields]\nid = { template = 'r{row}' }\ndate = 'Datum'\n"
        "donor = 'Geber'\nstatus = { value = 'pledged' }\namount = 'Betrag'\ncurrency = { value = 'EUR' }\n"
    )
    path = tmp_path / "liste.csv"
    path.write_bytes("Datum;Geber;Betrag\n2023-01-01;DE;2700000000\n".encode("utf-16"))
    ledger = load(path, mapping)
    assert ledger.summarize()["DE"].committed["EUR"].amount == 2700000000


@pytest.mark.parametrize(
    ("text", "code"),
    [("US", "US"), ("us", "US"), ("Germany", "DE"), ("germany", "DE"), ("United Kingdom", "GB"),
     ("European Union", "EU"), ("Atlantis", None), ("", None), ("Europe", None)],
)  # fmt: skip
def test_donor_names_resolve_through_cldr(text: str, code: str | None) -> None:
    assert donor_code(text) == code


def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from aidledger.cli import main

    out = tmp_path / "weapons.json"
    report = tmp_path / "report.csv"
    status = main(
        [
            "import",
            "csv",
            str(WEAPONS),
            "--map",
            str(MAPPING),
            "-o",
            str(out),
            "--report",
            str(report),
        ]
    )
    assert status == 0
    err = capsys.readouterr().err
    assert "7 rows read, 7 imported as 7 records" in err
    assert len(aidledger.load(out)) == 7
    assert report.read_text().startswith("row,column,value,rule,action")
    assert (
        main(["import", "csv", str(WEAPONS), "--map", str(tmp_path / "none.toml"), "-o", str(out)])
        == 2
    )
    assert "none.toml: cannot be read" in capsys.readouterr().err
