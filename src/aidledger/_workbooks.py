"""Tables as Excel workbooks: a summary's tables (one sheet each), a pledge-state table.

Each column's kind (``aidledger.frames.SCHEMAS``) decides its cells: text a text cell,
``date`` a date cell, ``count`` a whole number, ``flag`` a boolean, ``amount`` a number
shown with its currency's minor unit (more places when the value has them). A number cell
holds the exact amount: where a spreadsheet's float could not (more than 15 significant
digits) the cell holds the exact decimal text instead, so that nothing is ever rounded
(docs/reports.md).

A summary's workbook is for people, so it says what the JSON leaves to its counts
(docs/counting-rules.md): a total over nothing disclosed reads ``none disclosed``, a donor
without delivery information ``no deliveries recorded``, and a total beside undisclosed
values shows ``≥`` before the number (the cell still holds the number, the sum of what is
disclosed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from aidledger import _xlsxwrite
from aidledger._files import BinaryWriter
from aidledger._xlsxwrite import Cell, Number, Sheet
from aidledger.export import SUMMARY_TABLES, SYSTEM_TABLES, schema, systems_records, systems_schema
from aidledger.money import currency_precision

if TYPE_CHECKING:
    from aidledger.summary import DonorSummary, Summary

__all__ = ["summary_sheets", "summary_writer", "table_sheet"]

# Shown before a total that is a lower bound.
AT_LEAST = "≥ "
Labels = Callable[[Mapping[str, Any]], Mapping[str, Cell]]


def _places(currency: object) -> int:
    try:
        return currency_precision(currency) if isinstance(currency, str) and currency else 0
    except (ValueError, LookupError):  # pragma: no cover - codes are checked on load
        return 0


def _rows(
    records: Iterable[Mapping[str, Any]], columns: Mapping[str, str], labels: Labels | None
) -> Iterator[list[Cell]]:
    currency = "currency" if "currency" in columns else "reporting_currency"
    for record in records:
        places = _places(record.get(currency))
        shown = labels(record) if labels is not None else {}
        row: list[Cell] = []
        for column, kind in columns.items():
            if column in shown:
                row.append(shown[column])
                continue
            value = record[column]
            if kind == "amount" and value is not None:
                value = Number(value, places)
            row.append(value)
        yield row


def table_sheet(
    name: str,
    records: Iterable[Mapping[str, Any]],
    columns: Mapping[str, str],
    labels: Labels | None = None,
) -> Sheet:
    """A sheet of *records* with *columns* (name -> kind), its header their names;
    *labels* may give some cells of a record instead of its values."""
    widths = [max(10, len(column) + 2) for column in columns]
    return Sheet(name, list(columns), _rows(records, columns, labels), widths)


# --- a summary ------------------------------------------------------------------------------


def _words(locale: str) -> Callable[[str], str]:
    from aidledger._i18n import translations

    return translations(locale).gettext


def _figure(value: Decimal | int, undisclosed: int, places: int = 0) -> Cell:
    return Number(value, places, AT_LEAST) if undisclosed else Number(value, places)


def _donor_labels(
    entries: Sequence[DonorSummary], words: Callable[[str], str], places: int
) -> Labels:
    """The totals of each donor entry as people should read them (in entry order)."""
    found = iter(entries)

    def labels(record: Mapping[str, Any]) -> Mapping[str, Cell]:
        entry = next(found)
        shown: dict[str, Cell] = {}
        committed, delivered = record["committed_total"], record["delivered_total"]
        if committed is not None:
            if entry.committed:
                shown["committed_total"] = _figure(committed, entry.undisclosed_value, places)
            else:
                shown["committed_total"] = words(
                    "none disclosed" if entry.pledges else "no pledges"
                )
        if delivered is not None:
            if not entry.delivers:
                shown["delivered_total"] = words("no deliveries recorded")
            elif entry.delivered:
                undisclosed = entry.undisclosed_delivered_value
                shown["delivered_total"] = _figure(delivered, undisclosed, places)
            else:
                shown["delivered_total"] = words("none disclosed")
        return shown

    return labels


def _unit_labels(words: Callable[[str], str]) -> Labels:
    """A system line's (or variant's) units as people should read them."""

    def labels(record: Mapping[str, Any]) -> Mapping[str, Cell]:
        committed, unknown = record["committed"], record["undisclosed_quantity"]
        delivered, unknown_delivered = record["delivered"], record["undisclosed_delivered"]
        shown: dict[str, Cell] = {}
        shown["committed"] = (
            words("none disclosed") if unknown and not committed else _figure(committed, unknown)
        )
        if not delivered:
            shown["delivered"] = words(
                "none disclosed" if unknown_delivered else "no deliveries recorded"
            )
        else:
            shown["delivered"] = _figure(delivered, unknown_delivered)
        return shown

    return labels


def summary_sheets(summary: Summary, locale: str = "en", by: str = "donor") -> list[Sheet]:
    """One sheet per table of the summary (``Summary.to_records``), named as the table,
    in the order of ``aidledger.frames.SUMMARY_TABLES``; names in *locale*. *by*
    ``"system"``: the tables of ``aidledger.export.SYSTEM_TABLES`` instead."""
    words = _words(locale)
    if by == "system":
        units = _unit_labels(words)
        return [
            table_sheet(
                table, systems_records(summary, table, locale), systems_schema(table), units
            )
            for table in SYSTEM_TABLES
        ]
    places = _places(summary.currency)
    sheets = []
    for table in SUMMARY_TABLES:
        labels: Labels | None = None
        if table == "donors":
            labels = _donor_labels(summary.donors, words, places)
        elif table in ("systems", "variants"):
            labels = _unit_labels(words)
        records = summary.to_records(table, locale)
        sheets.append(table_sheet(table, records, schema(table), labels))
    return sheets


def summary_writer(summary: Summary, locale: str = "en", by: str = "donor") -> BinaryWriter:
    """What writes *summary*'s workbook (*by* donor or system) to a binary stream (for
    ``_files.write_together``)."""

    def write(stream: IO[bytes]) -> None:
        _xlsxwrite.write_workbook(stream, summary_sheets(summary, locale, by))

    return BinaryWriter(write)
