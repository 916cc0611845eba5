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
thousands separator dropped) and is listed in the import report; then every value is read
by the field's own rules (:mod:`aidledger.fields`), as a ledger file's are. A value no
rule covers (a date not in the format, a status the ``values`` table does not map, a
donor that is no country, a count that is not a whole number) is an error naming file,
line, column and value: every row is read first, and the import refused with all of them.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import os
import re
import string
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from aidledger._encoding import decode
from aidledger._files import read_bytes
from aidledger._table import Origin, RecordTable
from aidledger.catalog import Catalog, default_catalog
from aidledger.errors import FieldError, LoadError, Problems, located
from aidledger.fields import RecordProblems, build_row, hinted
from aidledger.importers._settings import Checks, read_document
from aidledger.importers.report import ImportReport
from aidledger.ledger import Ledger
from aidledger.model import COLUMNS, REQUIRED_COLUMNS, territory_code

__all__ = [
    "TEMPLATE_WIDTH",
    "ColumnMapping",
    "FieldRule",
    "donor_code",
    "load",
    "mapping_from",
    "read",
    "read_mapping",
    "template_columns",
]

_FIELD_KEYS = frozenset({"column", "value", "values", "format", "template", "default"})
_SOURCE_KEYS = frozenset({"encoding", "delimiter", "blank", "thousands", "skip"})


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
    """Read and check a mapping file (TOML): a mistake names the file, the key path,
    what was expected and what is there (docs/mapping.md)."""
    name = os.fspath(path)
    return mapping_from(read_document(path), name)


def mapping_from(document: Mapping[str, Any], file: str = "mapping") -> ColumnMapping:
    """The mapping a parsed TOML *document* describes, checked as :func:`read_mapping`
    checks a file (*file* names it in messages)."""
    checks = Checks(file)
    checks.table(document, "", ("source", "fields"))
    source = checks.table(document.get("source", {}), "source", _SOURCE_KEYS)
    if "fields" not in document:
        raise checks.fail("fields", "a mapping needs a [fields] table")
    fields = checks.table(document["fields"], "fields")
    if not fields:
        raise checks.fail("fields", "a mapping needs a [fields] table")
    rules = [_rule(checks, field, spec) for field, spec in fields.items()]
    missing = [f for f in REQUIRED_COLUMNS if f not in fields]
    if missing:
        raise checks.fail("fields", f"no rule for the required fields {', '.join(missing)}")
    encoding = None
    if "encoding" in source:
        encoding = checks.text(source["encoding"], "source.encoding")
        try:
            b"a".decode(encoding)  # (an empty text decodes even with no such codec)
        except UnicodeError:
            pass  # a known codec; "a" alone is just too short for it (UTF-16)
        except LookupError:
            raise checks.fail(
                "source.encoding", "is not a text encoding (utf-8, utf-16, cp1252, ...)", encoding
            ) from None
    delimiter = checks.text(source.get("delimiter", ","), "source.delimiter")
    if (
        len(delimiter) != 1
        or delimiter == '"'
        or not (delimiter.isprintable() or delimiter == "\t")
    ):
        raise checks.fail(
            "source.delimiter",
            "is not one character (other than a quote or a line end)",
            delimiter,
        )
    thousands = None
    if "thousands" in source:
        thousands = checks.text(source["thousands"], "source.thousands")
        if not thousands or any(c.isdigit() for c in thousands):
            raise checks.fail(
                "source.thousands", "is not a separator (one or more non-digits)", thousands
            )
    return ColumnMapping(
        fields=tuple(rules),
        encoding=encoding,
        delimiter=delimiter,
        blank=checks.texts(source.get("blank", [""]), "source.blank"),
        thousands=thousands,
        skip=checks.texts(source.get("skip", []), "source.skip"),
    )


def _rule(checks: Checks, field: str, spec: object) -> FieldRule:
    """One field's rule, checked: a column name, or a table with one origin."""
    where = checks.key("fields", field)
    if field not in COLUMNS:
        raise checks.fail(where, f"is not a field of a record; fields: {', '.join(COLUMNS)}")
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict):
        raise checks.wrong(
            where, spec, "a column name, or a table with one of column, value, template"
        )
    checks.table(spec, where, _FIELD_KEYS)
    origins = [key for key in ("column", "value", "template") if key in spec]
    if len(origins) != 1:
        raise checks.fail(where, "a rule has exactly one of column, value, template")
    if origins != ["column"]:
        for key in ("values", "format", "default"):
            if key in spec:
                raise checks.fail(f"{where}.{key}", "applies to a column rule only")
    values = checks.table(spec.get("values", {}), f"{where}.values")
    template = None
    if "template" in spec:
        template = checks.text(spec["template"], f"{where}.template")
        try:
            template_columns(template)
        except ValueError as error:
            raise checks.fail(f"{where}.template", str(error), template) from None
    return FieldRule(
        field=field,
        column=None if "column" not in spec else checks.text(spec["column"], f"{where}.column"),
        value=None if "value" not in spec else _constant(checks, spec["value"], f"{where}.value"),
        template=template,
        values={k: checks.text(v, checks.key(f"{where}.values", k)) for k, v in values.items()},
        format=None if "format" not in spec else checks.text(spec["format"], f"{where}.format"),
        default=None
        if "default" not in spec
        else _constant(checks, spec["default"], f"{where}.default"),
    )


def _constant(checks: Checks, value: object, where: str) -> str:
    """A constant as the text of a field: a text, a whole number or a date."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    raise checks.wrong(where, value, "a text, a whole number or a date (write others as text)")


#: The widest a template's format spec may pad a value (``{row:>32}``; docs/mapping.md).
TEMPLATE_WIDTH = 32
_SPEC = re.compile(r"(?:.?[<>^])?0?(?P<width>[0-9]*)(?:\.(?P<precision>[0-9]+))?s?", re.DOTALL)


def template_columns(template: str) -> tuple[str, ...]:
    """The columns an id template names (``row`` is the source line, not a column).

    Only plain substitution is allowed: ``{Column}`` and ``{row}``, optionally with a
    width of at most :data:`TEMPLATE_WIDTH` (``{row:0>6}``); attribute access, indexes,
    conversions and nested fields are a ``ValueError`` saying why.
    """
    names = []
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ValueError(f"is not a template: {error} (write {{{{ and }}}} for braces)") from None
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        shown = f"{{{name}}}"
        if name == "" or name.isdigit():
            raise ValueError(f"has {shown}: a field names a column or row")
        if "." in name or "[" in name:
            raise ValueError(
                f"has {shown}: only plain {{Column}} and {{row}} (no attribute or index)"
            )
        if conversion is not None:
            raise ValueError(f"has {{{name}!{conversion}}}: no conversions, plain fields only")
        spec = spec or ""
        match = _SPEC.fullmatch(spec)
        sizes = () if match is None else (match["width"], match["precision"])
        too_wide = any(int(size or 0) > TEMPLATE_WIDTH for size in sizes)
        if match is None or "{" in spec or "}" in spec or too_wide:
            raise ValueError(
                f"has {{{name}:{spec}}}: a format is at most an alignment and a width of "
                f"{TEMPLATE_WIDTH} (like {{row:0>6}})"
            )
        if name != "row":
            names.append(name)
    return tuple(dict.fromkeys(names))


def donor_code(text: str) -> str | None:
    """The code of a donor written as a code (``US``) or an English name (``Germany``)."""
    return territory_code(text)


def read(
    path: str | os.PathLike[str], mapping: ColumnMapping, *, catalog: Catalog | None = None
) -> tuple[Ledger, ImportReport]:
    """Import *path* by *mapping*: the ledger, and the report of what was done."""
    name = os.fspath(path)
    text = decode(read_bytes(path, name), name, encoding=mapping.encoding).removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter, strict=True)
    report = ImportReport(source=name)
    problems = Problems()
    problems.register(name)
    try:
        header = next(reader, None)
        if header is None:
            raise LoadError("is empty: no header row", file=name, line=1)
        missing = [
            f"{column!r} (for {rule.field})"
            for rule in mapping.fields
            for column in _columns(rule)
            if column not in header
        ]
        if missing:
            raise LoadError(
                f"the mapping's columns {', '.join(missing)} are not in the header; "
                f"columns: {', '.join(header)}",
                file=name,
                line=1,
            )
        rows: list[tuple[object, ...]] = []
        lines: list[int] = []
        line = reader.line_num
        for fields in reader:
            number = line + 1
            line = reader.line_num
            if not fields:
                continue
            report.rows += 1
            if len(fields) != len(header):
                problems.add(
                    LoadError(
                        f"has {len(fields)} fields where the header has {len(header)}",
                        file=name,
                        line=number,
                    )
                )
                continue
            row = _row(dict(zip(header, fields, strict=True)), number, mapping, report, problems)
            if row is not None:
                rows.append(row)
                lines.append(number)
                report.imported += 1
    except csv.Error as error:
        problems.add(LoadError(f"is not valid CSV: {error}", file=name, line=reader.line_num))
    table = RecordTable()
    table.append_rows(rows, (catalog or default_catalog()).resolve)
    table.origins.append(Origin(name, 0, len(table), lines=lines))
    with problems.gather():
        ledger = Ledger._from_table(table, catalog)
    problems.check()
    report.records = len(ledger)
    for number, system in zip(lines, table.system, strict=True):
        if system and table.system_keys[system] == system and system not in ledger.catalog:
            report.add(
                number, "system", system, "kept as written: not in the catalog", "unknown-system"
            )
    return ledger, report


def _columns(rule: FieldRule) -> tuple[str, ...]:
    """The source columns a rule reads."""
    if rule.template is not None:
        return template_columns(rule.template)
    return () if rule.column is None else (rule.column,)


def _row(
    row: dict[str, str],
    line: int,
    mapping: ColumnMapping,
    report: ImportReport,
    problems: Problems,
) -> tuple[object, ...] | None:
    """One source row as a record's stored values, by the mapping's rules and then by the
    field spec (aidledger.fields); ``None``, with its problems added, when it has any."""
    name = report.source
    texts: dict[str, str] = {}
    labels: dict[str, str] = {}  # what messages call each field: its source column
    failed = False
    for rule in mapping.fields:
        labels[rule.field] = rule.column or rule.field
        try:
            text = _value(rule, row, line, mapping, report, name)
        except LoadError as error:
            problems.add(error)
            failed = True
            continue
        texts[rule.field] = "" if text is None else text
    try:
        stored = build_row(lambda field: field.read(texts.get(field.name, ""), hints=False))
    except RecordProblems as error:
        for position, problem in enumerate(error.errors):
            field = getattr(problem, "field", None)
            if field in labels and field not in texts:
                continue  # a value an import rule already refused
            label = labels.get(field, field) if isinstance(field, str) else None
            problems.add(
                functools.partial(_problem, problem, label, name, line),
                file=name,
                where=line,
                position=position,
            )
        return None
    return None if failed else stored


def _problem(error: ValueError, label: str | None, name: str, line: int) -> LoadError:
    """A field's problem as the import shows it: with its hint, named by its column."""
    if isinstance(error, FieldError) and label is not None:
        error = FieldError(label, error.value, hinted(error).reason)
    return located(error, file=name, line=line)


def _value(
    rule: FieldRule,
    row: dict[str, str],
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
        return text  # not a country: the field's own rule says why (and what it may mean)
    if code != text:
        report.add(line, rule.column or rule.field, raw, f"read as {code}", "donor-name")
    return code


def _number(
    rule: FieldRule,
    text: str,
    raw: str,
    line: int,
    mapping: ColumnMapping,
    report: ImportReport,
    name: str,
) -> str:
    separator = mapping.thousands
    if separator and separator in text and _grouped(text, separator):
        plain = text.replace(separator, "")
        report.add(
            line,
            rule.column or rule.field,
            raw,
            f"thousands separators dropped: {plain}",
            "thousands",
        )
        return plain
    return text  # the field's own rule reads it (or says why not)


def _grouped(text: str, separator: str) -> bool:
    """Whether *separator* separates groups of three digits in *text* (``1,400``,
    ``12,000.5``): only then is it a thousands separator (``1,5`` is not)."""
    whole, _, fraction = text.partition(".")
    groups = whole.split(separator)
    return (
        1 <= len(groups[0]) <= 3
        and all(len(group) == 3 for group in groups[1:])
        and all(group.isascii() and group.isdigit() for group in groups)
        and (not fraction or (fraction.isascii() and fraction.isdigit()))
    )


_CONVERTERS: dict[str, Callable[..., str | None]] = {
    "date": _date,
    "donor": _donor,
    "recipient": _donor,
    "quantity": _number,
    "delivered_quantity": _number,
    "amount": _number,
    "delivered_amount": _number,
}


def load(path: str | os.PathLike[str], mapping: str | os.PathLike[str] | ColumnMapping) -> Ledger:
    """Import *path* by the mapping (a file or a :class:`ColumnMapping`) into a ledger."""
    rules = mapping if isinstance(mapping, ColumnMapping) else read_mapping(mapping)
    return read(path, rules)[0]
