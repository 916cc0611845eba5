"""Validation: each check, its severity and its location; the command's exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import aidledger
from aidledger import Ledger, Record
from aidledger.cli import main
from aidledger.validate import Problem, Severity

HEADER = "id,date,donor,system,quantity,amount,currency,delivered_quantity,status,part_of\n"


def problems(tmp_path: Path, rows: str) -> list[Problem]:
    path = tmp_path / "l.csv"
    path.write_text(HEADER + rows)
    return aidledger.load(path).validate()


def kinds(found: list[Problem]) -> list[tuple[str, str, int | None]]:
    return [(p.kind, p.severity.value, p.line) for p in found]


def test_a_record_after_delivered_is_an_error(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "p,2023-01-01,US,,5,,,,pledged,\np,2023-02-01,US,,5,,,,delivered,\np,2023-03-01,US,,5,,,,pledged,\n",
    )
    assert kinds(found) == [("after-delivered", "error", 4)]
    assert found[0].message == (
        "pledge 'p' is 'pledged' on 2023-03-01, after it was delivered on 2023-02-01: "
        "delivered is final"
    )
    assert str(found[0]).startswith(f"{tmp_path}/l.csv:4: error: pledge 'p'")


def test_a_step_backwards_is_a_warning(tmp_path: Path) -> None:
    found = problems(
        tmp_path, "p,2023-01-01,US,,,,,,pledged,\np,2023-02-01,US,,,,,,considering,\n"
    )
    assert kinds(found) == [("backwards", "warning", 3)]
    # Cancelling and pledging again is no step backwards.
    assert (
        problems(
            tmp_path,
            "p,2023-01-01,US,,,,,,pledged,\np,2023-02-01,US,,,,,,cancelled,\np,2023-03-01,US,,,,,,pledged,\n",
        )
        == []
    )


def test_package_links(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "a,2023-01-01,US,,,,,,pledged,nowhere\n"
        "b,2023-01-01,US,,,,,,pledged,c\n"
        "c,2023-01-01,FR,,,,,,pledged,\n"
        "d,2023-01-01,US,,,,,,pledged,e\n"
        "e,2023-01-01,US,,,,,,pledged,d\n"
        "f,2023-01-01,US,,,,,,pledged,f\n",
    )
    assert kinds(found) == [
        ("unknown-package", "error", 2),
        ("foreign-package", "error", 3),
        ("package-cycle", "error", 5),
        ("package-cycle", "error", 6),
        ("package-cycle", "error", 7),
    ]
    assert "(d -> e -> d)" in found[2].message
    assert "(f -> f)" in found[4].message


def test_a_link_to_a_checkpoint_is_a_warning(tmp_path: Path) -> None:
    found = problems(
        tmp_path, "t,2023-01-01,US,,,5,USD,,reported,\ni,2023-01-02,US,,,,,,pledged,t\n"
    )
    assert ("checkpoint-package", "warning", 3) in kinds(found)


def test_unknown_systems_get_the_closest_names(tmp_path: Path) -> None:
    found = problems(tmp_path, "p,2023-01-01,US,Leopardd 2,,,,,pledged,\n")
    assert kinds(found) == [("unknown-system", "warning", 2)]
    assert found[0].message == (
        "system 'Leopardd 2' is not in the catalog (kept as written); closest: leopard-2, "
        + ", ".join(aidledger.default_catalog().closest("Leopardd 2")[1:])
    )


def test_a_cancelled_record_that_changes_figures_is_noted(tmp_path: Path) -> None:
    found = problems(
        tmp_path, "p,2023-01-01,US,,5,,,,pledged,\np,2023-02-01,US,,4,,,,cancelled,\n"
    )
    assert kinds(found) == [("cancelled-changed", "info", 3)]
    assert (
        problems(tmp_path, "p,2023-01-01,US,,5,,,,pledged,\np,2023-02-01,US,,5,,,,cancelled,\n")
        == []
    )


def test_duplicates_and_ignored_delivery_figures(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "p,2023-01-01,US,,5,,,,pledged,\np,2023-01-01,US,,5,,,,pledged,\nq,2023-01-01,US,,5,,,3,delivered,\n",
    )
    assert kinds(found) == [("duplicate", "warning", 3), ("delivered-figures", "warning", 4)]
    assert found[0].message == "record of pledge 'p' repeats the one at line 2 exactly"


def test_checkpoints_are_reconciled(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "a,2023-01-01,US,,,100,USD,,pledged,\n"
        "t1,2023-01-02,US,,,100,USD,,reported,\n"
        "t2,2023-01-02,US,,,200,USD,,reported,\n"
        "h,2023-01-02,US,himars,4,,,,pledged,\n"
        "t3,2023-01-03,US,himars,4,,,,reported,\n"
        "t4,2023-01-03,US,,,,,,reported,\n"
        "b,2023-01-04,US,,,5,EUR,,pledged,\n"
        "t5,2023-01-05,US,,,105,USD,,reported,\n",
    )
    assert kinds(found) == [
        ("checkpoint", "info", 3),
        ("checkpoint", "warning", 4),
        ("checkpoint", "info", 6),
        ("checkpoint", "error", 7),
        ("checkpoint", "warning", 9),
    ]
    assert found[1].message == (
        "checkpoint 't2' (2023-01-02, USD committed): stated 200, ledger 100, difference -100 "
        "(outside the tolerance of ±50)"
    )
    assert "not comparable: the ledger also holds EUR" in found[4].message


def test_json_locations_are_record_indexes(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    record = {"date": "2023-01-01", "donor": "US", "status": "pledged"}
    path.write_text(
        json.dumps(
            {
                "format": "aidledger/1",
                "records": [{**record, "id": "a"}, {**record, "id": "b", "part_of": "x"}],
            }
        )
    )
    (problem,) = aidledger.load(path).validate()
    assert (problem.file, problem.line, problem.record) == (str(path), None, 1)
    assert str(problem).startswith(f"{path}: records[1]: error: ")


def test_records_appended_in_python_are_located_by_position() -> None:
    ledger = Ledger([Record(id="a", date="2023-01-01", donor="US", status="pledged", part_of="x")])
    (problem,) = ledger.validate()
    assert (problem.file, problem.record, problem.kind) == (None, 0, "unknown-package")
    assert str(problem).startswith("records[0]: error: pledge 'a'")


def test_the_bundled_ledger_has_no_errors() -> None:
    found = aidledger.bundled().validate()
    assert {p.severity for p in found} == {Severity.WARNING, Severity.INFO}
    assert {p.kind for p in found} == {"checkpoint"}
    assert len(found) == 9


def test_the_validate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "0 errors, 6 warnings, 3 notes"
    assert "aidledger/data/ledger.csv:78: warning: checkpoint 'us-total-2023-01-05'" in out
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "a,2023-01-01,US,,,,,,pledged,nowhere\n")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 errors, 0 warnings, 0 notes"
    path.write_text(HEADER + "a,2023-01-01,US,,x,,,,pledged,\n")
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().out.splitlines() == [
        f"{path}:2: error: quantity: 'x' is not a whole number of units",
        "1 errors, 0 warnings, 0 notes (the files cannot be loaded; the ledger's own checks "
        "run once they can)",
    ]


def test_five_mistakes_make_five_located_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "typos.csv"
    path.write_text(
        "id,date,donor,system,quantity,amount,currency,status\n"
        "a,2023-01-01,Germany,HIMARS,4,,,pledged\n"
        "b,2023-01-01,US,HIMARS,-3,,,pledged\n"
        'c,2023-01-01,US,,,"1,5",USD,pledged\n'
        "d,2023-02-30,US,,,5,USD,pleged\n"
    )
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().out.splitlines() == [
        f"{path}:2: error: donor: 'Germany' is not an ISO 3166-1 alpha-2 country code or EU "
        "(did you mean 'DE'?)",
        f"{path}:3: error: quantity: '-3' is negative: quantities are 0 or more",
        f"{path}:4: error: amount: '1,5' is not a decimal number",
        f"{path}:5: error: date: '2023-02-30' is not a real date",
        f"{path}:5: error: status: 'pleged' is not a status: one of requested, considering, "
        "pledged, delivered, cancelled, reported (did you mean 'pledged'?)",
        "5 errors, 0 warnings, 0 notes (the files cannot be loaded; the ledger's own checks "
        "run once they can)",
    ]
    # Every other command says the same on stderr, one problem a line.
    assert main(["summary", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 5
    assert all(line.startswith(f"aidledger: error: {path}:") for line in err)


def test_validate_reads_every_file_and_sorts_by_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.csv"
    first.write_text(
        json.dumps(
            {
                "format": "aidledger/1",
                "records": [
                    {"id": "x", "date": "2023-01-01", "donor": "US", "status": "pledged"},
                    {"id": "y", "date": "2023-01-01", "donor": "US", "status": "Pledged"},
                ],
            }
        )
    )
    second.write_text(HEADER + "x,2023-01-01,FR,,,,,,pledged,\nz,2023-01-01,US,,x,,,,pledged,\n")
    assert main(["validate", str(second), str(first)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        f"{second}:3: error: quantity: 'x' is not a whole number of units",
        f"{first}: records[0]: error: donor: 'US' changes the pledge's donor (was 'FR' in its "
        "first record, line 2); donor, recipient, system and part_of are the same in every "
        "record of a pledge",
        f"{first}: records[1]: error: status: 'Pledged' is not a status: one of requested, "
        "considering, pledged, delivered, cancelled, reported (did you mean 'pledged'?)",
    ]
    assert [p.kind for p in aidledger.validate.load_problems(_refused(first, second))] == [
        "load"
    ] * 3


def _refused(*paths: Path) -> aidledger.LoadError:
    with pytest.raises(aidledger.LoadError) as caught:
        aidledger.load(*paths)
    return caught.value
