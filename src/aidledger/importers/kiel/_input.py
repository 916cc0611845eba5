"""Reading a Kiel table from a file: CSV text or an Excel workbook, its header and its rows.

What the file is comes from its content, never its name: a zip archive is a workbook, any
other file is CSV text (UTF-8, or UTF-16/UTF-32 with a byte-order mark, or UTF-16 without
one). Which layout it has comes from its header: each :class:`Layout` names the columns it
needs, and the table is read with the one whose columns are all there. In a workbook, the
sheet is the one named ``Bilateral Assistance, MAIN DATA``, else the first whose header
fits a layout, else the one asked for.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from aidledger import _xlsx
from aidledger._encoding import decode
from aidledger._files import read_bytes
from aidledger.errors import LoadError

#: The name Kiel gives the main data's sheet in the tracker's workbook.
MAIN_SHEET = "Bilateral Assistance, MAIN DATA"

_UNNAMED = re.compile(r"unnamed: [0-9]+")
_SOURCE = re.compile(r"source of aid ([0-9]+)")
_DELIMITERS = (",", "\t", ";")
# A workbook's header may sit under a few title rows; rows further down are data.
_HEADER_ROWS = 10


def normal(header: str) -> str:
    """A header as compared: no case, ``_`` as a space, spaces collapsed
    (``tot_sub_activity_value_EUR`` is ``tot sub activity value eur``)."""
    return " ".join(header.replace("_", " ").split()).casefold()


class Layout(NamedTuple):
    """A layout of Kiel's table: the header names of each role, and the roles it needs."""

    name: str  # "item table", "main data sheet": what the file is said not to be
    headers: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    workbook: bool  # whether Kiel publishes it in a workbook (else as CSV)


class Row(NamedTuple):
    line: int  # the file's line (CSV) or the sheet's row (workbook); the header's is 1 or more
    cells: list[str]


class Columns:
    """Where each role's column is in a header, found by name."""

    def __init__(self, header: list[str], layout: Layout) -> None:
        self.header = header
        self.layout = layout
        normal_names = [normal(name) for name in header]
        self.index: dict[str, int] = {}
        self.twice: tuple[str, int, int] | None = None  # a role's column found twice
        for role, names in layout.headers.items():
            wanted = {normal(name) for name in names}
            found = [position for position, name in enumerate(normal_names) if name in wanted]
            if len(found) > 1 and self.twice is None:
                self.twice = (header[found[0]].strip(), found[0], found[1])
            if found:
                self.index[role] = found[0]
        # The 2022 layout leaves the items' header blank ("Unnamed: 8" once read by pandas):
        # it is the unnamed column just before "Type of item".
        kind = self.index.get("item_type")
        if (
            "item" in layout.headers
            and "item" not in self.index
            and kind
            and _UNNAMED.fullmatch(normal_names[kind - 1])
        ):
            self.index["item"] = kind - 1
        numbered = [
            (int(match.group(1)), position)
            for position, name in enumerate(normal_names)
            if (match := _SOURCE.fullmatch(name))
        ]
        self.sources = [position for _, position in sorted(numbered)]

    @property
    def missing(self) -> list[str]:
        """The required columns the header lacks, by their names in the layout."""
        return [
            "Items (or the unnamed column before 'Type of item')"
            if role == "item" and self.layout.headers[role][0] == "Items"
            else self.layout.headers[role][0]
            for role in self.layout.required
            if role not in self.index
        ]

    @property
    def found(self) -> int:
        return len(self.layout.required) - len(self.missing)

    def name(self, role: str) -> str:
        """The header of *role*'s column as the file writes it (without outer spaces)."""
        position = self.index.get(role)
        return self.layout.headers[role][0] if position is None else self.header[position].strip()

    def check(self, file: str, line: int) -> None:
        """Refuse a header that names one role's column twice."""
        if self.twice is not None:
            field, first, second = self.twice
            raise LoadError(
                f"is a column twice (columns {first + 1} and {second + 1})",
                file=file,
                line=line,
                field=field,
            )


def _best(header: list[str], layouts: Sequence[Layout], workbook: bool) -> Columns:
    """The header read with the layout it fits best: all columns found, else the most;
    between equals, a layout Kiel publishes in that kind of file (*workbook* or CSV)."""
    read = [Columns(header, layout) for layout in layouts]
    complete = [columns for columns in read if not columns.missing]
    if complete:
        return complete[0]
    return max(
        read,
        key=lambda columns: (
            columns.found / len(columns.layout.required),
            columns.layout.workbook == workbook,
        ),
    )


def _not_a_table(columns: Columns, file: str, line: int | None) -> LoadError:
    missing = ", ".join(repr(name) for name in columns.missing)
    return LoadError(
        f"is not a Kiel Ukraine Support Tracker {columns.layout.name}: it has no column {missing}",
        file=file,
        line=line,
    )


class Table(NamedTuple):
    """A Kiel table as read: where it is (for messages), its columns and its rows."""

    file: str  # "kiel.csv", or "tracker.xlsx[Bilateral Assistance, MAIN DATA]"
    columns: Columns
    rows: Iterator[Row]
    sheet: str | None  # the workbook's sheet, None for CSV
    path: str  # the file's path as given

    @property
    def name(self) -> str:
        """The file's name without its folders, and the sheet: how sources cite it."""
        name = os.path.basename(self.path)
        return name if self.sheet is None else f"{name}[{self.sheet}]"


def read_table(
    path: str | os.PathLike[str], layouts: Sequence[Layout], sheet: str | None = None
) -> Table:
    """The table in *path*: a workbook's main-data sheet (or *sheet*), or CSV text."""
    file = os.fspath(path)
    data = read_bytes(path, file)  # a FIFO or a device is refused, not read
    if _xlsx.is_workbook(data):
        return _workbook_table(path, file, layouts, sheet)
    if sheet is not None:
        raise LoadError(
            f"is CSV text, not a workbook: it has no sheet {sheet!r} to choose", file=file
        )
    return _csv_table(decode(data, file), file, layouts)


# --- CSV -----------------------------------------------------------------------------------


def _csv_rows(text: str, delimiter: str, file: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            yield Row(start, cells)
            start = reader.line_num + 1
    except csv.Error as error:
        raise LoadError(f"is not readable as CSV: {error}", file=file, line=start) from None


def _complete(rows: Iterator[Row], width: int, text: str, file: str) -> Iterator[Row]:
    """*rows*, refusing a last row that stops short of the header's width without an end
    of line: the file was cut in the middle of that row."""
    cut = not text.endswith(("\n", "\r"))
    previous: Row | None = None
    for row in rows:
        if previous is not None:
            yield previous
        previous = row
    if previous is not None:
        if cut and len(previous.cells) < width:
            raise LoadError(
                f"ends in the middle of a row: its last row has {len(previous.cells)} of the "
                f"header's {width} cells and no end of line (the file was cut short?)",
                file=file,
                line=previous.line,
            )
        yield previous


def _csv_table(text: str, file: str, layouts: Sequence[Layout]) -> Table:
    """The columns and the data rows of a Kiel CSV table; a LoadError for any other file."""
    best: tuple[Columns, Iterator[Row]] | None = None
    for delimiter in _DELIMITERS:
        rows = _csv_rows(text, delimiter, file)
        first = next(rows, None)
        if first is None:
            raise LoadError("is empty: a Kiel table starts with a header row", file=file)
        columns = _best(first.cells, layouts, workbook=False)
        if not columns.missing:
            columns.check(file, 1)
            data = _complete(rows, len(first.cells), text, file)
            return Table(file, columns, data, None, file)
        if best is None or len(columns.missing) < len(best[0].missing):
            best = columns, rows
    assert best is not None
    raise _not_a_table(best[0], file, 1)


# --- workbooks -----------------------------------------------------------------------------


def _text_rows(rows: Iterable[list[_xlsx.Cell]]) -> Iterator[list[str]]:
    for row in rows:
        yield [_xlsx.cell_text(cell) for cell in row]


def _header(book: _xlsx.Workbook, name: str, layouts: Sequence[Layout]) -> tuple[int, Columns]:
    """Where a sheet's header is (its row number) and its columns: the first of its first
    rows that fits a layout, else the row that fits one best."""
    best: tuple[int, Columns] | None = None
    for number, cells in enumerate(_text_rows(book.rows(name, limit=_HEADER_ROWS)), 1):
        if not any(cell.strip() for cell in cells):
            continue
        columns = _best(cells, layouts, workbook=True)
        if not columns.missing:
            return number, columns
        if best is None or columns.found > best[1].found:
            best = number, columns
    if best is None:
        return 1, _best([], layouts, workbook=True)
    return best


def _workbook_table(
    path: str | os.PathLike[str], file: str, layouts: Sequence[Layout], sheet: str | None
) -> Table:
    book = _xlsx.Workbook(path, file)
    names = book.names
    shown = ", ".join(repr(name) for name in names) or "none"
    if sheet is not None:
        chosen = next((name for name in names if name == sheet), None)
        chosen = chosen or next((name for name in names if normal(name) == normal(sheet)), None)
        if chosen is None:
            raise LoadError(f"has no sheet {sheet!r} (its sheets: {shown})", file=file)
        candidates = [chosen]
    else:
        named = [name for name in names if normal(name) == normal(MAIN_SHEET)]
        candidates = named or names
    found: list[tuple[str, int, Columns]] = []
    for name in candidates:
        line, columns = _header(book, name, layouts)
        if not columns.missing:
            where = f"{file}[{name}]"
            columns.check(where, line)
            grid = list(_text_rows(book.rows(name)))
            book.close()
            data = (Row(number, cells) for number, cells in enumerate(grid, 1) if number > line)
            return Table(where, columns, data, name, file)
        found.append((name, line, columns))
    book.close()
    if found:
        name, line, columns = max(found, key=lambda each: each[2].found)
        # A sheet asked for, or one with half of the columns, is the main data with a
        # column missing; otherwise no sheet is.
        if len(candidates) == 1 or 2 * columns.found >= len(columns.layout.required):
            raise _not_a_table(columns, f"{file}[{name}]", line)
    raise LoadError(
        f"has no sheet that looks like the Kiel main data: none is named {MAIN_SHEET!r} "
        f"or has its columns (its sheets: {shown}); name the one to read (--sheet)",
        file=file,
    )
