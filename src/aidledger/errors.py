"""The exceptions aidledger raises.

Every error derives from :class:`AidLedgerError`, and each also derives from the builtin
that fits it, so callers can catch either (``except ValueError`` keeps working).
"""

from __future__ import annotations

__all__ = [
    "AidLedgerError",
    "CurrencyMismatchError",
    "LoadError",
    "MissingExtraError",
    "RateNotFoundError",
]


class AidLedgerError(Exception):
    """Base class of every error aidledger raises on purpose."""


class LoadError(AidLedgerError, ValueError):
    """Input that cannot be read: names the file, the line or record, the field and the value.

    ``str(error)`` is the located message of DESIGN 4.4, e.g.
    ``pledges.csv:14: amount: '1,5' is not a decimal number``.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        line: int | None = None,
        record: int | None = None,
        field: str | None = None,
        value: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        self.record = record
        self.field = field
        self.value = value
        super().__init__(self.message)

    @property
    def location(self) -> str:
        """Where the problem is: ``file:line``, ``file: records[3]`` or ``record 3``."""
        where = self.file or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        elif self.record is not None:
            where = f"{where}: records[{self.record}]" if where else f"records[{self.record}]"
        return where

    @property
    def message(self) -> str:
        """The whole located message."""
        parts = [self.location] if self.location else []
        if self.field is not None:
            parts.append(self.field)
        if self.value is not None:
            parts.append(f"{_shown(self.value)} {self.reason}")
        else:
            parts.append(self.reason)
        return ": ".join(parts)


class CurrencyMismatchError(AidLedgerError, TypeError):
    """Two amounts in different currencies were combined without a rate."""


class RateNotFoundError(AidLedgerError, LookupError):
    """No exchange rate is in force for a currency pair on a date."""


class MissingExtraError(AidLedgerError, ImportError):
    """An optional dependency is needed: says which extra to install."""


_SHOWN_LIMIT = 60


def _shown(value: str) -> str:
    """The value as it appears in a message: quoted, and cut when it is very long."""
    if len(value) > _SHOWN_LIMIT:
        return repr(value[:_SHOWN_LIMIT]) + f"... ({len(value)} characters)"
    return repr(value)
