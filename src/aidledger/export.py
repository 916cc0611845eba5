"""The one schema of a summary's exported tables: the JSON of docs/counting-rules.md and
the flat tables of ``Summary.to_records()`` (and so pandas, Arrow and Parquet).

Each table is a tuple of :class:`Column`: its name, the kind of value it holds and how to
read it off a summary value. The JSON nests the tables inside each donor entry
(``systems`` with their ``variants``, ``discussed``, ``checkpoints``; money as maps by
currency); the flat tables repeat ``as_of``, ``donor`` and ``recipient`` on every row.
Both read the same columns, so they cannot drift apart.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs

from aidledger.money import format_decimal

if TYPE_CHECKING:
    from aidledger.comparison import Comparison
    from aidledger.summary import DonorSummary, PledgeState, StateTable, Summary

__all__ = [
    "COMPARISON_FORMAT",
    "KINDS",
    "LEDGER_COLUMNS",
    "STATE_COLUMNS",
    "SUMMARY_FORMAT",
    "SUMMARY_TABLES",
    "SYSTEMS_FORMAT",
    "SYSTEM_TABLES",
    "Column",
    "comparison_to_dict",
    "schema",
    "state_records",
    "summary_records",
    "summary_to_dict",
    "systems_records",
    "systems_schema",
    "systems_to_dict",
]

#: The ``format`` of a summary as JSON.
SUMMARY_FORMAT = "aidledger-summary/1"
#: The ``format`` of a summary by system as JSON (``aidledger summary --by system``).
SYSTEMS_FORMAT = "aidledger-systems/1"
#: The kinds of value a column holds: ``text``, ``date`` (``datetime.date``), ``amount``
#: (exact ``Decimal``), ``count`` (``int``), ``flag`` (``bool``); any may be ``None``.
KINDS = ("text", "date", "amount", "count", "flag")


@attrs.frozen
class Column:
    """One column of an exported table: *get* reads it off a value. ``json`` and
    ``table`` say whether the JSON and the flat tables carry it."""

    name: str
    kind: str = attrs.field(validator=attrs.validators.in_(KINDS))
    get: Callable[[Any], Any]
    json: bool = True
    table: bool = True


def _column(name: str, kind: str, attribute: str | None = None, **where: bool) -> Column:
    return Column(name, kind, attrgetter(attribute or name), **where)


def _amount_of(attribute: str) -> Callable[[Any], Decimal | None]:
    def amount(value: Any) -> Decimal | None:
        money = getattr(value, attribute)
        return None if money is None else money.amount

    return amount


_FIGURES = (
    _column("committed", "count"),
    _column("delivered", "count"),
    _column("undisclosed_quantity", "count"),
    _column("undisclosed_delivered", "count"),
)
DONORS = (
    _column("donor", "text"),
    _column("recipient", "text"),
    # (The name is in the reader's locale: filled in by the writer.)
    Column("name", "text", attrgetter("donor")),
    Column("reporting_currency", "text", lambda entry: None, json=False),
    Column("committed_total", "amount", _amount_of("committed_total")),
    Column("delivered_total", "amount", _amount_of("delivered_total")),
    _column("pledges", "count"),
    _column("undisclosed_value", "count"),
    _column("undisclosed_delivered_value", "count"),
)
MONEY = (
    # (The donor's name is in the reader's locale: filled in by the writer.)
    Column("name", "text", lambda item: None, json=False),
    Column("currency", "text", lambda item: item[0]),
    Column("committed", "amount", lambda item: item[1]),
    Column("delivered", "amount", lambda item: item[2]),
)
SYSTEMS = (_column("system", "text"), _column("name", "text"), *_FIGURES)


def _of_variant(column: Column) -> Column:
    """*column* of a system line, read off the variant of a (line, variant) row."""
    get = column.get
    return Column(column.name, column.kind, lambda item: get(item[1]))


def _of_line(column: Column) -> Column:
    """*column* of a system line, read off a donor's share of a system."""
    get = column.get
    return Column(column.name, column.kind, lambda share: get(share.line))


#: A donor's share of a system, in the summary by system.
SYSTEM_DONORS = (
    _column("donor", "text"),
    _column("recipient", "text"),
    # (The name is in the reader's locale: filled in by the writer.)
    Column("name", "text", attrgetter("donor")),
    *map(_of_line, _FIGURES),
)
VARIANTS = (
    Column("system", "text", lambda item: item[0].system, json=False),
    Column("variant", "text", lambda item: item[1].name),
    *map(_of_variant, _FIGURES),
)
DISCUSSED = (
    _column("id", "text"),
    _column("system", "text"),
    _column("variant", "text", "name"),
    _column("status", "text"),
    _column("date", "date"),
)
CHECKPOINTS = (
    _column("id", "text"),
    _column("date", "date"),
    _column("system", "text"),
    _column("currency", "text"),
    _column("stated", "amount"),
    _column("ledger", "amount"),
    _column("difference", "amount"),
    _column("tolerance", "amount", json=False),
    _column("within_tolerance", "flag"),
)


def _money_rows(entry: DonorSummary) -> Iterator[tuple[str, Decimal | None, Decimal | None]]:
    for currency in sorted(set(entry.committed) | set(entry.delivered)):
        committed = entry.committed.get(currency)
        delivered = entry.delivered.get(currency)
        yield (
            currency,
            None if committed is None else committed.amount,
            None if delivered is None else delivered.amount,
        )


def _variant_rows(entry: DonorSummary) -> Iterator[tuple[Any, Any]]:
    for line in entry.systems:
        for variant in line.variants:
            yield (line, variant)


#: Each flat table: its columns, and its rows of one donor entry.
_TABLES: Mapping[str, tuple[tuple[Column, ...], Callable[[DonorSummary], Any]]] = {
    "money": (MONEY, _money_rows),
    "donors": (DONORS, lambda entry: (entry,)),
    "systems": (SYSTEMS, attrgetter("systems")),
    "variants": (VARIANTS, _variant_rows),
    "discussed": (DISCUSSED, attrgetter("discussed")),
    "checkpoints": (CHECKPOINTS, attrgetter("checkpoints")),
}
# The tables whose "name" is the donor's, in the reader's locale.
_NAMED = ("money", "donors")
#: The tables a summary gives (``Summary.to_records(table)``).
SUMMARY_TABLES = tuple(_TABLES)
# The columns every flat table but ``donors`` starts with, after ``as_of``.
_KEYS = {"donor": "text", "recipient": "text"}


def schema(table: str) -> dict[str, str]:
    """The columns of a summary *table* with the kind of value each holds."""
    columns, _ = _tables(table)
    head = {"as_of": "date"} if table == "donors" else {"as_of": "date", **_KEYS}
    return {**head, **{column.name: column.kind for column in columns if column.table}}


def _tables(table: str) -> tuple[tuple[Column, ...], Callable[[DonorSummary], Any]]:
    if table not in _TABLES:
        raise ValueError(f"unknown table {table!r}: one of {', '.join(SUMMARY_TABLES)}")
    return _TABLES[table]


def _plain(value: object) -> object:
    """A value as Python data for a flat table: enums by their value."""
    return value.value if isinstance(value, enum.Enum) else value


def _json(value: object) -> object:
    """A value as JSON data: exact decimal strings, ISO dates, enums by their value."""
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _plain(value)


#: The ledger's records as a table (``Ledger.to_records()``): the interchange columns,
#: with an undisclosed delivered figure as ``None`` and its flag set.
LEDGER_COLUMNS: Mapping[str, str] = {
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
    "delivered_quantity_undisclosed": "flag",
    "delivered_amount_undisclosed": "flag",
}
#: The columns of a pledge-state table (``Ledger.state()``) with the kind of value each
#: holds (as in ``aidledger.frames.SCHEMAS``). The ``counted_`` columns hold what the
#: summary counts of each pledge, so that summing them gives its figures.
STATE_COLUMNS: Mapping[str, str] = {
    "as_of": "date",
    "id": "text",
    "date": "date",
    "donor": "text",
    "recipient": "text",
    "system": "text",
    "variant": "text",
    "status": "text",
    "quantity": "count",
    "amount": "amount",
    "currency": "text",
    "delivered_quantity": "count",
    "delivered_amount": "amount",
    "delivered_quantity_undisclosed": "flag",
    "delivered_amount_undisclosed": "flag",
    "package": "text",
    "top_level": "flag",
    "active": "flag",
    "money_counted": "flag",
    "counted_quantity": "count",
    "counted_delivered_quantity": "count",
    "counted_amount": "amount",
    "counted_delivered_amount": "amount",
    "source": "text",
}


def state_records(table: StateTable) -> list[dict[str, Any]]:
    """The rows of a pledge-state table as plain dicts (keys :data:`STATE_COLUMNS`)."""
    return [{name: _plain(getattr(state, name)) for name in STATE_COLUMNS} for state in table]


def summary_records(
    summary: Summary, table: str = "money", locale: str = "en"
) -> list[dict[str, Any]]:
    """One table of :data:`SUMMARY_TABLES` as plain dicts (names in *locale*): amounts
    ``Decimal``, dates ``datetime.date``, counts ``int``."""
    columns, rows_of = _tables(table)
    kept = tuple(column for column in columns if column.table)
    records: list[dict[str, Any]] = []
    for entry in summary:
        head: dict[str, Any] = {"as_of": summary.as_of}
        if table != "donors":
            head.update(donor=entry.donor, recipient=entry.recipient)
        for item in rows_of(entry):
            row = {**head, **_plain_object(kept, item)}
            if "name" in row and table in _NAMED:
                row["name"] = entry.name(locale)
            if table == "donors":
                row["reporting_currency"] = summary.currency
            records.append(row)
    return records


#: The tables of a summary by system (``Summary.systems()``, ``--by system``): each
#: system across donors, each donor's share of it, and the variants of each share.
SYSTEM_TABLES = ("systems", "system_donors", "system_variants")
_BY_SYSTEM: Mapping[str, tuple[Column, ...]] = {
    "systems": SYSTEMS,
    "system_donors": SYSTEM_DONORS,
    "system_variants": (*SYSTEM_DONORS[:2], *VARIANTS[1:]),
}


def systems_schema(table: str) -> dict[str, str]:
    """The columns of a *table* of :data:`SYSTEM_TABLES` with the kind of value each holds."""
    if table not in _BY_SYSTEM:
        raise ValueError(f"unknown table {table!r}: one of {', '.join(SYSTEM_TABLES)}")
    head = {"as_of": "date"} if table == "systems" else {"as_of": "date", "system": "text"}
    return {**head, **{column.name: column.kind for column in _BY_SYSTEM[table]}}


def systems_records(
    summary: Summary, table: str = "systems", locale: str = "en"
) -> list[dict[str, Any]]:
    """One table of :data:`SYSTEM_TABLES` as plain dicts (donor names in *locale*), in the
    order of :func:`systems_to_dict`."""
    from aidledger.model import donor_name

    systems_schema(table)  # (an unknown table is refused)
    records: list[dict[str, Any]] = []
    for line in summary.systems():
        if table == "systems":
            records.append({"as_of": summary.as_of, **_plain_object(SYSTEMS, line)})
            continue
        head = {"as_of": summary.as_of, "system": line.system}
        for share in line.donors:
            if table == "system_donors":
                row = {**head, **_plain_object(SYSTEM_DONORS, share)}
                row["name"] = donor_name(share.donor, locale)
                records.append(row)
                continue
            parties = {"donor": share.donor, "recipient": share.recipient}
            for variant in share.line.variants:
                shown = _plain_object(VARIANTS[1:], (share.line, variant))
                records.append({**head, **parties, **shown})
    return records


def _plain_object(columns: tuple[Column, ...], item: object) -> dict[str, Any]:
    return {column.name: _plain(column.get(item)) for column in columns}


def _json_object(columns: tuple[Column, ...], item: object) -> dict[str, Any]:
    return {column.name: _json(column.get(item)) for column in columns if column.json}


def _donor_head(entry: DonorSummary, locale: str) -> dict[str, Any]:
    """A donor entry's own figures as JSON: the donor columns and the money by currency."""
    rest = _json_object(DONORS, entry)
    head = {key: rest.pop(key) for key in ("donor", "recipient", "name")}
    head["name"] = entry.name(locale)
    money = list(_money_rows(entry))
    return {
        **head,
        "committed": {c: format_decimal(a) for c, a, _ in money if a is not None},
        "delivered": {c: format_decimal(a) for c, _, a in money if a is not None},
        **rest,
    }


def _donor_to_dict(entry: DonorSummary, locale: str) -> dict[str, Any]:
    return {
        **_donor_head(entry, locale),
        "systems": [
            {
                **_json_object(SYSTEMS, line),
                "variants": [_json_object(VARIANTS, (line, v)) for v in line.variants],
            }
            for line in entry.systems
        ],
        "discussed": [_json_object(DISCUSSED, item) for item in entry.discussed],
        "checkpoints": [_json_object(CHECKPOINTS, check) for check in entry.checkpoints],
    }


def summary_to_dict(summary: Summary, locale: str = "en") -> dict[str, Any]:
    """A summary as the JSON object of docs/counting-rules.md, names in *locale*."""
    return {
        "format": SUMMARY_FORMAT,
        "as_of": _json(summary.as_of),
        "currency": summary.currency,
        "recipients": list(summary.recipients),
        "donors": [_donor_to_dict(entry, locale) for entry in summary.donors],
    }


#: The ``format`` of a comparison as JSON.
COMPARISON_FORMAT = "aidledger-comparison/1"
_LINE = tuple(column for column in SYSTEMS if column.name not in ("system", "name"))


def _state_json(state: PledgeState | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {name: _json(getattr(state, name)) for name in STATE_COLUMNS if name != "as_of"}


def _amounts(values: Mapping[str, Decimal]) -> dict[str, str]:
    return {currency: format_decimal(amount) for currency, amount in values.items()}


def comparison_to_dict(comparison: Comparison, locale: str = "en") -> dict[str, Any]:
    """A comparison as JSON data (docs/compare.md), names in *locale*."""
    donors = []
    for entry in comparison:
        total = entry.total_difference
        donors.append(
            {
                "donor": entry.donor,
                "recipient": entry.recipient,
                "name": entry.name(locale),
                "a": None if entry.a is None else _donor_head(entry.a, locale),
                "b": None if entry.b is None else _donor_head(entry.b, locale),
                "committed_difference": _amounts(entry.committed_difference),
                "delivered_difference": _amounts(entry.delivered_difference),
                "total_difference": None if total is None else format_decimal(total.amount),
                "systems": [
                    {
                        "system": line.system,
                        "name": line.name,
                        "a": None if line.a is None else _json_object(_LINE, line.a),
                        "b": None if line.b is None else _json_object(_LINE, line.b),
                        "committed_difference": line.committed_difference,
                        "delivered_difference": line.delivered_difference,
                        "pledges": [change.id for change in line.pledges],
                    }
                    for line in entry.systems
                    if line.differs
                ],
                "pledges": [
                    {
                        "id": change.id,
                        "change": change.change,
                        "fields": list(change.fields),
                        "a": _state_json(change.a),
                        "b": _state_json(change.b),
                    }
                    for change in entry.pledges
                ],
            }
        )
    return {
        "format": COMPARISON_FORMAT,
        "as_of": _json(comparison.as_of),
        "currency": comparison.currency,
        "names": {"a": comparison.names[0], "b": comparison.names[1]},
        "donors": donors,
    }


def systems_to_dict(summary: Summary, locale: str = "en") -> dict[str, Any]:
    """A summary by system (``Summary.systems()``) as JSON data: each system's figures
    across donors, then each donor's with its variants; names in *locale*."""
    from aidledger.model import donor_name

    def share_to_dict(share: Any) -> dict[str, Any]:
        found = _json_object(SYSTEM_DONORS, share)
        found["name"] = donor_name(share.donor, locale)
        found["variants"] = [_json_object(VARIANTS, (share.line, v)) for v in share.line.variants]
        return found

    return {
        "format": SYSTEMS_FORMAT,
        "as_of": _json(summary.as_of),
        "recipients": list(summary.recipients),
        "systems": [
            {
                **_json_object(SYSTEMS, line),
                "donors": [share_to_dict(share) for share in line.donors],
            }
            for line in summary.systems()
        ],
    }
