"""The ``aidledger`` command's arguments (docs/cli.md): every command, option and value
type, and the error bad usage raises. The commands themselves are in ``cli``."""

from __future__ import annotations

import argparse
import datetime
from typing import NoReturn

from aidledger.ledger import ENGINES
from aidledger.model import check_territory, parse_date
from aidledger.money import check_currency

__all__ = ["UsageError", "command_parser"]


class UsageError(Exception):
    """Bad usage: reported as ``aidledger: error: ...`` with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


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


def command_parser() -> _Parser:
    """The command line's parser: each command with its options (docs/cli.md)."""
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
