"""Summaries for people: text for a terminal, Markdown, and one standalone HTML page, in the
reader's language, by donor or by system.

A report is first built as a few plain blocks (headings, paragraphs, tables, lists) and
then written out in the chosen format, so the three say the same thing. Names of
countries, numbers, currencies and dates are CLDR's, through babel; aidledger's own labels
come from its gettext catalogs (``aidledger/locales``).

What a report never does: show an undisclosed figure as a number. A donor or system with
nothing disclosed reads "none disclosed" with the count of pledges behind it; a total
beside undisclosed values is a lower bound (``≥ $1.2B, 3 undisclosed``); a donor with no
delivery information reads "no deliveries recorded". Amounts are shown to their
currency's minor unit; compact figures (``$2.85B``) never round (docs/reports.md).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from aidledger import _blocks
from aidledger._blocks import Block, Heading
from aidledger._summaryreport import NONE, SummaryReport
from aidledger._words import Words

if TYPE_CHECKING:
    from aidledger.summary import (
        DonorSummary,
        Summary,
    )

__all__ = ["BY", "FORMATS", "describe_donor", "describe_summary", "render", "render_donor"]

#: The formats :func:`render` writes.
FORMATS = ("text", "markdown", "html", "json")
#: What a report is arranged by: each donor's figures, or each system's across donors.
BY = ("donor", "system")


def render(
    summary: Summary,
    format: str = "text",
    locale: str = "en",
    by: str = "donor",
    top: int | None = None,
) -> str:
    """*summary* as ``text``, ``markdown``, ``html`` or ``json``, in *locale*, arranged
    *by* ``donor`` (the default) or ``system`` (each system across donors, and by whom);
    *top* shows only the first donors of the overview (every donor keeps its section).

    >>> import aidledger
    >>> text = aidledger.bundled().summarize(as_of="2023-01-05").render(locale="de")
    >>> text.splitlines()[0]
    'Militärhilfe, Stand 5. Januar 2023'
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: one of {', '.join(FORMATS)}")
    if by not in BY:
        raise ValueError(f"unknown arrangement {by!r}: one of {', '.join(BY)}")
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top must be a whole number of donors above 0, not {top!r}")
    words = Words(locale)
    if format == "json":
        from aidledger import export

        data = (
            summary.to_dict(locale) if by == "donor" else export.systems_to_dict(summary, locale)
        )
        return _json(data)
    report = SummaryReport(summary, words)
    blocks = report.blocks(top) if by == "donor" else report.systems()
    return _write(blocks, format, words)


def render_donor(
    summary: Summary, entry: DonorSummary, format: str = "html", locale: str = "en"
) -> str:
    """One donor's section of a report, *summary* being of that *entry* alone (a notebook
    shows it for a :class:`~aidledger.DonorSummary`)."""
    words = Words(locale)
    currency = None
    if entry.committed_total is not None:
        currency = entry.committed_total.currency
    report = SummaryReport(summary, words, currency)
    return _write(report.donor(entry), format, words, fragment=True)


def _write(blocks: list[Block], format: str, words: Words, fragment: bool = False) -> str:
    if format == "text":
        return _blocks.text(blocks)
    if format == "markdown":
        return _blocks.markdown(blocks)
    if fragment:
        return _blocks.html_fragment(blocks, words.locale.language)
    title = blocks[0].text if blocks and isinstance(blocks[0], Heading) else ""
    return _blocks.html_page(blocks, title, words.locale.language)


def html_fragment(summary: Summary, locale: str = "en") -> str:
    """The report's blocks as one ``<div>`` with its own styles (for a notebook)."""
    words = Words(locale)
    return _blocks.html_fragment(SummaryReport(summary, words).blocks(), words.locale.language)


# JSON printed to a terminal: the C1 controls and the characters that reorder a line are
# written as \\u escapes (the same JSON value; json.dumps escapes only C0 itself).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _json(data: object) -> str:
    text = json.dumps(data, indent=1, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def describe_donor(value: DonorSummary) -> str:
    """A one-line ``repr`` of a donor's entry: who, as of when, the top line."""
    words = Words("en")
    report = SummaryReport(None, words, _currency_of(value))
    when = "" if value.as_of is None else f" as of {value.as_of.isoformat()}"
    committed, delivered, _ = report.totals(value, compact=True)
    return (
        f"<DonorSummary {value.donor} \u2192 {value.recipient}{when}: committed "
        f"{committed}; delivered {delivered}; {value.pledges} "
        f"{'pledge' if value.pledges == 1 else 'pledges'}>"
    )


def describe_summary(summary: Summary) -> str:
    """A one-line ``repr`` of a summary: as of when, how many donors, the top line."""
    words = Words("en")
    if summary.as_of is None:
        return "<Summary of an empty ledger>"
    count = len(summary.donors)
    recipients = ", ".join(summary.recipients) or NONE
    head = (
        f"<Summary as of {summary.as_of.isoformat()}: {count} "
        f"{'donor' if count == 1 else 'donors'} to {recipients}"
    )
    if summary.currency is not None:
        head += f", in {summary.currency}"
    ordered = SummaryReport(summary, words).ordered()
    if not ordered:
        return head + ">"
    first = ordered[0]
    if summary.currency is None:  # no ranking by value: the donor with the most pledges
        first = max(summary.donors, key=lambda entry: (entry.pledges, entry.donor))
    committed = SummaryReport(summary, words).totals(first, compact=True)[0]
    return f"{head}; {first.donor} \u2192 {first.recipient} committed {committed}>"


def _currency_of(entry: DonorSummary) -> str | None:
    return None if entry.committed_total is None else entry.committed_total.currency
