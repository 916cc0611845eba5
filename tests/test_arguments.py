"""The API's arguments checked as the command line checks its options: ``as_of``,
``donors``, ``currency`` and ``rates`` of ``Ledger.summarize``, and currencies that are
none (``XXX``)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import aidledger
from aidledger import LoadError, Money, Record
from aidledger.cli import main

D = datetime.date


@pytest.fixture(scope="module")
def ledger() -> aidledger.Ledger:
    return aidledger.bundled()


@pytest.mark.parametrize(
    "as_of",
    [
        D(2023, 1, 5),
        "2023-01-05",
        datetime.datetime(2023, 1, 5, 23, 59),
        datetime.datetime(
            2023, 1, 5, 23, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=-10))
        ),
    ],
)
def test_as_of_is_a_date_a_datetime_or_iso_text(ledger: aidledger.Ledger, as_of: object) -> None:
    summary = ledger.summarize(as_of=as_of)  # type: ignore[arg-type]
    assert summary.as_of == D(2023, 1, 5)  # a datetime's own date, never shifted to UTC
    assert summary == ledger.summarize(as_of=D(2023, 1, 5))


@pytest.mark.parametrize(
    ("as_of", "error", "message"),
    [
        (20230105, TypeError, "as_of: 20230105 is of type int; expected a date, a datetime or 'YYYY-MM-DD' text"),
        (b"2023-01-05", TypeError, "as_of: b'2023-01-05' is of type bytes"),
        (2023.0, TypeError, "as_of: 2023.0 is of type float"),
        (True, TypeError, "as_of: True is of type bool"),
        ("2023-W01-4", ValueError, "as_of: '2023-W01-4' is not a date (YYYY-MM-DD)"),
        ("20230105", ValueError, "as_of: '20230105' is not a date (YYYY-MM-DD)"),
        ("2023-005", ValueError, "as_of: '2023-005' is not a date"),
        ("2023-01-05T00:00", ValueError, "as_of: '2023-01-05T00:00' is not a date"),
        (" 2023-01-05", ValueError, "as_of: ' 2023-01-05' is not a date"),
        ("2023-02-30", ValueError, "as_of: '2023-02-30' is not a real date"),
    ],
)  # fmt: skip
def test_any_other_as_of_names_the_argument(
    ledger: aidledger.Ledger, as_of: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        ledger.summarize(as_of=as_of)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("donors", "error", "message"),
    [
        (["XX"], ValueError, "donors: 'XX' is not an ISO 3166-1 alpha-2 country code or EU"),
        (["us"], ValueError, "donors: 'us' is not an ISO 3166-1 alpha-2 code (did you mean 'US'?)"),
        ("usa", ValueError, "donors: 'usa' is not an ISO 3166-1"),
        (["US", 1], TypeError, "donors: 1 is of type int; a donor code is text such as 'US'"),
        (5, TypeError, "donors: 5 is of type int; expected a donor code or a list of them"),
        (b"US", TypeError, "donors: b'US' is of type bytes"),
    ],
)  # fmt: skip
def test_donors_are_checked_like_the_command_line(
    ledger: aidledger.Ledger, donors: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        ledger.summarize(donors=donors)  # type: ignore[arg-type]
    assert str(caught.value) == message or str(caught.value).startswith(message)


def test_donors_still_select(ledger: aidledger.Ledger) -> None:
    assert [d.donor for d in ledger.summarize(donors="FR")] == ["FR"]
    assert [d.donor for d in ledger.summarize(donors=("US", "FR"))] == ["FR", "US"]
    assert [d.donor for d in ledger.summarize(donors={"DE"})] == ["DE"]
    assert list(ledger.summarize(donors=["GB"])) == []  # a country with no pledge here


def test_rates_ecb_means_the_ecb_rates(ledger: aidledger.Ledger) -> None:
    by_name = ledger.summarize(as_of="2023-01-05", currency="EUR", rates="ecb")
    by_table = ledger.summarize(as_of="2023-01-05", currency="EUR", rates=aidledger.ecb_rates())
    assert by_name == by_table
    assert by_name["US"].committed_total is not None


@pytest.mark.parametrize(
    ("currency", "rates", "error", "message"),
    [
        ("EUR", "ECB", ValueError, "rates: 'ECB' is not 'ecb'; read a rates file with aidledger.load_rates()"),
        ("EUR", "rates.csv", ValueError, "rates: 'rates.csv' is not 'ecb'"),
        ("EUR", 5, TypeError, "rates: 5 is of type int; expected a RateTable or 'ecb'"),
        ("eur", None, ValueError, "currency: 'eur' is not an ISO 4217 currency code (did you mean 'EUR'?)"),
        (978, None, TypeError, "currency: 978 is of type int; expected an ISO 4217 code such as 'EUR'"),
        ("XXX", None, ValueError, "currency: 'XXX' is ISO 4217's code for 'no currency'"),
    ],
)  # fmt: skip
def test_currency_and_rates_name_the_argument(
    ledger: aidledger.Ledger, currency: object, rates: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        ledger.summarize(currency=currency, rates=rates)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("text", ["2023-W01-4", "20230105", "2023-005", "2023-1-5"])
def test_the_command_takes_iso_days_only(capsys: pytest.CaptureFixture[str], text: str) -> None:
    assert main(["summary", "--as-of", text]) == 2
    assert capsys.readouterr().err.endswith(
        f"argument --as-of: {text!r} is not a date (YYYY-MM-DD)\n"
    )


# --- currencies that are none -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "reason"), [("XXX", "'no currency'"), ("XTS", "reserved for testing")]
)
def test_no_currency_is_no_currency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], code: str, reason: str
) -> None:
    assert not aidledger.money.is_currency(code)
    with pytest.raises(ValueError, match=reason):
        Money("1", code)
    with pytest.raises(ValueError, match=f"currency: '{code}' is ISO 4217's code .*{reason}"):
        Record(id="a", date="2023-01-01", donor="US", status="pledged", amount="1", currency=code)
    path = tmp_path / "ledger.csv"
    path.write_text(f"id,date,donor,status,amount,currency\na,2023-01-01,US,pledged,1,{code}\n")
    with pytest.raises(LoadError, match=rf"ledger\.csv:2: currency: '{code}' is ISO 4217's code"):
        aidledger.load(path)
    json_path = tmp_path / "ledger.jsonl"
    json_path.write_text(
        f'{{"id": "a", "date": "2023-01-01", "donor": "US", "status": "pledged", "amount": "1", "currency": "{code}"}}\n'
    )
    with pytest.raises(
        LoadError, match=rf"ledger\.jsonl:1: currency: '{code}' is ISO 4217's code"
    ):
        aidledger.load(json_path)
    assert main(["summary", "--currency", code.lower()]) == 2
    assert f"'{code.lower()}' is ISO 4217's code" in capsys.readouterr().err
