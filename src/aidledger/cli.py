"""The ``aidledger`` command (docs/cli.md).

Exit status: 0 ok, 1 validation problems, 2 unreadable input or bad usage. Errors go to
stderr as ``aidledger: error: ...``, one a line (a file that cannot be loaded has every
problem listed); the command never prints a traceback. Long work shows a progress bar on
stderr when it is an interactive terminal (not with ``--quiet``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from aidledger import _terminal
from aidledger._cliargs import UsageError, command_parser
from aidledger._words import visible
from aidledger.errors import AidLedgerError, LoadError
from aidledger.fx import RateTable, ecb_rates, load_rates
from aidledger.io import bundled, load
from aidledger.ledger import Ledger

if TYPE_CHECKING:
    from aidledger._files import Writer
    from aidledger.importers.report import ImportReport
    from aidledger.summary import Summary

__all__ = ["main"]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _rates(args: argparse.Namespace) -> RateTable | None:
    if args.rates is None:
        if args.backfill_rates:
            raise UsageError("--backfill-rates needs --rates")
        return None
    if args.rates == "ecb":
        return ecb_rates(backfill=args.backfill_rates)
    return load_rates(args.rates, backfill=args.backfill_rates)


def _size(paths: Sequence[str]) -> int | None:
    """The bytes of the regular files among *paths* (for a bar), if any."""
    sizes = [os.path.getsize(path) for path in paths if os.path.isfile(path)]
    return sum(sizes) or None


def _ledger(args: argparse.Namespace, paths: Sequence[str]) -> Ledger:
    engine = getattr(args, "engine", "auto")
    with args.progress.phase("reading", _size(paths)):
        return load(*paths, engine=engine) if paths else bundled(engine)


def _summarized(args: argparse.Namespace) -> Summary:
    """The summary that ``summary`` and ``plot`` ask for: ledgers, scope and currency."""
    ledger = _ledger(args, args.ledgers)
    with args.progress.phase("counting"):
        return ledger.summarize(
            as_of=args.as_of,
            donors=args.donor,
            currency=args.currency,
            rates=_rates(args),
            recipients=args.recipient,
        )


def _summary(args: argparse.Namespace) -> int:
    _check_locale(args.locale)
    workbook = os.path.splitext(args.output or "")[1].lower() == ".xlsx"
    if args.format == "xlsx" and args.output is None:
        raise UsageError(
            "--format xlsx writes a workbook, never to stdout: name it with -o FILE.xlsx"
        )
    if workbook != (args.format == "xlsx"):
        raise UsageError(
            f"{args.output}: a workbook is written with --format xlsx and a name ending "
            "in .xlsx (both or neither)"
        )
    _check_outputs(args, ("-o", args.output))
    summary = _summarized(args)
    if args.format == "xlsx":
        from aidledger._workbooks import summary_writer

        with args.progress.phase("writing"):
            _write_together((args.output, summary_writer(summary, args.locale, args.by)))
        return EXIT_OK
    with args.progress.phase("writing"):
        text = summary.render(format=args.format, locale=args.locale, by=args.by, top=args.top)
    _print(args, text + ("\n" if args.format == "json" else ""))
    return EXIT_OK


def _print(args: argparse.Namespace, text: str) -> None:
    """*text* on stdout, or to ``args.output`` (atomically) when one is named."""
    if args.output is None:
        sys.stdout.write(text)
    else:
        _write_together((args.output, lambda stream: stream.write(text)))


def _compare(args: argparse.Namespace) -> int:
    from aidledger._compare import compare

    _check_locale(args.locale)
    a, b = _ledger(args, [args.a]), _ledger(args, [args.b])
    with args.progress.phase("comparing"):
        comparison = compare(
            a,
            b,
            as_of=args.as_of,
            currency=args.currency,
            rates=_rates(args),
            donors=args.donor,
            recipients=args.recipient,
            names=(os.path.basename(args.a), os.path.basename(args.b)),
        )
    args.progress.close()
    sys.stdout.write(comparison.render(format=args.format, locale=args.locale))
    if args.format == "json":
        sys.stdout.write("\n")
    return EXIT_OK


_STATE_FORMATS = (".csv", ".json", ".parquet", ".xlsx")


def _state(args: argparse.Namespace) -> int:
    suffix = os.path.splitext(args.output)[1].lower()
    if suffix not in _STATE_FORMATS:
        raise UsageError(
            f"{args.output}: a state table is written as {', '.join(_STATE_FORMATS)} "
            "(chosen by the extension)"
        )
    _check_outputs(args, ("-o", args.output))
    from aidledger.frames import write_table

    ledger = _ledger(args, args.ledgers)
    with args.progress.phase("working out states"):
        table = ledger.state(as_of=args.as_of)
    try:
        with args.progress.phase("writing"):
            write_table(table.to_records(), "state", args.output)
    except OSError as error:
        raise UsageError(f"{args.output}: cannot be written: {error.strerror or error}") from None
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from aidledger.validate import Severity, load_problems

    try:
        ledger = _ledger(args, args.ledgers)
    except LoadError as error:
        # Files that cannot be loaded: every problem of every file, then the tally.
        args.progress.close()
        for problem in load_problems(error):
            sys.stdout.write(f"{visible(str(problem))}\n")
        if error.more:
            sys.stdout.write(f"and {error.more} more errors\n")
        sys.stdout.write(
            f"{error.count} errors, 0 warnings, 0 notes (the files cannot be loaded; "
            "the ledger's own checks run once they can)\n"
        )
        return EXIT_USAGE
    with args.progress.phase("checking"):
        problems = ledger.validate(rates=_rates(args))
    for problem in problems:
        sys.stdout.write(f"{visible(str(problem))}\n")
    counts = dict.fromkeys(Severity, 0)
    for problem in problems:
        counts[problem.severity] += 1
    sys.stdout.write(
        f"{counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
        f"{counts[Severity.INFO]} notes\n"
    )
    return EXIT_PROBLEMS if counts[Severity.ERROR] else EXIT_OK


def _convert(args: argparse.Namespace) -> int:
    from aidledger.io import writer

    _check_outputs(args, ("OUT", args.target))
    ledger = _ledger(args, [args.source])
    try:
        write = writer(ledger, args.target, neutralize_formulas=args.neutralize_formulas)
    except ValueError as error:
        raise UsageError(str(error)) from None
    with args.progress.phase("writing"):
        _write_together((args.target, write))
    return EXIT_OK


def _plot(args: argparse.Namespace) -> int:
    formats = (".png", ".svg", ".pdf")
    if os.path.splitext(args.output)[1].lower() not in formats:
        raise UsageError(
            f"{args.output}: a chart is written as {', '.join(formats)} (chosen by the extension)"
        )
    _check_locale(args.locale)
    _check_outputs(args, ("-o", args.output))
    summary = _summarized(args)
    from aidledger.plot import plot

    try:
        with args.progress.phase("drawing"):
            plot(summary, path=args.output, locale=args.locale, units=args.units)
    except ValueError as error:  # several currencies on one axis, or nothing to draw
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"{args.output}: cannot be written: {error.strerror or error}") from None
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    importers = {"kiel": _import_kiel, "csv": _import_csv}
    return importers[args.importer](args)


def _import_kiel(args: argparse.Namespace) -> int:
    from aidledger.importers import kiel

    _check_output(args)
    with args.progress.phase("importing", _size([args.source])):
        ledger, report = kiel.read(
            args.source,
            aid_types=args.aid_type or ("Military",),
            original_currency=args.original_currency,
            sheet=args.sheet,
            measure=args.measure,
        )
    _write_import(ledger, report, args)
    return EXIT_OK


def _import_csv(args: argparse.Namespace) -> int:
    from aidledger.importers import mapping

    _check_output(args)
    with args.progress.phase("importing", _size([args.source])):
        ledger, report = mapping.read(args.source, mapping.read_mapping(args.map))
    _write_import(ledger, report, args)
    return EXIT_OK


def _check_output(args: argparse.Namespace) -> None:
    """A ledger's extension, and outputs apart from inputs, are checked before any work."""
    from aidledger.io import FORMATS

    path = args.output
    if os.path.splitext(path)[1].lower() not in FORMATS:
        raise UsageError(f"{path}: a ledger is written as {', '.join(FORMATS)} (by extension)")
    _check_outputs(args, ("-o", path), ("--report", args.report))


def _check_outputs(args: argparse.Namespace, *outputs: tuple[str, str | None]) -> None:
    """No output may be an input of the command or another output (the same file through
    a link or another spelling): a command never writes over what it reads."""
    from aidledger._files import check_outputs

    inputs = [("LEDGER", path) for path in getattr(args, "ledgers", ())]
    if getattr(args, "source", None) is not None:
        inputs.append(("IN" if args.command == "convert" else "SOURCE", args.source))
    if getattr(args, "map", None) is not None:
        inputs.append(("--map", args.map))
    if getattr(args, "rates", None) not in (None, "ecb"):
        inputs.append(("--rates", args.rates))
    check_outputs([(label, path) for label, path in outputs if path is not None], inputs)


def _write_together(*outputs: tuple[str, Writer]) -> None:
    """Write a command's outputs atomically and together (all or none); SIGTERM or
    SIGINT meanwhile removes the temporary files before the command ends."""
    from aidledger._files import write_together

    try:
        write_together(outputs, signals=True)
    except OSError as error:
        where = error.filename or outputs[-1][0]
        raise UsageError(f"{where}: cannot be written: {error.strerror or error}") from None


def _write_import(ledger: Ledger, report: ImportReport, args: argparse.Namespace) -> None:
    """Save an imported ledger to ``args.output`` and the full report to ``args.report``
    if asked, together; print the report's summary on stderr (stdout stays clean)."""
    from aidledger.io import writer

    ledger_output = (args.output, writer(ledger, args.output))
    with args.progress.phase("writing"):
        if args.report is None:
            _write_together(ledger_output)
        else:  # the report first: if a rename fails, the ledger is not left without it
            _write_together((args.report, report.write_csv), ledger_output)
    args.progress.close()  # (the bar's line is cleared before anything else is written)
    sys.stderr.write(report.summary())


def _check_locale(name: str) -> None:
    """A locale that is none, or one without labels, is an error before any work is done."""
    from aidledger._i18n import locale

    locale(name)


def _systems(args: argparse.Namespace) -> int:
    from aidledger.catalog import CATEGORIES, default_catalog

    catalog = default_catalog()
    rows = [
        (system.key, system.name, CATEGORIES[system.category], system.origin)
        for system in sorted(catalog, key=lambda s: s.key)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        sys.stdout.write("  ".join([*cells, row[3]]) + "\n")
    return EXIT_OK


_COMMANDS = {
    "summary": _summary,
    "state": _state,
    "compare": _compare,
    "validate": _validate,
    "convert": _convert,
    "plot": _plot,
    "systems": _systems,
    "import": _import,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit status."""
    try:
        args = command_parser().parse_args(argv)
        with _terminal.progress(sys.stderr, quiet=getattr(args, "quiet", False)) as shown:
            args.progress = shown
            return _COMMANDS[args.command](args)
    except UsageError as error:
        return _fail(str(error))
    except AidLedgerError as error:
        return _fail(str(error))
    except BrokenPipeError:
        # The reader went away (``aidledger summary | head``): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _fail(message: str) -> int:
    # (A message may quote a value from a file: no control character reaches the terminal.)
    for line in message.split("\n"):
        sys.stderr.write(f"aidledger: error: {visible(line)}\n")
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
