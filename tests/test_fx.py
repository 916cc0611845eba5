"""Exchange rates and exact conversion (docs/currencies.md)."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aidledger
from aidledger import Ledger, LoadError, Money, RateNotFoundError, Record
from aidledger.cli import main
from aidledger.errors import MissingExtraError
from aidledger.fx import RateTable, ecb_rates, load_rates
from aidledger.money import currency_precision
from tests import strategies as s
from tests.reference import reference_summary

D = datetime.date


def table(*rows: tuple[str, str, str, str], backfill: bool = False) -> RateTable:
    return RateTable.from_rows(rows, backfill=backfill)


def test_the_rate_in_force_is_the_latest_on_or_before_the_day() -> None:
    rates = table(("2023-01-02", "USD", "EUR", "0.9"), ("2023-01-05", "USD", "EUR", "0.95"))
    assert rates.rate("USD", "EUR", D(2023, 1, 4)) == Fraction("0.9")
    assert rates.rate("USD", "EUR", D(2023, 1, 5)) == Fraction("0.95")
    assert rates.rate("USD", "EUR", D(2030, 1, 1)) == Fraction("0.95")
    assert rates.rate("EUR", "EUR", D(1900, 1, 1)) == 1


def test_inverse_rates_are_exact_fractions() -> None:
    rates = table(("2023-01-06", "USD", "EUR", "0.9434"))
    assert rates.rate("EUR", "USD", D(2023, 1, 31)) == Fraction(10000, 9434)


def test_the_latest_quote_wins_whichever_its_direction() -> None:
    rates = table(("2023-01-01", "USD", "EUR", "0.9"), ("2023-01-03", "EUR", "USD", "1.25"))
    assert rates.rate("USD", "EUR", D(2023, 1, 3)) == Fraction(4, 5)
    both = table(("2023-01-03", "USD", "EUR", "0.9"), ("2023-01-03", "EUR", "USD", "1.25"))
    assert both.rate("USD", "EUR", D(2023, 1, 3)) == Fraction("0.9")  # direct on a tie
    assert both.rate("EUR", "USD", D(2023, 1, 3)) == Fraction("1.25")


def test_cross_rates_go_through_eur_then_usd() -> None:
    rates = table(
        ("2023-01-01", "GBP", "EUR", "1.1288"),
        ("2023-01-01", "USD", "EUR", "0.9434"),
        ("2023-01-01", "PLN", "USD", "0.25"),
        ("2023-01-01", "CAD", "USD", "0.75"),
    )
    assert rates.rate("GBP", "USD", D(2023, 1, 2)) == Fraction("1.1288") / Fraction("0.9434")
    assert rates.rate("PLN", "CAD", D(2023, 1, 2)) == Fraction(1, 3)  # no EUR leg: via USD
    assert rates.rate("PLN", "EUR", D(2023, 1, 2)) == Fraction("0.25") * Fraction("0.9434")


def test_a_direct_quote_however_old_beats_a_cross_rate() -> None:
    rates = table(
        ("2020-01-01", "GBP", "USD", "1.3"),
        ("2023-01-01", "GBP", "EUR", "1.1288"),
        ("2023-01-01", "USD", "EUR", "0.9434"),
    )
    assert rates.rate("GBP", "USD", D(2023, 1, 2)) == Fraction("1.3")


def test_no_rate_in_force_names_pair_and_day() -> None:
    rates = table(("2023-01-02", "USD", "EUR", "0.9"))
    with pytest.raises(
        RateNotFoundError,
        match=r"no USD->EUR exchange rate is in force on 2023-01-01 \(the first USD/EUR quote is dated 2023-01-02",
    ):
        rates.rate("USD", "EUR", D(2023, 1, 1))
    with pytest.raises(
        RateNotFoundError, match=r"no JPY->EUR exchange rate is in force on 2023-01-05$"
    ):
        rates.rate("JPY", "EUR", D(2023, 1, 5))
    assert rates.with_backfill().rate("USD", "EUR", D(2023, 1, 1)) == Fraction("0.9")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2023-01-01,USD,EUR,0", "rate: '0' is zero: a rate is more than 0"),
        ("2023-01-01,USD,EUR,-0.9", "rate: '-0.9' is negative: amounts are 0 or more"),
        ("2023-01-01,USD,EUR,NaN", "rate: 'NaN' is not a finite decimal number"),
        ("2023-01-01,USD,EUR,abc", "rate: 'abc' is not a decimal number"),
        ('2023-01-01,USD,EUR,"0,9"', "rate: '0,9' is not a decimal number"),
        ("2023-01-01,USD,XYZ,0.9", "quote: 'XYZ' is not an ISO 4217 currency code"),
        (
            "2023-01-01,usd,EUR,0.9",
            "base: 'usd' is not an ISO 4217 currency code (did you mean 'USD'?)",
        ),
        ("2023-02-30,USD,EUR,0.9", "date: '2023-02-30' is not a real date"),
        (
            "2023-01-01,EUR,EUR,1",
            "quote: 'EUR' is both base and quote: a rate converts between two currencies",
        ),
        ("2023-01-01,USD,EUR", "has 3 fields, a rate has 4"),
        (
            "2023-01-02,USD,EUR,0.95",
            "rate: '0.95' is a second USD->EUR rate for 2023-01-02 (line 2 gives 0.9); one rate per pair and day",
        ),
        (
            "2023-01-02,USD,EUR,0.9",
            "rate: '0.9' is a second USD->EUR rate for 2023-01-02 (line 2 gives the same); one rate per pair and day",
        ),
    ],
)
def test_bad_rates_are_located(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(f"date,base,quote,rate\n2023-01-02,USD,EUR,0.9\n{row}\n")
    with pytest.raises(LoadError) as caught:
        load_rates(path)
    assert str(caught.value) == f"{path}:3: {message}"


def test_a_rates_file_needs_its_header(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("day,from,to,rate\n")
    with pytest.raises(
        LoadError,
        match=re.escape(
            "rates.csv:1: header: 'day,from,to,rate' is not the rates header date,base,quote,rate"
        ),
    ):
        load_rates(path)
    with pytest.raises(LoadError, match="cannot be read"):
        load_rates(tmp_path / "missing.csv")


RATES = "date,base,quote,rate\n2023-01-02,USD,EUR,0.9\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # An encoding error names its line, with LF, CRLF or CR-only line ends.
        (
            RATES.encode() + b"2023-01-03,USD,EUR,0.9\xff\n",
            ":3: is not UTF-8 text and has no byte-order mark (bytes b'\\xff\\n')",
        ),
        (
            RATES.replace("\n", "\r\n").encode() + b"2023-01-03,USD,EUR,\xe9",
            ":3: is not UTF-8 text",
        ),
        (
            RATES.replace("\n", "\r").encode() + b"\r2023-01-03,USD,EUR,\xe9",
            ":4: is not UTF-8 text",
        ),
        # UTF-16 is recognised with or without its byte-order mark, and refused as such.
        (
            RATES.encode("utf-16"),
            ": looks like UTF-16 text (its byte-order mark): save it as UTF-8",
        ),
        (
            RATES.encode("utf-16-le"),
            ": looks like UTF-16 text (a NUL byte beside each ASCII character, and no byte-order mark): save it as UTF-8",
        ),
        (
            RATES.encode("utf-16-be"),
            ": looks like UTF-16 text (a NUL byte beside each ASCII character",
        ),
        (RATES.encode("utf-32"), ": looks like UTF-32 text (its byte-order mark)"),
        # The header, the columns and the values: each located.
        (b"", ":1: header: '' is not the rates header date,base,quote,rate"),
        (b"Date,Base,Quote,Rate\n", ":1: header: 'Date,Base,Quote,Rate' is not the rates header"),
        (
            b"date,base,quote,rate,source\n",
            ":1: header: 'date,base,quote,rate,source' is not the rates header",
        ),
        (RATES.encode() + b"2023-01-03,USD,EUR,0.9,x\n", ":3: has 5 fields, a rate has 4"),
        (RATES.encode() + b"\n\n2023-01-03,USD,EUR,0,9\n", ":5: has 5 fields, a rate has 4"),
        (
            RATES.encode() + b'2023-01-03,USD,EUR,"0.9\n\n',
            ":3: has a quote that is never closed (the field runs to the end of the file)",
        ),
        (
            RATES.encode() + b'"2023-\n01-03",USD,EUR,x\n',
            ":3: date: '2023-\\n01-03' is not a date (YYYY-MM-DD)",
        ),
        (
            RATES.encode() + b"2023-01-03,USD,XXX,0.9\n",
            ":3: quote: 'XXX' is ISO 4217's code for 'no currency': an amount needs its currency",
        ),
        (
            RATES.encode() + b"2023-01-03,USD,EUR,0.9\x00\n",
            ":3: rate: '0.9\\x00' is not a decimal number",
        ),
    ],
)
def test_a_bad_rates_file_is_located(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "rates.csv"
    path.write_bytes(data)
    with pytest.raises(LoadError) as caught:
        load_rates(path)
    assert str(caught.value).startswith(f"{path}{message}"), str(caught.value)


def test_a_rates_file_with_a_utf8_byte_order_mark_and_crlf_reads(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_bytes(b"\xef\xbb\xbf" + RATES.replace("\n", "\r\n").encode())
    assert [q.rate for q in load_rates(path).quotes()] == [Decimal("0.9")]


def test_opposite_directions_on_one_day_are_allowed(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("date,base,quote,rate\n2023-01-02,USD,EUR,0.9\n2023-01-02,EUR,USD,1.1\n")
    assert len(load_rates(path)) == 2


def test_ecb_rates_are_read_as_decimals_once() -> None:
    rates = ecb_rates()
    assert rates.rate("EUR", "USD", D(2023, 1, 5)) == Fraction("1.0601")
    assert rates.rate("EUR", "USD", D(2023, 1, 7)) == Fraction("1.05")  # Saturday: Friday's
    assert all(isinstance(q.rate, Decimal) for q in list(rates.quotes())[:100])
    assert ecb_rates().quotes is not None
    from aidledger.fx import _ecb_quotes

    assert _ecb_quotes() is _ecb_quotes()  # loaded once per process


def test_ecb_rates_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from aidledger import fx

    fx._ecb_quotes.cache_clear()

    def missing(package: str) -> None:
        raise ModuleNotFoundError(f"No module named {package!r}")

    monkeypatch.setattr("importlib.resources.files", missing)
    with pytest.raises(MissingExtraError, match=r"pip install 'aidledger\[ecb\]'"):
        ecb_rates()
    monkeypatch.undo()
    fx._ecb_quotes.cache_clear()


def test_summary_in_a_reporting_currency_names_the_pledge_without_a_rate() -> None:
    ledger = Ledger(
        [
            Record(
                id="gb",
                date="2022-01-03",
                donor="GB",
                status="pledged",
                amount="5",
                currency="GBP",
            )
        ]
    )
    rates = table(("2022-05-20", "GBP", "EUR", "1.17"))
    with pytest.raises(
        RateNotFoundError,
        match=r"no GBP->EUR exchange rate is in force on 2022-01-03 .* needed for pledge 'gb' \(committed 2022-01-03\)",
    ):
        ledger.summarize(currency="EUR", rates=rates)
    backfilled = ledger.summarize(currency="EUR", rates=rates.with_backfill())
    assert backfilled["GB"].committed_total == Money("5.85", "EUR")


def test_the_commitment_date_sets_the_rate_even_after_cancel_and_repledge() -> None:
    rates = table(("2023-01-01", "GBP", "EUR", "1.0"), ("2023-02-01", "GBP", "EUR", "2.0"))
    base = {"id": "p", "donor": "GB", "amount": "10", "currency": "GBP"}
    ledger = Ledger(
        [
            Record(date="2022-12-01", status="considering", **base),
            Record(date="2023-01-10", status="pledged", **base),
            Record(date="2023-02-10", status="cancelled", **base),
            Record(date="2023-03-10", status="pledged", **base),
        ]
    )
    assert ledger.summarize(currency="EUR", rates=rates)["GB"].committed_total == Money(
        "10.00", "EUR"
    )


def test_checkpoints_in_another_currency_are_reconciled_through_rates() -> None:
    ledger = Ledger(
        [
            Record(
                id="a",
                date="2023-01-02",
                donor="DE",
                status="pledged",
                amount="100",
                currency="EUR",
            ),
            Record(
                id="b",
                date="2023-01-02",
                donor="DE",
                status="pledged",
                amount="50",
                currency="USD",
            ),
            Record(
                id="t",
                date="2023-01-03",
                donor="DE",
                status="reported",
                amount="152",
                currency="EUR",
            ),
        ]
    )
    (check,) = ledger.summarize()["DE"].checkpoints
    assert check.ledger is None
    assert check.reason == "the ledger also holds USD: give exchange rates to compare with EUR"
    rates = table(("2023-01-02", "USD", "EUR", "0.9"))
    (check,) = ledger.summarize(rates=rates)["DE"].checkpoints
    assert (check.ledger, check.difference, check.within_tolerance) == (
        Decimal("145.00"),
        Decimal("-7.00"),
        False,
    )
    assert ledger.summarize(currency="USD", rates=rates)["DE"].checkpoints == (check,)


def test_the_command_converts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "summary",
                "--currency",
                "eur",
                "--rates",
                "ecb",
                "--as-of",
                "2023-01-05",
                "--format",
                "json",
            ]
        )
        == 0
    )
    us = json.loads(capsys.readouterr().out)["donors"][2]
    assert us["committed_total"] == "20342758928.67"
    rates = tmp_path / "rates.csv"
    rates.write_text("date,base,quote,rate\n2023-01-01,USD,EUR,0.9\n")
    assert main(["summary", "--currency", "EUR", "--rates", str(rates)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aidledger: error: no USD->EUR exchange rate is in force on 2022-02-25")
    assert "needed for pledge 'us-pda-03' (committed 2022-02-25)" in err
    assert main(["summary", "--currency", "EUR", "--rates", str(rates), "--backfill-rates"]) == 0
    assert "EUR" in capsys.readouterr().out
    assert main(["summary", "--backfill-rates"]) == 2
    assert "--backfill-rates needs --rates" in capsys.readouterr().err
    assert main(["summary", "--currency", "XYZ"]) == 2
    assert "argument --currency: 'XYZ' is not an ISO 4217 currency code" in capsys.readouterr().err


# --- properties ------------------------------------------------------------------------

TARGETS = st.sampled_from(s.CURRENCIES)


@given(records=s.record_lists(), rates=s.full_rate_tables(), target=TARGETS, data=st.data())
def test_converted_totals_are_the_rounded_exact_sums(
    records: list[Record], rates: RateTable, target: str, data: st.DataObject
) -> None:
    ledger = Ledger(records)
    as_of = D(2030, 1, 1)
    summary = ledger.summarize(as_of=as_of, currency=target, rates=rates)
    expected = reference_summary(records, as_of, ledger.catalog.resolve, by_date=True)
    for entry in summary:
        exact = sum(
            (
                Fraction(amount) * rates.rate(currency, target, day)
                for (currency, day), amount in expected[entry.donor, entry.recipient][
                    "committed_by_date"
                ].items()
            ),
            Fraction(0),
        )
        scale = 10 ** currency_precision(target)
        assert entry.committed_total is not None
        assert entry.committed_total.amount == Decimal(round(exact * scale)) / scale
        assert entry.committed_total.amount.as_tuple().exponent == -currency_precision(target)
    shuffled = data.draw(st.permutations(s.one_record_a_day(records)))
    again = Ledger(shuffled).summarize(as_of=as_of, currency=target, rates=rates)
    original = Ledger(s.one_record_a_day(records)).summarize(
        as_of=as_of, currency=target, rates=rates
    )
    assert [e.committed_total for e in again] == [e.committed_total for e in original]


@given(records=s.record_lists())
def test_a_rate_of_one_between_identical_currencies_is_the_identity(records: list[Record]) -> None:
    only_eur = [attrs.evolve(r, currency="EUR") if r.currency else r for r in records]
    summary = Ledger(only_eur).summarize(as_of=D(2030, 1, 1), currency="EUR", rates=RateTable())
    for entry in summary:
        committed = entry.committed.get("EUR", Money(0, "EUR"))
        assert entry.committed_total == committed.rounded()


@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    pair=st.sampled_from(
        [("USD", "EUR"), ("EUR", "GBP"), ("JPY", "USD"), ("USD", "JPY"), ("GBP", "KWD")]
    ),
    scale=st.decimals(min_value=1, max_value=1000, places=4, allow_nan=False),
)
def test_there_and_back_returns_within_one_minor_unit(
    amount: Decimal, pair: tuple[str, str], scale: Decimal
) -> None:
    first, second = pair
    unit_first = Decimal(1).scaleb(-currency_precision(first))
    unit_second = Decimal(1).scaleb(-currency_precision(second))
    # One unit of the second currency is worth no more than one of the first (else no
    # round trip could come back within a unit of the first).
    rate = unit_second / unit_first * scale
    rates = RateTable.from_rows([("2023-01-01", first, second, format(rate, "f"))])
    money = Money(amount, first).rounded()

    def convert(money: Money, into: str) -> Money:
        record = Record(
            id="p", date="2023-01-02", donor="US", status="pledged",
            amount=money.amount, currency=money.currency,
        )  # fmt: skip
        total = Ledger([record]).summarize(currency=into, rates=rates)["US"].committed_total
        assert total is not None
        return total

    back = convert(convert(money, second), first)
    assert abs(back.amount - money.amount) <= unit_first


@given(
    records=s.record_lists(),
    cuts=st.lists(st.integers(0, 40), max_size=3),
    rates=s.full_rate_tables(),
)
def test_totals_do_not_depend_on_how_the_ledger_was_split_into_files(
    tmp_path_factory: pytest.TempPathFactory,
    records: list[Record],
    cuts: list[int],
    rates: RateTable,
) -> None:
    folder = tmp_path_factory.mktemp("split")
    whole = folder / "whole.csv"
    aidledger.save(Ledger(records), whole)
    bounds = sorted({min(c, len(records)) for c in cuts})
    parts = [records[a:b] for a, b in zip([0, *bounds], [*bounds, len(records)], strict=True)]
    paths = []
    for number, part in enumerate(parts):
        path = folder / f"part{number}.{['csv', 'json', 'jsonl'][number % 3]}"
        aidledger.save(Ledger(part), path)
        paths.append(path)
    as_of = D(2030, 1, 1)
    one = aidledger.load(whole).summarize(as_of=as_of, currency="EUR", rates=rates)
    split = aidledger.load(*paths).summarize(as_of=as_of, currency="EUR", rates=rates)
    assert one == split
