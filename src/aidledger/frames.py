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
from aidledger.export import LEDGER_COLUMNS, STATE_COLUMNS, SUMMARY_TABLES, schema
from aidledger.model import UNDISCLOSED

if TYPE_CHECKING:
    import pandas
    import pyarrow

    from aidledger.ledger import Ledger

__all__ = [
    "SCHEMAS",
    "SUMMARY_TABLES",
    "ledger_records",
    "to_arrow",
    "to_pandas",
    "write_parquet",
    "write_table",
]

#: The ledger's records as a table (``Ledger.to_records()``): see ``export.LEDGER_COLUMNS``.
LEDGER: Mapping[str, str] = LEDGER_COLUMNS

#: The columns of every table, with the kind of value each holds: ``text``, ``date``
#: (``datetime.date``), ``amount`` (exact ``Decimal``), ``count`` (``int``), ``flag``
#: (``bool``); any may be ``None``. ``ledger`` is ``Ledger.to_records()``, ``state``
#: ``Ledger.state().to_records()``, the others the tables of ``Summary.to_records(table)``.
SCHEMAS: Mapping[str, Mapping[str, str]] = {
    "ledger": LEDGER,
    "state": STATE_COLUMNS,
    **{table: schema(table) for table in SUMMARY_TABLES},
}


def ledger_records(ledger: Ledger) -> list[dict[str, Any]]:
    """Every record as a dict (see :data:`SCHEMAS`): ``date`` a ``datetime.date``,
    amounts ``Decimal`` or ``None``, quantities ``int`` or ``None``, ``status`` its value
    (``"pledged"``), blank text ``None``; an undisclosed delivered figure ``None`` with
    its ``..._undisclosed`` flag ``True``."""
    from aidledger.converter import python_record

    rows = []
    for record in ledger:
        row = python_record(record)
        for field in ("delivered_quantity", "delivered_amount"):
            undisclosed = row[field] == UNDISCLOSED
            row[f"{field}_undisclosed"] = undisclosed
            if undisclosed:
                row[field] = None
        rows.append(row)
    return rows


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
    flags ``bool``, text ``string``. A ledger's table also keeps, in its metadata, the
    places each amount was written with (a decimal column has one scale for all rows),
    so that ``aidledger.load`` reads back the ledger written."""
    pa = _import("pyarrow", "arrow")
    kinds = {"date": pa.date32(), "count": pa.int64(), "flag": pa.bool_(), "text": pa.string()}
    schema = SCHEMAS[table]
    arrays = []
    for column, kind in schema.items():
        values = [record[column] for record in records]
        kind_type = _decimal_type(pa, values) if kind == "amount" else kinds[kind]
        arrays.append(pa.array(values, type=kind_type))
    metadata = None
    if table == "ledger":
        from aidledger._parquet import places_metadata

        metadata = places_metadata(records) or None
    return pa.Table.from_arrays(arrays, names=list(schema), metadata=metadata)


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


def write_table(
    records: Sequence[Mapping[str, Any]], table: str, path: str | os.PathLike[str]
) -> None:
    """Write *records* of *table* (a key of :data:`SCHEMAS`) to *path*, atomically, in
    the format its extension names: ``.csv`` (exact decimal text, ISO dates, blanks
    empty), ``.json`` (an array of objects, amounts as exact decimal strings),
    ``.parquet`` (extra ``arrow``) or ``.xlsx`` (one sheet named *table*: amounts as
    numbers that hold them exactly, else as their exact text; dates as date cells)."""
    import csv
    import json

    suffix = os.path.splitext(os.fspath(path))[1].lower()
    columns = list(SCHEMAS[table])
    if suffix == ".parquet":
        write_parquet(to_arrow(records, table), path)
        return
    if suffix == ".xlsx":
        from aidledger import _workbooks, _xlsxwrite

        sheet = _workbooks.table_sheet(table, records, SCHEMAS[table])
        with replacing(path) as temporary, open(temporary, "wb") as binary:
            _xlsxwrite.write_workbook(binary, [sheet])
        return
    if suffix not in (".csv", ".json"):
        raise ValueError(
            f"{os.fspath(path)}: a table is written as .csv, .json, .parquet or .xlsx"
        )
    with replacing(path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as out:
        if suffix == ".json":
            rows = [{key: _text(row[key]) for key in columns} for row in records]
            json.dump(rows, out, ensure_ascii=False, indent=1)
            out.write("\n")
            return
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([_cell(row[key]) for key in columns] for row in records)


def _cell(value: object) -> object:
    """A table value as a CSV cell: blank for ``None``, ``true``/``false`` for flags."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _text(value)


def _text(value: object) -> object:
    """A table value as exchanged in text: exact decimals, ISO dates; the rest as is."""
    import datetime

    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _import(module: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        raise MissingExtraError(
            f"this needs the optional {extra!r} extra: pip install 'aidledger[{extra}]'"
        ) from error
