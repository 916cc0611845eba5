"""Reading a ledger from Parquet (the files ``Ledger.write_parquet`` writes), both ways.

The file holds the ledger table of ``aidledger.frames`` (``SCHEMAS["ledger"]``): texts,
``date32`` dates, ``int64`` counts, exact decimals, and for a delivered figure that is
``undisclosed`` a null value with its ``..._undisclosed`` flag set. A decimal column has
one scale for all its rows, so the places each amount was written with (``1.5`` beside
``2.25``) are kept in the file's metadata (:func:`places_metadata`): a ledger read back
is the ledger written, to the last zero.

:func:`read_parquet` is the pure-Python reader: one :class:`~aidledger.model.Record` per
row, a bad value located as ``file.parquet: records[12].amount: ...``. :func:`read_part`
gives the columnar reader the same fields as text, for the checks every reader shares.
"""

from __future__ import annotations

import base64
import json
import os
import zlib
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, Inexact
from typing import Any

import numpy as np

from aidledger._table import Origin, RecordTable
from aidledger.errors import FieldError, LoadError, MissingExtraError, Problems, collecting
from aidledger.export import LEDGER_COLUMNS
from aidledger.model import COLUMNS, REQUIRED_COLUMNS, UNDISCLOSED, Record
from aidledger.money import EXACT

__all__ = ["places_metadata", "read_parquet", "read_part"]

_KEY = b"aidledger"
_FLAGS = {
    "delivered_quantity": "delivered_quantity_undisclosed",
    "delivered_amount": "delivered_amount_undisclosed",
}
_AMOUNTS = ("amount", "delivered_amount")
_COUNTS = ("quantity", "delivered_quantity")


def places_metadata(records: Sequence[Mapping[str, Any]]) -> dict[bytes, bytes]:
    """Schema metadata that keeps the places each amount was written with, for the
    columns where the decimal type's one scale would not (empty when none needs it)."""
    kept = {}
    for column in _AMOUNTS:
        places = [
            0 if value is None else max(0, -int(value.as_tuple().exponent))
            for value in (record[column] for record in records)
        ]
        if len(set(places)) > 1:
            packed = np.array(places, dtype=np.uint32).tobytes()
            kept[column] = base64.b64encode(zlib.compress(packed)).decode("ascii")
    return {_KEY: json.dumps({"places": kept}).encode()} if kept else {}


def _places(metadata: Mapping[bytes, bytes] | None, size: int) -> dict[str, np.ndarray]:
    """The places of each amount column's rows, where the file keeps them."""
    if not metadata or _KEY not in metadata:
        return {}
    try:
        kept = json.loads(metadata[_KEY])["places"]
        found = {
            column: np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype=np.uint32)
            for column, text in kept.items()
            if column in _AMOUNTS
        }
    except (ValueError, KeyError, TypeError, zlib.error):
        raise ValueError("its aidledger metadata cannot be read") from None
    if any(len(places) != size for places in found.values()):
        raise ValueError("its aidledger metadata does not fit its rows")
    return found


def _parquet() -> Any:
    """``pyarrow.parquet``, or the error that names the extra it needs."""
    try:
        import pyarrow.parquet
    except ModuleNotFoundError as error:
        raise MissingExtraError(
            "this needs the optional 'arrow' extra: pip install 'aidledger[arrow]'"
        ) from error
    return pyarrow.parquet


def _table(path: str | os.PathLike[str]) -> Any:
    return _parquet().read_table(path)


# --- the pure-Python reader ------------------------------------------------------------


def read_parquet(
    path: str | os.PathLike[str],
    resolve_system: Callable[[str], str | None],
    name: str | None = None,
    problems: Problems | None = None,
) -> RecordTable:
    """Read a ledger Parquet file into checked columns, a record object per row (every
    problem to *problems*, or raised together at the end when none is given)."""
    name = os.fspath(path) if name is None else name
    records: list[Record] = []
    with collecting(problems, name) as found:
        try:
            table = _table(path)
        except OSError as error:
            raise LoadError(f"cannot be read: {error.strerror or error}", file=name) from None
        except Exception as error:  # pyarrow's errors: not a Parquet file, or a broken one
            if type(error).__module__.startswith("aidledger"):
                raise
            raise LoadError(f"is not a Parquet ledger: {error}", file=name) from None
        _check_schema(table, name)
        try:
            places = _places(table.schema.metadata, table.num_rows)
        except ValueError as error:
            raise LoadError(f"is not a Parquet ledger: {error}", file=name) from None
        values = {column: table.column(column).to_pylist() for column in table.column_names}
        for row in range(table.num_rows):
            with found.gather():
                records.append(_record(values, places, row, name))
    result = RecordTable.from_records(records, resolve_system, file=name)
    result.origins[-1] = Origin(name, 0, len(result))
    return result


def _check_schema(table: Any, name: str) -> None:
    kinds = LEDGER_COLUMNS
    for column in table.column_names:
        if column not in kinds:
            raise LoadError(
                f"is not a column of the ledger table; columns: {', '.join(kinds)}",
                file=name,
                field="column",
                value=column,
            )
        if not _fits(table.schema.field(column).type, kinds[column]):
            raise LoadError(
                f"holds {table.schema.field(column).type}, not {kinds[column]} values",
                file=name,
                field=column,
            )
    for column in REQUIRED_COLUMNS:
        if column not in table.column_names:
            raise LoadError(f"required column {column!r} is missing", file=name)


def _fits(kind: Any, wanted: str) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(kind):  # (texts read as codes into their distinct texts)
        kind = kind.value_type
    tests = {
        "text": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
        "date": pa.types.is_date32,
        "count": pa.types.is_integer,
        "amount": pa.types.is_decimal,
        "flag": pa.types.is_boolean,
    }
    return bool(pa.types.is_null(kind) or tests[wanted](kind))


def _record(
    values: Mapping[str, list[Any]], places: Mapping[str, np.ndarray], row: int, name: str
) -> Record:
    fields: dict[str, Any] = {}
    for column in COLUMNS:
        if column not in values:
            continue
        value = values[column][row]
        if column in _AMOUNTS and value is not None and column in places:
            value = _with_places(value, int(places[column][row]), name, row, column)
        flag = _FLAGS.get(column, "")
        if flag in values and values[flag][row]:
            if value is not None:
                raise LoadError(
                    f"is given, but {flag} says it is undisclosed",
                    file=name,
                    record=row,
                    field=column,
                    value=_text(value),
                )
            value = UNDISCLOSED
        fields[column] = value
    try:
        return Record(**fields)
    except FieldError as error:
        value = error.value
        shown = value if isinstance(value, str) else None
        reason = error.reason if shown is not None else f"{_text(value)} {error.reason}"
        raise LoadError(reason, file=name, record=row, field=error.field, value=shown) from None


def _with_places(value: Decimal, places: int, name: str, row: int, column: str) -> Decimal:
    try:
        return value.quantize(Decimal(1).scaleb(-places), context=EXACT)
    except Inexact:
        raise LoadError(
            "does not have the places the file's metadata gives it",
            file=name,
            record=row,
            field=column,
            value=_text(value),
        ) from None


def _text(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


# --- the columnar reader -----------------------------------------------------------------


def read_part(path: str | os.PathLike[str]) -> Any:
    """The file's records as Arrow text columns, as a CSV file would hold them, each as
    codes into its distinct texts (a ``_arrowcols.Part``): texts come so from the file's
    dictionary pages, other values are encoded as they are and only the distinct ones
    written as text."""
    from aidledger._arrowcols import Doubt, Part

    name = os.fspath(path)
    kinds = LEDGER_COLUMNS
    try:
        parquet = _parquet()
        texts = [c for c in parquet.read_schema(path).names if kinds.get(c) == "text"]
        # (A ParquetFile, not read_table: that one goes through the dataset machinery.)
        table = parquet.ParquetFile(path, read_dictionary=texts).read()
        _check_schema(table, name)
        places = _places(table.schema.metadata, table.num_rows)
    except Exception:  # whatever it is, the pure reader says it
        raise Doubt from None
    names = table.column_names
    fields: dict[str, Any] = {}
    for column in COLUMNS:
        if column not in names:
            continue
        values = table.column(column)
        flag = _FLAGS.get(column, "")
        said = table.column(flag) if flag in names else None
        if kinds[column] == "text" and said is None:
            fields[column] = values
        else:
            fields[column] = _coded(values, places.get(column), said)
    return Part(fields, table.num_rows, Origin(name, 0, table.num_rows))


def _coded(values: Any, places: np.ndarray | None, said: Any) -> Any:
    """Typed values as codes into their distinct texts, as written in a CSV file: each
    amount with its own *places*, ``undisclosed`` where the flag *said* is set."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from aidledger._arrowcols import Doubt, coded_texts, numbers

    if pa.types.is_null(values.type):
        values = values.cast(pa.string())
    encoded = pc.dictionary_encode(values)
    chunks = encoded.chunks
    codes = numbers(pa.chunked_array([c.indices for c in chunks], pa.int32()), -1)
    distinct = chunks[-1].dictionary if chunks else pa.nulls(0, values.type)
    texts: list[str] = pc.cast(distinct, pa.string()).to_pylist()
    if places is not None:
        codes, texts = _with_written_places(codes, texts, values.type.scale, places)
    if said is not None:
        flags = numbers(pc.and_kleene(said, pc.is_valid(said))).astype(np.bool_)
        if (flags & (codes >= 0)).any():
            raise Doubt  # a value beside its undisclosed flag
        codes = np.where(flags, len(texts), codes)
        texts.append(UNDISCLOSED.value)
    return coded_texts(codes, texts)


def _with_written_places(
    codes: np.ndarray, texts: list[str], scale: int, places: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """Decimal texts written with the column's *scale*, cut back to each row's places:
    one distinct text per value and places met."""
    from aidledger._arrowcols import Doubt
    from aidledger._chains import _dense

    held = codes >= 0
    if (places[held] > scale).any():
        raise Doubt  # places the values do not have: for the pure reader to say
    pairs = codes.astype(np.int64) * (scale + 1) + places
    distinct, position = _dense(pairs[held])
    written = []
    for pair in distinct.tolist():
        value, kept = divmod(pair, scale + 1)
        text, cut = texts[value], scale - kept + (1 if kept == 0 and scale else 0)
        if cut and text[len(text) - cut :].strip(".0"):
            raise Doubt  # the metadata does not fit the values
        written.append(text[: len(text) - cut])
    found = np.full(len(codes), -1, dtype=np.int64)
    found[held] = position
    return found, written
