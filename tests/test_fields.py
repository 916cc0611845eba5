"""The field spec: one set of rules, the same reason for a bad value however it comes in,
and hints that help (docs/interchange.md, "Bad input")."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

import aidledger
from aidledger import LoadError, Record
from aidledger.errors import FieldError
from aidledger.fields import FIELDS, QUANTITY_DIGITS, parse_date
from aidledger.importers import mapping

GOOD = {
    "id": "p",
    "date": "2023-01-01",
    "donor": "US",
    "status": "pledged",
    "amount": "5",
    "currency": "USD",
    "quantity": "4",
}
STATUSES = "one of requested, considering, pledged, delivered, cancelled, reported"

#: (field, bad value, the reason every way in gives)
BAD = [
    ("status", "Pledged", f"is not a status: {STATUSES} (did you mean 'pledged'?)"),
    ("status", "pleged", f"is not a status: {STATUSES} (did you mean 'pledged'?)"),
    ("status", "promised", f"is not a status: {STATUSES}"),
    ("status", "", "is blank, but the field is required"),
    ("amount", "1,5", "is not a decimal number"),
    ("amount", "-1", "is negative: amounts are 0 or more"),
    ("amount", "NaN", "is not a finite decimal number"),
    ("quantity", "-3", "is negative: quantities are 0 or more"),
    ("donor", "XX", "is not an ISO 3166-1 alpha-2 country code or EU"),
    ("donor", "de", "is not an ISO 3166-1 alpha-2 code (did you mean 'DE'?)"),
    ("currency", "eur", "is not an ISO 4217 currency code (did you mean 'EUR'?)"),
    ("currency", "EURO", "is not an ISO 4217 currency code (did you mean 'EUR'?)"),
    ("date", "2023-02-30", "is not a real date"),
    ("date", "05/01/2023", "is not a date (YYYY-MM-DD)"),
    ("date", "2023-W01-4", "is not a date (YYYY-MM-DD)"),
    ("date", "", "is blank, but the field is required"),
    ("id", "", "is blank, but the field is required"),
]
# What the mapping importer's own documented rules read differently (a country written
# in any case is a donor there): for those, no reason to compare.
IMPORT_RULES = {("donor", "de")}


def _csv(tmp_path: Path, values: dict[str, str]) -> LoadError:
    path = tmp_path / "l.csv"
    path.write_text(",".join(values) + "\n" + ",".join(_quoted(v) for v in values.values()) + "\n")
    with pytest.raises(LoadError) as caught:
        aidledger.load(path)
    return caught.value


def _quoted(value: str) -> str:
    return f'"{value}"' if "," in value else value


def _json_value(field: str, value: str) -> object:
    return int(value) if field == "quantity" and value.lstrip("-").isdigit() else value


def _json(tmp_path: Path, values: dict[str, str]) -> LoadError:
    record = {k: _json_value(k, v) for k, v in values.items()}
    path = tmp_path / "l.json"
    path.write_text(json.dumps({"format": "aidledger/1", "records": [record]}))
    with pytest.raises(LoadError) as caught:
        aidledger.load(path)
    return caught.value


def _jsonl(tmp_path: Path, values: dict[str, str]) -> LoadError:
    path = tmp_path / "l.jsonl"
    path.write_text(json.dumps({k: _json_value(k, v) for k, v in values.items()}) + "\n")
    with pytest.raises(LoadError) as caught:
        aidledger.load(path)
    return caught.value


def _import(tmp_path: Path, values: dict[str, str]) -> LoadError:
    path = tmp_path / "sheet.csv"
    path.write_text(",".join(values) + "\n" + ",".join(_quoted(v) for v in values.values()) + "\n")
    rules = "\n".join(f"{field} = {field!r}" for field in values)
    table = tmp_path / "map.toml"
    table.write_text(f"[fields]\n{rules}\n")
    with pytest.raises(LoadError) as caught:
        mapping.read(path, mapping.read_mapping(table))
    return caught.value


@pytest.mark.parametrize(("field", "value", "reason"), BAD)
def test_a_bad_value_gets_the_same_reason_every_way_in(
    tmp_path: Path, field: str, value: str, reason: str
) -> None:
    values = {**GOOD, field: value}
    errors = [_csv(tmp_path, values), _json(tmp_path, values), _jsonl(tmp_path, values)]
    if (field, value) not in IMPORT_RULES:
        errors.append(_import(tmp_path, values))
    for error in errors:
        assert len(error.problems) == 1, str(error)
        assert (error.field, error.reason) == (field, reason), str(error)
    with pytest.raises(FieldError) as caught:
        Record(**values)  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.reason) == (field, reason)
    with pytest.raises(FieldError) as caught:
        FIELDS[field].read(value)
    assert caught.value.reason == reason


def test_the_import_reads_a_country_in_any_case_as_its_rule_says(tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("id,date,donor,status\np,2023-01-01,de,pledged\n")
    table = tmp_path / "map.toml"
    table.write_text("[fields]\nid = 'id'\ndate = 'date'\ndonor = 'donor'\nstatus = 'status'\n")
    ledger, report = mapping.read(path, mapping.read_mapping(table))
    assert ledger[0].donor == "DE"
    assert [entry.rule for entry in report] == ["donor-name"]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("Germany", "DE"),
        ("germany", "DE"),
        ("Deutschland", "DE"),
        ("Allemagne", "DE"),
        ("DEU", "DE"),
        ("GER", "DE"),
        ("UK", "GB"),
        ("USA", "US"),
        ("United States of America", "US"),
        ("Czech", "CZ"),
        ("Polnad", "PL"),
        ("fr", "FR"),
    ],
)
def test_a_donor_written_as_a_name_or_another_code_gets_its_code_as_a_hint(
    text: str, hint: str
) -> None:
    with pytest.raises(FieldError) as caught:
        FIELDS["donor"].read(text)
    assert caught.value.reason.endswith(f"(did you mean {hint!r}?)")


@pytest.mark.parametrize("text", ["XX", "Atlantis", "ZZZ", "x" * 500, "Europe and more"])
def test_no_hint_for_what_names_no_country(text: str) -> None:
    with pytest.raises(FieldError) as caught:
        FIELDS["donor"].read(text)
    assert "did you mean" not in caught.value.reason


@pytest.mark.parametrize(
    ("field", "text", "hint"),
    [
        ("status", "PLEDGED", "'pledged'"),
        ("status", "delivred", "'delivered'"),
        ("status", "canceled", "'cancelled'"),
        ("status", "considered", "'considering'"),
        ("status", "requestd", "'requested'"),
        ("currency", "usd", "'USD'"),
        ("currency", "GPB", "'GBP'"),
        ("currency", "Euro", "'EUR'"),
        ("currency", "US Dollar", "'USD'"),
    ],
)
def test_statuses_and_currencies_get_the_closest_as_a_hint(
    field: str, text: str, hint: str
) -> None:
    with pytest.raises(FieldError) as caught:
        FIELDS[field].read(text)
    assert caught.value.reason.endswith(f"(did you mean {hint}?)")


@pytest.mark.parametrize(
    ("field", "text"),
    [("status", "announced"), ("status", "sent"), ("currency", "XYZ"), ("currency", "money")],
)
def test_no_hint_for_what_is_something_else(field: str, text: str) -> None:
    with pytest.raises(FieldError) as caught:
        FIELDS[field].read(text)
    assert "did you mean" not in caught.value.reason


@pytest.mark.parametrize(
    "text",
    ["2023-W01-4", "2023W014", "2023-001", "20230101", "2023-01-01T00:00", "２０２３-01-01"],
)
def test_only_calendar_dates_are_dates(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)
    assert parse_date("2023-01-04") == datetime.date(2023, 1, 4)


def test_quantities_have_at_most_4300_digits() -> None:
    most = "9" * QUANTITY_DIGITS
    assert FIELDS["quantity"].read(most) == int(most)
    assert FIELDS["quantity"].read("0" * 5000 + "7") == 7
    with pytest.raises(FieldError, match="has more than 4300 digits"):
        FIELDS["quantity"].read(most + "9")
    with pytest.raises(FieldError, match="has more than 4300 digits"):
        Record(id="p", date="2023-01-01", donor="US", status="pledged", quantity=10**4300)


def test_a_negative_zero_amount_is_zero() -> None:
    from decimal import Decimal

    record = Record(
        id="p",
        date="2023-01-01",
        donor="US",
        status="pledged",
        amount=Decimal("-0"),
        currency="USD",
    )
    assert str(record.amount) == "0"


def test_an_amount_no_file_could_hold_is_refused() -> None:
    from decimal import Decimal

    for amount in (Decimal("1E+999999999"), Decimal("1E-999999999")):
        with pytest.raises(FieldError, match="has more than 67108864 digits"):
            Record(
                id="p", date="2023-01-01", donor="US", status="pledged", amount=amount,
                currency="USD",
            )  # fmt: skip


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl"])
def test_every_reader_reports_its_progress(tmp_path: Path, suffix: str) -> None:
    from aidledger._progress import task

    ledger = aidledger.Ledger(
        [Record(id=f"p{n}", date="2023-01-01", donor="US", status="pledged") for n in range(3000)]
    )
    path = tmp_path / f"l{suffix}"
    aidledger.save(ledger, path)
    steps: list[int] = []
    with task(steps.append):
        aidledger.load(path)
    assert len(steps) >= 2
    assert sum(steps) == pytest.approx(path.stat().st_size, rel=0.2)
