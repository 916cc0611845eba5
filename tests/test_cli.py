"""The ``aidledger`` command: its output, exit statuses and error messages (docs/cli.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aidledger.cli import main

HEADER = "id,date,donor,system,quantity,amount,currency,status\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_summary_json_of_the_bundled_ledger(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "summary", "--as-of", "2023-01-05", "--format", "json")
    assert status == 0, err
    data = json.loads(out)
    assert list(data) == ["format", "as_of", "currency", "recipients", "donors"]
    assert data["format"] == "aidledger-summary/1"
    assert data["as_of"] == "2023-01-05"
    assert data["currency"] is None
    assert data["recipients"] == ["UA"]
    assert [d["donor"] for d in data["donors"]] == ["DE", "FR", "US"]
    us = data["donors"][2]
    assert list(us) == [
        "donor",
        "recipient",
        "name",
        "committed",
        "delivered",
        "committed_total",
        "delivered_total",
        "pledges",
        "undisclosed_value",
        "undisclosed_delivered_value",
        "systems",
        "discussed",
        "checkpoints",
    ]
    assert (us["recipient"], us["name"]) == ("UA", "United States")
    assert us["committed"] == {"USD": "20870000000"}
    # The seed article says HIMARS had been sent, not how many: never 0, never a number.
    assert us["delivered"] == {} and us["undisclosed_delivered_value"] == 0
    assert us["committed_total"] is None and us["delivered_total"] is None
    himars = next(s for s in us["systems"] if s["system"] == "himars")
    assert himars == {
        "system": "himars",
        "name": himars["name"],
        "committed": 38,
        "delivered": 0,
        "undisclosed_quantity": 0,
        "undisclosed_delivered": 1,
        "variants": [
            {
                "variant": "himars",
                "committed": 38,
                "delivered": 0,
                "undisclosed_quantity": 0,
                "undisclosed_delivered": 1,
            }
        ],
    }
    assert [s["system"] for s in us["systems"]] == sorted(s["system"] for s in us["systems"])
    assert {
        "id": "us-pda-29.bradley",
        "system": "bradley",
        "variant": "bradley",
        "status": "considering",
        "date": "2023-01-04",
    } in us["discussed"]
    seed = next(c for c in us["checkpoints"] if c["date"] == "2023-01-05")
    assert (seed["stated"], seed["ledger"], seed["difference"], seed["within_tolerance"]) == (
        "21300000000",
        "20870000000",
        "-430000000",
        False,
    )
    france = data["donors"][1]
    assert france["undisclosed_value"] == 1 and france["pledges"] == 1


def test_summary_text_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "summary", "--as-of", "2023-01-05")
    assert status == 0
    assert "United States (US)" in out
    assert "$20.87B ($20,870,000,000.00)" in out
    assert "under consideration" in out


def test_summary_of_files_with_donor_filter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "l.csv"
    path.write_text(HEADER + "a,2023-01-01,US,,,5,USD,pledged\nb,2023-01-02,FR,,,7,EUR,pledged\n")
    status, out, _ = run(capsys, "summary", str(path), "--donor", "fr", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert data["as_of"] == "2023-01-02"
    assert [d["donor"] for d in data["donors"]] == ["FR"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["summary", "--as-of", "2023-02-30"],
            "argument --as-of: '2023-02-30' is not a date (YYYY-MM-DD)",
        ),
        (
            ["summary", "--donor", "XX"],
            "argument --donor: 'XX' is not an ISO 3166-1 alpha-2 country code or EU",
        ),
        (["summary", "--format", "pdf"], "argument --format: invalid choice: 'pdf'"),
        (["summary", "--locale", "xx_YY"], "unknown locale 'xx_YY'"),
        (["frobnicate"], "argument command: invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: command"),
    ],
)
def test_bad_usage_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert err.startswith("aidledger: error: ")
    assert message in err
    assert "Traceback" not in err


def test_unreadable_input_exits_2_with_a_located_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pledges.csv"
    path.write_text(HEADER + 'a,2023-01-01,US,,,"1,5",USD,pledged\n')
    status, out, err = run(capsys, "summary", str(path))
    assert status == 2
    assert out == ""
    assert err == f"aidledger: error: {path}:2: amount: '1,5' is not a decimal number\n"


def test_systems_lists_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "systems")
    assert status == 0
    assert any(line.startswith("himars ") for line in out.splitlines())


def test_the_installed_command_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aidledger.cli", "summary", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] == "2023-01-06"
