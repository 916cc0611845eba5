"""Splitting interchange CSV into columns: whole records a block at a time, in one pass.

Most lines of a ledger hold no quote: those are split on commas, which is exact for
RFC 4180 text without quotes and much faster than the csv module; records that hold a
quoted field go through the csv module. Where a record ends is found by one scan over
the quotes (:func:`_scan`): a quote opens a quoted field only at the start of a field (a
quote inside an unquoted field, ``5" gun``, is kept as written, as the csv module keeps
it), so a stray quote costs nothing and an unclosed one is reported on the line where it
opens. Every step is linear in the text, whatever it holds.

A row that cannot be split (a quoting error, the wrong number of fields) is left out of
the block and reported as a problem; the rows around it are read.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple, TextIO

from aidledger._progress import advance
from aidledger.errors import LoadError
from aidledger.fields import TEXT_LIMIT

__all__ = ["Block", "blocks", "field_limit", "rows"]

# Characters read at a time: about 800 records of a typical ledger.
_BLOCK = 100_000
#: The longest field the reader takes (the csv module's limit is raised to it while a
#: ledger is read): the longest text a record may hold, so every file aidledger writes
#: reads back.
FIELD_LIMIT = TEXT_LIMIT
# The rest of a quoted field after its opening quote: text and doubled quotes, up to the
# closing quote (unrolled, so that it runs in linear time).
_BODY = re.compile(r'[^"]*(?:""[^"]*)*')


class Block(NamedTuple):
    """A block of whole records as columns (one sequence per header position); the line
    each row starts on (``None`` when row k is simply on line ``first_line + k``); how
    many rows; whether the text holds a NUL; and the rows left out, as problems."""

    columns: list[Sequence[str]]
    lines: list[int] | None
    first_line: int
    size: int
    nul: bool
    problems: list[LoadError]


class _Scan(NamedTuple):
    """Where the records of a text end: *spans* of the records that hold a quoted field
    (begin, end), *cut* the end of the last whole record, *open_at* the opening quote of
    a quoted field the text does not close (-1: none), and whether the text holds a CR
    (most files have none: the steps after need not look for one)."""

    spans: list[tuple[int, int]]
    cut: int
    open_at: int
    returns: bool


def _break_end(text: str, at: int) -> int:
    """Where the line break at *at* ends (after ``\\r\\n``, ``\\n`` or a lone ``\\r``)."""
    return at + 2 if text.startswith("\r\n", at) else at + 1


def _last_break(text: str, start: int, stop: int, returns: bool) -> int:
    feed = text.rfind("\n", start, stop)
    return max(feed, text.rfind("\r", start, stop)) if returns else feed


def _first_break(text: str, start: int, stop: int, returns: bool) -> int:
    feed = text.find("\n", start, stop)
    if not returns:
        return feed
    back = text.find("\r", start, stop)
    return back if feed < 0 or 0 <= back < feed else feed


def _scan(text: str, eof: bool) -> _Scan:
    """The records of *text*, which begins a record (see :class:`_Scan`): one look at
    each quote and each run of text between quotes."""
    size = len(text)
    returns = "\r" in text
    # Without the rest of the file, a CR at the very end may be half of a CRLF.
    limit = size - 1 if not eof and text.endswith("\r") else size
    spans: list[tuple[int, int]] = []
    record = cut = pos = 0
    quoted = False  # the current record holds a quoted field
    while True:
        quote = text.find('"', pos)
        stop = size if quote < 0 else quote
        last = _last_break(text, pos, min(stop, limit), returns)
        if last >= 0:
            if quoted:
                first = _first_break(text, pos, stop, returns)
                spans.append((record, _break_end(text, first)))
                quoted = False
            record = cut = _break_end(text, last)
        if quote < 0:
            break
        if quote > record and text[quote - 1] not in ",\r\n":
            pos = quote + 1  # a quote inside an unquoted field: a character like any other
            continue
        # A quoted field: its text and doubled quotes, up to the closing quote.
        end = _body_end(text, quote + 1)
        if end >= size or (end == size - 1 and not eof):  # not closed (yet)
            return _Scan(spans, cut, quote, returns)
        quoted = True
        pos = end + 1
    if eof and record < size:
        if quoted:
            spans.append((record, size))
        cut = size
    return _Scan(spans, cut, -1, returns)


def _body_end(text: str, start: int) -> int:
    """Where the text of a quoted field that starts at *start* ends (its closing quote,
    or the end of *text*)."""
    found = _BODY.match(text, start)
    assert found is not None  # (the pattern matches the empty text)
    return found.end()


def _breaks(text: str, returns: bool = True) -> int:
    """The line breaks in *text*: LF, CRLF and lone CR alike (*returns*: whether it may
    hold a CR)."""
    feeds = text.count("\n")
    count = text.count("\r") if returns else 0
    return feeds + count - text.count("\r\n") if count else feeds


def blocks(stream: TextIO, width: int, name: str, first_line: int = 2) -> Iterator[Block]:
    """The records of *stream* (positioned at a record's start, on *first_line*), a
    block of whole records at a time, as columns."""
    line = first_line
    pending = ""
    wanted = _BLOCK
    while True:
        text = stream.read(wanted)
        advance(len(text))
        eof = not text
        pending += text
        scan = _scan(pending, eof)
        if scan.cut:
            piece = pending[: scan.cut]
            yield split(piece, scan.spans, width, name, line, scan.returns)
            line += _breaks(piece, scan.returns)
            pending = pending[scan.cut :]
        # A record longer than a block (a long field, an unclosed quote): read twice as
        # much each time, so that scanning it again costs a constant factor, not a square.
        wanted = _BLOCK if len(pending) < _BLOCK else len(pending)
        if eof:
            break
    if scan.open_at >= 0:
        # A quote opened and never closed: everything after it would be one field.
        at = line + _breaks(pending[: scan.open_at])
        problem = LoadError("is not valid CSV: unexpected end of data", file=name, line=at)
        yield Block([[] for _ in range(width)], None, line, 0, False, [problem])


# --- a block's text to columns ---------------------------------------------------------


def _too_long(line: str, name: str, number: int) -> LoadError | None:
    """A problem for an unquoted line with a field longer than :data:`FIELD_LIMIT`."""
    if len(line) > FIELD_LIMIT and max(map(len, line.split(","))) > FIELD_LIMIT:
        return LoadError(
            f"is not valid CSV: field larger than field limit ({FIELD_LIMIT})",
            file=name,
            line=number,
        )
    return None


def split(
    text: str,
    spans: list[tuple[int, int]],
    width: int,
    name: str,
    first_line: int,
    returns: bool = True,
) -> Block:
    """The records of *text* (whole records, from *first_line*) as columns; *spans* are
    those that hold a quoted field (see :func:`_scan`); *returns*: whether it may hold a
    CR."""
    nul = "\x00" in text
    columns: list[list[str]] = [[] for _ in range(width)]
    problems: list[LoadError] = []
    if spans and (returns or "\n\n" in text or text.startswith("\n")):
        # Quoted records with CR line ends or blank lines: the csv module reads the whole
        # block fastest; only when it finds a problem is each record read on its own.
        whole = _whole(text, width, name, first_line)
        if whole is not None:
            return Block(*whole, nul, problems)
    starts: list[int] = []
    contiguous = True
    start, line = 0, first_line
    for begin, end in spans:
        if begin > start:
            run = text[start:begin]
            lines, regular = _plain(run, columns, name, line, starts, problems, returns)
            contiguous &= regular
            line += lines
        record = text[begin:end]
        found = _record(record, width, name, line)
        if isinstance(found, LoadError):
            problems.append(found)
            contiguous = False
        else:
            for column, value in zip(columns, found, strict=True):
                column.append(value)
            starts.append(line)
        breaks = _breaks(record, returns)
        contiguous &= breaks <= 1 and record.endswith(("\n", "\r"))
        line += breaks
        start = end
    if start < len(text):
        contiguous &= _plain(text[start:], columns, name, line, starts, problems, returns)[1]
    return Block(
        list(columns), None if contiguous else starts, first_line, len(starts), nul, problems
    )


def _record(record: str, width: int, name: str, line: int) -> list[str] | LoadError:
    """The fields of one record that holds a quoted field, or the problem with it."""
    try:
        found, _ = rows(record, name, line)
    except LoadError as error:
        return error
    fields = len(found[0]) if len(found) == 1 else len(found)
    if len(found) != 1 or fields != width:
        return LoadError(f"has {fields} fields where the header has {width}", file=name, line=line)
    return found[0]


def _plain(
    text: str,
    columns: list[list[str]],
    name: str,
    first_line: int,
    starts: list[int],
    problems: list[LoadError],
    returns: bool = True,
) -> tuple[int, bool]:
    """Append the fields of *text* (whole lines, no quoted field) to *columns* and each
    row's line to *starts*; how many lines it has, and whether its rows are on
    consecutive lines from *first_line*.

    Each line break becomes a field of its own, so that one split gives the fields and a
    look at every (width + 1)th place tells whether each line has the header's width.
    """
    if returns and "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.count("\n")
    breaks = lines
    if not text.endswith("\n"):
        text += "\n"
        lines += 1
    width = len(columns)
    flat = text.replace("\n", ",\n,").split(",")
    if (
        len(flat) == lines * (width + 1) + 1
        and flat[width :: width + 1].count("\n") == lines
        and (len(text) <= FIELD_LIMIT or _fits(text))
    ):
        end = len(flat) - 1
        for c, column in enumerate(columns):
            column.extend(flat[c : end : width + 1])
        starts.extend(range(first_line, first_line + lines))
        return breaks, True
    # Blank lines, or lines of another width: line by line.
    for number, line in enumerate(text.split("\n")[:-1], start=first_line):
        if not line:
            continue  # a blank line holds no record
        problem = _too_long(line, name, number)
        if problem is None and line.count(",") != width - 1:
            problem = LoadError(
                f"has {line.count(',') + 1} fields where the header has {width}",
                file=name,
                line=number,
            )
        if problem is not None:
            problems.append(problem)
            continue
        for column, value in zip(columns, line.split(","), strict=True):
            column.append(value)
        starts.append(number)
    return breaks, False


def _fits(text: str) -> bool:
    return all(len(line) <= FIELD_LIMIT for line in text.split("\n"))


def _whole(
    text: str, width: int, name: str, first_line: int
) -> tuple[list[Sequence[str]], list[int], int, int] | None:
    """The block read by the csv module in one go, or ``None`` when it finds a problem."""
    try:
        found, starts = rows(text, name, first_line)
    except LoadError:
        return None
    if any(len(row) != width for row in found):
        return None
    columns: list[Sequence[str]] = (
        [list(column) for column in zip(*found, strict=True)]
        if found
        else [[] for _ in range(width)]
    )
    return columns, starts, first_line, len(found)


def rows(text: str, name: str, first_line: int) -> tuple[list[list[str]], list[int]]:
    """The records of *text* read by the csv module, and the line each starts on; blank
    lines hold no record and are skipped. A problem is a :class:`LoadError`."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    found: list[list[str]] = []
    starts: list[int] = []
    line = first_line
    try:
        for row in reader:
            if row:
                found.append(row)
                starts.append(line)
            line = first_line + reader.line_num
    except csv.Error as error:
        raise LoadError(
            f"is not valid CSV: {error}", file=name, line=first_line + reader.line_num - 1
        ) from None
    return found, starts


@contextlib.contextmanager
def field_limit() -> Iterator[None]:
    """Let the csv module read fields up to :data:`FIELD_LIMIT` in the block (its limit
    is process-wide: it is put back after)."""
    before = csv.field_size_limit(FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(before)
