"""The exceptions aidledger raises.

Every error derives from :class:`AidLedgerError`, and each also derives from the builtin
that fits it, so callers can catch either (``except ValueError`` keeps working).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence

__all__ = [
    "PROBLEM_LIMIT",
    "AidLedgerError",
    "CurrencyMismatchError",
    "FieldError",
    "LoadError",
    "MissingExtraError",
    "Problems",
    "RateNotFoundError",
    "UnknownLocaleError",
    "collecting",
    "located",
]

#: How many located problems a refused load keeps (the rest are counted): enough to fix a
#: file in one go, few enough that a file of garbage does not make a million messages.
PROBLEM_LIMIT = 100


class AidLedgerError(Exception):
    """Base class of every error aidledger raises on purpose."""


class LoadError(AidLedgerError, ValueError):
    """Input that cannot be read: names the file, the line or record, the field and the value.

    ``str(error)`` is the located message of docs/interchange.md ("Bad input"), e.g.
    ``pledges.csv:14: amount: '1,5' is not a decimal number``. A load that finds several
    problems raises one error for all of them: :attr:`problems` holds each (in file
    order, up to :data:`PROBLEM_LIMIT`; :attr:`more` counts the rest), ``str(error)`` has
    one a line, and the error's own fields are those of the first.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        line: int | None = None,
        record: int | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        self.record = record
        self.field = field
        self.value = value
        #: Every problem found, in file order (this error alone when there is one).
        self.problems: tuple[LoadError, ...] = (self,)
        #: How many more problems were found than :attr:`problems` holds.
        self.more = 0
        super().__init__(self.message)

    @classmethod
    def of(cls, problems: Sequence[LoadError], more: int = 0) -> LoadError:
        """One error standing for *problems* (at least one), and *more* not kept."""
        first = problems[0]
        error = cls(
            first.reason,
            file=first.file,
            line=first.line,
            record=first.record,
            field=first.field,
            value=first.value,
        )
        error.problems = tuple(problems)
        error.more = more
        error.args = (str(error),)
        return error

    @property
    def count(self) -> int:
        """How many problems were found in all."""
        return len(self.problems) + self.more

    def __str__(self) -> str:
        if len(self.problems) == 1 and not self.more:
            return self.message
        lines = [problem.message for problem in self.problems]
        if self.more:
            lines.append(f"and {self.more} more problems")
        return "\n".join(lines)

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

    @property
    def detail(self) -> str:
        """The message without its location: ``amount: '1,5' is not a decimal number``."""
        what = self.reason if self.value is None else f"{_shown(self.value)} {self.reason}"
        return what if self.field is None else f"{self.field}: {what}"


class FieldError(AidLedgerError, ValueError):
    """A value that one field of a record cannot take: ``amount: '1,5' is not a decimal number``.

    Raised when a :class:`~aidledger.model.Record` is built; loaders add where it was.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {_shown(value)} {reason}")


def located(
    error: ValueError,
    *,
    file: str | None = None,
    line: int | None = None,
    record: int | None = None,
) -> LoadError:
    """*error* (a :class:`FieldError` or a plain ``ValueError``) as a :class:`LoadError`
    located at *file* and *line* or *record*: the one way every loader and importer turns
    a field's problem into a located message. A value that is not text (a JSON number, a
    Python object) is shown as Python writes it (``-4 is negative: ...``)."""
    if isinstance(error, LoadError):
        return error
    if not isinstance(error, FieldError):
        return LoadError(str(error), file=file, line=line, record=record)
    return LoadError(
        error.reason, file=file, line=line, record=record, field=error.field, value=error.value
    )


class Problems:
    """The located problems a load finds, kept in file order up to a bound, then raised
    together as one :class:`LoadError` (nothing is loaded when there is any).

    Readers :meth:`add` each problem as it is found, with a *position* that orders the
    problems of one line (the column's place; rules between fields after the values).
    A problem may be given as a function that makes it, so that one the bound drops costs
    nothing to describe.
    """

    def __init__(self, limit: int = PROBLEM_LIMIT) -> None:
        self.limit = limit
        self._files: dict[str | None, int] = {}
        self._found: list[tuple[tuple[int, int, int, int], Callable[[], LoadError]]] = []
        self._dropped = 0
        self._added = 0
        # Once problems have been dropped: the last kept one's place, past which any new
        # one is only counted.
        self._bound: tuple[int, int, int, int] | None = None

    def register(self, file: str | None) -> None:
        """Note that *file* is read now: its problems sort after those of earlier files."""
        self._files.setdefault(file, len(self._files))

    def add(
        self,
        problem: LoadError | Callable[[], LoadError],
        *,
        file: str | None = None,
        where: int | None = None,
        position: int = 0,
    ) -> None:
        """Add a problem: a :class:`LoadError`, or a function making one located at
        *file* and *where* (its line or record)."""
        if isinstance(problem, LoadError):
            file = problem.file
            where = problem.line if problem.line is not None else problem.record
            problem = functools.partial(_same, problem)
        order = self._files.setdefault(file, len(self._files))
        self._added += 1
        key = (order, -1 if where is None else where, position, self._added)
        if self._bound is not None and key > self._bound:
            self._dropped += 1
            return
        self._found.append((key, problem))
        if len(self._found) > 4 * self.limit:
            self._trim()

    def add_error(self, error: LoadError) -> None:
        """Add every problem of *error* (a whole refused load, say)."""
        for problem in error.problems:
            self.add(problem)
        self._dropped += error.more

    @contextlib.contextmanager
    def gather(self) -> Iterator[None]:
        """Add a :class:`LoadError` raised in the block instead of letting it through."""
        try:
            yield
        except LoadError as error:
            self.add_error(error)

    def _trim(self) -> None:
        self._found.sort(key=lambda item: item[0])
        self._dropped += len(self._found) - self.limit
        del self._found[self.limit :]
        self._bound = self._found[-1][0]

    def __len__(self) -> int:
        return len(self._found) + self._dropped

    def error(self) -> LoadError | None:
        """All problems found as one error, or ``None`` when there is none."""
        if not self._found:
            return None
        if len(self._found) > self.limit:
            self._trim()
        else:
            self._found.sort(key=lambda item: item[0])
        return LoadError.of([make() for _, make in self._found], self._dropped)

    def check(self) -> None:
        """Raise the problems found, if any."""
        error = self.error()
        if error is not None:
            raise error


def _same(error: LoadError) -> LoadError:
    return error


@contextlib.contextmanager
def collecting(problems: Problems | None, file: str) -> Iterator[Problems]:
    """The problems of reading *file*: into *problems* when a caller gathers those of
    several files, else into a collector of its own, raised together at the end. A
    :class:`LoadError` raised in the block is one more problem."""
    found = Problems() if problems is None else problems
    found.register(file)
    with found.gather():
        yield found
    if problems is None:
        found.check()


class CurrencyMismatchError(AidLedgerError, TypeError):
    """Two amounts in different currencies were combined without a rate."""


class RateNotFoundError(AidLedgerError, LookupError):
    """No exchange rate is in force for a currency pair on a date."""


class MissingExtraError(AidLedgerError, ImportError):
    """An optional dependency is needed: says which extra to install."""


class UnknownLocaleError(AidLedgerError, ValueError):
    """A locale aidledger has no labels for (or that is no locale): lists those it has."""


_SHOWN_LIMIT = 60


def _shown(value: object) -> str:
    """The value as it appears in a message: text quoted, other values (a JSON number,
    a Python object) as Python writes them, and cut when very long."""
    if isinstance(value, str):
        if len(value) > _SHOWN_LIMIT:
            return repr(value[:_SHOWN_LIMIT]) + f"... ({len(value)} characters)"
        return repr(value)
    try:
        shown = repr(value)
    except ValueError:  # an integer of more digits than Python writes
        return f"a number of {len(format(value, 'x'))} hexadecimal digits"
    return shown if len(shown) <= _SHOWN_LIMIT else f"{shown[:_SHOWN_LIMIT]}..."
