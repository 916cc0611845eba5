"""Checkpoints: stated cumulative totals reconciled with what the ledger holds on their
date (docs/counting-rules.md, "Checkpoints"). Summaries and validation both use this.

>>> tolerance(Decimal("21300000000"))
Decimal('5E+7')
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from aidledger._conversion import Converter, converted
from aidledger._engine import Engine, Party
from aidledger.model import Record
from aidledger.money import EXACT
from aidledger.summary import CheckpointCheck

__all__ = ["reconcile", "tolerance"]


def tolerance(stated: Decimal) -> Decimal:
    """Half a unit in the last non-zero digit of *stated* as written.

    >>> tolerance(Decimal("12"))
    Decimal('0.5')
    """
    if stated == 0:
        return Decimal(0)
    digits = stated.as_tuple().digits
    exponent = int(stated.as_tuple().exponent)
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return Decimal(5).scaleb(exponent + trailing_zeros - 1)


def reconcile(engine: Engine, rows: list[int], rate: Converter | None) -> list[CheckpointCheck]:
    """Each ``reported`` record of *rows* beside the ledger's committed total on its date,
    in the order given. With *rate*, amounts in other currencies are converted into the
    checkpoint's."""
    if rate is not None:
        return [_reconcile(engine, engine.record(row), rate) for row in rows]
    # Without rates, a checkpoint's figures depend on nothing but the ledger: summaries at
    # many dates reconcile each checkpoint in force once.
    memo: dict[int, CheckpointCheck] = engine.memo.setdefault("checkpoints", {})
    found = []
    for row in rows:
        check = memo.get(row)
        if check is None:
            check = memo[row] = _reconcile(engine, engine.record(row), None)
        found.append(check)
    return found


def _reconcile(engine: Engine, record: Record, rate: Converter | None) -> CheckpointCheck:
    party: Party = (record.donor, record.recipient)
    day, currency = record.date, record.currency
    system = None if record.system is None else engine.system_key(record.system)
    ledger: Decimal | None = None
    reason = None
    unit = currency
    if system is not None and record.quantity is not None:
        stated = Decimal(record.quantity)
        ledger = Decimal(engine.units(party, system, day))
        unit = None
    elif system is None and record.amount is not None and currency is not None:
        stated = record.amount
        totals = engine.money(party, day)
        by_currency = totals.by_currency("committed")
        others = sorted(set(by_currency) - {currency})
        if not others:
            ledger = by_currency.get(currency, Decimal(0))
        elif rate is not None:

            def culprit(source: str, when: datetime.date) -> str:
                return engine.culprit(party, source, when)

            ledger = converted(totals.keyed("committed"), currency, rate, culprit).amount
        else:
            reason = (
                f"the ledger also holds {', '.join(others)}: "
                f"give exchange rates to compare with {currency}"
            )
    else:
        stated = record.amount if record.amount is not None else Decimal(record.quantity or 0)
        reason = (
            "states neither an amount (with no system) nor a system with a quantity, "
            "so there is nothing to compare"
        )
    allowed = tolerance(stated)
    difference = None if ledger is None else EXACT.subtract(ledger, stated)
    return CheckpointCheck(
        id=record.id,
        date=day,
        donor=record.donor,
        recipient=record.recipient,
        system=system,
        source=record.source,
        note=record.note,
        currency=unit,
        stated=stated,
        tolerance=allowed,
        ledger=ledger,
        difference=difference,
        within_tolerance=None if difference is None else abs(difference) <= allowed,
        reason=reason,
    )
