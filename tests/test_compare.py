"""Two ledgers side by side (``aidledger.compare``): the differences, and the pledges that
explain them."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aidledger
from aidledger import Ledger, Record
from aidledger.cli import main
from aidledger.comparison import CHANGED, ONLY_A, ONLY_B
from tests import strategies as s

AS_OF = st.integers(min_value=-1, max_value=42).map(
    lambda n: s.FIRST_DAY + datetime.timedelta(days=n)
)


def _record(**fields: object) -> Record:
    values = {"date": "2023-01-10", "donor": "PL", "status": "pledged", **fields}
    return Record(**values)  # type: ignore[arg-type]


def test_a_revised_value_is_explained_by_its_pledge() -> None:
    release = Ledger([_record(id="p", amount="100", currency="EUR"),
                      _record(id="gone", amount="5", currency="EUR"),
                      _record(id="tanks", system="T-72M1", quantity=10)])  # fmt: skip
    revised = Ledger([_record(id="p", amount="120", currency="EUR"),
                      _record(id="new", amount="7", currency="EUR"),
                      _record(id="tanks", system="T-72M1", quantity=14)])  # fmt: skip
    entry = aidledger.compare(release, revised, names=("R20", "R21"))["PL"]
    assert entry.committed_difference == {"EUR": Decimal("22")}
    assert [(c.id, c.change, c.fields) for c in entry.pledges] == [
        ("gone", ONLY_A, ()),
        ("new", ONLY_B, ()),
        ("p", CHANGED, ("counted_amount",)),
        ("tanks", CHANGED, ("counted_quantity",)),
    ]
    (tanks,) = entry.systems
    assert (tanks.system, tanks.committed_difference) == ("t-72", 4)
    assert [c.id for c in tanks.pledges] == ["tanks"]


def test_a_pledge_cancelled_in_one_ledger_is_a_change_of_activity() -> None:
    a = Ledger([_record(id="p", amount="100", currency="EUR")])
    b = Ledger([_record(id="p", amount="100", currency="EUR", status="cancelled")])
    (change,) = aidledger.compare(a, b)["PL"].pledges
    assert (change.change, change.fields) == (CHANGED, ("active",))


def test_a_donor_in_one_ledger_only_is_compared_with_nothing() -> None:
    a = Ledger([_record(id="p", amount="100", currency="EUR")])
    b = Ledger([_record(id="q", donor="CZ", amount="3", currency="EUR")])
    comparison = aidledger.compare(a, b)
    assert [(e.donor, e.a is None, e.b is None) for e in comparison] == [
        ("CZ", True, False),
        ("PL", False, True),
    ]
    assert comparison["CZ"].committed_difference == {"EUR": Decimal("3")}


@given(records=s.record_lists(max_pledges=8), as_of=AS_OF)
def test_a_ledger_compared_with_itself_has_no_differences(
    records: list[Record], as_of: datetime.date
) -> None:
    ledger = Ledger(records)
    assert aidledger.compare(ledger, Ledger(records), as_of=as_of).differences == ()


@given(a=s.record_lists(max_pledges=8), b=s.record_lists(max_pledges=8), as_of=AS_OF)
def test_the_changed_pledges_add_up_to_the_difference(
    a: list[Record], b: list[Record], as_of: datetime.date
) -> None:
    comparison = aidledger.compare(Ledger(a), Ledger(b), as_of=as_of)
    for entry in comparison:
        explained: Counter[str] = Counter()
        units: Counter[str] = Counter()
        for change in entry.pledges:
            for sign, state in ((-1, change.a), (1, change.b)):
                if state is None or not state.active:
                    continue
                if state.counted_amount is not None:
                    explained[state.currency] += sign * state.counted_amount  # type: ignore[index]
                if state.counted_quantity is not None:
                    units[state.system] += sign * state.counted_quantity  # type: ignore[index]
        difference = {c: d for c, d in entry.committed_difference.items() if d}
        assert {c: d for c, d in explained.items() if d} == difference
        lines = {line.system: line.committed_difference for line in entry.systems}
        assert {k: v for k, v in units.items() if v} == {k: v for k, v in lines.items() if v}


def test_the_json_names_both_sides() -> None:
    a = Ledger([_record(id="p", amount="100", currency="EUR")])
    b = Ledger([_record(id="p", amount="120.50", currency="EUR")])
    data = aidledger.compare(a, b, names=("mine.csv", "kiel.xlsx")).to_dict()
    assert data["format"] == "aidledger-comparison/1"
    assert data["names"] == {"a": "mine.csv", "b": "kiel.xlsx"}
    (entry,) = data["donors"]
    assert entry["committed_difference"] == {"EUR": "20.50"}
    assert entry["a"]["committed"] == {"EUR": "100"}
    (change,) = entry["pledges"]
    assert (change["id"], change["change"], change["b"]["counted_amount"]) == (
        "p",
        "changed",
        "120.50",
    )


def _ledgers(tmp_path: Path) -> tuple[Path, Path]:
    header = "id,date,donor,system,quantity,amount,currency,status\n"
    a = tmp_path / "r20.csv"
    b = tmp_path / "r21.csv"
    a.write_text(
        header
        + "pl-1,2023-01-10,PL,,,100,EUR,pledged\n"
        + "pl-tanks,2023-01-10,PL,T-72M1,10,,,pledged\n"
        + "fr-amx,2023-01-10,FR,AMX-10 RC,,,,pledged\n",
        encoding="utf-8",
    )
    b.write_text(
        header
        + "pl-1,2023-01-10,PL,,,120,EUR,pledged\n"
        + "pl-tanks,2023-01-10,PL,T-72M1,14,,,pledged\n"
        + "fr-amx,2023-01-10,FR,AMX-10 RC,,,,pledged\n",
        encoding="utf-8",
    )
    return a, b


def test_the_compare_command_shows_what_differs_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _ledgers(tmp_path)
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("r20.csv and r21.csv as of January 10, 2023")
    assert "Differences are r21.csv minus r20.csv" in out
    assert "Poland (PL)" in out and "+€20" in out
    assert "France" not in out  # the same on both sides: not a difference
    assert "pl-tanks" in out and "+4" in out


def test_the_compare_command_writes_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _ledgers(tmp_path)
    assert main(["compare", str(a), str(b), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["names"] == {"a": "r20.csv", "b": "r21.csv"}
    poland = next(entry for entry in data["donors"] if entry["donor"] == "PL")
    assert poland["committed_difference"] == {"EUR": "20"}
    assert main(["compare", str(a), str(b), "--format", "markdown", "--locale", "de"]) == 0
    assert "# r20.csv und r21.csv, Stand 10. Januar 2023" in capsys.readouterr().out
    assert main(["compare", str(a), str(b), "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>") and "pl-tanks" in page


def test_an_undisclosed_side_is_never_shown_as_a_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, _ = _ledgers(tmp_path)
    b = tmp_path / "mine.csv"
    b.write_text(
        "id,date,donor,system,quantity,amount,currency,status\n"
        "pl-mine,2023-01-10,PL,,,,,pledged\n",
        encoding="utf-8",
    )
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "none disclosed (1 pledge)" in out
    assert "€0" not in out


def test_ledgers_that_agree_say_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, _ = _ledgers(tmp_path)
    assert main(["compare", str(a), str(a)]) == 0
    assert "The two ledgers give the same figures." in capsys.readouterr().out
