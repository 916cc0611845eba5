"""Bytes to text for the files aidledger reads.

The encoding is the one a byte-order mark names, UTF-16 when the bytes look like it (an
ASCII character in UTF-16 has a NUL byte beside it; UTF-8 text has no NUL), else UTF-8.
A decoding error names the line it is on (LF, CRLF and CR line ends alike).
"""

from __future__ import annotations

import codecs

from aidledger.errors import LoadError

__all__ = ["decode", "detect", "line_of"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 4096
_NULS = "a NUL byte beside each ASCII character, and no byte-order mark"


def detect(data: bytes) -> tuple[str, str] | None:
    """The encoding *data* announces or shows, and how it was known: ``("utf-16", "its
    byte-order mark")``, ``("utf-16-le", ...)``; ``None`` when it shows none (UTF-8)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, "its byte-order mark"
    sample = data[: _SAMPLE - _SAMPLE % 2]
    if len(sample) < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    # ASCII in UTF-16 puts a NUL on one side of every character: many on one side (at least
    # one character in three, since text that is all non-Latin still has its digits and
    # delimiters), (almost) none on the other; a stray NUL byte is not UTF-16.
    enough = max(2, len(sample) // 6)
    if odd >= enough and even * 4 <= odd:
        return "utf-16-le", _NULS
    if even >= enough and odd * 4 <= even:
        return "utf-16-be", _NULS
    return None


def line_of(text: str) -> int:
    """The line that follows *text*: 1 plus its line ends (LF, CRLF or a lone CR)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


def decode(data: bytes, file: str, *, encoding: str | None = None, utf16: bool = True) -> str:
    """*data* as text, else a :class:`~aidledger.errors.LoadError` naming *file* and line.

    With *encoding* given, that one. Without: the byte-order mark's, UTF-16 by its look,
    else UTF-8. With ``utf16=False`` (formats that are UTF-8 only), a file that is UTF-16
    or UTF-32 is refused with the advice to save it as UTF-8.
    """
    how = "named"
    if encoding is None:
        found = detect(data)
        encoding, how = found if found is not None else ("utf-8", "")
        if not utf16 and encoding.startswith(("utf-16", "utf-32")):
            name = encoding[:6].upper()
            raise LoadError(f"looks like {name} text ({how}): save it as UTF-8", file=file)
    try:
        return data.decode(encoding)
    except LookupError:
        raise LoadError(f"cannot be read: {encoding!r} is no text encoding", file=file) from None
    except UnicodeDecodeError as error:
        before = data[: error.start].decode(encoding, errors="replace")
        label = encoding.removesuffix("-sig").upper()
        hint = " and has no byte-order mark" if how == "" else ""
        raise LoadError(
            f"is not {label} text{hint} (bytes {data[error.start : error.start + 4]!r})",
            file=file,
            line=line_of(before),
        ) from None
