"""Load time of a ledger with one stray quote, from 10,000 to 100,000 lines.

    python benchmarks/stray_quote.py [--lines 10000 20000 50000 100000]

A quote inside an unquoted field (``5" gun``) is a character like any other (the file
loads), and a quote that opens a field and is never closed is reported on the line where
it opens (line 12 here): either
way the reader scans the text once, so the time per line stays flat as the file grows
(a reader that counted quotes from the start of a growing block again and again took
~30 s for 30,000 lines). Prints the seconds and microseconds per line for each size; not
run by the test suite (tests/test_csv_load.py has a fast check of the same).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import aidledger
from aidledger import LoadError

HEADER = "id,date,donor,system,quantity,amount,currency,status,note\n"
ROW = "p{n},2023-01-01,US,HIMARS,1,100,USD,pledged,a note, with no quote\n"
STRAYS = {
    "inside a field": 'q,2023-01-01,US,5" gun,1,100,USD,pledged,\n',
    "left open": 'q,2023-01-01,US,"HIMARS,1,100,USD,pledged,\n',
}


def write(folder: Path, lines: int, stray: str) -> Path:
    path = folder / f"stray-{lines}.csv"
    rows = [ROW.format(n=n).replace(", with", " with") for n in range(lines)]
    rows[10] = stray
    path.write_text(HEADER + "".join(rows))
    return path


def seconds(path: Path) -> tuple[float, str]:
    """How long loading *path* takes, and what it says (``loads`` or the first problem)."""
    start = time.perf_counter()
    outcome = "loads"
    try:
        aidledger.load(path)
    except LoadError as error:
        outcome = f"line {error.line}: {error.reason}"
    return time.perf_counter() - start, outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 20_000, 50_000, 100_000])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="aidledger-stray-"))
    seconds(write(folder, 100, STRAYS["inside a field"]))  # warm the caches
    for kind, stray in STRAYS.items():
        for lines in args.lines:
            path = write(folder, lines, stray)
            runs = [seconds(path) for _ in range(3)]
            taken = min(time for time, _ in runs)
            print(
                f"{kind:15} {lines:>8} lines  {taken:7.3f} s  "
                f"{taken / lines * 1e6:6.2f} µs/line  ({runs[0][1]})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
