"""The ``aidledger`` command (DESIGN 5).

Exit status: 0 ok, 1 validation problems, 2 unreadable input or bad usage. Errors go to
stderr as ``aidledger: error: ...``; the command never prints a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from aidledger.errors import AidLedgerError
from aidledger.fx import RateTable, ecb_rates, load_rates
from aidledger.io import bundled, load
from aidledger.ledger import ENGINES, Ledger
from aidledger.model import check_territory
from aidledger.money import check_currency

if TYPE_CHECKING:
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
        return datetime.date.fromisoformat(text) if len(text) == 10 else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str) -> NoReturn:
    raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)")


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
        description="Per-donor totals as of a date (DESIGN 3). With no LEDGER, the bundled one.",
    )
    summary.add_argument(
        "ledgers", nargs="*", metavar="LEDGER", help="ledger files (.csv, .json, .jsonl)"
    )
    _scope_options(summary)
    _engine_option(summary)
    summary.add_argument("--locale", default="en", help="language of names and numbers")
    summary.add_argument("--format", choices=("text", "markdown", "html", "json"), default="text")

    state = commands.add_parser(
        "state",
        help="each pledge's state as of a date, as a table",
        description="Write one row per pledge as of a date: its record in force, its "
        "outermost package, whether it counts, and the figures the summary adds up of it "
        "(docs/embedding.md). The format follows the extension of -o (.csv, .json, "
        ".parquet). With no LEDGER, the bundled one.",
    )
    state.add_argument("ledgers", nargs="*", metavar="LEDGER", help="ledger files")
    state.add_argument(
        "--as-of", type=_date, metavar="DATE", help="date (default: the latest record's)"
    )
    state.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the table: .csv, .json or .parquet"
    )
    _engine_option(state)

    validate = commands.add_parser(
        "validate",
        help="report problems with their locations",
        description="Report every problem of the ledgers (DESIGN 3.5, 4.4): exit status 1 "
        "when any is an error. With no LEDGER, the bundled one.",
    )
    validate.add_argument("ledgers", nargs="*", metavar="LEDGER", help="ledger files")
    _rate_options(validate, currency=False)
    _engine_option(validate)

    convert = commands.add_parser(
        "convert",
        help="convert between csv, json and jsonl",
        description="Convert a ledger between formats, chosen by extension (.csv, .json, "
        ".jsonl). The output is written atomically.",
    )
    convert.add_argument("source", metavar="IN")
    convert.add_argument("target", metavar="OUT")
    convert.add_argument(
        "--neutralize-formulas",
        action="store_true",
        help="CSV: prefix with ' any text a spreadsheet would run as a formula",
    )

    plot = commands.add_parser(
        "plot",
        help="chart committed and delivered value over time",
        description="Chart each donor's cumulative committed (solid) and delivered (dashed) "
        "value over time, with stated checkpoints as markers; the format follows the "
        "extension of -o (.png, .svg, .pdf). Needs the 'plot' extra (pip install "
        "'aidledger[plot]'). With no LEDGER, the bundled one.",
    )
    plot.add_argument("ledgers", nargs="*", metavar="LEDGER", help="ledger files")
    _scope_options(plot)
    _engine_option(plot)
    plot.add_argument("--locale", default="en", help="language of labels, names and numbers")
    plot.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the chart: .png, .svg or .pdf"
    )

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
        "the extension of -o (.csv, .json, .jsonl). What the import did with each value it "
        "could not take as written is summarised on stderr (in full with --report).",
    )
    importers = group.add_subparsers(
        dest="importer", required=True, parser_class=_Parser, metavar="KIND"
    )

    kiel = importers.add_parser(
        "kiel",
        help="the Kiel Institute's Ukraine Support Tracker item table",
        description="Import the Kiel Institute's Ukraine Support Tracker item table (CSV, "
        "UTF-8 or UTF-16): one pledge per activity with Kiel's value, its announcements and "
        "items as components (docs/kiel.md).",
    )
    kiel.add_argument("source", metavar="SOURCE", help="the Kiel table (.csv)")
    _import_options(kiel)
    kiel.add_argument(
        "--original-currency",
        action="store_true",
        help="an activity's amount is 'Total' in 'Original Currency' (default: Kiel's "
        "'Converted Value in EUR')",
    )
    kiel.add_argument(
        "--aid-type",
        nargs="+",
        action="extend",
        metavar="TYPE",
        help="the values of 'Type of Aid General' to import: Military (the default), "
        "Financial, Humanitarian",
    )
    kiel.set_defaults(run_import=_import_kiel)
    return importers


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="LEDGER",
        help="the ledger to write: .csv, .json or .jsonl",
    )
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="write the full import report (CSV: row, column, value, rule, action)",
    )


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


def _ledger(paths: Sequence[str], engine: str = "auto") -> Ledger:
    return load(*paths, engine=engine) if paths else bundled(engine)


def _summarized(args: argparse.Namespace) -> Summary:
    """The summary that ``summary`` and ``plot`` ask for: ledgers, scope and currency."""
    return _ledger(args.ledgers, args.engine).summarize(
        as_of=args.as_of,
        donors=args.donor,
        currency=args.currency,
        rates=_rates(args),
        recipients=args.recipient,
    )


def _summary(args: argparse.Namespace) -> int:
    _check_locale(args.locale)
    summary = _summarized(args)
    sys.stdout.write(summary.render(format=args.format, locale=args.locale))
    if args.format == "json":
        sys.stdout.write("\n")
    return EXIT_OK


_STATE_FORMATS = (".csv", ".json", ".parquet")


def _state(args: argparse.Namespace) -> int:
    suffix = os.path.splitext(args.output)[1].lower()
    if suffix not in _STATE_FORMATS:
        raise _UsageError(
            f"{args.output}: a state table is written as {', '.join(_STATE_FORMATS)} "
            "(chosen by the extension)"
        )
    from aidledger.frames import write_table

    table = _ledger(args.ledgers, args.engine).state(as_of=args.as_of)
    try:
        write_table(table.to_records(), "state", args.output)
    except OSError as error:
        raise _UsageError(f"{args.output}: cannot be written: {error.strerror or error}") from None
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from aidledger.validate import Severity

    problems = _ledger(args.ledgers, args.engine).validate(rates=_rates(args))
    for problem in problems:
        sys.stdout.write(f"{problem}\n")
    counts = dict.fromkeys(Severity, 0)
    for problem in problems:
        counts[problem.severity] += 1
    sys.stdout.write(
        f"{counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
        f"{counts[Severity.INFO]} notes\n"
    )
    return EXIT_PROBLEMS if counts[Severity.ERROR] else EXIT_OK


def _convert(args: argparse.Namespace) -> int:
    from aidledger.io import save

    ledger = load(args.source)
    try:
        save(ledger, args.target, neutralize_formulas=args.neutralize_formulas)
    except ValueError as error:
        raise _UsageError(str(error)) from None
    except OSError as error:
        raise _UsageError(f"{args.target}: cannot be written: {error.strerror or error}") from None
    return EXIT_OK


def _plot(args: argparse.Namespace) -> int:
    formats = (".png", ".svg", ".pdf")
    if os.path.splitext(args.output)[1].lower() not in formats:
        raise _UsageError(
            f"{args.output}: a chart is written as {', '.join(formats)} (chosen by the extension)"
        )
    _check_locale(args.locale)
    summary = _summarized(args)
    from aidledger.plot import plot

    try:
        plot(summary, path=args.output, locale=args.locale)
    except ValueError as error:  # lines in different currencies: one axis cannot hold them
        raise _UsageError(str(error)) from None
    except OSError as error:
        raise _UsageError(f"{args.output}: cannot be written: {error.strerror or error}") from None
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    run: Callable[[argparse.Namespace], int] = args.run_import
    return run(args)


def _import_kiel(args: argparse.Namespace) -> int:
    from aidledger.importers import kiel

    _check_output(args.output)
    ledger, report = kiel.read(
        args.source,
        aid_types=args.aid_type or ("Military",),
        original_currency=args.original_currency,
    )
    _write_import(ledger, report, args)
    return EXIT_OK


def _import_csv(args: argparse.Namespace) -> int:
    from aidledger.importers import mapping

    _check_output(args.output)
    ledger, report = mapping.read(args.source, mapping.read_mapping(args.map))
    _write_import(ledger, report, args)
    return EXIT_OK


def _check_output(path: str) -> None:
    """A ledger's extension is checked before any work is done."""
    from aidledger.io import FORMATS

    if os.path.splitext(path)[1].lower() not in FORMATS:
        raise _UsageError(f"{path}: a ledger is written as {', '.join(FORMATS)} (by extension)")


def _write_import(ledger: Ledger, report: ImportReport, args: argparse.Namespace) -> None:
    """Save an imported ledger to ``args.output``, the full report to ``args.report`` if
    asked, and print the report's summary on stderr (stdout stays clean)."""
    from aidledger.io import save

    try:
        save(ledger, args.output)
    except OSError as error:
        raise _UsageError(f"{args.output}: cannot be written: {error.strerror or error}") from None
    if args.report is not None:
        try:
            report.write(args.report)
        except OSError as error:
            raise _UsageError(
                f"{args.report}: cannot be written: {error.strerror or error}"
            ) from None
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
    sys.stderr.write(f"aidledger: error: {message}\n")
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
