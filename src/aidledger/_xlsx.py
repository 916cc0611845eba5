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
- text is ``str``, a true/false cell ``bool``, an empty cell ``""``;
- an error value (``#DIV/0!``, ``#N/A``: a formula that failed) is an :class:`ErrorCell`,
  never a blank. python-calamine gives such cells as ``""``, so in an xlsx file they are
  found in the sheet's XML (``t="e"``); that part is parsed only when it holds one.
"""

from __future__ import annotations

import datetime
import os
import posixpath
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import TypeAlias
from xml.etree import ElementTree

import attrs

from aidledger.errors import LoadError, MissingExtraError

__all__ = ["Cell", "ErrorCell", "Workbook", "cell_text", "is_workbook"]


@attrs.frozen
class ErrorCell:
    """A cell holding an error value, as the spreadsheet shows it (``#DIV/0!``)."""

    code: str


Cell: TypeAlias = str | Decimal | datetime.date | bool | ErrorCell

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


def _with_errors(cells: list[Cell], errors: dict[int, str]) -> list[Cell]:
    """*cells* with the error values of their row in place."""
    for column, code in errors.items():
        cells.extend([""] * (column + 1 - len(cells)))
        cells[column] = ErrorCell(code)
    return cells


def cell_text(cell: Cell) -> str:
    """A cell as the text a CSV export of it would hold: numbers in plain digits (never
    an exponent), dates as ``YYYY-MM-DD``, true/false as ``TRUE``/``FALSE``."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, Decimal):
        return format(cell, "f")
    if isinstance(cell, ErrorCell):
        return cell.code
    return cell.isoformat()


class Workbook:
    """An open workbook: its sheet names, and each sheet's rows read on demand."""

    def __init__(self, path: str | os.PathLike[str], file: str) -> None:
        try:
            import python_calamine as calamine
        except ModuleNotFoundError as error:
            raise MissingExtraError(_MISSING) from error
        self.file = file
        self._path = path
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
        errors = _error_cells(self._path, name)
        for number, row in enumerate(grid):
            cells = [value if type(value) is str else _cell(value) for value in row]
            yield _with_errors(cells, errors.pop(number)) if number in errors else cells
        # (calamine's rows hold every error cell; this is in case one ever lies beyond)
        following = len(grid)
        for at in sorted(errors):
            if limit is not None and at >= limit:
                break
            yield from ([] for _ in range(following, at))
            yield _with_errors([], errors[at])
            following = at + 1

    def close(self) -> None:
        """Release the file."""
        self._book.close()


# --- error values -------------------------------------------------------------------------

_SHEET_RELATIONSHIP = re.compile(r"/relationships/worksheet$")
# A cell's type attribute saying "error", however quoted and spaced.
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")
_REFERENCE = re.compile(r"([A-Z]+)([0-9]+)")
_CHUNK = 1 << 20


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The archive's path of the worksheet named *name* (through the workbook's
    relationships), or ``None`` when it is not an xlsx worksheet."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    ids = [
        value
        for sheet in book.iter()
        if _local(sheet.tag) == "sheet" and sheet.get("name") == name
        for key, value in sheet.attrib.items()
        if _local(key) == "id"
    ]
    for link in links.iter():
        if _local(link.tag) == "Relationship" and ids and link.get("Id") == ids[0]:
            target = link.get("Target", "")
            if not _SHEET_RELATIONSHIP.search(link.get("Type", "")):
                return None
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None


def _may_hold_errors(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet's XML holds an error-typed cell: a fast scan of its bytes."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            if (b'"e"' in text or b"'e'" in text) and _ERROR_TYPE.search(text):
                return True
            tail = text[-16:]
    return False


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _error_cells(path: str | os.PathLike[str], name: str) -> dict[int, dict[int, str]]:
    """The error values of sheet *name*: row index -> column index -> code (both from 0)."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _part(archive, name)
            if part is None or not _may_hold_errors(archive, part):
                return {}
            return _located_errors(archive, part)
    except (OSError, zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return {}  # (not an xlsx package: calamine's own reading says what is wrong)


def _located_errors(archive: zipfile.ZipFile, part: str) -> dict[int, dict[int, str]]:
    errors: dict[int, dict[int, str]] = {}
    row = column = -1
    with archive.open(part) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    number = element.get("r")
                    row = int(number) - 1 if number else row + 1
                    column = -1
                elif tag == "c":
                    reference = _REFERENCE.fullmatch(element.get("r") or "")
                    if reference:
                        column = _column(reference.group(1))
                        row = int(reference.group(2)) - 1
                    else:
                        column += 1
                continue
            if tag == "c":
                if element.get("t") == "e":
                    value = next((child for child in element if _local(child.tag) == "v"), None)
                    text = value.text if value is not None and value.text else "#VALUE!"
                    errors.setdefault(row, {})[column] = text
                element.clear()
            elif tag == "row":
                element.clear()
    return errors
