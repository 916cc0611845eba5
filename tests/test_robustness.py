"""The bad-input contract (docs/interchange.md, "Bad input"): a corpus of malformed files, each with its expected
message, and fuzzing that feeds arbitrary text and JSON to every loader."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aidledger
from aidledger import LoadError
from aidledger.cli import main
from aidledger.errors import PROBLEM_LIMIT

CORPUS = Path(__file__).parent / "fixtures" / "malformed"
EXPECTED: dict[str, str | None] = json.loads((CORPUS / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_corpus(name: str) -> None:
    message = EXPECTED[name]
    if message is None:
        aidledger.load(CORPUS / name)  # loads: the defined outcome is acceptance
        return
    with pytest.raises(LoadError) as caught:
        aidledger.load(CORPUS / name)
    assert str(caught.value) == f"{CORPUS / name}".replace(name, "") + message


def test_every_corpus_file_is_listed() -> None:
    files = {path.name for path in CORPUS.iterdir()} - {"expected.json"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(n for n, m in EXPECTED.items() if m is not None))
def test_the_command_reports_the_corpus_without_a_traceback(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summary", str(CORPUS / name)]) == 2
    err = capsys.readouterr().err
    assert err == f"aidledger: error: {CORPUS / name}".replace(name, "") + f"{EXPECTED[name]}\n"


def test_a_10_mb_field_reads_from_every_format(tmp_path: Path) -> None:
    big = "x" * 10_000_000
    csv_path = tmp_path / "big.csv"
    csv_path.write_text(f"id,date,donor,status,note\np,2023-01-01,US,pledged,{big}\n")
    assert aidledger.load(csv_path)[0].note == big
    json_path = tmp_path / "big.json"
    record = {"id": "p", "date": "2023-01-01", "donor": "US", "status": "pledged", "note": big}
    json_path.write_text(json.dumps({"format": "aidledger/1", "records": [record]}))
    assert aidledger.load(json_path)[0].note == big


def test_deeply_nested_json(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format": "aidledger/1", "records": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(LoadError, match=r"deep\.json: is not a ledger: JSON nested too deeply"):
        aidledger.load(path)
    path.write_text('{"format": "aidledger/1", "records": [[[[]]]]}')
    with pytest.raises(LoadError, match=r"records\[0\]: is a JSON array, not a record object"):
        aidledger.load(path)


def test_a_big_json_ledger(tmp_path: Path) -> None:
    record = {
        "date": "2023-01-01",
        "donor": "US",
        "status": "pledged",
        "amount": "1.5",
        "currency": "EUR",
    }
    path = tmp_path / "big.json"
    path.write_text(
        json.dumps(
            {
                "format": "aidledger/1",
                "records": [{**record, "id": f"p{n}"} for n in range(20_000)],
            }
        )
    )
    assert aidledger.load(path).summarize()["US"].committed["EUR"].amount == 30_000


def test_a_quantity_with_thousands_of_digits(tmp_path: Path) -> None:
    digits = "9" * 5000
    path = tmp_path / "digits.json"
    path.write_text(
        '{"format": "aidledger/1", "records": [{"id": "p", "date": "2023-01-01", '
        f'"donor": "US", "status": "pledged", "quantity": {digits}}}]}}'
    )
    with pytest.raises(LoadError) as caught:
        aidledger.load(path)
    assert str(caught.value).endswith(
        "digits.json: records[0].quantity: 99999999999999999999... (5000 digits) "
        "has more than 4300 digits"
    )
    path = tmp_path / "digits.csv"
    path.write_text(f"id,date,donor,status,quantity\np,2023-01-01,US,pledged,{digits}\n")
    with pytest.raises(LoadError) as caught:
        aidledger.load(path)
    assert str(caught.value).endswith(
        "digits.csv:2: quantity: '" + "9" * 60 + "'... (5000 characters) has more than 4300 digits"
    )


# --- fuzzing: whatever comes in, only LoadError comes out ------------------------------

_FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
HEADERS = st.sampled_from(
    [
        "id,date,donor,status",
        "id,date,donor,system,quantity,amount,currency,status,part_of",
        "id,date,donor,recipient,system,quantity,amount,currency,delivered_quantity,"
        "delivered_amount,status,authority,part_of,source,note",
    ]
)
CELLS = st.one_of(
    st.sampled_from(["p", "q", "2023-01-01", "US", "UA", "himars", "5", "-1", "1.5", "USD",
                     "pledged", "delivered", "reported", "", '"', '""', ",", "\n", "\r", "NaN"]),
    st.text(max_size=6),
)  # fmt: skip


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    header = draw(st.one_of(HEADERS, st.text(max_size=20)))
    width = header.count(",") + 1
    rows = draw(
        st.lists(
            st.lists(CELLS, min_size=max(0, width - 1), max_size=width + 1).map(",".join),
            max_size=6,
        )
    )
    return "\n".join([header, *rows]) + draw(st.sampled_from(["", "\n", "\r\n"]))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
RECORD_KEYS = st.sampled_from(
    ["id", "date", "donor", "recipient", "system", "quantity", "amount", "currency",
     "delivered_quantity", "delivered_amount", "status", "authority", "part_of", "source", "note", "x"]
)  # fmt: skip
RECORD_VALUES = st.one_of(
    st.sampled_from(["p", "2023-01-01", "US", "pledged", "5", "1,5", "USD", "himars", ""]),
    JSON_VALUES,
)
RECORDS = st.dictionaries(RECORD_KEYS, RECORD_VALUES, max_size=8)
#: A record that loads: fuzzed lines beside it must not change how it reads.
GOOD = {"id": "g", "date": "2023-01-01", "donor": "US", "status": "pledged", "amount": "0012",
        "currency": "EUR", "note": "\u2028a\x85b\r\n"}  # fmt: skip


def _only_load_errors(path: Path) -> None:
    """Loading *path* gives a ledger that every format reads back as it was, or a
    LoadError whose every problem is located in the file: nothing else."""
    try:
        ledger = aidledger.load(path)
    except LoadError as error:
        _check_problems(error, path)
        return
    _check_ledger(ledger, path.parent)


def _check_problems(error: LoadError, path: Path) -> None:
    assert 1 <= len(error.problems) <= PROBLEM_LIMIT
    assert all(problem.file == str(path) for problem in error.problems)
    assert len(str(error).splitlines()) == len(error.problems) + (1 if error.more else 0)


def _check_ledger(ledger: aidledger.Ledger, folder: Path) -> None:
    ledger.summarize()
    ledger.validate()
    columns = [list(column) for _, column in ledger._table.columns()]
    for suffix in (".csv", ".json", ".jsonl"):
        again = folder / f"again{suffix}"
        aidledger.save(ledger, again)
        assert [list(c) for _, c in aidledger.load(again)._table.columns()] == columns, suffix


def fuzz_csv_text(folder: Path, text: str) -> None:
    """Arbitrary text as a CSV ledger (lone surrogates become bytes that are not UTF-8)."""
    path = folder / "f.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _only_load_errors(path)


def fuzz_bytes(folder: Path, data: bytes) -> None:
    """Arbitrary bytes as a CSV, JSON and JSON Lines ledger."""
    for name in ("f.csv", "f.json", "f.jsonl"):
        path = folder / name
        path.write_bytes(data)
        _only_load_errors(path)


def fuzz_json(folder: Path, records: list[object], top: object) -> None:
    """Arbitrary records in a ledger document, any JSON as a document, the records as
    JSON Lines."""
    path = folder / "f.json"
    for document in ({"format": "aidledger/1", "records": records}, top):
        path.write_text(json.dumps(document))
        _only_load_errors(path)
    lines = folder / "f.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in records))
    _only_load_errors(lines)


def fuzz_jsonl(folder: Path, lines: list[str]) -> None:
    """Any lines, records or not, as JSON Lines."""
    path = folder / "f.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    _only_load_errors(path)


MAPPINGS = st.fixed_dictionaries(
    {
        "delimiter": st.sampled_from([",", ";", "\t"]),
        "thousands": st.sampled_from([None, ",", ".", " "]),
        "blank": st.sampled_from([[""], ["", "?", "n/a"], ["-"]]),
        "format": st.sampled_from([None, "%d/%m/%Y", "%Y"]),
    }
)
SHEET_CELLS = st.one_of(
    CELLS,
    st.sampled_from(["Germany", "germany", "UK", "DEU", "1,400", "1.400,5", "?", "n/a",
                     "04/10/2022", "True", "False", "Maybe", "00012", "-3", "eur", "EURO"]),
)  # fmt: skip


def fuzz_import(folder: Path, rows: list[list[str]], options: dict[str, object]) -> None:
    """Any cells, through a mapping of any source options, as ``import csv`` reads them:
    a ledger that every format reads back, or located LoadErrors."""
    from aidledger.importers import mapping

    delimiter = str(options["delimiter"])
    source = folder / "sheet.csv"
    with source.open("w", encoding="utf-8", errors="surrogatepass", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
        writer.writerows([["ID", "Date", "Donor", "Count", "Value", "Currency", "Status"], *rows])
    date = "" if options["format"] is None else f", format = {json.dumps(options['format'])}"
    thousands = (
        "" if options["thousands"] is None else f"thousands = {json.dumps(options['thousands'])}"
    )
    rules = folder / "map.toml"
    rules.write_text(
        f"[source]\ndelimiter = {json.dumps(delimiter)}\nblank = {json.dumps(options['blank'])}\n"
        f"{thousands}\n[fields]\nid = 'ID'\ndate = {{ column = 'Date'{date} }}\n"
        "donor = 'Donor'\nquantity = 'Count'\namount = 'Value'\ncurrency = 'Currency'\n"
        "status = { column = 'Status', values = { 'True' = 'delivered', 'False' = 'pledged' },"
        " default = 'considering' }\n"
    )
    try:
        ledger, report = mapping.read(source, mapping.read_mapping(rules))
    except LoadError as error:
        _check_problems(error, source)
        return
    assert report.imported == len(ledger) <= report.rows
    _check_ledger(ledger, folder)


@_FUZZ
@given(text=st.one_of(csv_texts(), st.text()))
def test_fuzzed_csv_raises_only_load_errors(tmp_path: Path, text: str) -> None:
    fuzz_csv_text(tmp_path, text)


@_FUZZ
@given(data=st.binary(max_size=200))
def test_fuzzed_bytes_raise_only_load_errors(tmp_path: Path, data: bytes) -> None:
    fuzz_bytes(tmp_path, data)


@_FUZZ
@given(records=st.lists(st.one_of(RECORDS, JSON_VALUES), max_size=4), top=JSON_VALUES)
def test_fuzzed_json_raises_only_load_errors(
    tmp_path: Path, records: list[object], top: object
) -> None:
    fuzz_json(tmp_path, records, top)


@_FUZZ
@given(
    lines=st.lists(
        st.one_of(RECORDS.map(json.dumps), st.text(max_size=30), st.just(json.dumps(GOOD))),
        max_size=5,
    )
)
def test_fuzzed_json_lines_raise_only_load_errors(tmp_path: Path, lines: list[str]) -> None:
    fuzz_jsonl(tmp_path, lines)


@_FUZZ
@given(
    rows=st.lists(st.lists(SHEET_CELLS, min_size=6, max_size=8), max_size=5),
    options=MAPPINGS,
)
def test_fuzzed_imports_raise_only_load_errors(
    tmp_path: Path, rows: list[list[str]], options: dict[str, object]
) -> None:
    fuzz_import(tmp_path, rows, options)
