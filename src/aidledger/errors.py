"""The exceptions aidledger raises.

Every error derives from :class:`AidLedgerError`, and each also derives from the builtin
that fits it, so callers can catch either (``except ValueError`` keeps working).
"""

from __future__ import annotations

__all__ = [
    "AidLedgerError",
    "CurrencyMismatchError",
    "FieldError",
    "LoadError",
    "MissingExtraError",
    "RateNotFoundError",
    "UnknownLocaleError",
]


class AidLedgerError(Exception):
    """Base class of every error aidledger raises on purpose."""


class LoadError(AidLedgerError, ValueError):
    """Input that cannot be read: names the file, the line or record, the field and the value.

    ``str(error)`` is the located message of docs/interchange.md ("Bad input"), e.g.
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
        """Where the problem is: ``file:line``, ``file: records[3]``, ``records[3]`` ..."""
        where = self.file or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        elif self.record is not None:
            where = f"{where}: records[{self.record}]" if where else f"records[{self.record}]"
        return where

    @property
    def message(self) -> str:
        """The whole located message.

        ``pledges.csv:14: amount: '1,5' is not a decimal number`` (CSV, JSON Lines) or
        ``pledges.json: records[12].amount: '1,5' is not a decimal number`` (JSON).
        """
        where = self.location
        if self.field is not None:
            if self.line is None and self.record is not None:
                where = f"{where}.{self.field}"
            else:
                where = f"{where}: {self.field}" if where else self.field
        what = self.reason if self.value is None else f"{_shown(self.value)} {self.reason}"
        return f"{where}: {what}" if where else what


class FieldError(AidLedgerError, ValueError):
    """A value that one field of a record cannot take: ``amount: '1,5' is not a decimal number``.

    Raised when a :class:`~aidledger.model.Record` is built; loaders add where it was.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        shown = _shown(value) if isinstance(value, str) else repr(value)
        super().__init__(f"{field}: {shown} {reason}")


class CurrencyMismatchError(AidLedgerError, TypeError):
    """Two amounts in different currencies were combined without a rate."""


class RateNotFoundError(AidLedgerError, LookupError):
    """No exchange rate is in force for a currency pair on a date."""


class MissingExtraError(AidLedgerError, ImportError):
    """An optional dependency is needed: says which extra to install."""


class UnknownLocaleError(AidLedgerError, ValueError):
    """A locale aidledger has no labels for (or that is no locale): lists those it has."""


_SHOWN_LIMIT = 60


def _shown(value: str) -> str:
    """The value as it appears in a message: quoted, and cut when it is very long."""
    if len(value) > _SHOWN_LIMIT:
        return repr(value[:_SHOWN_LIMIT]) + f"... ({len(value)} characters)"
    return repr(value)
