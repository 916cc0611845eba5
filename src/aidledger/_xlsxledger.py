"""A ledger as an Excel workbook: one sheet, ``ledger``, the interchange columns in order.

Written so that reading it back gives the same ledger (docs/interchange.md): text is a text
cell whatever it holds (a leading ``=`` never makes a formula), amounts their exact decimal
text (a spreadsheet's number would keep 15 digits), dates date cells, quantities number
cells (whole numbers within 15 digits, which a float holds exactly; larger ones text),
``undisclosed`` a text cell, blanks no cell.

Read through the CSV reader's own checks, so that a workbook and a CSV file say the same
of the same values: each run of the sheet's rows becomes CSV text fed to
:func:`aidledger._csvread.read_csv_text`, and every line it names is the sheet's row
(``pledges.xlsx[ledger]:14: amount: '1,5' is not a decimal number``). A run ends after a
row whose text holds a line break, which spans lines in CSV: that keeps each run's lines
and the sheet's rows a fixed distance apart. Cells typed in a spreadsheet are read as it
shows them: a number as the shortest decimal its float gives back, a date cell as its day;
an error value (``#DIV/0!``) is an error, never a blank.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterator, Sequence
from typing import IO

from aidledger import _xlsx, _xlsxwrite
from aidledger._csvread import read_csv_text
from aidledger._files import open_input
from aidledger._table import Origin, RecordTable
from aidledger.errors import LoadError, Problems, collecting
from aidledger.model import COLUMNS

__all__ = ["SHEET", "read_xlsx", "write_xlsx"]

#: The name of a ledger workbook's one sheet.
SHEET = "ledger"

# CRLF, as the CSV writer then quotes a lone CR inside a field (as ``io.write_csv`` does).
_LINE_END = "\r\n"
# Column widths, in characters, for people who open the file.
_WIDTHS = {"id": 24, "date": 12, "system": 22, "status": 12, "source": 40, "note": 40}


def write_xlsx(stream: IO[bytes], table: RecordTable, file: str) -> None:
    """Write the records of *table* to *stream* as a ledger workbook; a value no cell can
    hold is a ``ValueError`` naming *file*, the record and the field, and nothing usable
    is left in *stream*."""
    columns: list[Sequence[_xlsxwrite.Cell]] = []
    for name, column in table.columns():
        if name == "status":
            column = [status.value for status in column]
        elif name == "delivered_quantity":
            column = [value if value is None else _quantity(value) for value in column]
        columns.append(column)
    widths = [_WIDTHS.get(name, max(10, len(name) + 2)) for name in COLUMNS]
    sheet = _xlsxwrite.Sheet(SHEET, COLUMNS, zip(*columns, strict=True), widths)
    try:
        _xlsxwrite.write_workbook(stream, [sheet])
    except _xlsxwrite.UnwritableCellError as error:
        if not error.column:  # more rows than a sheet holds
            message = f"{file}: {len(table):,} records: {error.reason}"
        else:
            record = error.row - 2
            message = (
                f"{file}: record {record} (id {table.id[record]!r}): {error.column}: "
                f"{_shown(error.value)} {error.reason}"
            )
        raise _xlsxwrite.UnwritableCellError(
            error.sheet, error.row, error.column, error.value, error.reason, message
        ) from None


def _quantity(value: object) -> _xlsxwrite.Cell:
    return value if isinstance(value, int) else str(value)  # "undisclosed"


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "..."


# --- reading --------------------------------------------------------------------------------


def read_xlsx(
    path: str | os.PathLike[str],
    resolve_system: Callable[[str], str | None],
    name: str | None = None,
    problems: Problems | None = None,
) -> RecordTable:
    """Read a ledger workbook into checked columns (see the module's notes). Its sheet is
    its only worksheet (``ledger`` when aidledger wrote it); a workbook of several is an
    error that names them, so that no sheet is ever left unread unnoticed. Problems go
    to *problems* when given (as the other readers do), else are raised together."""
    file = os.fspath(path) if name is None else name
    with collecting(problems, file):
        return _read_workbook(path, file, resolve_system)
    return RecordTable()  # it could not be read: its problems are in *problems*


def _read_workbook(
    path: str | os.PathLike[str], file: str, resolve_system: Callable[[str], str | None]
) -> RecordTable:
    open_input(path, file).close()  # missing, unreadable, not a regular file: said alike
    book = _xlsx.Workbook(path, file)
    try:
        if len(book.names) != 1:
            shown = ", ".join(repr(sheet) for sheet in book.names) or "none"
            raise LoadError(
                f"has {len(book.names)} sheets ({shown}): a ledger workbook holds one, "
                f"the ledger ({SHEET!r} when aidledger writes it), so that no sheet is "
                "left unread",
                file=file,
            )
        sheet = book.names[0]
        return _read_sheet(book.rows(sheet), f"{file}[{sheet}]", resolve_system)
    finally:
        book.close()


def _read_sheet(
    rows: Iterator[list[_xlsx.Cell]], where: str, resolve_system: Callable[[str], str | None]
) -> RecordTable:
    header = next(rows, [])
    while header and header[-1] == "":
        header.pop()
    texts = _texts(header, 1, ["header"] * len(header), where)
    if any("\n" in text or "\r" in text for text in texts):
        bad = next(text for text in texts if "\n" in text or "\r" in text)
        raise LoadError(
            f"is not a column of the ledger format; columns: {', '.join(COLUMNS)}",
            file=where,
            line=1,
            field="header",
            value=bad,
        )
    head = io.StringIO(newline="")
    csv.writer(head, lineterminator=_LINE_END).writerow(texts)
    reader = _Runs(head.getvalue(), where, resolve_system)
    width = len(texts)
    for number, row in enumerate(rows, start=2):
        while len(row) > width and row[-1] == "":
            row.pop()
        row.extend([""] * (width - len(row)))
        fields = [*texts, *[""] * (len(row) - len(texts))]
        try:
            reader.add(number, _texts(row, number, fields, where))
        except LoadError:
            reader.flush()  # the rows above come first: their problems, if any, first
            raise
    return reader.finish()


def _texts(cells: list[_xlsx.Cell], number: int, fields: list[str], where: str) -> list[str]:
    """A row's cells as the text a CSV file would hold; an error value is refused."""
    kinds = set(map(type, cells))
    if _xlsx.ErrorCell in kinds:
        field, cell = next(
            (field, cell)
            for cell, field in zip(cells, fields, strict=False)
            if isinstance(cell, _xlsx.ErrorCell)
        )
        raise LoadError(
            "is an error value, not a value (a formula that failed?)",
            file=where,
            line=number,
            field=field or None,
            value=cell.code,
        )
    if kinds <= {str}:
        return cells  # type: ignore[return-value]  # (all text)
    return [cell if type(cell) is str else _xlsx.cell_text(cell) for cell in cells]


class _Runs:
    """Rows of a sheet read as CSV, a run at a time (see the module's notes)."""

    def __init__(self, header: str, where: str, resolve: Callable[[str], str | None]) -> None:
        self.header, self.where, self.resolve = header, where, resolve
        self.table = RecordTable()
        self.rows: list[int] = []  # the sheet's row of each record read
        self.first = 2  # the sheet's row of the run's first line
        self.text = io.StringIO(newline="")
        self.writer = csv.writer(self.text, lineterminator=_LINE_END)
        self.pending = False  # whether the run holds any line (even a blank one)
        self.header_read = False

    def add(self, number: int, texts: list[str]) -> None:
        if not self.pending:
            self.first = number
        self.pending = True
        if not any(texts):
            self.text.write(_LINE_END)  # a blank row: a blank line, skipped and counted
            return
        self.writer.writerow(texts)
        joined = "".join(texts)
        if "\n" in joined or "\r" in joined:
            self._read()

    def flush(self) -> None:
        """Read the rows added so far."""
        if self.pending:
            self._read()

    def _read(self) -> None:
        stream = io.StringIO(self.header + self.text.getvalue(), newline="")
        try:
            run = read_csv_text(stream, self.where, self.resolve)
        except LoadError as error:
            raise self._moved(error) from None
        self.table.extend(run)
        for origin in run.origins:
            for row in range(origin.start, origin.stop):
                line = origin.line(row)
                assert line is not None
                self.rows.append(self.first + line - 2)
        self.header_read = True
        self.text = io.StringIO(newline="")
        self.writer = csv.writer(self.text, lineterminator=_LINE_END)
        self.pending = False

    def _moved(self, error: LoadError) -> LoadError:
        """*error*, each of its problems with its line (of the run's CSV text) as the
        sheet's row."""
        return LoadError.of([self._moved_one(one) for one in error.problems], error.more)

    def _moved_one(self, error: LoadError) -> LoadError:
        if error.line is None or error.line < 2:
            return error
        return LoadError(
            error.reason,
            file=error.file,
            line=self.first + error.line - 2,
            field=error.field,
            value=error.value,
        )

    def finish(self) -> RecordTable:
        if self.pending or not self.header_read:
            self._read()
        self.table.origins = [Origin(self.where, 0, len(self.table), lines=self.rows)]
        return self.table
