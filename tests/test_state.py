"""The state of each pledge as of a date (``Ledger.state``): the table to query instead of
the records, whose counted columns add up to the summary."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aidledger
from aidledger import UNDISCLOSED, Ledger, Record
from aidledger.cli import main
from aidledger.frames import SCHEMAS
from tests import strategies as s

AS_OF = st.integers(min_value=-1, max_value=42).map(
    lambda n: s.FIRST_DAY + datetime.timedelta(days=n)
)


def _sums(ledger: Ledger, as_of: datetime.date) -> dict[str, object]:
    """What the summary says, in the shape of sums over the state table."""
    summary = ledger.summarize(as_of=as_of)
    money: Counter[tuple[str, str, str, str]] = Counter()
    units: Counter[tuple[str, str, str, str]] = Counter()
    pledges: Counter[tuple[str, str]] = Counter()
    for entry in summary:
        party = (entry.donor, entry.recipient)
        for which, amounts in (("committed", entry.committed), ("delivered", entry.delivered)):
            for currency, value in amounts.items():
                if value.amount:
                    money[(*party, currency, which)] += value.amount
        for line in entry.systems:
            units[(*party, line.system, "committed")] += line.committed
            units[(*party, line.system, "delivered")] += line.delivered
        pledges[party] += entry.pledges
    return {"money": +money, "units": +units, "pledges": +pledges}


def _table_sums(ledger: Ledger, as_of: datetime.date) -> dict[str, object]:
    money: Counter[tuple[str, str, str, str]] = Counter()
    units: Counter[tuple[str, str, str, str]] = Counter()
    pledges: Counter[tuple[str, str]] = Counter()
    for row in ledger.state(as_of=as_of):
        party = (row.donor, row.recipient)
        if row.counted_amount is not None:
            money[(*party, row.currency, "committed")] += row.counted_amount  # type: ignore[arg-type]
        if row.counted_delivered_amount is not None:
            money[(*party, row.currency, "delivered")] += row.counted_delivered_amount  # type: ignore[arg-type]
        if row.counted_quantity is not None:
            units[(*party, row.system, "committed")] += row.counted_quantity  # type: ignore[arg-type]
        if row.counted_delivered_quantity is not None:
            units[(*party, row.system, "delivered")] += row.counted_delivered_quantity  # type: ignore[arg-type]
        if row.active and row.top_level:
            pledges[party] += 1
    return {"money": +money, "units": +units, "pledges": +pledges}


@given(records=s.record_lists(max_pledges=10), as_of=AS_OF)
def test_summing_the_counted_columns_gives_the_summary(
    records: list[Record], as_of: datetime.date
) -> None:
    ledger = Ledger(records)
    assert _table_sums(ledger, as_of) == _sums(ledger, as_of)


@given(records=s.record_lists(max_pledges=10), as_of=AS_OF)
def test_the_table_has_one_row_per_pledge_that_exists(
    records: list[Record], as_of: datetime.date
) -> None:
    state = Ledger(records).state(as_of=as_of)
    ids = [row.id for row in state]
    assert len(ids) == len(set(ids))
    assert set(ids) == {r.id for r in records if r.date <= as_of}
    for row in state:
        assert row.date <= as_of
        assert row.money_counted <= row.active
        assert (row.package is None) == row.top_level


def _revised() -> Ledger:
    return Ledger(
        [
            Record(id="p", date="2023-01-10", donor="PL", status="pledged",
                   amount="100", currency="EUR"),
            Record(id="p", date="2023-02-10", donor="PL", status="pledged",
                   amount="120", currency="EUR"),
            Record(id="pkg", date="2023-01-10", donor="PL", status="pledged",
                   amount="50", currency="EUR"),
            Record(id="pkg.tanks", date="2023-01-10", donor="PL", system="T-72 Ural",
                   quantity=10, amount="30", currency="EUR", status="pledged",
                   part_of="pkg", delivered_quantity=UNDISCLOSED),
        ]
    )  # fmt: skip


def test_a_row_says_what_counts_and_where() -> None:
    rows = {row.id: row for row in _revised().state(as_of="2023-03-01")}
    assert rows["p"].amount == Decimal("120") and rows["p"].date == datetime.date(2023, 2, 10)
    tanks = rows["pkg.tanks"]
    assert (tanks.system, tanks.variant, tanks.package) == ("t-72", "T-72 Ural", "pkg")
    assert (tanks.active, tanks.money_counted, tanks.top_level) == (True, False, False)
    assert (tanks.counted_quantity, tanks.counted_amount) == (10, None)
    # Delivered in part, how many not given: flagged, never a number.
    assert (tanks.delivered_quantity, tanks.delivered_quantity_undisclosed) == (None, True)
    assert rows["pkg"].counted_amount == Decimal("50")


def test_duckdb_over_the_state_table_counts_a_history_once(tmp_path: Path) -> None:
    path = tmp_path / "state.parquet"
    _revised().state(as_of="2023-03-01").write_parquet(path)
    assert duckdb.sql(f"SELECT sum(counted_amount) FROM '{path}'").fetchall() == [
        (Decimal("170"),)
    ]
    assert duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall() == [(3,)]


def test_the_records_have_the_schema() -> None:
    (first, *_) = aidledger.bundled().state(as_of="2023-01-05").to_records()
    assert list(first) == list(SCHEMAS["state"])
    assert first["status"] == "pledged"


def test_an_empty_ledger_has_an_empty_state() -> None:
    state = Ledger().state()
    assert (state.as_of, len(state)) == (None, 0)


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_the_state_command_writes_the_table(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"states{suffix}"
    assert main(["state", "--as-of", "2023-01-05", "-o", str(out)]) == 0
    expected = len(aidledger.bundled().state(as_of="2023-01-05"))
    if suffix == ".json":
        rows = json.loads(out.read_text(encoding="utf-8"))
        assert len(rows) == expected and rows[0]["as_of"] == "2023-01-05"
    elif suffix == ".csv":
        lines = out.read_text(encoding="utf-8").splitlines()
        assert lines[0].split(",") == list(SCHEMAS["state"])
        assert len(lines) == expected + 1
    else:
        assert duckdb.sql(f"SELECT count(*) FROM '{out}'").fetchall() == [(expected,)]


def test_the_state_command_refuses_other_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["state", "-o", str(tmp_path / "states.txt")]) == 2
    assert "is written as .csv, .json, .parquet" in capsys.readouterr().err
    assert not (tmp_path / "states.txt").exists()
