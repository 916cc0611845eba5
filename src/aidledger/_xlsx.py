"""Reading Excel workbooks: sheet names, and a sheet's rows as exact cells.

A private helper of the importers (docs/kiel.md). It needs the optional ``xlsx`` extra
(python-calamine, a Rust reader: about ten times faster than openpyxl on the Kiel
workbook), imported only when a workbook is opened.

Cells are exact values, never floats:

- a number is stored in the file as a binary float; it becomes the ``Decimal`` of the
  shortest text that gives that float back (``repr`` of it, what a spreadsheet shows):
  ``2645059.469754`` stays ``Decimal('2645059.469754')``, ``35000000.0`` is
  ``Decimal('35000000')``. Exact from there on: nothing is ever summed as a float;
- a date or date-time cell is its day (``datetime.date``); a time of day or a duration its
  ISO text;
- text is ``str``, a true/false cell ``bool``, an empty cell ``""``.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import TypeAlias

from aidledger.errors import LoadError, MissingExtraError

__all__ = ["Cell", "Workbook", "cell_text", "is_workbook"]

Cell: TypeAlias = str | Decimal | datetime.date | bool

#: An xlsx (and any Office Open XML or OpenDocument) file is a zip archive.
_ZIP_MAGIC = b"PK\x03\x04"


def is_workbook(head: bytes) -> bool:
    """Whether a file starting with *head* is a workbook (a zip archive), by its content."""
    return head.startswith(_ZIP_MAGIC)


_MISSING = (
    "reading an Excel workbook needs the optional 'xlsx' extra: pip install 'aidledger[xlsx]'"
)


def _number(value: float) -> Decimal:
    """The exact decimal a spreadsheet shows for a float: its shortest round-trip text;
    an integral float as an integer (``1e+22`` is ``10000000000000000000000``)."""
    exact = Decimal(repr(value))
    if value.is_integer():
        return Decimal(int(exact))
    return exact


def _cell(value: object) -> Cell:
    if isinstance(value, str | bool):
        return value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return "" if value is None else str(value)


def cell_text(cell: Cell) -> str:
    """A cell as the text a CSV export of it would hold: numbers in plain digits (never
    an exponent), dates as ``YYYY-MM-DD``, true/false as ``TRUE``/``FALSE``."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, Decimal):
        return format(cell, "f")
    return cell.isoformat()


class Workbook:
    """An open workbook: its sheet names, and each sheet's rows read on demand."""

    def __init__(self, path: str | os.PathLike[str], file: str) -> None:
        try:
            import python_calamine as calamine
        except ModuleNotFoundError as error:
            raise MissingExtraError(_MISSING) from error
        self.file = file
        try:
            self._book = calamine.CalamineWorkbook.from_path(os.fspath(path))
        except calamine.CalamineError as error:
            raise LoadError(
                f"is not a readable Excel workbook (truncated or corrupt?): {error}", file=file
            ) from None
        except OSError as error:
            raise LoadError(f"cannot be read: {error.strerror or error}", file=file) from None
        self._error: type[Exception] = calamine.CalamineError
        #: The names of the worksheets, in workbook order (chart sheets left out).
        self.names: list[str] = [
            sheet.name
            for sheet in self._book.sheets_metadata
            if sheet.typ == calamine.SheetTypeEnum.WorkSheet
        ]

    def rows(self, name: str, limit: int | None = None) -> Iterator[list[Cell]]:
        """The rows of sheet *name* from its first row (``A1``) on, each a list of cells from
        column ``A``; row *n* of the sheet is the *n*-th row yielded. With *limit*, only
        that many rows are read."""
        try:
            sheet = self._book.get_sheet_by_name(name)
            grid = sheet.to_python(skip_empty_area=False, nrows=limit)
        except self._error as error:
            raise LoadError(
                f"sheet {name!r} is not readable (truncated or corrupt?): {error}", file=self.file
            ) from None
        for row in grid:
            yield [_cell(value) for value in row]

    def close(self) -> None:
        """Release the file."""
        self._book.close()
