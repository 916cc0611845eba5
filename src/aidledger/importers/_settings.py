"""A small TOML file of settings (an import mapping), read and checked value by value.

Every mistake is a :class:`~aidledger.errors.LoadError` that names the file, the key path
(``fields.status.values.True``, ``source.blank[1]``), what was expected and what is there:
``map.toml: source.blank: is an integer (5); expected a text or an array of texts``.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import tomllib
from collections.abc import Collection
from typing import Any

import attrs

from aidledger._encoding import decode
from aidledger._files import read_bytes
from aidledger.errors import LoadError

__all__ = ["LIMIT", "Checks", "describe", "read_document"]

#: A settings file is small: one larger than this (1 MiB) is refused before it is parsed.
LIMIT = 1 << 20

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)$")


def read_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The TOML document in *path*: a regular file of UTF-8 text (a byte-order mark is
    allowed), at most :data:`LIMIT` bytes; a syntax or encoding error names its line."""
    name = os.fspath(path)
    text = decode(read_bytes(path, name, limit=LIMIT), name, utf16=False)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        position = _TOML_POSITION.search(str(error))
        line = None if position is None else int(position.group(1))
        raise LoadError(f"is not valid TOML: {error}", file=name, line=line) from None


def describe(value: object) -> str:
    """A TOML value as a message names it: ``an integer (5)``, ``an array``, ``a table``."""
    shown = ""
    if isinstance(value, bool):
        kind, shown = "a boolean", "true" if value else "false"
    elif isinstance(value, int | float):
        kind, shown = ("an integer" if isinstance(value, int) else "a float"), repr(value)
    elif isinstance(value, str):
        kind, shown = "a text", repr(value)
    elif isinstance(value, datetime.datetime):
        kind = "a date-time"
    elif isinstance(value, datetime.date):
        kind, shown = "a date", value.isoformat()
    elif isinstance(value, datetime.time):
        kind = "a time"
    elif isinstance(value, list):
        kind = "an array"
    elif isinstance(value, dict):
        kind = "a table"
    else:
        kind = f"a {type(value).__name__}"
    if len(shown) > 40:
        shown = shown[:40] + "..."
    return f"{kind} ({shown})" if shown else kind


@attrs.frozen
class Checks:
    """The checks of one file's values; *where* is always a key path in it."""

    file: str

    def fail(self, where: str, reason: str, value: str | None = None) -> LoadError:
        """The error for the value at *where*."""
        return LoadError(reason, file=self.file, field=where or None, value=value)

    def wrong(self, where: str, value: object, expected: str) -> LoadError:
        """The error for a value of the wrong type at *where*."""
        return self.fail(where, f"is {describe(value)}; expected {expected}")

    @staticmethod
    def key(where: str, name: str) -> str:
        """The key path of *name* in the table at *where* (quoted when it is no bare key)."""
        part = name if _BARE_KEY.fullmatch(name) else json.dumps(name, ensure_ascii=False)
        return f"{where}.{part}" if where else part

    def table(self, value: object, where: str, keys: Collection[str] = ()) -> dict[str, Any]:
        """*value* as a table; with *keys*, a key outside them is an error."""
        if not isinstance(value, dict):
            raise self.wrong(where, value, "a table")
        unknown = sorted(set(value) - set(keys)) if keys else []
        if unknown:
            raise self.fail(
                self.key(where, unknown[0]), f"unknown key; keys: {', '.join(sorted(keys))}"
            )
        return value

    def text(self, value: object, where: str) -> str:
        """*value* as a text."""
        if not isinstance(value, str):
            raise self.wrong(where, value, "a text")
        return value

    def texts(self, value: object, where: str) -> tuple[str, ...]:
        """A text, or an array of texts: always a tuple of texts (``"n/a"`` is one text)."""
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list):
            raise self.wrong(where, value, "a text or an array of texts")
        return tuple(self.text(item, f"{where}[{n}]") for n, item in enumerate(value))
