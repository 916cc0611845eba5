"""What people read, in one locale: aidledger's labels, CLDR's names, numbers, money and
dates, and text made safe for a terminal. Reports and charts both speak through it.

Three rules hold for every figure shown:

- A compact figure never changes a number: ``$2.85B`` for 2,850,000,000, with as many
  digits as the value needs; when that would take more than three decimals, the exact
  amount is shown instead (``$3,616,525.79``).
- Money is shown to its currency's minor unit (the exact values stay in the JSON and the
  data exports, and a report says so).
- Any ``Decimal`` the loader accepts can be formatted: babel's arithmetic runs in a
  context with room for every digit (its default of 28 digits raised on larger values).
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import re
from collections.abc import Iterator
from decimal import Decimal

from babel import Locale

from aidledger._i18n import locale as parse_locale
from aidledger._i18n import translations
from aidledger.money import Money, round_half_even

__all__ = ["Words", "visible"]

#: Compact forms use at most this many decimals; a value that needs more is shown exactly.
COMPACT_DIGITS = 3

# Characters a terminal may act on: C0 controls (but tab and newline), DEL, C1 controls
# (CSI and OSC among them), line and paragraph separators, and the bidirectional
# embeddings, overrides and isolates that reorder what is shown.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROL}]")
_UNSAFE_IN_A_LINE = re.compile(f"[{_CONTROL}\t\n]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if match.group() == "\n":
        return "\\n"
    if match.group() == "\t":
        return "\\t"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, lines: bool = False) -> str:
    """*text* with every control character shown as an escape (``\\x1b``, ``\\u202e``), so
    that text from a record cannot move the cursor, retitle a window or reorder a line
    of a terminal. With *lines*, newlines and tabs are kept."""
    return (_UNSAFE if lines else _UNSAFE_IN_A_LINE).sub(_escape, text)


@contextlib.contextmanager
def _room(value: Decimal | int) -> Iterator[None]:
    """A decimal context with room for every digit of *value* (and a share's decimals)."""
    # (An int's digits from its bits: str() of a 5,000-digit int is refused.)
    digits = value.bit_length() * 31 // 100 + 1 if isinstance(value, int) else 0
    exponent = 0
    if isinstance(value, Decimal) and value.is_finite():
        digits, exponent = len(value.as_tuple().digits), int(value.as_tuple().exponent)
    with decimal.localcontext() as context:
        context.prec = max(28, digits + abs(exponent) + 8)
        context.Emax = decimal.MAX_EMAX
        context.Emin = decimal.MIN_EMIN
        yield


class Words:
    """Labels, names, numbers, money and dates in one locale (``de``, ``uk``, ``fr_CH``)."""

    def __init__(self, locale: str) -> None:
        self.locale: Locale = parse_locale(locale)
        self.name = locale
        catalog = translations(locale)
        self._ = catalog.gettext
        self.ngettext = catalog.ngettext

    # --- numbers --------------------------------------------------------------------------

    def number(self, value: Decimal | int) -> str:
        """Every digit of *value*, grouped as the locale groups them."""
        from babel.numbers import format_decimal

        with _room(value):
            return str(
                format_decimal(
                    Decimal(value) if isinstance(value, int) else value,
                    locale=self.locale,
                    decimal_quantization=False,
                )
            )

    def compact_number(self, value: Decimal | int) -> str:
        """*value* in compact form when that is exact (``1.25K``, ``12 Tsd.``), else every
        digit."""
        from babel.numbers import format_compact_decimal

        amount = Decimal(value)
        digits = self._compact_digits(amount, self.locale.compact_decimal_formats["short"])
        if digits is None:
            return self.number(value)
        with _room(amount):
            return str(format_compact_decimal(amount, locale=self.locale, fraction_digits=digits))

    def _compact_digits(self, amount: Decimal, formats: object) -> int | None:
        """The decimals a compact form of *amount* needs to be exact, or ``None`` when no
        compact form is both shorter and exact (below a thousand, or too many digits)."""
        from babel.numbers import parse_pattern

        if not amount.is_finite() or abs(amount) < 1000:
            return None
        other = formats["other"]  # type: ignore[index]
        magnitude = max((int(m) for m in other if int(m) <= abs(amount)), default=None)
        if magnitude is None:
            return None
        pattern = parse_pattern(other[str(magnitude)]).pattern
        zeros = pattern.count("0")
        if zeros == 0 or pattern == "0":  # (no compact form at this magnitude)
            return None
        divisor = magnitude // 10 ** (zeros - 1)
        with _room(amount):
            scaled = (amount / divisor).normalize()
        if abs(scaled) >= 1000:  # beyond the largest unit: no shorter than the digits
            return None
        digits = max(0, -int(scaled.as_tuple().exponent))
        return digits if digits <= COMPACT_DIGITS else None

    def share(self, part: Decimal, whole: Decimal) -> str:
        """*part* of *whole* as a percentage with one decimal, in the locale's pattern."""
        from babel.numbers import parse_pattern

        pattern = parse_pattern(self.locale.percent_formats[None].pattern)
        pattern.frac_prec = (1, 1)
        with _room(max(abs(part), abs(whole))):
            return str(pattern.apply(part / whole, self.locale))

    # --- money ----------------------------------------------------------------------------

    def money(self, money: Money) -> str:
        """*money* to its currency's minor unit (``$20,870,000,000.00``)."""
        from babel.numbers import format_currency

        amount = self._minor(money)
        with _room(amount):
            return str(
                format_currency(
                    amount, money.currency, locale=self.locale, decimal_quantization=False
                )
            )

    def compact(self, money: Money) -> str:
        """*money* in compact form when that is exact (``$2.85B``), else :meth:`money`."""
        from babel.numbers import format_compact_currency

        amount = self._minor(money)
        digits = self._compact_digits(amount, self.locale.compact_currency_formats["short"])
        if digits is None:
            return self.money(money)
        with _room(amount):
            return str(
                format_compact_currency(
                    amount, money.currency, locale=self.locale, fraction_digits=digits
                )
            )

    def headline(self, money: Money) -> str:
        """``$20.87B ($20,870,000,000.00)``: compact first, every digit beside it; one form
        when the two are the same."""
        exact, compact = self.money(money), self.compact(money)
        return exact if compact == exact else f"{compact} ({exact})"

    @staticmethod
    def _minor(money: Money) -> Decimal:
        with _room(money.amount):
            return round_half_even(money.amount, money.currency)

    # --- what is not known ------------------------------------------------------------

    def at_least(self, shown: str, undisclosed: int) -> str:
        """*shown*, marked as a lower bound when *undisclosed* values are left out of it
        (``≥ $1.2B, 3 undisclosed``)."""
        if not undisclosed:
            return shown
        text = self.ngettext(
            "≥ {value}, {count} undisclosed", "≥ {value}, {count} undisclosed", undisclosed
        ).format(value=shown, count=self.number(undisclosed))
        return text.replace("≥ ", "≥\u00a0")  # (the sign stays with its figure)

    def units(self, known: int, undisclosed: int, none: str | None = None) -> str:
        """A number of units, with the pledges whose number is not known: ``38``,
        ``≥ 4, 2 undisclosed``, ``undisclosed (2 pledges)``; *none* for nothing at all."""
        if not undisclosed:
            return none if none is not None and not known else self.number(known)
        if not known:
            return self.ngettext(
                "undisclosed ({count} pledge)", "undisclosed ({count} pledges)", undisclosed
            ).format(count=self.number(undisclosed))
        return self.at_least(self.number(known), undisclosed)

    # --- names and dates ------------------------------------------------------------------

    def date(self, day: datetime.date, style: str = "medium") -> str:
        from babel.dates import format_date

        return str(format_date(day, format=style, locale=self.locale))

    def country(self, code: str) -> str:
        """A donor's or recipient's name, from CLDR."""
        from aidledger.model import donor_name

        return donor_name(code, self.name)

    def party(self, code: str) -> str:
        """``United States (US)``."""
        return f"{self.country(code)} ({code})"
