"""Fuzz every loader for a fixed number of examples, outside the test suite.

    python benchmarks/fuzz.py [--examples 100000] [--seed 0]

Runs the fuzz properties of tests/test_robustness.py (arbitrary CSV-like text, arbitrary
bytes as .csv/.json/.jsonl, arbitrary JSON documents and records) with many more examples
than CI does, and prints how many ran and how long it took. Any exception other than
aidledger's LoadError is a failure, printed with the input that caused it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_robustness import (
    JSON_VALUES,
    RECORDS,
    csv_texts,
    fuzz_bytes,
    fuzz_csv_text,
    fuzz_json,
)


def run(examples: int, chosen_seed: int) -> int:
    folder = Path(tempfile.mkdtemp(prefix="aidledger-fuzz-"))
    config = settings(
        max_examples=examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    counts = {"csv": 0, "bytes": 0, "json": 0}

    @seed(chosen_seed)
    @config
    @given(text=st.one_of(csv_texts(), st.text()))
    def csv_text(text: str) -> None:
        counts["csv"] += 1
        fuzz_csv_text(folder, text)

    @seed(chosen_seed)
    @config
    @given(data=st.binary(max_size=400))
    def any_bytes(data: bytes) -> None:
        counts["bytes"] += 1
        fuzz_bytes(folder, data)

    @seed(chosen_seed)
    @config
    @given(records=st.lists(st.one_of(RECORDS, JSON_VALUES), max_size=6), top=JSON_VALUES)
    def json_documents(records: list[object], top: object) -> None:
        counts["json"] += 1
        fuzz_json(folder, records, top)

    failed = 0
    for target in (csv_text, any_bytes, json_documents):
        start = time.perf_counter()
        try:
            target()
            verdict = "ok"
        except Exception as error:  # a failure: report it and go on with the others
            failed += 1
            verdict = f"FAILED: {type(error).__name__}: {error}"
        print(f"{target.__name__:15} {time.perf_counter() - start:8.1f} s  {verdict}")
    print(f"examples run: {counts}")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    return run(args.examples, args.seed)


if __name__ == "__main__":
    sys.exit(main())
