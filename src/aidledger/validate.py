"""Validation: every problem of a loaded ledger, each with where it is (a pass over the
records that changes nothing, like beancount's).

Loading refuses what cannot be read; validation reports what can be read but looks wrong:
a pledge that goes on after ``delivered``, a step backwards, a package that does not
exist or belongs to another donor, packages in a cycle, an unknown system, duplicate
records, and each checkpoint beside what the ledger holds on its date
(docs/counting-rules.md, "Checkpoints"). Errors make ``aidledger validate`` exit 1;
warnings and notes do not. Files that cannot be loaded have their problems reported as
errors of kind ``load`` (see :func:`load_problems`), and ``aidledger validate`` exits 2.

>>> import aidledger
>>> problems = aidledger.bundled().validate()
>>> [p.severity.value for p in problems if p.severity is Severity.ERROR]
[]
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from aidledger._table import RecordTable
from aidledger.checkpoints import reconcile
from aidledger.errors import LoadError
from aidledger.model import Status

if TYPE_CHECKING:
    from aidledger._conversion import Converter
    from aidledger._engine import Engine
    from aidledger.catalog import Catalog
    from aidledger.summary import CheckpointCheck

__all__ = ["Problem", "Severity", "load_problems", "validate"]


class Severity(enum.StrEnum):
    """How bad a problem is: errors make a ledger invalid, warnings and notes do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen
class Problem:
    """One finding of :func:`validate`, with where it is.

    ``file`` and ``line`` locate a record of a CSV or JSON Lines file, ``file`` and
    ``record`` one of a JSON document (its index in ``records``); a record appended in
    Python has only ``record``, its position in the ledger. ``kind`` names the check.
    """

    severity: Severity
    kind: str
    message: str
    pledge: str | None = None
    file: str | None = None
    line: int | None = None
    record: int | None = None

    @property
    def location(self) -> str:
        """``file:line``, ``file: records[3]`` or ``records[3]``."""
        where = self.file or ""
        if self.line is not None:
            return f"{where}:{self.line}"
        if self.record is not None:
            return f"{where}: records[{self.record}]" if where else f"records[{self.record}]"
        return where

    def __str__(self) -> str:
        where = self.location
        head = f"{where}: {self.severity.value}" if where else self.severity.value
        return f"{head}: {self.message}"


def load_problems(error: LoadError) -> list[Problem]:
    """Each problem of a refused load as an error of kind ``load``, in file order (the
    bound of :data:`~aidledger.errors.PROBLEM_LIMIT` applies: ``error.more`` counts the
    rest)."""
    return [
        Problem(
            severity=Severity.ERROR,
            kind="load",
            message=problem.detail,
            file=problem.file,
            line=problem.line,
            record=problem.record,
        )
        for problem in error.problems
    ]


_RANK = {Status.REQUESTED: 0, Status.CONSIDERING: 1, Status.PLEDGED: 2, Status.DELIVERED: 3}


class _Checks:
    def __init__(self, table: RecordTable, index: dict[str, int | list[int]], catalog: Catalog):
        self.table = table
        self.index = index
        self.catalog = catalog
        self.found: list[tuple[int, Problem]] = []

    def report(self, row: int, severity: Severity, kind: str, message: str) -> None:
        where = self.table.locate(row)
        problem = Problem(
            severity=severity, kind=kind, message=message, pledge=self.table.id[row], **where
        )
        self.found.append((row, problem))

    def rows(self, pledge: str) -> list[int]:
        rows = self.index[pledge]
        return [rows] if isinstance(rows, int) else rows

    def histories(self) -> None:
        table = self.table
        status, dates = table.status, table.date
        for pledge in self.index:
            rows = self.rows(pledge)
            delivered: int | None = None
            for position, row in enumerate(rows):
                if delivered is not None and status[row] is not Status.DELIVERED:
                    self.report(
                        row,
                        Severity.ERROR,
                        "after-delivered",
                        f"pledge {pledge!r} is {status[row].value!r} on "
                        f"{dates[row].isoformat()}, after it was delivered on "
                        f"{dates[delivered].isoformat()}: delivered is final",
                    )
                if delivered is None and status[row] is Status.DELIVERED:
                    delivered = row
                if status[row] is Status.DELIVERED and (
                    table.delivered_quantity[row] is not None or table.delivered_amount[row]
                ):
                    self.report(
                        row,
                        Severity.WARNING,
                        "delivered-figures",
                        f"pledge {pledge!r} is delivered: its delivered_quantity and "
                        "delivered_amount are ignored (all of it counts as delivered)",
                    )
                if position == 0:
                    continue
                before = rows[position - 1]
                rank_before, rank_after = _RANK.get(status[before]), _RANK.get(status[row])
                if (
                    rank_before is not None
                    and rank_after is not None
                    and rank_after < rank_before
                    and status[before] is not Status.DELIVERED
                ):
                    self.report(
                        row,
                        Severity.WARNING,
                        "backwards",
                        f"pledge {pledge!r} steps back from {status[before].value!r} "
                        f"({dates[before].isoformat()}) to {status[row].value!r} "
                        f"({dates[row].isoformat()})",
                    )
                if status[row] is Status.CANCELLED and (
                    table.quantity[row] != table.quantity[before]
                    or table.amount[row] != table.amount[before]
                ):
                    self.report(
                        row,
                        Severity.INFO,
                        "cancelled-changed",
                        f"pledge {pledge!r} is cancelled with a quantity or amount that "
                        "differs from its previous record",
                    )

    def packages(self) -> None:
        table = self.table
        links: dict[str, str] = {}
        for pledge in self.index:
            first = self.rows(pledge)[0]
            package = table.part_of[first]
            if not package:
                continue
            links[pledge] = package
            if package not in self.index:
                self.report(
                    first,
                    Severity.ERROR,
                    "unknown-package",
                    f"pledge {pledge!r} names {package!r} as its package, but no pledge "
                    "has that id",
                )
                continue
            package_row = self.rows(package)[0]
            if table.donor[package_row] != table.donor[first]:
                self.report(
                    first,
                    Severity.ERROR,
                    "foreign-package",
                    f"pledge {pledge!r} ({table.donor[first]}) names {package!r}, a pledge "
                    f"of {table.donor[package_row]}, as its package",
                )
            if any(table.status[row] is Status.REPORTED for row in self.rows(package)):
                self.report(
                    first,
                    Severity.WARNING,
                    "checkpoint-package",
                    f"pledge {pledge!r} names the checkpoint {package!r} as its package: "
                    "the link is ignored while the checkpoint is in force",
                )
        for cycle in _cycles(links):
            path = " -> ".join([*cycle, cycle[0]])
            for pledge in cycle:
                self.report(
                    self.rows(pledge)[0],
                    Severity.ERROR,
                    "package-cycle",
                    f"pledge {pledge!r} is in a cycle of packages ({path}): its link is ignored",
                )

    def systems(self) -> None:
        table = self.table
        for pledge in self.index:
            first = self.rows(pledge)[0]
            system = table.system_key(first)
            if system and system not in self.catalog:
                closest = self.catalog.closest(system)
                hint = f"; closest: {', '.join(closest)}" if closest else ""
                self.report(
                    first,
                    Severity.WARNING,
                    "unknown-system",
                    f"system {system!r} is not in the catalog (kept as written){hint}",
                )

    def duplicates(self) -> None:
        table = self.table
        columns = [column for _, column in table.columns()]
        for pledge in self.index:
            rows = self.rows(pledge)
            if len(rows) < 2:
                continue
            seen: dict[tuple[object, ...], int] = {}
            for row in sorted(rows):
                values = tuple(column[row] for column in columns)
                if values in seen:
                    where = table.locate(seen[values])
                    at = (
                        f"line {where['line']}" if "line" in where else f"record {where['record']}"
                    )
                    self.report(
                        row,
                        Severity.WARNING,
                        "duplicate",
                        f"record of pledge {pledge!r} repeats the one at {at} exactly",
                    )
                else:
                    seen[values] = row

    def checkpoints(self, counting: Engine, rate: Converter | None) -> None:
        table = self.table
        rows = [row for row, status in enumerate(table.status) if status is Status.REPORTED]
        for row, check in zip(rows, reconcile(counting, rows, rate), strict=True):
            self._checkpoint(row, check)

    def _checkpoint(self, row: int, check: CheckpointCheck) -> None:
        what = (
            f"{check.system} units"
            if check.system and check.currency is None
            else f"{check.currency or ''} committed".strip()
        )
        head = f"checkpoint {check.id!r} ({check.date.isoformat()}, {what})"
        if check.ledger is None or check.difference is None:
            malformed = check.reason is not None and check.reason.startswith("states")
            self.report(
                row,
                Severity.ERROR if malformed else Severity.WARNING,
                "checkpoint",
                f"{head}: not comparable: {check.reason}",
            )
            return
        sign = "+" if check.difference > 0 else ""
        verdict = "within" if check.within_tolerance else "outside"
        self.report(
            row,
            Severity.INFO if check.within_tolerance else Severity.WARNING,
            "checkpoint",
            f"{head}: stated {check.stated:f}, ledger {check.ledger:f}, difference "
            f"{sign}{check.difference:f} ({verdict} the tolerance of ±{check.tolerance:f})",
        )


def _cycles(links: dict[str, str]) -> Iterator[list[str]]:
    """Each cycle of package links once, starting from its smallest id."""
    done: set[str] = set()
    for start in sorted(links):
        if start in done:
            continue
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in position:
            position[node] = len(path)
            path.append(node)
            node = links.get(node)
        if node is not None and node in position:
            cycle = path[position[node] :]
            first = cycle.index(min(cycle))
            yield cycle[first:] + cycle[:first]
        done.update(path)


def validate(
    table: RecordTable,
    index: dict[str, int | list[int]],
    catalog: Catalog,
    counting: Engine,
    rate: Converter | None = None,
) -> list[Problem]:
    """Every problem of the ledger, in file order (see :meth:`Ledger.validate`)."""
    checks = _Checks(table, index, catalog)
    checks.histories()
    checks.packages()
    checks.systems()
    checks.duplicates()
    checks.checkpoints(counting, rate)
    checks.found.sort(key=lambda item: item[0])
    return [problem for _, problem in checks.found]
