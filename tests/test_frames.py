"""Handing data on: plain records, pandas, Arrow, Parquet, and DuckDB reading it back."""

from __future__ import annotations

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given

import aidledger
from aidledger import Ledger, Record, Status
from aidledger.errors import MissingExtraError
from aidledger.frames import SCHEMAS, SUMMARY_TABLES
from aidledger.fx import RateTable
from tests import strategies as s

pandas = pytest.importorskip("pandas")
pyarrow = pytest.importorskip("pyarrow")
duckdb = pytest.importorskip("duckdb")

D = datetime.date


def _summary() -> aidledger.Summary:
    rates = RateTable.from_rows([("2022-01-03", "USD", "EUR", "0.9")])
    return aidledger.bundled().summarize(as_of="2023-01-05", currency="EUR", rates=rates)


def test_ledger_records_keep_python_types() -> None:
    records = aidledger.bundled().to_records()
    assert list(records[0]) == list(SCHEMAS["ledger"])
    first = records[0]
    assert first["date"] == D(2022, 2, 25)
    assert first["amount"] == Decimal("350000000") and isinstance(first["amount"], Decimal)
    assert (first["status"], first["system"], first["quantity"]) == ("pledged", None, None)
    stinger = next(r for r in records if r["id"] == "us-pda-05.stinger")
    assert (stinger["quantity"], stinger["part_of"]) == (800, "us-pda-05")


@pytest.mark.parametrize("table", SUMMARY_TABLES)
def test_summary_records_have_their_schema(table: str) -> None:
    rows = _summary().to_records(table)
    assert rows, table
    for row in rows:
        assert list(row) == list(SCHEMAS[table])
        assert row["as_of"] == D(2023, 1, 5)


def test_summary_tables_hold_the_figures() -> None:
    summary = _summary()
    (money,) = summary.to_records("money")
    assert (money["donor"], money["currency"], money["committed"]) == (
        "US",
        "USD",
        Decimal("20870000000"),
    )
    donors = {row["donor"]: row for row in summary.to_records("donors")}
    assert donors["US"]["committed_total"] == Decimal("18783000000.00")
    assert donors["FR"]["undisclosed_value"] == 1
    himars = next(r for r in summary.to_records("systems") if r["system"] == "himars")
    assert (himars["name"], himars["committed"]) == ("M142 HIMARS", 38)
    seed = next(r for r in summary.to_records("checkpoints") if r["date"] == D(2023, 1, 5))
    assert (seed["difference"], seed["within_tolerance"]) == (Decimal("-430000000"), False)
    assert {r["status"] for r in summary.to_records("discussed")} == {"requested", "considering"}
    assert summary.to_records("money", locale="de")[0]["name"] == "Vereinigte Staaten"
    with pytest.raises(ValueError, match="unknown table 'people'"):
        summary.to_records("people")


def test_pandas_never_holds_floats() -> None:
    frame = aidledger.bundled().to_pandas()
    assert str(frame["date"].dtype).startswith("datetime64")
    assert str(frame["quantity"].dtype) == "Int64"
    assert frame["amount"].dtype == object
    assert {type(v) for v in frame["amount"] if v is not None} == {Decimal}
    assert frame["amount"].dropna().sum() == Decimal("23945000000") + sum(
        Decimal(r.amount) for r in aidledger.bundled() if r.status is Status.REPORTED and r.amount
    )
    as_text = aidledger.bundled().to_pandas(amounts="str")
    assert as_text.loc[0, "amount"] == "350000000"
    money = _summary().to_pandas("donors")
    assert money.set_index("donor").loc["US", "committed_total"] == Decimal("18783000000.00")
    for column, dtype in money.dtypes.items():
        assert "float" not in str(dtype), column
    with pytest.raises(ValueError, match="'decimal' or 'str'"):
        aidledger.bundled().to_pandas(amounts="float")


def test_arrow_holds_exact_decimals() -> None:
    table = aidledger.bundled().to_arrow()
    assert table.schema.field("amount").type == pyarrow.decimal128(11, 0)
    assert table.schema.field("date").type == pyarrow.date32()
    assert table.column("amount").to_pylist()[0] == Decimal("350000000")
    wide = Ledger(
        [
            Record(
                id="a",
                date="2023-01-01",
                donor="US",
                status="pledged",
                amount="1.000000000000000000001",
                currency="USD",
            ),
            Record(
                id="b",
                date="2023-01-01",
                donor="US",
                status="pledged",
                amount="9" * 30,
                currency="USD",
            ),
        ]
    ).to_arrow()
    assert wide.schema.field("amount").type == pyarrow.decimal256(51, 21)
    assert wide.column("amount").to_pylist() == [
        Decimal("1.000000000000000000001"),
        Decimal("9" * 30),
    ]
    checks = _summary().to_arrow("checkpoints")
    assert checks.schema.field("within_tolerance").type == pyarrow.bool_()


def test_an_empty_ledger_gives_empty_tables() -> None:
    assert Ledger().to_records() == []
    assert len(Ledger().to_pandas()) == 0
    assert Ledger().to_arrow().num_rows == 0


@given(records=s.rising_record_lists(max_pledges=10))
def test_duckdb_over_parquet_gives_the_committed_totals(
    tmp_path_factory: pytest.TempPathFactory, records: list[Record]
) -> None:
    # One record per pledge (its latest): the SQL group-by is then the whole rule.
    latest = {r.id: r for r in sorted(records, key=lambda r: r.date)}
    one_each = [attrs.evolve(r, part_of=None) for r in latest.values()]
    ledger = Ledger(one_each)
    path = tmp_path_factory.mktemp("parquet") / "ledger.parquet"
    ledger.write_parquet(path)
    rows = duckdb.sql(
        f"SELECT donor, currency, sum(amount) FROM '{path}' "
        "WHERE status IN ('pledged', 'delivered') AND amount IS NOT NULL GROUP BY ALL"
    ).fetchall()
    got = {(donor, currency): Decimal(total) for donor, currency, total in rows}
    expected = {
        (entry.donor, currency): money.amount
        for entry in ledger.summarize(as_of=D(2100, 1, 1))
        for currency, money in entry.committed.items()
    }
    assert got == expected


def test_parquet_is_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "l.parquet"
    aidledger.bundled().write_parquet(target)
    before = target.read_bytes()

    def broken(table: object, where: object) -> None:
        Path(str(where)).write_bytes(b"PAR1 half")
        raise OSError("disk full")

    monkeypatch.setattr("pyarrow.parquet.write_table", broken)
    with pytest.raises(OSError, match="disk full"):
        aidledger.bundled().write_parquet(target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["l.parquet"]


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'aidledger\[pandas\]'"):
        aidledger.bundled().to_pandas()


def test_import_aidledger_stays_light() -> None:
    code = (
        "import sys, aidledger\n"
        "aidledger.bundled().summarize().render()\n"
        "heavy = {'pandas', 'pyarrow', 'numpy', 'matplotlib', 'currency_converter', 'duckdb',\n"
        "         'cattrs'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
