"""Time aidledger's two engines against a bare csv.reader pass, pandas and DuckDB; write
RESULTS.md.

    python benchmarks/run.py [--sizes 10000 100000 1000000 5000000] [--runs 5]
                             [--output benchmarks/RESULTS.md]

For each size, a deterministic ledger is generated (benchmarks/generate.py) once, and up
to ``--parquet-up-to`` records also written as Parquet by ``Ledger.write_parquet``. Then,
interleaved run by run so that a slow moment of the machine hits every contender alike,
each contender runs as a whole process from the file on disk to its totals: aidledger as
``python -m aidledger summary FILE --format json --engine columnar`` (and ``python``, up
to ``--pure-up-to`` records), the others as benchmarks/contenders.py. Wall time and the
process's peak memory are recorded; medians are reported with the ratio to the columnar
engine, and every contender's committed totals are checked against it. A bare
``csv.reader`` pass over the file is timed the same way, as the floor. Then, in one
process, a loaded ledger answers summaries at many dates. The machine's load average is
recorded before and after each size: other work on a small machine skews single runs,
not the interleaved medians' ratios.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
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
COLUMNAR = "aidledger columnar"
PURE = "aidledger python"
PARQUET = "aidledger columnar, Parquet"
BARE = "bare csv.reader pass"

BARE_CSV = (
    "import csv, sys\n"
    "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
    "    for row in csv.reader(f): pass\n"
)


def _timed(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak MiB and standard output of one process (under /usr/bin/time for
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


def _summary(path: Path, engine: str) -> list[str]:
    return [
        PYTHON,
        "-m",
        "aidledger",
        "summary",
        str(path),
        "--format",
        "json",
        "--engine",
        engine,
    ]


def contenders(ledger: Path, size: int, args: argparse.Namespace) -> dict[str, list[str]]:
    script = str(HERE / "contenders.py")
    found = {COLUMNAR: _summary(ledger, "columnar")}
    if size <= args.pure_up_to:
        found[PURE] = _summary(ledger, "python")
    if size <= args.parquet_up_to:
        found[PARQUET] = _summary(ledger.with_suffix(".parquet"), "columnar")
    if size <= args.pure_up_to:
        found["stdlib csv + Decimal"] = [PYTHON, script, "stdlib", str(ledger)]
    found["pandas"] = [PYTHON, script, "pandas", str(ledger)]
    found["DuckDB"] = [PYTHON, script, "duckdb", str(ledger)]
    found[BARE] = [PYTHON, "-c", BARE_CSV, str(ledger)]
    return found


def _totals(name: str, output: str) -> dict[str, dict[str, Decimal]]:
    data = json.loads(output)
    if name.startswith("aidledger"):
        return {
            d["donor"]: {c: Decimal(v) for c, v in d["committed"].items()} for d in data["donors"]
        }
    return {donor: {c: Decimal(v) for c, v in by.items()} for donor, by in data.items()}


def _cross_check(
    reference: dict[str, dict[str, Decimal]], other: dict[str, dict[str, Decimal]]
) -> str:
    reference = {d: by for d, by in reference.items() if by}
    other = {d: by for d, by in other.items() if by}
    if set(reference) != set(other):
        return f"donors differ: {sorted(set(reference) ^ set(other))}"
    worst = Decimal(0)
    for donor, by in reference.items():
        if set(by) != set(other[donor]):
            return f"{donor}: currencies differ"
        for currency, value in by.items():
            worst = max(worst, abs(value - other[donor][currency]))
    return "same totals, exactly" if worst == 0 else f"off by up to {worst} (floats)"


def _ledger(size: int, parquet: bool) -> Path:
    ledger = OUT / f"ledger-{size}.csv"
    if not ledger.exists():
        subprocess.run(
            [PYTHON, str(HERE / "generate.py"), str(size), "-o", str(ledger)], check=True
        )
    if parquet and not ledger.with_suffix(".parquet").exists():
        import aidledger

        aidledger.load(ledger).write_parquet(ledger.with_suffix(".parquet"))
    return ledger


def _load() -> float:
    return os.getloadavg()[0]


def measure(size: int, runs: int, args: argparse.Namespace) -> dict[str, object]:
    ledger = _ledger(size, size <= args.parquet_up_to)
    commands = contenders(ledger, size, args)
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[float]] = {name: [] for name in commands}
    outputs: dict[str, str] = {}
    load = [_load()]
    for _ in range(runs):
        for name, command in commands.items():
            elapsed, peak, output = _timed(command)
            times[name].append(elapsed)
            peaks[name].append(peak)
            outputs[name] = output
    load.append(_load())
    reference = _totals(COLUMNAR, outputs[COLUMNAR])
    checks = {
        name: _cross_check(reference, _totals(name, outputs[name]))
        for name in commands
        if name not in (COLUMNAR, BARE)
    }
    return {
        "size": size,
        "bytes": ledger.stat().st_size,
        "times": times,
        "peaks": peaks,
        "checks": checks,
        "load": load,
    }


def _own_peak_mb(fallback: float) -> float:
    """This process's own peak resident memory in MiB: Linux's ``VmHWM``, which a new
    program starts afresh (``ru_maxrss`` keeps the parent's peak at the fork, here the
    peak of loading a ledger to write its Parquet file); *fallback* elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return fallback


def in_process(size: int, queries: int) -> dict[str, float]:
    """A loaded ledger answering summaries at *queries* dates, in a process of its own
    (this one has written Parquet files: its peak memory is not the ledger's)."""
    done = subprocess.run(
        [PYTHON, __file__, "--dates-in-process", str(size), "--queries", str(queries)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def _dates_in_process(size: int, queries: int) -> dict[str, float]:
    """:func:`in_process`, in this process."""
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
    # The first summary builds the engine (for the columnar one: what every record adds,
    # over which days); the running sums by day are made when a second date is asked.
    start = time.perf_counter()
    ledger.summarize()
    indexed = time.perf_counter() - start
    # Three rounds of the same dates: the first also makes the running sums; the median
    # is what a notebook asking again and again sees.
    rounds = []
    for _ in range(3):
        start = time.perf_counter()
        for day in days:
            ledger.summarize(as_of=day)
        rounds.append(time.perf_counter() - start)
    return {
        "load": loaded,
        "indexed": indexed,
        "first_round": rounds[0],
        "queries": float(queries),
        "answered": statistics.median(rounds),
        "rss_mb": _own_peak_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "engine": 1.0 if ledger.engine == "columnar" else 0.0,
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
        f"(medians of {runs} interleaved runs; whole processes, from the file on disk to the",
        "totals; peak memory is the process's maximum resident set, in MiB).",
        "",
    ]
    for result in results:
        size, times, peaks = result["size"], result["times"], result["peaks"]
        assert isinstance(times, dict) and isinstance(peaks, dict) and isinstance(size, int)
        load = result["load"]
        assert isinstance(load, list)
        ours = statistics.median(times[COLUMNAR])
        floor = statistics.median(times[BARE])
        lines += [
            f"## {size:,} records ({int(result['bytes']) / 1e6:.0f} MB of CSV)",  # type: ignore[call-overload]
            "",
            f"Load average {load[0]:.1f} before, {load[1]:.1f} after.",
            "",
            "| contender | median s | min s | peak MiB | time / columnar | time / bare pass "
            "| totals |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        checks = result["checks"]
        assert isinstance(checks, dict)
        for name in times:
            median = statistics.median(times[name])
            check = checks.get(name, "reference" if name == COLUMNAR else "(reads only)")
            lines.append(
                f"| {name} | {median:.2f} | {min(times[name]):.2f} | "
                f"{statistics.median(peaks[name]):.0f} | {median / ours:.2f} | "
                f"{median / floor:.2f} | {check} |"
            )
        lines.append("")
    lines += _targets(results, series)
    for size, figures in series.items():
        engine = "columnar" if figures["engine"] else "python"
        lines += [
            f"## Summaries at many dates, {size:,} records, one process ({engine} engine)",
            "",
            f"Load {figures['load']:.2f} s; first summary, which builds the engine, "
            f"{figures['indexed']:.2f} s; then {int(figures['queries'])} summaries at different "
            f"dates {figures['answered']:.2f} s together, median of 3 rounds "
            f"({figures['answered'] / figures['queries'] * 1000:.1f} ms each; the first round, "
            f"which makes the running sums by day, {figures['first_round']:.2f} s); "
            f"peak {figures['rss_mb']:.0f} MiB.",
            "",
        ]
    return "\n".join(lines)


def _targets(results: list[dict[str, object]], series: dict[int, dict[str, float]]) -> list[str]:
    """The targets of the performance issues beside what was measured."""
    by_size = {int(r["size"]): r for r in results}  # type: ignore[call-overload]

    def median(size: int, name: str, what: str = "times") -> float | None:
        if size not in by_size:
            return None
        values = by_size[size][what]
        assert isinstance(values, dict)
        return float(statistics.median(values[name])) if name in values else None

    rows: list[tuple[str, str, str, bool | None]] = []
    big, floor = median(1_000_000, COLUMNAR), median(1_000_000, BARE)
    pandas, peak = median(1_000_000, "pandas"), median(1_000_000, COLUMNAR, "peaks")
    if big is not None and floor is not None and pandas is not None and peak is not None:
        rows += [
            ("1,000,000 records, CSV to JSON summary", "", f"{big:.2f} s", None),
            ("... beside a bare csv.reader pass", "2x", f"{big / floor:.2f}x", big <= 2 * floor),
            ("... beside pandas", "0.5x", f"{big / pandas:.2f}x", big <= 0.5 * pandas),
            ("... peak memory", "450 MiB (400 goal)", f"{peak:.0f} MiB", peak <= 450),
        ]
    parquet = median(1_000_000, PARQUET)
    if parquet is not None and big is not None:
        rows.append(
            ("1,000,000 records from Parquet", "CSV time", f"{parquet:.2f} s", parquet <= big)
        )
    huge = median(5_000_000, COLUMNAR)
    huge_peak = median(5_000_000, COLUMNAR, "peaks")
    if huge is not None and big is not None and huge_peak is not None:
        slope = huge / 5 / big
        rows.append(
            ("5,000,000 records, per record beside 1M", "1.5x", f"{slope:.2f}x", slope <= 1.5)
        )
        rows.append(("... peak memory (24 GiB, no swap)", "", f"{huge_peak:.0f} MiB", None))
    small = median(10_000, COLUMNAR), median(10_000, PURE)
    if small[1] is not None:
        rows.append(
            ("10,000 records, with start-up (python: the default)", "0.3 s", f"{small[1]:.2f} s",
             small[1] <= 0.3)
        )  # fmt: skip
    for size, figures in series.items():
        rows.append(
            (
                f"{int(figures['queries'])} summaries at different dates, {size:,} records loaded",
                "1 s",
                f"{figures['answered']:.2f} s",
                figures["answered"] <= 1,
            )
        )
    peaks = {size: median(size, COLUMNAR, "peaks") for size in (100_000, 1_000_000)}
    if all(peak is not None for peak in peaks.values()):
        slope = (peaks[1_000_000] - peaks[100_000]) * 1024 * 1024 / 900_000  # type: ignore[operator]
        rows.append(
            ("memory per record (100k to 1M, columnar)", "linear", f"{slope:.0f} bytes", None)
        )
    lines = [
        "## Targets",
        "",
        "Where the time goes, and what would close a gap: [PROFILE.md](PROFILE.md).",
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
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000, 5_000_000]
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big-runs", type=int, default=3, help="runs above 1M records")
    parser.add_argument("--pure-up-to", type=int, default=1_000_000)
    parser.add_argument("--parquet-up-to", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--series", type=int, default=1_000_000, help="size of the dates run")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--dates-in-process", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dates_in_process:
        print(json.dumps(_dates_in_process(args.dates_in_process, args.queries)))
        return 0
    OUT.mkdir(exist_ok=True)
    results = [
        measure(size, args.runs if size <= 1_000_000 else args.big_runs, args)
        for size in args.sizes
    ]
    series = {args.series: in_process(args.series, args.queries)}
    text = report(results, series, args.runs)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
