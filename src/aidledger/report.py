"""Summaries for people: text for a terminal, Markdown, and one standalone HTML page, in the
reader's language.

A report is first built as a few plain blocks (headings, paragraphs, tables, lists) and
then written out in the chosen format, so the three say the same thing. Names of
countries, numbers, currencies and dates are CLDR's, through babel; aidledger's own labels
come from its gettext catalogs (``aidledger/locales``). Amounts in their own currencies
are shown exactly; compact forms ("$21.3B", "21,3 Mrd. $") only beside them, as headlines.
"""

from __future__ import annotations

import datetime
import html
import textwrap
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from aidledger._i18n import locale as parse_locale
from aidledger._i18n import translations

if TYPE_CHECKING:
    from babel import Locale

    from aidledger.money import Money
    from aidledger.summary import CheckpointCheck, DonorSummary, Summary

__all__ = ["FORMATS", "render"]

#: The formats :func:`render` writes.
FORMATS = ("text", "markdown", "html", "json")


def render(summary: Summary, format: str = "text", locale: str = "en") -> str:
    """*summary* as ``text``, ``markdown``, ``html`` or ``json``, in *locale*.

    >>> import aidledger
    >>> text = aidledger.bundled().summarize(as_of="2023-01-05").render(locale="de")
    >>> text.splitlines()[0]
    'Militärhilfe, Stand 5. Januar 2023'
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: one of {', '.join(FORMATS)}")
    words = _Words(locale)
    if format == "json":
        return summary.to_json(locale)
    blocks = _Report(summary, words).blocks()
    if format == "text":
        return _text(blocks)
    if format == "markdown":
        return _markdown(blocks)
    title = blocks[0].text if isinstance(blocks[0], Heading) else ""
    return _html(blocks, title, words.locale.language)


# --- blocks ---------------------------------------------------------------------------


@attrs.frozen
class Heading:
    level: int
    text: str


@attrs.frozen
class Paragraph:
    text: str


@attrs.frozen
class Fields:
    """Labelled values: a small two-column table without a header."""

    rows: tuple[tuple[str, str], ...]


@attrs.frozen
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


@attrs.frozen
class Bullets:
    items: tuple[str, ...]


Block = Heading | Paragraph | Fields | Table | Bullets


# --- words: labels and CLDR formats for one locale -------------------------------------

_HEADLINE = Decimal(1_000_000)


class _Words:
    def __init__(self, locale: str) -> None:
        self.locale: Locale = parse_locale(locale)
        self.name = locale
        catalog = translations(locale)
        self._ = catalog.gettext
        self.ngettext = catalog.ngettext

    def number(self, value: Decimal | int) -> str:
        from babel.numbers import format_decimal

        return str(format_decimal(value, locale=self.locale, decimal_quantization=False))

    def money(self, money: Money) -> str:
        """Every digit of *money* (padded to the currency's minor unit)."""
        from babel.numbers import format_currency

        return str(
            format_currency(
                money.amount, money.currency, locale=self.locale, decimal_quantization=False
            )
        )

    def compact(self, money: Money) -> str:
        from babel.numbers import format_compact_currency

        return str(
            format_compact_currency(
                money.amount, money.currency, locale=self.locale, fraction_digits=1
            )
        )

    def headline(self, money: Money) -> str:
        """``$20.9B ($20,870,000,000.00)``: compact first, exact beside it (from a million
        on; smaller amounts are short enough as they are)."""
        exact = self.money(money)
        if abs(money.amount) < _HEADLINE:
            return exact
        return f"{self.compact(money)} ({exact})"

    def share(self, part: Decimal, whole: Decimal) -> str:
        """*part* of *whole* as a percentage with one decimal, in the locale's pattern."""
        from babel.numbers import parse_pattern

        pattern = parse_pattern(self.locale.percent_formats[None].pattern)
        pattern.frac_prec = (1, 1)
        return str(pattern.apply(part / whole, self.locale))

    def date(self, day: datetime.date, style: str = "medium") -> str:
        from babel.dates import format_date

        return str(format_date(day, format=style, locale=self.locale))

    def donor(self, entry: DonorSummary) -> str:
        return f"{entry.name(self.name)} ({entry.donor})"


# --- the report -----------------------------------------------------------------------

#: What a cell shows when there is nothing to show (an en dash).
_NONE = "\u2013"


class _Report:
    def __init__(self, summary: Summary, words: _Words) -> None:
        self.summary = summary
        self.words = words
        self._ = words._

    def blocks(self) -> list[Block]:
        _ = self._
        summary = self.summary
        if summary.as_of is None:
            return [Heading(1, _("Military assistance")), Paragraph(_("The ledger is empty."))]
        title = _("Military assistance as of {date}").format(
            date=self.words.date(summary.as_of, "long")
        )
        blocks: list[Block] = [Heading(1, title), Paragraph(self.introduction())]
        if not summary.donors:
            blocks.append(Paragraph(_("No donor has a record as of this date.")))
        if len(summary.donors) > 1:
            blocks.extend(self.overview())
        for entry in summary.donors:
            blocks.extend(self.donor(entry))
        return blocks

    def introduction(self) -> str:
        _ = self._
        if self.summary.currency is None:
            return _(
                "Amounts are exact and in the currencies pledged. Values and quantities "
                "that no source gives are counted as undisclosed, never as zero."
            )
        return _(
            "Amounts are exact and in the currencies pledged; totals in {currency} are "
            "converted at the rate in force on each pledge's commitment date and rounded "
            "once. Values and quantities that no source gives are counted as undisclosed, "
            "never as zero."
        ).format(currency=self.summary.currency)

    def overview(self) -> list[Block]:
        _ = self._
        words = self.words
        donors = list(self.summary.donors)
        ranked = self.summary.currency is not None
        if ranked:
            donors.sort(key=lambda e: (-_amount(e.committed_total), e.donor))
            note = _("Donors ranked by committed value in {currency}.").format(
                currency=self.summary.currency
            )
        else:
            donors.sort(key=lambda e: e.name(words.name))
            note = _(
                "Donors in alphabetical order: give a reporting currency to rank them by value."
            )
        headers = [_("Donor"), _("Committed"), _("Delivered"), _("Delivered share")]
        headers += [_("Pledges"), _("Undisclosed value")]
        rows = []
        for rank, entry in enumerate(donors, start=1):
            committed, delivered, share = self.totals(entry, compact=True)
            row = [words.donor(entry), committed, delivered, share]
            row += [words.number(entry.pledges), words.number(entry.undisclosed_value)]
            rows.append(([words.number(rank)] if ranked else []) + row)
        if ranked:
            headers.insert(0, _("Rank"))
        numeric = [False] * len(headers)
        for column in range(len(headers) - 5, len(headers)):
            numeric[column] = True
        if ranked:
            numeric[0] = True
        return [
            Heading(2, _("Overview")),
            Paragraph(note),
            Table(tuple(headers), tuple(map(tuple, rows)), tuple(numeric)),
        ]

    def totals(self, entry: DonorSummary, compact: bool) -> tuple[str, str, str]:
        """Committed, delivered and the delivered share, as shown in a table cell."""
        words = self.words
        show: Callable[[Money], str] = words.compact if compact else words.headline
        if entry.committed_total is not None and entry.delivered_total is not None:
            committed = show(entry.committed_total)
            delivered = show(entry.delivered_total)
            share = self.share(entry.delivered_total.amount, entry.committed_total.amount)
            return committed, delivered, share
        none = self._("none disclosed")
        committed = "; ".join(show(m) for m in entry.committed.values()) or none
        delivered = "; ".join(show(m) for m in entry.delivered.values()) or none
        shares = [
            self.share(entry.delivered[c].amount if c in entry.delivered else Decimal(0), m.amount)
            for c, m in entry.committed.items()
        ]
        return committed, delivered, "; ".join(shares) or _NONE

    def share(self, part: Decimal, whole: Decimal) -> str:
        return self.words.share(part, whole) if whole else _NONE

    def donor(self, entry: DonorSummary) -> list[Block]:
        _ = self._
        words = self.words
        blocks: list[Block] = [Heading(2, words.donor(entry))]
        rows: list[tuple[str, str]] = []
        none = _("none disclosed")
        for label, amounts in (
            (_("Committed"), entry.committed),
            (_("Delivered"), entry.delivered),
        ):
            shown = [words.headline(m) for m in amounts.values()] or [none]
            rows.append((label, "; ".join(shown)))
        if entry.committed_total is not None and entry.delivered_total is not None:
            currency = self.summary.currency
            rows.append(
                (
                    _("Committed, in {currency}").format(currency=currency),
                    words.headline(entry.committed_total),
                )
            )
            rows.append(
                (
                    _("Delivered, in {currency}").format(currency=currency),
                    words.headline(entry.delivered_total),
                )
            )
        rows.append((_("Delivered share"), self.totals(entry, compact=True)[2]))
        rows.append(
            (
                _("Pledges"),
                words.ngettext(
                    "{count} top-level pledge", "{count} top-level pledges", entry.pledges
                ).format(count=words.number(entry.pledges)),
            )
        )
        rows.append(
            (
                _("Undisclosed value"),
                words.ngettext(
                    "{count} pledge without a disclosed value",
                    "{count} pledges without a disclosed value",
                    entry.undisclosed_value,
                ).format(count=words.number(entry.undisclosed_value)),
            )
        )
        blocks.append(Fields(tuple(rows)))
        if entry.systems:
            blocks.append(Heading(3, _("Systems")))
            blocks.append(
                Table(
                    (_("System"), _("Committed"), _("Delivered"), _("Undisclosed quantity")),
                    tuple(
                        (
                            line.name,
                            words.number(line.committed),
                            words.number(line.delivered),
                            words.number(line.undisclosed_quantity),
                        )
                        for line in sorted(entry.systems, key=lambda line: line.name.casefold())
                    ),
                    (False, True, True, True),
                )
            )
            blocks.append(
                Paragraph(
                    _("Undisclosed quantity: pledges of the system whose number no source gives.")
                )
            )
        if entry.discussed:
            blocks.append(Heading(3, _("Requested or under consideration (not counted)")))
            statuses = {"requested": _("requested"), "considering": _("under consideration")}
            blocks.append(
                Table(
                    (_("Date"), _("Status"), _("System"), _("Pledge")),
                    tuple(
                        (
                            words.date(item.date),
                            statuses[item.status.value],
                            self.system_name(item.system) if item.system else _NONE,
                            item.id,
                        )
                        for item in entry.discussed
                    ),
                    (False, False, False, False),
                )
            )
        if entry.checkpoints:
            blocks.append(Heading(3, _("Checkpoints: stated totals beside the ledger")))
            blocks.append(
                Table(
                    (_("Date"), _("Stated"), _("Ledger"), _("Difference"), _("Within tolerance")),
                    tuple(self.checkpoint(check) for check in entry.checkpoints),
                    (False, True, True, True, False),
                )
            )
        if entry.sources:
            blocks.append(Heading(3, _("Sources")))
            blocks.append(Bullets(entry.sources))
        return blocks

    def system_name(self, key: str) -> str:
        for entry in self.summary.donors:
            for line in entry.systems:
                if line.system == key:
                    return line.name
        from aidledger.catalog import default_catalog

        system = default_catalog().get(key)
        return key if system is None else system.name

    def checkpoint(self, check: CheckpointCheck) -> tuple[str, str, str, str, str]:
        _ = self._
        words = self.words

        def value(amount: Decimal | None) -> str:
            if amount is None:
                return _NONE
            if check.currency is None:
                unit = self.system_name(check.system) if check.system else ""
                return f"{words.number(amount)} {unit}".strip()
            from aidledger.money import Money

            return words.money(Money(amount, check.currency))

        if check.within_tolerance is None:
            verdict = _("not comparable")
        else:
            verdict = _("yes") if check.within_tolerance else _("no")
        difference = value(check.difference)
        if check.difference is not None and check.difference > 0:
            difference = "+" + difference
        return (
            words.date(check.date),
            value(check.stated),
            value(check.ledger),
            difference,
            verdict,
        )


def _amount(money: Money | None) -> Decimal:
    return Decimal(0) if money is None else money.amount


# --- writers --------------------------------------------------------------------------

_WIDTH = 88


def _text(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if not isinstance(block, Heading | Paragraph) and not isinstance(previous, Heading):
            out.append("")
        previous = block
        if isinstance(block, Heading):
            if out:
                out.append("")
            out.append(block.text)
            if block.level < 3:
                out.append(("=" if block.level == 1 else "-") * len(block.text))
        elif isinstance(block, Paragraph):
            out.append("")
            out.extend(textwrap.wrap(block.text, _WIDTH))
        elif isinstance(block, Fields):
            width = max(len(label) for label, _ in block.rows)
            out.extend(f"  {label:<{width}}  {value}" for label, value in block.rows)
        elif isinstance(block, Table):
            out.extend(_aligned(block))
        else:
            out.extend(
                textwrap.fill(item, _WIDTH, initial_indent="  - ", subsequent_indent="    ")
                for item in block.items
            )
    return "\n".join(out) + "\n"


def _aligned(table: Table) -> list[str]:
    rows = [table.headers, *table.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(table.headers))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(width) if numeric and number else cell.ljust(width)
            for cell, width, numeric in zip(row, widths, table.numeric, strict=True)
        ]
        lines.append(("  " + "  ".join(cells)).rstrip())
        if number == 0:
            lines.append("  " + "  ".join("-" * width for width in widths))
    return lines


def _markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + _md(block.text))
        elif isinstance(block, Paragraph):
            out.append(_md(block.text))
        elif isinstance(block, Fields):
            out.append("| | |")
            out.append("|---|---|")
            out.extend(f"| **{_md(label)}** | {_md(value)} |" for label, value in block.rows)
        elif isinstance(block, Table):
            out.append("| " + " | ".join(_md(h) for h in block.headers) + " |")
            out.append("|" + "|".join("---:" if n else "---" for n in block.numeric) + "|")
            out.extend("| " + " | ".join(_md(c) for c in row) + " |" for row in block.rows)
        else:
            out.extend(f"- {_md(item)}" for item in block.items)
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """*text* safe in a Markdown table or paragraph: no markup, no line breaks."""
    for character in "\\`*_[]<>|#":
        text = text.replace(character, "\\" + character)
    return " ".join(text.split())


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a;
       line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #1a1a1a; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #999; }
h3 { font-size: 1rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #ddd; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.fields th { background: none; font-weight: 600; }
p.note { color: #555; font-size: .9rem; }
ul.sources { font-size: .9rem; color: #333; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  table, tr { break-inside: avoid; }
  th { background: none; }
}
"""


def _html(blocks: Sequence[Block], title: str, language: str) -> str:
    def cell(tag: str, text: str, numeric: bool = False) -> str:
        attribute = ' class="num"' if numeric else ""
        return f"<{tag}{attribute}>{html.escape(text)}</{tag}>"

    body: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            body.append(cell(f"h{block.level}", block.text))
        elif isinstance(block, Paragraph):
            body.append(f'<p class="note">{html.escape(block.text)}</p>')
        elif isinstance(block, Fields):
            body.append('<table class="fields">')
            body.extend(
                f"<tr>{cell('th', label)}{cell('td', value)}</tr>" for label, value in block.rows
            )
            body.append("</table>")
        elif isinstance(block, Table):
            body.append("<table>")
            heads = "".join(
                cell("th", h, n) for h, n in zip(block.headers, block.numeric, strict=True)
            )
            body.append(f"<thead><tr>{heads}</tr></thead>")
            body.append("<tbody>")
            body.extend(
                "<tr>"
                + "".join(cell("td", c, n) for c, n in zip(row, block.numeric, strict=True))
                + "</tr>"
                for row in block.rows
            )
            body.append("</tbody>")
            body.append("</table>")
        else:
            body.append('<ul class="sources">')
            body.extend(cell("li", item) for item in block.items)
            body.append("</ul>")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{html.escape(language)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )
