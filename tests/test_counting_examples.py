"""The worked examples of docs/counting-rules.md (tests/fixtures/counting): each must give its figures."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import aidledger
from aidledger.fx import load_rates

COUNTING = Path(__file__).parent / "fixtures" / "counting"
CASES = sorted(COUNTING.glob("*.expected.json"))


def _cases() -> list[tuple[Path, str, dict[str, Any]]]:
    found = []
    for expected in CASES:
        for key, donors in json.loads(expected.read_text()).items():
            found.append((expected, key, donors))
    return found


def _decimals(amounts: dict[str, str]) -> dict[str, Decimal]:
    return {currency: Decimal(text) for currency, text in amounts.items()}


@pytest.mark.parametrize(
    ("expected", "key", "donors"),
    _cases(),
    ids=[f"{path.name.split('.')[0]}@{key}" for path, key, _ in _cases()],
)
def test_worked_example(expected: Path, key: str, donors: dict[str, Any]) -> None:
    ledger = aidledger.load(COUNTING / expected.name.replace(".expected.json", ".csv"))
    as_of, *options = key.split()
    currency = rates = None
    if options:
        assert options[0] == "--currency" and options[2] == "--rates"
        currency, rates = options[1], load_rates(COUNTING / options[3])
    summary = ledger.summarize(as_of=as_of, currency=currency, rates=rates)
    got = summary.to_dict()
    assert [d["donor"] for d in got["donors"]] == sorted(donors)
    for entry in got["donors"]:
        want = donors[entry["donor"]]
        assert _decimals(entry["committed"]) == _decimals(want["committed"])
        assert _decimals(entry["delivered"]) == _decimals(want["delivered"])
        assert entry["pledges"] == want["pledges"]
        assert entry["undisclosed_value"] == want["undisclosed_value"]
        systems = [
            {k: line[k] for k in ("system", "committed", "delivered", "undisclosed_quantity")}
            for line in entry["systems"]
        ]
        assert systems == want["systems"]
        for total in ("committed_total", "delivered_total"):
            if total in want:
                assert entry[total] == want[total]
            else:
                assert entry[total] is None


def test_every_example_is_covered() -> None:
    assert len(CASES) == 8
    assert all(
        path.with_name(path.name.replace(".expected.json", ".csv")).exists() for path in CASES
    )
