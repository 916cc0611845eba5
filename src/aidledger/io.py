"""Loading and saving ledgers, and the ledger bundled with the library.

The format is chosen by the file's extension: ``.csv``, ``.json`` and ``.jsonl``
(docs/interchange.md), ``.xlsx`` (an Excel workbook of one sheet); ``.parquet`` files
written by ``Ledger.write_parquet`` load too. Loading is all-or-nothing: every file is
read and every problem found (up to a bound), then a
:class:`~aidledger.errors.LoadError` names each, with file, line or record, field and
value, and nothing is loaded.
Saving is atomic: the ledger is written to a temporary file beside the target, flushed to
disk, then renamed over it, so a crash never leaves half a ledger behind (``_files``).
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TextIO

from aidledger._csvread import read_csv
from aidledger._files import BinaryWriter, Writer, check_input, replacing, write_together
from aidledger._table import RecordTable, bulk
from aidledger.catalog import Catalog, default_catalog
from aidledger.errors import LoadError, Problems
from aidledger.ledger import COLUMNAR_FROM, Ledger, check_engine, columnar_available
from aidledger.model import COLUMNS

__all__ = ["BUNDLED", "FORMATS", "bundled", "load", "replacing", "save", "writer"]

#: The name the bundled ledger's file goes by in messages.
BUNDLED = "aidledger/data/ledger.csv"
#: The file extensions aidledger reads and writes.
FORMATS = (".csv", ".json", ".jsonl", ".xlsx")
#: The file extensions aidledger reads: Parquet as ``Ledger.write_parquet`` writes it.
READ_FORMATS = (*FORMATS, ".parquet")
# About the bytes of CSV that COLUMNAR_FROM records take (benchmarks/generate.py's ~120).
_COLUMNAR_BYTES = COLUMNAR_FROM * 100

Reader = Callable[..., RecordTable]


def _format(path: str | os.PathLike[str], formats: tuple[str, ...] = FORMATS) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in formats:
        raise LoadError(
            f"has no known ledger extension ({', '.join(formats)})", file=os.fspath(path)
        )
    return suffix


def _reader(suffix: str) -> Reader:
    if suffix == ".csv":
        return read_csv
    if suffix == ".xlsx":
        from aidledger import _xlsxledger

        return _xlsxledger.read_xlsx
    if suffix == ".parquet":
        from aidledger import _parquet

        return _parquet.read_parquet
    # JSON goes through cattrs, which `import aidledger` does not need to load.
    from aidledger import _jsonio

    return _jsonio.read_json if suffix == ".json" else _jsonio.read_jsonl


def load(
    *paths: str | os.PathLike[str], catalog: Catalog | None = None, engine: str = "auto"
) -> Ledger:
    """Load one or more ledger files (``.csv``, ``.json``, ``.jsonl``, ``.xlsx``,
    ``.parquet``) into one ledger; reading a workbook needs the optional ``xlsx`` extra.

    Records keep file order, and files the order given: that settles ties between
    records of one pledge on the same day (docs/counting-rules.md). Every file is read
    before any problem is raised: the :class:`~aidledger.errors.LoadError` holds all of
    them (``error.problems``, in file order), ``str(error)`` one a line. *engine*
    (``auto``, ``python`` or ``columnar``) chooses how the files are read and the ledger
    counted: the columnar engine (extra ``fast``) for large ledgers, by default; the
    answers and the errors are the same (docs/embedding.md, "Large ledgers").
    """
    if not paths:
        raise TypeError("load() needs at least one path")
    check_engine(engine)
    catalog = catalog if catalog is not None else default_catalog()
    with bulk():
        if _reads_columns(engine, paths) and _readable(paths):
            from aidledger import _arrowread

            columns = _arrowread.load_columns(paths, catalog.resolve)
            if columns is not None:
                return Ledger._from_columns(columns, catalog, engine)
        return _read(paths, catalog, engine)


def _readable(paths: tuple[str | os.PathLike[str], ...]) -> bool:
    """Whether every path has a ledger extension and is a file that ends (the columnar
    readers take only those; the pure ones report the others with every other problem)."""
    try:
        for path in paths:
            _format(path, READ_FORMATS)
            check_input(path)
    except LoadError:
        return False
    return True


def _read(paths: tuple[str | os.PathLike[str], ...], catalog: Catalog, engine: str) -> Ledger:
    """The files read by the pure-Python readers: every problem of every file, then the
    ledger, or a :class:`LoadError` that holds them all."""
    table = RecordTable()
    problems = Problems()
    for path in paths:
        problems.register(os.fspath(path))
    for path in paths:
        with problems.gather():
            read = _reader(_format(path, READ_FORMATS))
            check_input(path)  # a FIFO or a device would never end: refused up front
            table.extend(read(path, catalog.resolve, problems=problems))
    # The rules between records hold for the rows that could be read, even when some
    # could not: their problems are reported with the rest.
    with problems.gather():
        ledger = Ledger._from_table(table, catalog, engine)
    problems.check()
    return ledger


def _reads_columns(engine: str, paths: tuple[str | os.PathLike[str], ...]) -> bool:
    """Whether files are read into columns (for the columnar engine)."""
    if engine != "auto":
        return engine == "columnar"
    size = 0
    for path in paths:
        with contextlib.suppress(OSError):
            size += os.path.getsize(path)
    return size >= _COLUMNAR_BYTES and columnar_available()


def bundled(engine: str = "auto") -> Ledger:
    """The ledger shipped with aidledger: US security assistance from 2022-02-24 to
    2023-01-06 and the facts of the seed article, every record citing its source.
    *engine* as for :func:`load`."""
    with resources.as_file(resources.files("aidledger") / "data" / "ledger.csv") as path:
        catalog = default_catalog()
        table = read_csv(path, catalog.resolve, name=BUNDLED)
    return Ledger._from_table(table, catalog, engine)


def save(
    ledger: Ledger, path: str | os.PathLike[str], *, neutralize_formulas: bool = False
) -> None:
    """Write *ledger* to *path*, in the format its extension names, atomically.

    The file keeps its mode and owner; a symbolic link is followed, so the file it points
    to is replaced (docs/interchange.md). An ``.xlsx`` workbook needs no extra to write;
    a text no cell can hold (over 32,767 characters) is a ``ValueError``, never cut.
    *neutralize_formulas* (CSV only) prefixes with
    ``'`` every text cell that a spreadsheet would run as a formula (starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return). Use it for files meant for
    spreadsheets: it changes those texts, so a round trip is then no longer exact (it is
    off by default).
    """
    write_together([(path, writer(ledger, path, neutralize_formulas=neutralize_formulas))])


def writer(
    ledger: Ledger, path: str | os.PathLike[str], *, neutralize_formulas: bool = False
) -> Writer:
    """What writes *ledger* in the format *path*'s extension names, to an open stream (a
    binary one for ``.xlsx``): for writing it together with other files (``aidledger
    import ... --report``)."""
    suffix = _format(path)
    if neutralize_formulas and suffix != ".csv":
        raise ValueError("neutralize_formulas applies to CSV files only")
    if suffix == ".xlsx":
        from aidledger import _xlsxledger

        name = os.fspath(path)
        return BinaryWriter(lambda stream: _xlsxledger.write_xlsx(stream, ledger._table, name))

    def write(stream: TextIO) -> None:
        if suffix == ".csv":
            write_csv(stream, ledger, neutralize_formulas=neutralize_formulas)
        else:
            from aidledger import _jsonio

            (_jsonio.write_json if suffix == ".json" else _jsonio.write_jsonl)(stream, ledger)

    return write


# Text a spreadsheet would take for a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TEXT_COLUMNS = frozenset({"id", "system", "authority", "part_of", "source", "note"})


def write_csv(stream: TextIO, ledger: Ledger, *, neutralize_formulas: bool = False) -> None:
    """Write *ledger* as interchange CSV (every column, in the order of docs/interchange.md)."""
    table = ledger._table
    # CRLF, as RFC 4180 says; it also makes the writer quote a lone CR inside a field.
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    columns = []
    for name, column in table.columns():
        if name in ("quantity", "delivered_quantity"):
            column = ["" if value is None else str(value) for value in column]
        elif name == "date":
            column = [day.isoformat() for day in column]
        elif name == "status":
            column = [status.value for status in column]
        elif neutralize_formulas and name in _TEXT_COLUMNS:
            column = [_neutralized(text) for text in column]
        columns.append(column)
    writer.writerows(zip(*columns, strict=True))


def _neutralized(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
