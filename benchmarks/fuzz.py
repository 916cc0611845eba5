"""Fuzz every loader and the mapping importer for a fixed number of examples, outside
the test suite.

    python benchmarks/fuzz.py [--examples 100000] [--seed 0] [--only csv bytes ...]

Runs the fuzz properties of tests/test_robustness.py with many more examples than CI does
(the suite runs each with the ``ci`` profile's 60): arbitrary CSV-like text and any text
as CSV, arbitrary bytes as .csv/.json/.jsonl, arbitrary JSON documents and records, any
lines as JSON Lines, and any cells through ``import csv`` with any source options. Each
must give a ledger that every format reads back exactly, or a LoadError whose every
problem is located in the file; anything else is a failure, printed with the input that
caused it. Prints how many examples ran and how long each target took.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_robustness import (
    GOOD,
    JSON_VALUES,
    MAPPINGS,
    RECORDS,
    SHEET_CELLS,
    csv_texts,
    fuzz_bytes,
    fuzz_csv_text,
    fuzz_import,
    fuzz_json,
    fuzz_jsonl,
)


def targets(folder: Path, config: settings, chosen_seed: int) -> dict[str, Callable[[], None]]:
    """Each fuzz target, as a hypothesis test run with *config*; counts in ``COUNTS``."""

    def counted(name: str) -> None:
        COUNTS[name] = COUNTS.get(name, 0) + 1

    @seed(chosen_seed)
    @config
    @given(text=st.one_of(csv_texts(), st.text()))
    def csv(text: str) -> None:
        counted("csv")
        fuzz_csv_text(folder, text)

    @seed(chosen_seed)
    @config
    @given(data=st.binary(max_size=400))
    def bytes_(data: bytes) -> None:
        counted("bytes")
        fuzz_bytes(folder, data)

    @seed(chosen_seed)
    @config
    @given(records=st.lists(st.one_of(RECORDS, JSON_VALUES), max_size=6), top=JSON_VALUES)
    def json_(records: list[object], top: object) -> None:
        counted("json")
        fuzz_json(folder, records, top)

    @seed(chosen_seed)
    @config
    @given(
        lines=st.lists(
            st.one_of(RECORDS.map(json.dumps), st.text(max_size=30), st.just(json.dumps(GOOD))),
            max_size=6,
        )
    )
    def jsonl(lines: list[str]) -> None:
        counted("jsonl")
        fuzz_jsonl(folder, lines)

    @seed(chosen_seed)
    @config
    @given(
        rows=st.lists(st.lists(SHEET_CELLS, min_size=6, max_size=8), max_size=6),
        options=MAPPINGS,
    )
    def import_(rows: list[list[str]], options: dict[str, object]) -> None:
        counted("import")
        fuzz_import(folder, rows, options)

    return {"csv": csv, "bytes": bytes_, "json": json_, "jsonl": jsonl, "import": import_}


COUNTS: dict[str, int] = {}


def run(examples: int, chosen_seed: int, only: list[str] | None) -> int:
    folder = Path(tempfile.mkdtemp(prefix="aidledger-fuzz-"))
    config = settings(
        max_examples=examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    failed = 0
    for name, target in targets(folder, config, chosen_seed).items():
        if only and name not in only:
            continue
        start = time.perf_counter()
        try:
            target()
            verdict = "ok"
        except Exception as error:  # a failure: report it and go on with the others
            failed += 1
            verdict = f"FAILED: {type(error).__name__}: {error}"
        taken = time.perf_counter() - start
        print(f"{name:8} {COUNTS.get(name, 0):>8} examples {taken:8.1f} s  {verdict}", flush=True)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", nargs="+", choices=("csv", "bytes", "json", "jsonl", "import"))
    args = parser.parse_args()
    return run(args.examples, args.seed, args.only)


if __name__ == "__main__":
    sys.exit(main())
