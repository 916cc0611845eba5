"""Time aidledger against a plain stdlib script, pandas and DuckDB; write RESULTS.md.

    python benchmarks/run.py [--sizes 10000 1000000] [--runs 5] [--output benchmarks/RESULTS.md]

For each size, a deterministic ledger is generated (benchmarks/generate.py) once. Then,
interleaved run by run so that a slow moment of the machine hits every contender alike,
each contender runs as a whole process from the CSV on disk to its totals: aidledger as
``python -m aidledger summary FILE --format json``, the others as benchmarks/contenders.py.
Wall time and the process's peak memory (``wait4``'s ru_maxrss) are recorded; medians are
reported with the ratio to aidledger, and every contender's committed totals are checked
against aidledger's. A bare ``csv.reader`` pass over the file is timed the same way, as
the floor. Then, in one process, a loaded ledger answers summaries at many dates.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PYTHON = sys.executable

BARE_CSV = (
    "import csv, sys\n"
    "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
    "    for row in csv.reader(f): pass\n"
)


def _timed(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak MB and standard output of one process (under /usr/bin/time for
    the process's own peak; without it, the peak of all children so far)."""
    timer = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    start = time.perf_counter()
    done = subprocess.run([*timer, *command], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{command} failed: {done.stderr[-2000:]}")
    if timer:
        peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    else:
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak, done.stdout


def contenders(ledger: Path) -> dict[str, list[str]]:
    script = str(HERE / "contenders.py")
    return {
        "aidledger": [PYTHON, "-m", "aidledger", "summary", str(ledger), "--format", "json"],
        "stdlib csv + Decimal": [PYTHON, script, "stdlib", str(ledger)],
        "pandas": [PYTHON, script, "pandas", str(ledger)],
        "DuckDB": [PYTHON, script, "duckdb", str(ledger)],
        "bare csv.reader pass": [PYTHON, "-c", BARE_CSV, str(ledger)],
    }


def _totals(name: str, output: str) -> dict[str, dict[str, Decimal]]:
    data = json.loads(output)
    if name == "aidledger":
        return {
            d["donor"]: {c: Decimal(v) for c, v in d["committed"].items()} for d in data["donors"]
        }
    return {donor: {c: Decimal(v) for c, v in by.items()} for donor, by in data.items()}


def _cross_check(
    reference: dict[str, dict[str, Decimal]], other: dict[str, dict[str, Decimal]]
) -> str:
    reference = {d: by for d, by in reference.items() if by}
    if set(reference) != set(other):
        return f"donors differ: {sorted(set(reference) ^ set(other))}"
    worst = Decimal(0)
    for donor, by in reference.items():
        if set(by) != set(other[donor]):
            return f"{donor}: currencies differ"
        for currency, value in by.items():
            worst = max(worst, abs(value - other[donor][currency]))
    return "same totals, exactly" if worst == 0 else f"off by up to {worst} (floats)"


def measure(size: int, runs: int) -> dict[str, object]:
    ledger = OUT / f"ledger-{size}.csv"
    if not ledger.exists():
        subprocess.run(
            [PYTHON, str(HERE / "generate.py"), str(size), "-o", str(ledger)], check=True
        )
    commands = contenders(ledger)
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[float]] = {name: [] for name in commands}
    outputs: dict[str, str] = {}
    for _ in range(runs):
        for name, command in commands.items():
            elapsed, peak, output = _timed(command)
            times[name].append(elapsed)
            peaks[name].append(peak)
            outputs[name] = output
    reference = _totals("aidledger", outputs["aidledger"])
    checks = {
        name: _cross_check(reference, _totals(name, outputs[name]))
        for name in commands
        if name not in ("aidledger", "bare csv.reader pass")
    }
    return {
        "size": size,
        "bytes": ledger.stat().st_size,
        "times": times,
        "peaks": peaks,
        "checks": checks,
    }


def in_process(size: int, queries: int) -> dict[str, float]:
    """A loaded ledger answering summaries at *queries* dates, in this process."""
    import resource

    import aidledger

    ledger_path = OUT / f"ledger-{size}.csv"
    start = time.perf_counter()
    ledger = aidledger.load(ledger_path)
    loaded = time.perf_counter() - start
    span = ledger.dates
    assert span is not None
    first, last = span
    step = max(1, (last - first).days // queries)
    days = [first + datetime.timedelta(days=step * k) for k in range(queries)]
    # The first summary works out every pledge's figures for every day (the date index).
    start = time.perf_counter()
    ledger.summarize()
    indexed = time.perf_counter() - start
    # Three rounds of the same dates: the first also pays for collecting the garbage of
    # the index build; the median is what a notebook asking again and again sees.
    rounds = []
    for _ in range(3):
        start = time.perf_counter()
        for day in days:
            ledger.summarize(as_of=day)
        rounds.append(time.perf_counter() - start)
    answered = statistics.median(rounds)
    return {
        "load": loaded,
        "indexed": indexed,
        "first_round": rounds[0],
        "queries": float(queries),
        "answered": answered,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            names = [
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            ]
        cpu = f"{names[0]} x {len(names)}" if names else cpu
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {cpu}, Python {platform.python_version()}"


def report(
    results: list[dict[str, object]], series: dict[int, dict[str, float]], runs: int
) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.date.today().isoformat()} on {_machine()}",
        "by `python benchmarks/run.py`",
        f"(medians of {runs} interleaved runs; whole processes, from the CSV on disk to the",
        "totals; peak memory is the process's maximum resident set).",
        "",
    ]
    for result in results:
        size, times, peaks = result["size"], result["times"], result["peaks"]
        assert isinstance(times, dict) and isinstance(peaks, dict) and isinstance(size, int)
        ours = statistics.median(times["aidledger"])
        lines += [
            f"## {size:,} records ({int(result['bytes']) / 1e6:.0f} MB of CSV)",  # type: ignore[call-overload]
            "",
            "| contender | median s | min s | peak MB | time / aidledger | totals |",
            "|---|---:|---:|---:|---:|---|",
        ]
        checks = result["checks"]
        assert isinstance(checks, dict)
        for name in times:
            median = statistics.median(times[name])
            check = checks.get(name, "reference" if name == "aidledger" else "(reads only)")
            lines.append(
                f"| {name} | {median:.2f} | {min(times[name]):.2f} | "
                f"{statistics.median(peaks[name]):.0f} | {median / ours:.2f} | {check} |"
            )
        lines.append("")
    lines += _targets(results, series)
    for size, figures in series.items():
        lines += [
            f"## Summaries at many dates, {size:,} records, one process",
            "",
            f"Load {figures['load']:.2f} s; first summary, which builds the date index, "
            f"{figures['indexed']:.2f} s; then {int(figures['queries'])} summaries at different "
            f"dates {figures['answered']:.2f} s together, median of 3 rounds "
            f"({figures['answered'] / figures['queries'] * 1000:.0f} ms each; the first round "
            f"{figures['first_round']:.2f} s); "
            f"peak {figures['rss_mb']:.0f} MB.",
            "",
        ]
    return "\n".join(lines)


def _targets(results: list[dict[str, object]], series: dict[int, dict[str, float]]) -> list[str]:
    """The targets of issue 7 beside what was measured."""
    by_size = {int(r["size"]): r for r in results}  # type: ignore[call-overload]

    def median(size: int, name: str, what: str) -> float | None:
        if size not in by_size:
            return None
        values = by_size[size][what]
        assert isinstance(values, dict)
        return float(statistics.median(values[name]))

    rows: list[tuple[str, str, str, bool | None]] = []
    big = median(1_000_000, "aidledger", "times")
    floor = median(1_000_000, "bare csv.reader pass", "times")
    if big is not None and floor is not None:
        peak = median(1_000_000, "aidledger", "peaks")
        rows.append(
            ("1,000,000 records, CSV to JSON summary", "2.5 s", f"{big:.2f} s", big <= 2.5)
        )
        rows.append(
            (
                "... within 4x of a bare csv.reader pass",
                "4x",
                f"{big / floor:.1f}x",
                big <= 4 * floor,
            )
        )
        assert peak is not None
        rows.append(("... peak memory", "400 MB", f"{peak:.0f} MB", peak <= 400))
    small = median(10_000, "aidledger", "times")
    if small is not None:
        rows.append(("10,000 records, with start-up", "0.3 s", f"{small:.2f} s", small <= 0.3))
    for size, figures in series.items():
        rows.append(
            (
                f"{int(figures['queries'])} summaries at different dates, {size:,} records "
                "loaded and indexed",
                "1 s",
                f"{figures['answered']:.2f} s",
                figures["answered"] <= 1,
            )
        )
    peaks = {size: median(size, "aidledger", "peaks") for size in (100_000, 1_000_000)}
    if all(peak is not None for peak in peaks.values()):
        slope = (peaks[1_000_000] - peaks[100_000]) * 1024 * 1024 / 900_000  # type: ignore[operator]
        rows.append(("memory per record (100k to 1M)", "linear", f"{slope:.0f} bytes", None))
    lines = [
        "## Targets",
        "",
        "Where the time goes, and what would close the gap: [PROFILE.md](PROFILE.md).",
        "",
        "| target | bound | measured | met |",
        "|---|---:|---:|---|",
    ]
    lines += [
        f"| {what} | {bound} | {got} | {'(measured)' if met is None else 'yes' if met else 'no'} |"
        for what, bound, got, met in rows
    ]
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    results = [measure(size, args.runs) for size in args.sizes]
    series = {max(args.sizes): in_process(max(args.sizes), args.queries)}
    text = report(results, series, args.runs)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
