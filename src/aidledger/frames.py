"""Handing ledgers and summaries to other tools: plain records, pandas, Arrow and Parquet.

Records are plain dicts with stable keys (documented in docs/embedding.md). Amounts stay
exact everywhere: ``Decimal`` objects in records and in pandas (``object`` columns, or
exact decimal strings with ``amounts="str"``), ``decimal128`` (or ``decimal256``) with
the scale the data needs in Arrow and Parquet; never floats. pandas and pyarrow are
optional extras, imported only here, only when asked for.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aidledger._files import replacing
from aidledger.errors import MissingExtraError

if TYPE_CHECKING:
    import pandas
    import pyarrow

    from aidledger.aggregate import Summary
    from aidledger.ledger import Ledger

__all__ = [
    "SCHEMAS",
    "SUMMARY_TABLES",
    "ledger_records",
    "summary_records",
    "to_arrow",
    "to_pandas",
    "write_parquet",
]

#: The columns of every table, with the kind of value each holds: ``text``, ``date``
#: (``datetime.date``), ``amount`` (exact ``Decimal``), ``count`` (``int``), ``flag``
#: (``bool``); any may be ``None``. ``ledger`` is ``Ledger.to_records()``, the others are
#: the tables of ``Summary.to_records(table)``.
SCHEMAS: Mapping[str, Mapping[str, str]] = {
    "ledger": {
        "id": "text",
        "date": "date",
        "donor": "text",
        "recipient": "text",
        "system": "text",
        "quantity": "count",
        "amount": "amount",
        "currency": "text",
        "delivered_quantity": "count",
        "delivered_amount": "amount",
        "status": "text",
        "authority": "text",
        "part_of": "text",
        "source": "text",
        "note": "text",
    },
    "money": {
        "as_of": "date",
        "donor": "text",
        "name": "text",
        "currency": "text",
        "committed": "amount",
        "delivered": "amount",
    },
    "donors": {
        "as_of": "date",
        "donor": "text",
        "name": "text",
        "pledges": "count",
        "undisclosed_value": "count",
        "reporting_currency": "text",
        "committed_total": "amount",
        "delivered_total": "amount",
    },
    "systems": {
        "as_of": "date",
        "donor": "text",
        "system": "text",
        "name": "text",
        "committed": "count",
        "delivered": "count",
        "undisclosed_quantity": "count",
    },
    "discussed": {
        "as_of": "date",
        "donor": "text",
        "id": "text",
        "system": "text",
        "status": "text",
        "date": "date",
    },
    "checkpoints": {
        "as_of": "date",
        "donor": "text",
        "id": "text",
        "date": "date",
        "system": "text",
        "currency": "text",
        "stated": "amount",
        "ledger": "amount",
        "difference": "amount",
        "tolerance": "amount",
        "within_tolerance": "flag",
    },
}
#: The tables a summary gives.
SUMMARY_TABLES = tuple(name for name in SCHEMAS if name != "ledger")


def ledger_records(ledger: Ledger) -> list[dict[str, Any]]:
    """Every record as a dict (see :data:`SCHEMAS`): ``date`` a ``datetime.date``,
    amounts ``Decimal`` or ``None``, quantities ``int`` or ``None``, ``status`` its value
    (``"pledged"``), blank text ``None``."""
    from aidledger.converter import python_record

    return [python_record(record) for record in ledger]


def summary_records(
    summary: Summary, table: str = "money", locale: str = "en"
) -> list[dict[str, Any]]:
    """One of the tables of :data:`SUMMARY_TABLES` as dicts (names in *locale*)."""
    if table not in SUMMARY_TABLES:
        raise ValueError(f"unknown table {table!r}: one of {', '.join(SUMMARY_TABLES)}")
    rows: list[dict[str, Any]] = []
    as_of = summary.as_of
    for entry in summary:
        name = entry.name(locale)
        base = {"as_of": as_of, "donor": entry.donor}
        if table == "money":
            for currency in sorted(set(entry.committed) | set(entry.delivered)):
                committed = entry.committed.get(currency)
                delivered = entry.delivered.get(currency)
                rows.append(
                    {
                        **base,
                        "name": name,
                        "currency": currency,
                        "committed": None if committed is None else committed.amount,
                        "delivered": None if delivered is None else delivered.amount,
                    }
                )
        elif table == "donors":
            rows.append(
                {
                    **base,
                    "name": name,
                    "pledges": entry.pledges,
                    "undisclosed_value": entry.undisclosed_value,
                    "reporting_currency": summary.currency,
                    "committed_total": _amount(entry.committed_total),
                    "delivered_total": _amount(entry.delivered_total),
                }
            )
        elif table == "systems":
            rows.extend(
                {
                    **base,
                    "system": line.system,
                    "name": line.name,
                    "committed": line.committed,
                    "delivered": line.delivered,
                    "undisclosed_quantity": line.undisclosed_quantity,
                }
                for line in entry.systems
            )
        elif table == "discussed":
            rows.extend(
                {
                    **base,
                    "id": item.id,
                    "system": item.system,
                    "status": item.status.value,
                    "date": item.date,
                }
                for item in entry.discussed
            )
        else:
            rows.extend(
                {
                    **base,
                    "id": check.id,
                    "date": check.date,
                    "system": check.system,
                    "currency": check.currency,
                    "stated": check.stated,
                    "ledger": check.ledger,
                    "difference": check.difference,
                    "tolerance": check.tolerance,
                    "within_tolerance": check.within_tolerance,
                }
                for check in entry.checkpoints
            )
    return rows


def _amount(money: Any) -> Decimal | None:
    return None if money is None else money.amount


# --- pandas ---------------------------------------------------------------------------


def to_pandas(
    records: Sequence[Mapping[str, Any]], table: str, amounts: str = "decimal"
) -> pandas.DataFrame:
    """*records* of *table* (a key of :data:`SCHEMAS`) as a DataFrame: amounts as
    ``Decimal`` objects (``amounts="decimal"``, column dtype ``object``) or exact decimal
    strings (``"str"``), never floats; dates ``datetime64``; counts ``Int64``; flags
    ``boolean``; text ``string``. Missing values are ``None`` (amounts) or ``<NA>``/``NaT``."""
    if amounts not in ("decimal", "str"):
        raise ValueError(f"amounts={amounts!r}: 'decimal' or 'str'")
    pandas = _import("pandas", "pandas")
    dtypes = {"count": "Int64", "flag": "boolean", "text": "string", "amount": object}
    columns = {}
    for column, kind in SCHEMAS[table].items():
        values = [record[column] for record in records]
        if kind == "date":
            columns[column] = pandas.to_datetime(pandas.Series(values, dtype=object))
            continue
        if kind == "amount" and amounts == "str":
            values = [None if value is None else format(value, "f") for value in values]
        columns[column] = pandas.Series(values, dtype=dtypes[kind])
    return pandas.DataFrame(columns, columns=list(SCHEMAS[table]))


# --- Arrow and Parquet -----------------------------------------------------------------


def to_arrow(records: Sequence[Mapping[str, Any]], table: str) -> pyarrow.Table:
    """*records* of *table* as an Arrow table: amounts ``decimal128`` (``decimal256``
    beyond 38 digits) with the scale the data needs, dates ``date32``, counts ``int64``,
    flags ``bool``, text ``string``."""
    pa = _import("pyarrow", "arrow")
    kinds = {"date": pa.date32(), "count": pa.int64(), "flag": pa.bool_(), "text": pa.string()}
    schema = SCHEMAS[table]
    arrays = []
    for column, kind in schema.items():
        values = [record[column] for record in records]
        kind_type = _decimal_type(pa, values) if kind == "amount" else kinds[kind]
        arrays.append(pa.array(values, type=kind_type))
    return pa.Table.from_arrays(arrays, names=list(schema))


def _decimal_type(pa: Any, values: Iterable[Decimal | None]) -> Any:
    """The narrowest Arrow decimal type that holds every value exactly."""
    scale = 0
    integer_digits = 1
    for value in values:
        if value is None:
            continue
        _, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        scale = max(scale, -exponent)
        integer_digits = max(integer_digits, len(digits) + exponent)
    precision = integer_digits + scale
    if precision <= 38:
        return pa.decimal128(max(precision, 1), scale)
    if precision <= 76:
        return pa.decimal256(precision, scale)
    raise ValueError(f"an amount needs {precision} digits: more than Arrow's decimals hold (76)")


def write_parquet(table: pyarrow.Table, path: str | os.PathLike[str]) -> None:
    """Write an Arrow *table* as Parquet, atomically (as :func:`aidledger.save` does)."""
    parquet = _import("pyarrow.parquet", "arrow")
    with replacing(path) as temporary:
        parquet.write_table(table, temporary)


def _import(module: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        raise MissingExtraError(
            f"this needs the optional {extra!r} extra: pip install 'aidledger[{extra}]'"
        ) from error
