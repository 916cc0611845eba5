"""The ``aidledger`` command (docs/cli.md).

Exit status: 0 ok, 1 validation problems, 2 unreadable input or bad usage. Errors go to
stderr as ``aidledger: error: ...``, one a line (a file that cannot be loaded has every
problem listed); the command never prints a traceback. Long work shows a progress bar on
stderr when it is an interactive terminal (not with ``--quiet``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from aidledger import _terminal
from aidledger._words import visible
from aidledger.errors import AidLedgerError, LoadError
from aidledger.fx import RateTable, ecb_rates, load_rates
from aidledger.io import bundled, load
from aidledger.ledger import ENGINES, Ledger
from aidledger.model import check_territory, parse_date
from aidledger.money import check_currency

if TYPE_CHECKING:
    from aidledger._files import Writer
    from aidledger.importers.report import ImportReport
    from aidledger.summary import Summary

__all__ = ["main"]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    """Bad usage: reported as ``aidledger: error: ...`` with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _date(text: str) -> datetime.date:
    try:
        return parse_date(text)  # YYYY-MM-DD only: not 20230105, not a week date 2023-W01-4
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return int(text)


def _donor(text: str) -> str:
    code = text.upper()
    try:
        return check_territory(code)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} {error}") from None


def _parser() -> _Parser:
    parser = _Parser(
        prog="aidledger",
        description="An exact, sourced ledger of military assistance.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    summary = commands.add_parser(
        "summary",
        help="per-donor totals as of a date",
        description="Per-donor totals as of a date (docs/counting-rules.md), or each "
        "system's across donors (--by system). With no LEDGER, the bundled one.",
    )
    summary.add_argument(
        "ledgers", nargs="*", metavar="LEDGER", help="ledger files (.csv, .json, .jsonl, .xlsx)"
    )
    _scope_options(summary)
    _engine_option(summary)
    summary.add_argument("--locale", default="en", help="language of names and numbers")
    summary.add_argument(
        "--format", choices=("text", "markdown", "html", "json", "xlsx"), default="text"
    )
    summary.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE, atomically, instead of stdout (required with --format xlsx)",
    )
    summary.add_argument(
        "--by",
        choices=("donor", "system"),
        default="donor",
        help="each donor's figures (default), or each system's across donors and by whom",
    )
    summary.add_argument(
        "--top",
        type=_count,
        metavar="N",
        help="only the first N donors in the overview (each keeps its section)",
    )
    _quiet_option(summary)

    compare = commands.add_parser(
        "compare",
        help="two ledgers side by side: what differs, and which pledges explain it",
        description="Compare two ledgers (two releases of a tracker, or a ledger against "
        "Kiel's) as of one day: per donor and system, committed and delivered in each, the "
        "difference (B minus A), and the pledges that explain it (docs/compare.md).",
    )
    compare.add_argument("a", metavar="A", help="the first ledger (.csv, .json, .jsonl ...)")
    compare.add_argument("b", metavar="B", help="the second ledger")
    _scope_options(compare)
    compare.add_argument("--locale", default="en", help="language of names and numbers")
    compare.add_argument("--format", choices=("text", "markdown", "html", "json"), default="text")
    _quiet_option(compare)

    state = commands.add_parser(
        "state",
        help="each pledge's state as of a date, as a table",
        description="Write one row per pledge as of a date: its record in force, its "
        "outermost package, whether it counts, and the figures the summary adds up of it "
        "(docs/embedding.md). The format follows the extension of -o (.csv, .json, "
        ".parquet, .xlsx). With no LEDGER, the bundled one.",
    )
    state.add_argument("ledgers", nargs="*", metavar="LEDGER", help="ledger files")
    state.add_argument(
        "--as-of", type=_date, metavar="DATE", help="date (default: the latest record's)"
    )
    state.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the table: .csv, .json, .parquet or .xlsx",
    )
    _quiet_option(state)
    _engine_option(state)

    validate = commands.add_parser(
        "validate",
        help="report problems with their locations",
        description="Report every problem of the ledgers, one a line, then a tally "
        "(docs/validation.md): exit status 1 when any is an error, 2 when a file cannot be "
        "loaded (every problem of every file is listed). With no LEDGER, the bundled one.",
    )
    validate.add_argument("ledgers", nargs="*", metavar="LEDGER", help="ledger files")
    _rate_options(validate, currency=False)
    _quiet_option(validate)
    _engine_option(validate)

    convert = commands.add_parser(
        "convert",
        help="convert between csv, json, jsonl and xlsx",
        description="Convert a ledger between formats, chosen by extension (.csv, .json, "
        ".jsonl, .xlsx; reading .xlsx needs the 'xlsx' extra). The output is written "
        "atomically.",
    )
    convert.add_argument("source", metavar="IN")
    convert.add_argument("target", metavar="OUT")
    convert.add_argument(
        "--neutralize-formulas",
        action="store_true",
        help="CSV: prefix with ' any text a spreadsheet would run as a formula",
    )
    _quiet_option(convert)

    plot = commands.add_parser(
        "plot",
        help="chart committed and delivered value over time, or units per system",
        description="Chart each donor's cumulative committed (solid) and delivered (dashed) "
        "value over time, with stated checkpoints as markers, or (with --units, or when no "
        "value is disclosed) the units of each system committed and delivered; the format "
        "follows the extension of -o (.png, .svg, .pdf). Needs the 'plot' extra (pip "
        "install 'aidledger[plot]'). With no LEDGER, the bundled one.",
    )
    plot.add_argument("ledgers", nargs="*", metavar="LEDGER", help="ledger files")
    _scope_options(plot)
    _engine_option(plot)
    plot.add_argument("--locale", default="en", help="language of labels, names and numbers")
    plot.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the chart: .png, .svg or .pdf"
    )
    plot.add_argument(
        "--units",
        action="store_true",
        help="chart the units of each system committed and delivered (not value over time)",
    )
    _quiet_option(plot)

    commands.add_parser("systems", help="list the system catalog")
    importers = _import_parser(commands)
    table = importers.add_parser(
        "csv",
        help="any spreadsheet saved as CSV, through a TOML column mapping",
        description="Import a spreadsheet saved as CSV, each row one record, through a TOML "
        "mapping that names the source column (or a constant) of each field (docs/mapping.md).",
    )
    table.add_argument("source", metavar="SOURCE", help="the spreadsheet (.csv)")
    table.add_argument("--map", required=True, metavar="MAPPING", help="the mapping file (.toml)")
    _import_options(table)
    table.set_defaults(run_import=_import_csv)
    return parser


def _import_parser(
    commands: argparse._SubParsersAction[_Parser],
) -> argparse._SubParsersAction[_Parser]:
    """The ``import`` command and its importers, one subcommand per kind of table; returns
    the importers' subparsers, so that each importer adds its own."""
    group = commands.add_parser(
        "import",
        help="import a table analysts already keep",
        description="Import a table kept elsewhere as a ledger; the output format follows "
        "the extension of -o (.csv, .json, .jsonl, .xlsx). What the import did with each value it "
        "could not take as written is summarised on stderr (in full with --report).",
    )
    importers = group.add_subparsers(
        dest="importer", required=True, parser_class=_Parser, metavar="KIND"
    )

    kiel = importers.add_parser(
        "kiel",
        help="the Kiel Institute's Ukraine Support Tracker (workbook or item table)",
        description="Import the Kiel Institute's Ukraine Support Tracker: the main data "
        "sheet of its workbook (.xlsx; needs the 'xlsx' extra: pip install "
        "'aidledger[xlsx]'), one pledge per sub-activity with Kiel's allocation and its "
        "items as components; or the 2022 item table (CSV, UTF-8 or UTF-16), one pledge per "
        "activity. The format is told by the file's content, the layout by its columns "
        "(docs/kiel.md).",
    )
    kiel.add_argument("source", metavar="SOURCE", help="the Kiel workbook or table")
    _import_options(kiel)
    kiel.add_argument(
        "--sheet",
        metavar="NAME",
        help="the workbook's sheet to read (default: 'Bilateral Assistance, MAIN DATA', "
        "else the first sheet with the main data's columns)",
    )
    kiel.add_argument(
        "--measure",
        choices=("allocation", "commitment"),
        default="allocation",
        help="the main data's rows to import: Kiel's allocations (the default, what its "
        "totals sum) or its commitments; never both in one ledger",
    )
    kiel.add_argument(
        "--original-currency",
        action="store_true",
        help="amounts in the currency Kiel reports them in ('tot_sub_activity_value' in "
        "'reporting_currency'; 2022: 'Total' in 'Original Currency') instead of Kiel's EUR",
    )
    kiel.add_argument(
        "--aid-type",
        nargs="+",
        action="extend",
        metavar="TYPE",
        help="the aid types to import ('aid_type_general'; 2022: 'Type of Aid General'): "
        "Military (the default), Financial, Humanitarian",
    )
    kiel.set_defaults(run_import=_import_kiel)
    return importers


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="LEDGER",
        help="the ledger to write: .csv, .json, .jsonl or .xlsx",
    )
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="write the full import report (CSV: row, column, value, rule, action)",
    )
    _quiet_option(parser)


def _quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar on a terminal")


def _scope_options(parser: argparse.ArgumentParser) -> None:
    """Which donors, as of which day, in which currency: what summary and plot share."""
    parser.add_argument(
        "--donor",
        nargs="+",
        action="extend",
        type=_donor,
        metavar="CODE",
        help="only these donors (ISO 3166-1 alpha-2 codes or EU)",
    )
    parser.add_argument(
        "--recipient",
        nargs="+",
        action="extend",
        type=_donor,
        metavar="CODE",
        help="only assistance to these recipients (default: every recipient, each apart)",
    )
    parser.add_argument(
        "--as-of", type=_date, metavar="DATE", help="date (default: the latest record's)"
    )
    _rate_options(parser, currency=True)


def _engine_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="how to read and count: python, columnar (pip install 'aidledger[fast]'), or "
        "auto: columnar for large ledgers when installed (the answers are the same)",
    )


def _rate_options(parser: argparse.ArgumentParser, currency: bool) -> None:
    if currency:
        parser.add_argument(
            "--currency",
            type=_currency,
            metavar="CUR",
            help="reporting currency: totals converted into it (ISO 4217 code)",
        )
    parser.add_argument(
        "--rates",
        metavar="FILE|ecb",
        help="exchange rates: a rates CSV (date,base,quote,rate) or 'ecb' for the ECB "
        "reference rates (pip install 'aidledger[ecb]')",
    )
    parser.add_argument(
        "--backfill-rates",
        action="store_true",
        help="for a day before a currency pair's first rate, use that first rate "
        "(off: such a day is an error)",
    )


def _currency(text: str) -> str:
    try:
        return check_currency(text.upper())
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} {error}") from None


def _rates(args: argparse.Namespace) -> RateTable | None:
    if args.rates is None:
        if args.backfill_rates:
            raise _UsageError("--backfill-rates needs --rates")
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
        raise _UsageError(
            "--format xlsx writes a workbook, never to stdout: name it with -o FILE.xlsx"
        )
    if workbook != (args.format == "xlsx"):
        raise _UsageError(
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
        raise _UsageError(
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
        raise _UsageError(f"{args.output}: cannot be written: {error.strerror or error}") from None
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
        raise _UsageError(str(error)) from None
    with args.progress.phase("writing"):
        _write_together((args.target, write))
    return EXIT_OK


def _plot(args: argparse.Namespace) -> int:
    formats = (".png", ".svg", ".pdf")
    if os.path.splitext(args.output)[1].lower() not in formats:
        raise _UsageError(
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
        raise _UsageError(str(error)) from None
    except OSError as error:
        raise _UsageError(f"{args.output}: cannot be written: {error.strerror or error}") from None
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    run: Callable[[argparse.Namespace], int] = args.run_import
    return run(args)


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
        raise _UsageError(f"{path}: a ledger is written as {', '.join(FORMATS)} (by extension)")
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
        raise _UsageError(f"{where}: cannot be written: {error.strerror or error}") from None


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
        args = _parser().parse_args(argv)
        with _terminal.progress(sys.stderr, quiet=getattr(args, "quiet", False)) as shown:
            args.progress = shown
            return _COMMANDS[args.command](args)
    except _UsageError as error:
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
