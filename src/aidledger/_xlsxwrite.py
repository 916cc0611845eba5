"""Writing Excel workbooks (xlsx) whose every cell holds exactly what it was given.

A small SpreadsheetML writer of aidledger's own, with no dependency: each sheet is streamed
row by row into the zip archive (constant memory), text as inline strings. General writers
were tried and set aside, because they change some texts: xlsxwriter writes a text framed
as ``<r>...</r>`` as raw XML (the cell reads back empty, or the file breaks) and escapes
``_x005F_x0041_`` so that it reads back as ``_x005FA``; and, like openpyxl, it keeps 16
significant digits of a number. Here:

- text is escaped as the format says (ECMA-376 ``ST_Xstring``): ``&``, ``<``, ``>`` as
  XML entities, control characters (a carriage return too, which XML would turn into a
  line feed) as ``_xHHHH_``, and every ``_`` that starts such an escape as ``_x005F_``,
  so that any text reads back as written; a text is never a formula, whatever it starts
  with. A text longer than a cell holds (32,767 UTF-16 code units) or holding U+FFFE or
  U+FFFF (which no XML can hold) is refused, never cut;
- a number (``int``, ``Decimal`` or :class:`Number`) is a number cell only when the
  binary float a spreadsheet keeps reads back as the same decimal (at most 15
  significant digits, within a float's range); otherwise it is written as its exact
  text. So a reader taking each number cell as its shortest decimal gets back the value;
- a ``datetime.date`` is a date cell (``yyyy-mm-dd``), or ISO text before 1900-03-01
  (spreadsheets count days from 1900 and get that year's February wrong);
- ``True``/``False`` are boolean cells, ``None`` and ``""`` no cell at all.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, TypeAlias

import attrs

from aidledger.errors import AidLedgerError

__all__ = [
    "CELL_LIMIT",
    "ROW_LIMIT",
    "Cell",
    "Number",
    "Sheet",
    "UnwritableCellError",
    "column_name",
    "write_workbook",
]

#: The most UTF-16 code units a cell's text may have (Excel's limit).
CELL_LIMIT = 32_767
#: The most rows a sheet may have, its header included (Excel's limit).
ROW_LIMIT = 1_048_576
#: Significant digits a spreadsheet's float keeps of any decimal (DBL_DIG).
_DIGITS = 15


@attrs.frozen
class Number:
    """A number shown with at least *decimals* places (more when the value has them),
    after *prefix* (``"≥ "`` for a lower bound): the cell holds the number itself."""

    value: Decimal | int
    decimals: int = 0
    prefix: str = ""


Cell: TypeAlias = str | bool | int | Decimal | Number | datetime.date | None


@attrs.frozen
class Sheet:
    """One worksheet: its name, header row and rows of cells (an iterable, read once)."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    #: Column widths in characters (default: from the header).
    widths: Sequence[float] | None = None


class UnwritableCellError(AidLedgerError, ValueError):
    """A value that no xlsx cell can hold as it is: the sheet, its row (1 is the header),
    its column's header and the reason."""

    def __init__(
        self, sheet: str, row: int, column: str, value: str, reason: str, message: str = ""
    ) -> None:
        self.sheet, self.row, self.column = sheet, row, column
        self.value, self.reason = value, reason
        where = f"[{sheet}]:{row}: {column}: " if column else f"[{sheet}]: "
        super().__init__(message or where + reason)


# --- cells ----------------------------------------------------------------------------------

# What in a text needs escaping: XML's own characters, the control characters XML cannot
# hold as they are, an underscore that starts what reads as an escape, and U+FFFE/U+FFFF.
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "_": "_x005F_"}
_WHITESPACE = frozenset(" \t\n\r")


class _Refused(Exception):
    """A text no cell can hold (the reason)."""


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    entity = _ENTITIES.get(char)
    if entity is not None:
        return entity
    if char in "\ufffe\uffff":
        raise _Refused(f"holds U+{ord(char):04X}, a character that an xlsx file cannot hold")
    return f"_x{ord(char):04X}_"


def _text(text: str) -> str:
    """The ``<is>`` element of an inline string holding *text* exactly."""
    if len(text) > CELL_LIMIT // 2:
        units = len(text.encode("utf-16-le")) // 2
        if units > CELL_LIMIT:
            raise _Refused(
                f"has {units:,} characters (UTF-16 code units): more than an xlsx cell "
                f"holds ({CELL_LIMIT:,}); it is never cut"
            )
    escaped = _SPECIAL.sub(_escape, text) if _SPECIAL.search(text) else text
    if text and (text[0] in _WHITESPACE or text[-1] in _WHITESPACE):
        return f'<is><t xml:space="preserve">{escaped}</t></is>'
    return f"<is><t>{escaped}</t></is>"


def _number(value: Decimal | int) -> str | None:
    """*value* as a number cell's text, if a spreadsheet's float holds it exactly."""
    if isinstance(value, int):
        return str(value) if -(10**_DIGITS) < value < 10**_DIGITS else None
    if not value.is_finite():
        return None
    if not value:
        return "0"
    digits = value.normalize().as_tuple().digits
    if len(digits) > _DIGITS or not -300 <= value.adjusted() <= 300:
        return None
    return repr(float(value))


def _places(value: Decimal | int) -> int:
    if isinstance(value, int):
        return 0
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


_EPOCH = datetime.date(1899, 12, 30)
_FIRST_DAY = datetime.date(1900, 3, 1)  # days before it are off by one in spreadsheets


def column_name(index: int) -> str:
    """The letters of column *index* (0 is ``A``, 26 is ``AA``)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class _Styles:
    """The cell formats a workbook uses: 0 plain, 1 a header, 2 a date, then numbers."""

    HEADER, DATE = 1, 2

    def __init__(self) -> None:
        self.formats: dict[str, int] = {"yyyy-mm-dd": 164}
        self.styles: dict[int, int] = {}  # number format id -> cell format index

    def number(self, decimals: int, prefix: str) -> int:
        code = "#,##0" + ("." + "0" * decimals if decimals else "")
        if prefix:
            code = '"' + prefix.replace('"', "") + '"' + code
        format_id = self.formats.setdefault(code, 164 + len(self.formats))
        return self.styles.setdefault(format_id, 3 + len(self.styles))

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{number}" formatCode="{_attribute(code)}"/>'
            for code, number in self.formats.items()
        )
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
        plain = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        header = '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        numbers = [self.formats["yyyy-mm-dd"], *self.styles]
        xfs = "".join(
            f'<xf numFmtId="{number}" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>'
            for number in numbers
        )
        return (
            f'{_DECLARATION}<styleSheet xmlns="{_MAIN}">'
            f'<numFmts count="{len(self.formats)}">{formats}</numFmts>'
            f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            f'<cellXfs count="{2 + len(numbers)}">{plain}{header}{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


def _attribute(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def _cell(reference: str, value: Cell, styles: _Styles) -> str:
    """The ``<c>`` element of one cell ("" for a blank)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return f'<c r="{reference}" t="inlineStr">{_text(value)}</c>'
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if day < _FIRST_DAY:
            return f'<c r="{reference}" t="inlineStr">{_text(day.isoformat())}</c>'
        return f'<c r="{reference}" s="{styles.DATE}"><v>{(day - _EPOCH).days}</v></c>'
    number = value if isinstance(value, Number) else Number(value)
    shown = _number(number.value)
    if shown is None:  # more digits than a float keeps: the exact text instead
        exact = str(number.value) if isinstance(number.value, int) else f"{number.value:f}"
        return f'<c r="{reference}" t="inlineStr">{_text(number.prefix + exact)}</c>'
    style = 0
    places = max(number.decimals, _places(number.value))
    if places or number.prefix or isinstance(value, Number):
        style = styles.number(places, number.prefix)
    attributes = f' s="{style}"' if style else ""
    return f'<c r="{reference}"{attributes}><v>{shown}</v></c>'


# --- the package ----------------------------------------------------------------------------

_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_TYPES}.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    return (
        f"{_DECLARATION}"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.styles+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook(names: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_attribute(name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(names, start=1)
    )
    return (
        f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
        "</workbook>"
    )


def _workbook_relationships(count: int) -> str:
    kind = _RELATIONSHIPS
    sheets = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    styles = f'<Relationship Id="rId{count + 1}" Type="{kind}/styles" Target="styles.xml"/>'
    return f'{_DECLARATION}<Relationships xmlns="{_PACKAGE}">{sheets}{styles}</Relationships>'


_ROOT_RELATIONSHIPS = (
    f'{_DECLARATION}<Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" '
    f'Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
# Rows written to the archive at a time.
_BATCH = 2000


def _sheet_head(sheet: Sheet, first: bool) -> str:
    widths = sheet.widths or [max(10, len(name) + 2) for name in sheet.header]
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
        for n, width in enumerate(widths, start=1)
    )
    selected = ' tabSelected="1"' if first else ""
    return (
        f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
        f'<sheetViews><sheetView{selected} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f"<cols>{columns}</cols><sheetData>"
    )


def _write_sheet(out: IO[bytes], sheet: Sheet, styles: _Styles, first: bool) -> None:
    letters = [column_name(n) for n in range(len(sheet.header))]
    header = "".join(
        f'<c r="{letter}1" s="{styles.HEADER}" t="inlineStr">{_text(name)}</c>'
        for letter, name in zip(letters, sheet.header, strict=True)
    )
    parts = [_sheet_head(sheet, first), f'<row r="1">{header}</row>']
    for number, row in enumerate(sheet.rows, start=2):
        if number > ROW_LIMIT:
            raise UnwritableCellError(
                sheet.name,
                number,
                "",
                "",
                f"more rows than an xlsx sheet holds ({ROW_LIMIT - 1:,} below its header)",
            )
        cells = []
        for letter, value, name in zip(letters, row, sheet.header, strict=True):
            try:
                cells.append(_cell(f"{letter}{number}", value, styles))
            except _Refused as refused:
                raise UnwritableCellError(
                    sheet.name, number, name, str(value), str(refused)
                ) from None
        parts.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(parts) >= _BATCH:
            out.write("".join(parts).encode("utf-8"))
            parts.clear()
    parts.append("</sheetData></worksheet>")
    out.write("".join(parts).encode("utf-8"))


def write_workbook(stream: IO[bytes], sheets: Sequence[Sheet]) -> None:
    """Write *sheets* as an xlsx workbook to the binary *stream* (seekable), in order; the
    first is the one shown on opening. An :class:`UnwritableCellError` says which value
    cannot be written (the stream then holds no usable workbook)."""
    styles = _Styles()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
        archive.writestr("_rels/.rels", _ROOT_RELATIONSHIPS)
        archive.writestr("xl/workbook.xml", _workbook([sheet.name for sheet in sheets]))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_relationships(len(sheets)))
        for n, sheet in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w") as out:
                _write_sheet(out, sheet, styles, first=n == 1)
        archive.writestr("xl/styles.xml", styles.xml())
