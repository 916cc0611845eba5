"""Records, statuses and donor codes: checked once, at the boundary."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from aidledger import Record, Status
from aidledger.errors import FieldError
from aidledger.model import check_territory, donor_name, parse_date


def test_status_groups() -> None:
    assert {s for s in Status if s.committed} == {Status.PLEDGED, Status.DELIVERED}
    assert {s for s in Status if s.discussed} == {Status.REQUESTED, Status.CONSIDERING}
    assert [s.value for s in Status] == [
        "requested",
        "considering",
        "pledged",
        "delivered",
        "cancelled",
        "reported",
    ]


def test_a_record_converts_text_at_the_boundary() -> None:
    record = Record(
        id="x",
        date="2023-01-04",
        donor="FR",
        status="pledged",
        quantity="40",
        amount="1.50",
        currency="EUR",
        note="",
    )
    assert record.date == datetime.date(2023, 1, 4)
    assert record.quantity == 40
    assert record.amount == Decimal("1.50")
    assert record.note is None
    assert record.recipient == "UA"
    assert record.money is not None and record.money.currency == "EUR"
    assert record.delivered_money is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id": ""}, "id: '' is blank, but the field is required"),
        ({"date": "2023-02-30"}, "date: '2023-02-30' is not a real date"),
        ({"donor": "XX"}, "donor: 'XX' is not an ISO 3166-1 alpha-2 country code or EU"),
        ({"recipient": "ZZ"}, "recipient: 'ZZ' is not an ISO 3166-1 alpha-2 country code or EU"),
        ({"status": "promised"}, "status: 'promised' is not a status"),
        ({"quantity": -1}, "quantity: -1 is negative"),
        ({"quantity": "1.5"}, "quantity: '1.5' is not a whole number of units"),
        ({"amount": "-1", "currency": "USD"}, "amount: '-1' is negative"),
        ({"amount": "NaN", "currency": "USD"}, "is not a finite decimal number"),
        ({"amount": "5"}, "currency: '' is required when amount or delivered_amount is given"),
        (
            {"quantity": 2, "delivered_quantity": 3},
            "delivered_quantity: '3' is more than the quantity",
        ),
        (
            {"amount": 2, "delivered_amount": 3, "currency": "USD"},
            "delivered_amount: '3' is more than the amount",
        ),
        ({"currency": "EURO"}, "currency: 'EURO' is not an ISO 4217 currency code"),
    ],
)
def test_bad_fields_are_refused_with_the_field_named(
    fields: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {
        "id": "x",
        "date": "2023-01-04",
        "donor": "FR",
        "status": "pledged",
    }
    values.update(fields)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Record(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1.5, True])
def test_floats_and_bools_are_not_quantities_or_amounts(bad: object) -> None:
    with pytest.raises(FieldError, match=r"quantity: .* is not a whole number of units"):
        Record(id="x", date="2023-01-04", donor="FR", status="pledged", quantity=bad)  # type: ignore[arg-type]
    with pytest.raises(FieldError, match=r"amount: .* is a (float|bool)"):
        Record(id="x", date="2023-01-04", donor="FR", status="pledged", amount=bad, currency="EUR")  # type: ignore[arg-type]


def test_text_fields_refuse_nul_and_lone_surrogates() -> None:
    with pytest.raises(FieldError, match=re.escape(r"note: 'a\x00b' has a NUL byte")):
        Record(id="x", date="2023-01-04", donor="FR", status="pledged", note="a\x00b")
    with pytest.raises(FieldError, match=r"source: .* is not valid Unicode"):
        Record(id="x", date="2023-01-04", donor="FR", status="pledged", source="\ud800")


def test_datetimes_are_not_dates() -> None:
    with pytest.raises(FieldError, match="is a datetime"):
        Record(id="x", date=datetime.datetime(2023, 1, 4), donor="FR", status="pledged")


def test_territories() -> None:
    assert check_territory("EU") == "EU"
    assert check_territory("XK") == "XK"
    for not_a_donor in ("ZZ", "UN", "EZ", "QO", "001", "USA", ""):
        with pytest.raises(ValueError, match="is not an ISO 3166-1 alpha-2"):
            check_territory(not_a_donor)


@pytest.mark.parametrize(
    ("code", "locale", "name"),
    [
        ("US", "en", "United States"),
        ("DE", "fr", "Allemagne"),
        ("FR", "de", "Frankreich"),
        ("EU", "en", "European Union"),
        ("UA", "uk", "Україна"),
        ("GB", "pl", "Wielka Brytania"),
    ],
)
def test_donor_names_come_from_cldr(code: str, locale: str, name: str) -> None:
    assert donor_name(code, locale) == name


def test_dates_are_strictly_iso() -> None:
    assert parse_date("2024-02-29") == datetime.date(2024, 2, 29)
    for bad in ("2023-02-29", "2023-1-5", "2023-01-05T00:00", "٢٠٢٣-٠١-٠٥", " 2023-01-05"):
        with pytest.raises(ValueError, match=r"is not a (real )?date"):
            parse_date(bad)
