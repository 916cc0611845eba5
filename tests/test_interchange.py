"""JSON, JSON Lines and CSV out: located errors, lossless round trips, atomic saves."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given

import aidledger
from aidledger import Ledger, LoadError, Record
from aidledger.cli import main
from aidledger.io import save
from tests import strategies as s

RECORD = {"id": "a", "date": "2023-01-01", "donor": "US", "status": "pledged"}


def write_json(tmp_path: Path, records: list[object], name: str = "pledges.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"format": "aidledger/1", "records": records}))
    return path


def load_error(path: Path) -> str:
    with pytest.raises(LoadError) as caught:
        aidledger.load(path)
    return str(caught.value).replace(str(path.parent) + "/", "")


def test_a_json_document_loads(tmp_path: Path) -> None:
    path = write_json(
        tmp_path,
        [
            {**RECORD, "amount": "2850000000.50", "currency": "USD", "system": "HIMARS"},
            {**RECORD, "id": "b", "quantity": 4, "note": None, "recipient": None},
        ],
    )
    ledger = aidledger.load(path)
    first, second = ledger
    assert str(first.amount) == "2850000000.50"
    assert first.system == "HIMARS"
    assert ledger.pledge(first.id).system == "himars"
    assert (second.quantity, second.note, second.recipient) == (4, None, "UA")


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"amount": "1,5", "currency": "USD"}, "records[1].amount: '1,5' is not a decimal number"),
        (
            {"amount": 1.5, "currency": "USD"},
            "records[1].amount: 1.5 is a JSON number: write amounts as strings ('1.5')",
        ),
        (
            {"amount": "NaN", "currency": "USD"},
            "records[1].amount: 'NaN' is not a finite decimal number",
        ),
        (
            {"amount": "-1", "currency": "USD"},
            "records[1].amount: '-1' is negative: amounts are 0 or more",
        ),
        (
            {"amount": "5"},
            "records[1].currency: '' is required when amount or delivered_amount is given",
        ),
        ({"date": "2023-02-30"}, "records[1].date: '2023-02-30' is not a real date"),
        ({"date": 20230101}, "records[1].date: 20230101 is a JSON number, not a string"),
        (
            {"donor": "XX"},
            "records[1].donor: 'XX' is not an ISO 3166-1 alpha-2 country code or EU",
        ),
        (
            {"status": "promised"},
            "records[1].status: 'promised' is not a status: one of requested, considering, pledged, delivered, cancelled, reported",
        ),
        ({"quantity": "4"}, "records[1].quantity: '4' is a JSON string, not a whole number"),
        ({"quantity": -4}, "records[1].quantity: -4 is negative: quantities are 0 or more"),
        ({"quantity": True}, "records[1].quantity: True is a JSON boolean, not a whole number"),
        ({"quantity": 2.5}, "records[1].quantity: 2.5 is a JSON number, not a whole number"),
        ({"note": ["a"]}, "records[1].note: ['a'] is a JSON array, not a string"),
        (
            {"colour": "red"},
            "records[1]: has unknown keys (colour); keys: id, date, donor, recipient, system, quantity, amount, currency, delivered_quantity, delivered_amount, status, authority, part_of, source, note",
        ),
        ({"id": ""}, "records[1].id: '' is blank, but the field is required"),
        ({"note": "a\x00b"}, "records[1].note: 'a\\x00b' has a NUL byte"),
    ],
)
def test_json_errors_are_located(tmp_path: Path, record: dict[str, object], message: str) -> None:
    path = write_json(tmp_path, [RECORD, {**RECORD, "id": "b", **record}])
    assert load_error(path) == f"pledges.json: {message}"


def test_a_missing_required_key_is_named(tmp_path: Path) -> None:
    path = write_json(tmp_path, [{"id": "a", "date": "2023-01-01", "status": "pledged"}])
    assert load_error(path) == "pledges.json: records[0].donor: required key 'donor' is missing"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "pledges.json:1: is not valid JSON: Expecting value (column 1)"),
        (
            "[]",
            'pledges.json: is not a ledger: expected an object {"format": "aidledger/1", "records": [...]}',
        ),
        (
            '{"format": "aidledger/2", "records": []}',
            "pledges.json: format: 'aidledger/2' is not 'aidledger/1'",
        ),
        ('{"records": []}', "pledges.json: format: required key 'format' is missing"),
        (
            '{"format": "aidledger/1", "records": {}}',
            "pledges.json: records: is a JSON object, not an array of records",
        ),
        (
            '{"format": "aidledger/1", "records": [1]}',
            "pledges.json: records[0]: is a JSON number, not a record object",
        ),
        (
            '{"format": "aidledger/1", "records": [], "x": 1}',
            "pledges.json: has unknown keys (x); keys: id, date, donor, recipient, system, quantity, amount, currency, delivered_quantity, delivered_amount, status, authority, part_of, source, note",
        ),
        (
            '{"format": "aidledger/1",\n "records": [}',
            "pledges.json:2: is not valid JSON: Expecting value (column 14)",
        ),
        (
            '{"format": "aidledger/1", "format": "aidledger/1", "records": []}',
            "pledges.json: is not a ledger: the key 'format' appears twice in one object",
        ),
        (
            '{"format": "aidledger/1", "records": [{"quantity": NaN}]}',
            "pledges.json: is not a ledger: NaN is not a number a ledger can hold",
        ),
    ],
)
def test_json_document_problems(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "pledges.json"
    path.write_text(text)
    assert load_error(path) == message


def test_json_lines_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "pledges.jsonl"
    lines = [
        json.dumps(RECORD),
        "",
        json.dumps({**RECORD, "id": "b", "amount": "1,5", "currency": "USD"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    assert load_error(path) == "pledges.jsonl:3: amount: '1,5' is not a decimal number"
    path.write_text(json.dumps(RECORD) + "\n{oops\n")
    assert load_error(path) == (
        "pledges.jsonl:2: is not valid JSON: Expecting property name enclosed in double quotes (column 2)"
    )


def test_json_lines_round_trip(tmp_path: Path) -> None:
    ledger = aidledger.bundled()
    save(ledger, tmp_path / "l.jsonl")
    assert list(aidledger.load(tmp_path / "l.jsonl")) == list(ledger)
    assert len((tmp_path / "l.jsonl").read_text().splitlines()) == len(ledger)


def _table_text(ledger: Ledger) -> list[tuple[object, ...]]:
    return list(zip(*(column for _, column in ledger._table.columns()), strict=True))


@given(records=s.wide_records())
def test_csv_to_json_to_csv_is_lossless(
    tmp_path_factory: pytest.TempPathFactory, records: list[Record]
) -> None:
    folder = tmp_path_factory.mktemp("trip")
    original = Ledger(records)
    save(original, folder / "a.csv")
    from_csv = aidledger.load(folder / "a.csv")
    assert list(from_csv) == list(original)
    save(from_csv, folder / "b.json")
    from_json = aidledger.load(folder / "b.json")
    save(from_json, folder / "c.csv")
    assert (folder / "c.csv").read_bytes() == (folder / "a.csv").read_bytes()
    assert _table_text(aidledger.load(folder / "c.csv")) == _table_text(from_csv)


@given(records=s.wide_records())
def test_json_to_csv_to_json_is_lossless(
    tmp_path_factory: pytest.TempPathFactory, records: list[Record]
) -> None:
    folder = tmp_path_factory.mktemp("trip")
    save(Ledger(records), folder / "a.json")
    from_json = aidledger.load(folder / "a.json")
    assert list(from_json) == records_with_keys(records, from_json)
    save(from_json, folder / "b.csv")
    save(aidledger.load(folder / "b.csv"), folder / "c.json")
    assert (folder / "c.json").read_bytes() == (folder / "a.json").read_bytes()


def records_with_keys(records: list[Record], ledger: Ledger) -> list[Record]:
    """*records* with their system names resolved as the ledger resolves them."""
    import attrs

    return [
        attrs.evolve(
            r, system=(ledger.catalog.resolve(r.system) or r.system) if r.system else None
        )
        for r in records
    ]


def test_saving_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ledger.csv"
    save(aidledger.bundled(), target)
    before = target.read_bytes()

    def crash(stream: object, ledger: object, **options: object) -> None:
        stream.write("id,date\nhalf a led")  # type: ignore[attr-defined]
        raise OSError("disk full")

    monkeypatch.setattr("aidledger.io.write_csv", crash)
    with pytest.raises(OSError, match="disk full"):
        save(aidledger.bundled(), target)
    assert target.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["ledger.csv"]


def test_formulas_are_neutralized_only_when_asked(tmp_path: Path) -> None:
    record = Record(
        id="=cmd()",
        date="2023-01-01",
        donor="US",
        status="pledged",
        source="+1 source",
        note="@SUM(A1)",
        authority="-x",
        part_of="\tp",
    )
    ledger = Ledger([record])
    save(ledger, tmp_path / "plain.csv")
    assert list(aidledger.load(tmp_path / "plain.csv")) == [record]
    save(ledger, tmp_path / "sheet.csv", neutralize_formulas=True)
    text = (tmp_path / "sheet.csv").read_text()
    assert "'=cmd()" in text and "'+1 source" in text and "'@SUM(A1)" in text
    assert "'-x" in text and "'\tp" in text
    with pytest.raises(ValueError, match="CSV files only"):
        save(ledger, tmp_path / "x.json", neutralize_formulas=True)


def test_convert_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "convert",
                str(Path(aidledger.__file__).parent / "data" / "ledger.csv"),
                str(tmp_path / "l.json"),
            ]
        )
        == 0
    )
    assert main(["convert", str(tmp_path / "l.json"), str(tmp_path / "l.jsonl")]) == 0
    assert list(aidledger.load(tmp_path / "l.jsonl")) == list(aidledger.bundled())
    assert main(["convert", str(tmp_path / "l.json"), str(tmp_path / "l.ods")]) == 2
    assert "has no known ledger extension" in capsys.readouterr().err
    assert main(["convert", str(tmp_path / "l.json"), str(tmp_path / "missing" / "l.csv")]) == 2
    assert "cannot be written" in capsys.readouterr().err
