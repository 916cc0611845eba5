"""A report as plain blocks (headings, paragraphs, tables, lists), and the writers that
turn them into text for a terminal, Markdown and HTML, so that the three say the same.

Text from records (names, ids, sources, notes) is never trusted: the text and Markdown
writers show control characters as escapes (``\\x1b``: no escape sequence reaches a
terminal), Markdown escapes its markup, and HTML escapes everything and links only
``http`` and ``https`` addresses.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Sequence

import attrs

from aidledger._words import visible

__all__ = ["Block", "Bullets", "Fields", "Heading", "Paragraph", "Table", "html_page"]


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
    """A table; rows whose index is in *sub* break down the row above them (indented)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    sub: frozenset[int] = frozenset()


@attrs.frozen
class Bullets:
    """A list; with *links*, the ``http(s)`` addresses in its items are links in HTML."""

    items: tuple[str, ...]
    links: bool = False


Block = Heading | Paragraph | Fields | Table | Bullets

# --- text -----------------------------------------------------------------------------

_WIDTH = 88
_SUB = "  "  # the indent of a row that breaks down the one above


def text(blocks: Sequence[Block]) -> str:
    """*blocks* for a terminal: aligned tables, prose wrapped at 88 columns."""
    out: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if not isinstance(block, Heading | Paragraph) and not isinstance(previous, Heading):
            out.append("")
        previous = block
        if isinstance(block, Heading):
            if out:
                out.append("")
            title = visible(block.text)
            out.append(title)
            if block.level < 3:
                out.append(("=" if block.level == 1 else "-") * len(title))
        elif isinstance(block, Paragraph):
            out.append("")
            out.extend(textwrap.wrap(visible(block.text), _WIDTH))
        elif isinstance(block, Fields):
            rows = [(visible(label), visible(value)) for label, value in block.rows]
            width = max(len(label) for label, _ in rows)
            out.extend(f"  {label:<{width}}  {value}" for label, value in rows)
        elif isinstance(block, Table):
            out.extend(_aligned(block))
        else:
            out.extend(
                textwrap.fill(
                    visible(item), _WIDTH, initial_indent="  - ", subsequent_indent="    "
                )
                for item in block.items
            )
    return "\n".join(out) + "\n"


def _aligned(table: Table) -> list[str]:
    body = [
        tuple((_SUB if number in table.sub and not column else "") + visible(cell)
              for column, cell in enumerate(row))
        for number, row in enumerate(table.rows)
    ]  # fmt: skip
    rows = [tuple(map(visible, table.headers)), *body]
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


# --- Markdown -------------------------------------------------------------------------


def markdown(blocks: Sequence[Block]) -> str:
    """*blocks* as Markdown: pipe tables, text from records escaped."""
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
            for number, row in enumerate(block.rows):
                cells = [_md(c) for c in row]
                if number in block.sub:
                    cells[0] = "\u2003" + cells[0]  # an em space: Markdown keeps it
                out.append("| " + " | ".join(cells) + " |")
        else:
            out.extend(f"- {_md(item)}" for item in block.items)
    return "\n".join(out) + "\n"


_BLANKS = re.compile(r"[ \t\n\r\f\v]+")


def _md(text: str) -> str:
    """*text* safe in a Markdown table or paragraph: no markup, no line breaks, no
    control characters."""
    for character in "\\`*_[]<>|#":
        text = text.replace(character, "\\" + character)
    # (Runs of ASCII white space only: a figure's non-breaking spaces stay.)
    return visible(_BLANKS.sub(" ", text).strip(" "))


# --- HTML -----------------------------------------------------------------------------

#: The page's styles. Tables fit an A4 or letter page and a 1280 px screen: text cells
#: wrap anywhere rather than widen their table, numbers wrap only at their spaces (the
#: spaces inside a figure are non-breaking), and in print or on a narrow screen the type
#: is 10 pt with tighter cells (benchmarks/screenshots.py checks it in a browser).
STYLE = """
.aidledger { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1a1a1a; line-height: 1.45; }
body.aidledger { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
.aidledger h1 { font-size: 1.6rem; border-bottom: 2px solid #1a1a1a; padding-bottom: .3rem; }
.aidledger h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #999; }
.aidledger h3 { font-size: 1rem; margin-top: 1.4rem; }
.aidledger table { border-collapse: collapse; margin: .6rem 0; max-width: 100%;
       font-variant-numeric: tabular-nums; }
.aidledger th, .aidledger td { padding: .25rem .5rem; border-bottom: 1px solid #ddd;
       text-align: left; vertical-align: top; overflow-wrap: anywhere; hyphens: auto; }
.aidledger th { background: #f3f3f3; overflow-wrap: break-word; }
.aidledger td.num, .aidledger th.num { text-align: right; overflow-wrap: normal; }
.aidledger tr.sub td:first-child { padding-left: 1.6rem; color: #444; }
.aidledger tr.sub td { font-size: .92em; }
.aidledger table.fields th { background: none; font-weight: 600; }
.aidledger p.note { color: #555; font-size: .9rem; }
.aidledger ul.sources { font-size: .9rem; color: #333; overflow-wrap: anywhere; }
.aidledger a { color: #0b57a4; }
@page { margin: 15mm; }
@media print, (max-width: 760px) {
  body.aidledger { margin: 0; max-width: none; font-size: 10pt; padding: 0; }
  .aidledger th, .aidledger td { padding: .2em .35em; }
}
@media print {
  .aidledger h2 { break-after: avoid; }
  .aidledger tr { break-inside: avoid; }
  .aidledger th { background: none; }
}
"""

# An address to link: http or https, up to a space or a character that cannot be in one
# as written in prose (a closing bracket or quote, or final punctuation, stays outside).
_ADDRESS = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


def _linked(text: str) -> str:
    """*text* escaped, its ``http(s)`` addresses as links (escaped too)."""
    out: list[str] = []
    end = 0
    for match in _ADDRESS.finditer(text):
        address = match.group()
        while address[-1] in _TRAILING:
            if address[-1] == ")" and address.count("(") >= address.count(")"):
                break  # the bracket is the address's own (as in a Wikipedia title)
            address = address[:-1]
        out.append(html.escape(text[end : match.start()]))
        out.append(f'<a href="{html.escape(address)}">{html.escape(address)}</a>')
        end = match.start() + len(address)
    out.append(html.escape(text[end:]))
    return "".join(out)


def html_body(blocks: Sequence[Block]) -> list[str]:
    """*blocks* as HTML elements, one a line."""

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
                ('<tr class="sub">' if number in block.sub else "<tr>")
                + "".join(cell("td", c, n) for c, n in zip(row, block.numeric, strict=True))
                + "</tr>"
                for number, row in enumerate(block.rows)
            )
            body.append("</tbody>")
            body.append("</table>")
        else:
            body.append('<ul class="sources">')
            for item in block.items:
                shown = _linked(item) if block.links else html.escape(item)
                body.append(f"<li>{shown}</li>")
            body.append("</ul>")
    return body


def html_page(blocks: Sequence[Block], title: str, language: str) -> str:
    """*blocks* as one standalone page: styles inline, no scripts, nothing fetched."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{html.escape(language)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            '<body class="aidledger">',
            *html_body(blocks),
            "</body>",
            "</html>",
            "",
        ]
    )


def html_fragment(blocks: Sequence[Block], language: str) -> str:
    """*blocks* as one ``<div>`` with its own styles (for a notebook's output cell)."""
    return "\n".join(
        [
            f'<div class="aidledger" lang="{html.escape(language)}">',
            f"<style>{STYLE}</style>",
            *html_body(blocks),
            "</div>",
            "",
        ]
    )
