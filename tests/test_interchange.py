"""JSON, JSON Lines and CSV out: located errors, lossless round trips, atomic saves."""

from __future__ import annotations

import csv
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
            "pledges.json: has unknown keys (x); keys: format, records",
        ),
        (
            '{"format": "aidledger/1",\n "records": [}',
            "pledges.json:2: is not valid JSON: Expecting value (column 14)",
        ),
        (
            '{"format": "aidledger/1", "format": "aidledger/1", "records": []}',
            "pledges.json: format: appears twice in one object",
        ),
        (
            '{"format": "aidledger/1", "records": [{"quantity": NaN}]}',
            "pledges.json: records[0].id: required key 'id' is missing\n"
            "pledges.json: records[0].date: required key 'date' is missing\n"
            "pledges.json: records[0].donor: required key 'donor' is missing\n"
            "pledges.json: records[0].quantity: NaN is not a number a ledger can hold\n"
            "pledges.json: records[0].status: required key 'status' is missing",
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


# --- everything we write, we read: any text, any size, every format ----------------------

#: Every character a ledger's text may hold (all but NUL and lone surrogates), with the
#: line and paragraph separators, C0 and C1 controls and quotes drawn often.
_AWKWARD = st.sampled_from(
    ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e", "\x1f",
     "\x7f", "\x9b", "\x1b[2J", '"', '""', ",", "\ufeff", " ", "\t", "=1+1", "undisclosed"]
)  # fmt: skip
_TEXT = st.lists(st.one_of(s.texts(max_size=6), _AWKWARD), max_size=5).map("".join)
_SIZED = st.builds(
    lambda text, size, fill: text + fill * size,
    _TEXT,
    st.sampled_from([0, 0, 0, 0, 0, 0, 0, 1, 131_073]),  # (past the csv module's limit)
    st.sampled_from(["x", "é", '"', "\n", ",", "\u2028"]),
)
_DIGITS = st.from_regex(r"[0-9]{1,5}", fullmatch=True)
_AMOUNT = st.one_of(
    st.just(""), _DIGITS, st.builds(lambda w, f: f"{w}.{f}", _DIGITS, _DIGITS)
)  # (leading and trailing zeros included: "00012", "1.50")


@st.composite
def _written_rows(draw: st.DrawFn) -> list[list[str]]:
    """Rows of a ledger as a file holds them: one record per pledge, any text anywhere."""
    rows = []
    for number in range(draw(st.integers(0, 4))):
        amount = draw(_AMOUNT)
        delivered = draw(st.sampled_from(["", "undisclosed"]))
        rows.append(
            [
                f"{number}{draw(_TEXT)}",
                draw(s.dates).isoformat(),
                draw(st.sampled_from(s.DONORS)),
                draw(st.sampled_from(["", "UA", "MD"])),
                draw(_TEXT),
                draw(st.one_of(st.just(""), _DIGITS)),
                amount,
                draw(st.sampled_from(s.CURRENCIES)) if amount else "",
                draw(st.sampled_from(["", "undisclosed"])),
                delivered,
                draw(st.sampled_from([status.value for status in aidledger.Status])),
                draw(_TEXT),
                draw(_TEXT),
                draw(_TEXT),
                draw(_SIZED),
            ]
        )
    return rows


@given(rows=_written_rows())
def test_every_format_reads_back_what_it_wrote(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    folder = tmp_path_factory.mktemp("trip")
    source = folder / "source.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\r\n").writerows([list(aidledger.model.COLUMNS), *rows])
    first = aidledger.load(source)
    save(first, folder / "first.csv")
    expected = (folder / "first.csv").read_bytes()
    for suffix in (".csv", ".json", ".jsonl"):
        written = folder / f"written{suffix}"
        save(first, written)
        again = aidledger.load(written)
        assert _table_text(again) == _table_text(first), suffix
        save(again, folder / "back.csv")
        assert (folder / "back.csv").read_bytes() == expected, suffix


def test_an_amount_keeps_its_digits_on_every_path(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,date,donor,status,amount,currency\np,2023-01-01,US,pledged,00012.50,USD\n")
    ledger = aidledger.load(path)
    for suffix in (".csv", ".json", ".jsonl"):
        save(ledger, tmp_path / f"b{suffix}")
        assert aidledger.load(tmp_path / f"b{suffix}")._table.amount == ["00012.50"]
    assert '"amount": "00012.50"' in (tmp_path / "b.json").read_text()
    assert ledger[0].amount == Decimal("12.50")  # a Record holds the number


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"amount": NaN', "amount: NaN is not a number a ledger can hold"),
        ('"quantity": Infinity', "quantity: Infinity is not a number a ledger can hold"),
        ('"quantity": -Infinity', "quantity: -Infinity is not a number a ledger can hold"),
        ('"note": "a", "note": "b"', "note: appears twice in one record"),
        (
            '"quantity": ' + "1" * 5000,
            "quantity: 11111111111111111111... (5000 digits) has more than 4300 digits",
        ),
        (
            '"amount": ' + "1" * 5000,
            "amount: 11111111111111111111... (5000 digits) has more than 4300 digits",
        ),
    ],
)
def test_values_json_cannot_hold_are_located_by_record_and_field(
    tmp_path: Path, value: str, message: str
) -> None:
    good = '{"id": "a", "date": "2023-01-01", "donor": "US", "status": "pledged"}'
    bad = good[:-1] + ", " + value + "}"
    path = tmp_path / "pledges.json"
    path.write_text('{"format": "aidledger/1", "records": [' + f"{good},\n{good},\n{bad}]}}")
    assert load_error(path).startswith(f"pledges.json: records[2].{message}")
    path = tmp_path / "pledges.jsonl"
    path.write_text(f"{good}\n\n{bad}\n")
    assert load_error(path).startswith(f"pledges.jsonl:3: {message}")


def test_every_record_and_line_is_read_before_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pledges.jsonl"
    lines = [
        json.dumps({**RECORD, "id": "a", "donor": "Germany"}),
        "{oops",
        json.dumps({**RECORD, "id": "b"}),
        json.dumps({**RECORD, "id": "c", "status": "Pledged", "quantity": -1}),
    ]
    path.write_text("\n".join(lines) + "\n")
    assert load_error(path).splitlines() == [
        "pledges.jsonl:1: donor: 'Germany' is not an ISO 3166-1 alpha-2 country code or EU "
        "(did you mean 'DE'?)",
        "pledges.jsonl:2: is not valid JSON: Expecting property name enclosed in double quotes "
        "(column 2)",
        "pledges.jsonl:4: quantity: -1 is negative: quantities are 0 or more",
        "pledges.jsonl:4: status: 'Pledged' is not a status: one of requested, considering, "
        "pledged, delivered, cancelled, reported (did you mean 'pledged'?)",
    ]


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_bytes_that_are_not_utf8_are_located_by_line(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"pledges{suffix}"
    lines = [json.dumps({**RECORD, "id": "a"}), json.dumps({**RECORD, "id": "b", "note": "\x01"})]
    text = "\r".join(lines) if suffix == ".json" else "\n".join(lines)
    if suffix == ".json":
        text = '{"format": "aidledger/1", "records": [\r' + ",\r".join(lines) + "]}"
    path.write_bytes(text.replace("\\u0001", "\x01").encode().replace(b"\x01", b"\xff"))
    message = load_error(path)
    assert message.startswith(f"pledges{suffix}:{2 if suffix == '.jsonl' else 3}: is not UTF-8")
    path.write_bytes(text.encode("utf-16-le"))
    assert load_error(path) == (
        f"pledges{suffix}:1: is UTF-16 text (little-endian, no byte-order mark): save it as UTF-8"
    )
