"""Loading and saving ledgers, and the ledger bundled with the library.

The format is chosen by the file's extension: ``.csv`` (DESIGN 4.1), ``.json`` and
``.jsonl`` (4.2); ``.parquet`` files written by ``Ledger.write_parquet`` load too.
Loading is all-or-nothing: the first malformed value stops it with a
:class:`~aidledger.errors.LoadError` that names file, line or record, field and value.
Saving is atomic: the ledger is written to a temporary file beside the target, flushed to
disk, then renamed over it, so a crash never leaves half a ledger behind.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TextIO

from aidledger._csvread import read_csv
from aidledger._table import RecordTable, bulk
from aidledger.catalog import Catalog, default_catalog
from aidledger.errors import LoadError
from aidledger.ledger import COLUMNAR_FROM, Ledger, check_engine, columnar_available
from aidledger.model import COLUMNS

__all__ = ["BUNDLED", "FORMATS", "bundled", "load", "replacing", "save"]

#: The name the bundled ledger's file goes by in messages.
BUNDLED = "aidledger/data/ledger.csv"
#: The file extensions aidledger reads and writes.
FORMATS = (".csv", ".json", ".jsonl")
#: The file extensions aidledger reads: Parquet as ``Ledger.write_parquet`` writes it.
READ_FORMATS = (*FORMATS, ".parquet")
# About the bytes of CSV that COLUMNAR_FROM records take (benchmarks/generate.py's ~120).
_COLUMNAR_BYTES = COLUMNAR_FROM * 100

Reader = Callable[[str | os.PathLike[str], Callable[[str], str | None]], RecordTable]


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
    if suffix == ".parquet":
        from aidledger import _parquet

        return _parquet.read_parquet
    # JSON goes through cattrs, which `import aidledger` does not need to load.
    from aidledger import _jsonio

    return _jsonio.read_json if suffix == ".json" else _jsonio.read_jsonl


def load(
    *paths: str | os.PathLike[str], catalog: Catalog | None = None, engine: str = "auto"
) -> Ledger:
    """Load one or more ledger files (``.csv``, ``.json``, ``.jsonl``, ``.parquet``) into
    one ledger.

    Records keep file order, and files the order given: that settles ties between
    records of one pledge on the same day (DESIGN 3.1). *engine* (``auto``, ``python``
    or ``columnar``) chooses how the files are read and the ledger counted: the columnar
    engine (extra ``fast``) for large ledgers, by default; the answers and the errors
    are the same (docs/embedding.md, "Large ledgers").
    """
    if not paths:
        raise TypeError("load() needs at least one path")
    check_engine(engine)
    catalog = catalog if catalog is not None else default_catalog()
    suffixes = [_format(path, READ_FORMATS) for path in paths]

    def read() -> RecordTable:
        table = RecordTable()
        for path, suffix in zip(paths, suffixes, strict=True):
            table.extend(_reader(suffix)(path, catalog.resolve))
        return table

    with bulk():
        if _reads_columns(engine, paths):
            from aidledger import _arrowread

            columns, index = _arrowread.load_columns(paths, catalog.resolve, read)
            return Ledger._from_columns(columns, catalog, engine, index)
        return Ledger._from_table(read(), catalog, engine)


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

    *neutralize_formulas* (CSV only) prefixes with ``'`` every text cell that a spreadsheet
    would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return). Use it for files meant for spreadsheets: it changes those texts, so a round
    trip is then no longer exact (it is off by default).
    """
    suffix = _format(path)
    if neutralize_formulas and suffix != ".csv":
        raise ValueError("neutralize_formulas applies to CSV files only")
    with _atomic(path) as stream:
        if suffix == ".csv":
            write_csv(stream, ledger, neutralize_formulas=neutralize_formulas)
        else:
            from aidledger import _jsonio

            write = _jsonio.write_json if suffix == ".json" else _jsonio.write_jsonl
            write(stream, ledger)


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside *path*; when the block ends without an error, the file
    written there is flushed to disk and renamed over *path*; else it is removed."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp"
    )
    os.close(handle)
    try:
        yield Path(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


@contextlib.contextmanager
def _atomic(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    with (
        replacing(path) as temporary,
        open(temporary, "w", encoding="utf-8", newline="") as stream,
    ):
        yield stream


def _sync_folder(folder: Path) -> None:
    # The rename is durable once the folder's entry is on disk (POSIX; a no-op elsewhere).
    with contextlib.suppress(OSError):
        descriptor = os.open(folder or ".", os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# Text a spreadsheet would take for a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TEXT_COLUMNS = frozenset({"id", "system", "authority", "part_of", "source", "note"})


def write_csv(stream: TextIO, ledger: Ledger, *, neutralize_formulas: bool = False) -> None:
    """Write *ledger* as interchange CSV (every column, DESIGN 4.1 order)."""
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
