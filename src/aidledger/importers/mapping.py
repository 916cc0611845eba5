"""Any spreadsheet exported as CSV, read into a ledger through a small TOML mapping.

The mapping names, for each field of a record, where its value comes from: a source
``column`` (with an optional ``values`` table that maps what the column holds to what the
field takes, and a date ``format``), a constant ``value``, or, for ids, a ``template`` such
as ``"oryx-{row}"``. Donors may be written as codes or as English country names (CLDR).
Each source row becomes one record.

.. code-block:: toml

    [source]
    blank = ["", "-", "n/a"]        # texts that mean "not given": undisclosed
    thousands = ","                  # separator to drop from quantities and amounts

    [fields]
    id = { template = "list-{row}" }
    date = { column = "Date", format = "%d/%m/%Y" }
    donor = { column = "Supplier" }
    system = { column = "System" }
    quantity = { column = "Count" }
    status = { column = "Delivered", values = { "True" = "delivered", "False" = "pledged" } }
    source = { column = "Proof" }

A value that cannot be taken as it is follows a written rule (blank: undisclosed; a
thousands separator dropped) and is listed in the import report; a value no rule covers
(a date not in the format, a donor that is no country, a status the ``values`` table does
not map) stops the import with an error naming file, line, column and value.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import tomllib
from collections.abc import Callable, Mapping

import attrs

from aidledger.catalog import Catalog, default_catalog
from aidledger.errors import LoadError
from aidledger.importers.report import ImportReport
from aidledger.ledger import Ledger
from aidledger.model import COLUMNS, REQUIRED_COLUMNS, Record, territory_code

__all__ = ["ColumnMapping", "FieldRule", "donor_code", "load", "read", "read_mapping"]

_FIELD_KEYS = frozenset({"column", "value", "values", "format", "template", "default"})
_SOURCE_KEYS = frozenset({"encoding", "delimiter", "blank", "thousands", "skip"})
_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@attrs.frozen
class FieldRule:
    """Where one field's value comes from (exactly one of column, value, template)."""

    field: str
    column: str | None = None
    value: str | None = None
    template: str | None = None
    values: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    format: str | None = None
    default: str | None = None


@attrs.frozen
class ColumnMapping:
    """A mapping file: how the source is read, and a rule per field."""

    fields: tuple[FieldRule, ...]
    encoding: str | None = None
    delimiter: str = ","
    blank: tuple[str, ...] = ("",)
    thousands: str | None = None
    skip: tuple[str, ...] = ()  # source columns known and deliberately not imported


def read_mapping(path: str | os.PathLike[str]) -> ColumnMapping:
    """Read and check a mapping file (TOML); a mistake names the file and the key."""
    name = os.fspath(path)
    try:
        with open(path, "rb") as stream:
            data = tomllib.load(stream)
    except OSError as error:
        raise LoadError(f"cannot be read: {error.strerror or error}", file=name) from None
    except tomllib.TOMLDecodeError as error:
        raise LoadError(f"is not valid TOML: {error}", file=name) from None

    def fail(where: str, reason: str) -> LoadError:
        return LoadError(reason, file=name, field=where)

    unknown = set(data) - {"source", "fields"}
    if unknown:
        raise fail(
            ", ".join(sorted(unknown)), "unknown table: the mapping has [source] and [fields]"
        )
    source = data.get("source", {})
    if set(source) - _SOURCE_KEYS:
        extra = ", ".join(sorted(set(source) - _SOURCE_KEYS))
        raise fail(f"source.{extra}", f"unknown key; keys: {', '.join(sorted(_SOURCE_KEYS))}")
    fields = data.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise fail("fields", "a mapping needs a [fields] table")
    rules = []
    for field, spec in fields.items():
        if field not in COLUMNS:
            raise fail(
                f"fields.{field}", f"is not a field of a record; fields: {', '.join(COLUMNS)}"
            )
        if isinstance(spec, str):
            spec = {"column": spec}
        if not isinstance(spec, dict) or set(spec) - _FIELD_KEYS:
            raise fail(
                f"fields.{field}",
                f"a rule is a table with keys among {', '.join(sorted(_FIELD_KEYS))}",
            )
        origins = [key for key in ("column", "value", "template") if key in spec]
        if len(origins) != 1:
            raise fail(f"fields.{field}", "a rule has exactly one of column, value, template")
        values = spec.get("values", {})
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise fail(f"fields.{field}.values", "values maps source texts to field texts")
        rules.append(
            FieldRule(
                field=field,
                column=spec.get("column"),
                value=None if "value" not in spec else str(spec["value"]),
                template=spec.get("template"),
                values={str(k): v for k, v in values.items()},
                format=spec.get("format"),
                default=spec.get("default"),
            )
        )
    missing = [f for f in REQUIRED_COLUMNS if f not in {rule.field for rule in rules}]
    if missing:
        raise fail("fields", f"no rule for the required fields {', '.join(missing)}")
    blank = source.get("blank", [""])
    return ColumnMapping(
        fields=tuple(rules),
        encoding=source.get("encoding"),
        delimiter=source.get("delimiter", ","),
        blank=tuple(str(b) for b in blank),
        thousands=source.get("thousands"),
        skip=tuple(source.get("skip", ())),
    )


def donor_code(text: str) -> str | None:
    """The code of a donor written as a code (``US``) or an English name (``Germany``)."""
    return territory_code(text)


def _decode(data: bytes, encoding: str | None, name: str) -> str:
    if encoding is None:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            encoding = "utf-16"
        else:
            encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise LoadError(f"cannot be read as {encoding}: {error}", file=name) from None


def read(
    path: str | os.PathLike[str], mapping: ColumnMapping, *, catalog: Catalog | None = None
) -> tuple[Ledger, ImportReport]:
    """Import *path* by *mapping*: the ledger, and the report of what was done."""
    name = os.fspath(path)
    try:
        with open(path, "rb") as stream:
            text = _decode(stream.read(), mapping.encoding, name)
    except OSError as error:
        raise LoadError(f"cannot be read: {error.strerror or error}", file=name) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter, strict=True)
    report = ImportReport(source=name)
    try:
        header = next(reader, None)
        if header is None:
            raise LoadError("is empty: no header row", file=name, line=1)
        missing = [
            f"{rule.column!r} (for {rule.field})"
            for rule in mapping.fields
            if rule.column is not None and rule.column not in header
        ]
        if missing:
            raise LoadError(
                f"the mapping's columns {', '.join(missing)} are not in the header; "
                f"columns: {', '.join(header)}",
                file=name,
                line=1,
            )
        positions = {column: index for index, column in enumerate(header)}
        records = []
        lines: list[int] = []
        line = reader.line_num
        for fields in reader:
            number = line + 1
            line = reader.line_num
            if not fields:
                continue
            report.rows += 1
            if len(fields) != len(header):
                raise LoadError(
                    f"has {len(fields)} fields where the header has {len(header)}",
                    file=name,
                    line=number,
                )
            row = dict(zip(header, fields, strict=True))
            values = {
                rule.field: _value(rule, row, positions, number, mapping, report, name)
                for rule in mapping.fields
            }
            try:
                records.append(Record(**{k: v for k, v in values.items() if v is not None}))
            except ValueError as error:
                field = getattr(error, "field", None)
                reason = getattr(error, "reason", str(error))
                value = getattr(error, "value", None)
                raise LoadError(
                    reason,
                    file=name,
                    line=number,
                    field=field,
                    value=None if value is None else str(value),
                ) from None
            lines.append(number)
            report.imported += 1
    except csv.Error as error:
        raise LoadError(f"is not valid CSV: {error}", file=name, line=reader.line_num) from None
    ledger = Ledger(catalog=catalog)
    try:
        ledger.append(records)
    except LoadError as error:
        raise LoadError(
            error.reason,
            file=name,
            field=error.field,
            value=error.value,
            line=None if error.record is None else lines[error.record],
        ) from None
    report.records = len(ledger)
    resolve = (catalog or default_catalog()).resolve
    for number, record in zip(lines, records, strict=True):
        if record.system and resolve(record.system) is None:
            report.add(
                number,
                "system",
                record.system,
                "kept as written: not in the catalog",
                "unknown-system",
            )
    return ledger, report


def _value(
    rule: FieldRule,
    row: dict[str, str],
    positions: dict[str, int],
    line: int,
    mapping: ColumnMapping,
    report: ImportReport,
    name: str,
) -> str | None:
    if rule.value is not None:
        return rule.value
    if rule.template is not None:
        try:
            return rule.template.format_map(_Template(row, line))
        except (KeyError, ValueError, IndexError) as error:
            raise LoadError(
                f"template {rule.template!r}: {error}", file=name, line=line, field=rule.field
            ) from None
    assert rule.column is not None
    raw = row[rule.column]
    text = raw.strip()
    if text != raw and text:
        report.add(line, rule.column, raw, "spaces around the value dropped", "spaces")
    if rule.values:
        if text in rule.values:
            return rule.values[text]
        if rule.default is not None:
            report.add(
                line,
                rule.column,
                raw,
                f"not in the values table: {rule.default!r} used",
                "default",
            )
            return rule.default
        if text in mapping.blank:
            return _blank(rule, raw, line, report)
        known = ", ".join(repr(k) for k in rule.values)
        raise LoadError(
            f"is not in the mapping's values for {rule.field} ({known})",
            file=name,
            line=line,
            field=rule.column,
            value=raw,
        )
    if text in mapping.blank:
        return _blank(rule, raw, line, report)
    convert = _CONVERTERS.get(rule.field)
    if convert is None:
        return text
    return convert(rule, text, raw, line, mapping, report, name)


def _blank(rule: FieldRule, raw: str, line: int, report: ImportReport) -> str | None:
    if rule.default is not None:
        return rule.default
    if raw:
        report.add(line, rule.column or rule.field, raw, "left blank (undisclosed)", "blank")
    return None


class _Template(dict[str, str]):
    """A row's columns for ``str.format_map``, plus ``row`` (the source line)."""

    def __init__(self, row: dict[str, str], line: int) -> None:
        super().__init__(row)
        self["row"] = str(line)

    def __missing__(self, key: str) -> str:
        raise KeyError(f"no column {key!r}")


def _date(
    rule: FieldRule,
    text: str,
    raw: str,
    line: int,
    mapping: ColumnMapping,
    report: ImportReport,
    name: str,
) -> str:
    if rule.format is None:
        return text
    try:
        return datetime.datetime.strptime(text, rule.format).date().isoformat()
    except ValueError:
        raise LoadError(
            f"is not a date in the format {rule.format!r}",
            file=name,
            line=line,
            field=rule.column,
            value=raw,
        ) from None


def _donor(
    rule: FieldRule,
    text: str,
    raw: str,
    line: int,
    mapping: ColumnMapping,
    report: ImportReport,
    name: str,
) -> str:
    code = donor_code(text)
    if code is None:
        raise LoadError(
            "is no country code or English country name (CLDR); map it with a values table",
            file=name,
            line=line,
            field=rule.column,
            value=raw,
        )
    if code != text:
        report.add(line, rule.column or rule.field, raw, f"read as {code}", "donor-name")
    return code


def _number(pattern: re.Pattern[str], what: str) -> Callable[..., str | None]:
    def convert(
        rule: FieldRule,
        text: str,
        raw: str,
        line: int,
        mapping: ColumnMapping,
        report: ImportReport,
        name: str,
    ) -> str | None:
        plain = text
        if mapping.thousands and mapping.thousands in plain:
            plain = plain.replace(mapping.thousands, "")
            report.add(
                line,
                rule.column or rule.field,
                raw,
                f"thousands separators dropped: {plain}",
                "thousands",
            )
        if pattern.fullmatch(plain):
            return plain
        report.add(
            line,
            rule.column or rule.field,
            raw,
            f"not {what}: left blank (undisclosed)",
            "not-a-number",
        )
        return None

    return convert


_CONVERTERS: dict[str, Callable[..., str | None]] = {
    "date": _date,
    "donor": _donor,
    "recipient": _donor,
    "quantity": _number(_WHOLE, "a whole number"),
    "delivered_quantity": _number(_WHOLE, "a whole number"),
    "amount": _number(_DECIMAL, "a plain decimal"),
    "delivered_amount": _number(_DECIMAL, "a plain decimal"),
}


def load(path: str | os.PathLike[str], mapping: str | os.PathLike[str] | ColumnMapping) -> Ledger:
    """Import *path* by the mapping (a file or a :class:`ColumnMapping`) into a ledger."""
    rules = mapping if isinstance(mapping, ColumnMapping) else read_mapping(mapping)
    return read(path, rules)[0]
