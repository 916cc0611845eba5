"""What a report shows: never an undisclosed figure as a number, recipients and variants
named, exact compact figures, sources of every record, links, the minor unit, no
repeated lines, by system, notebook display, any Decimal, no terminal control."""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aidledger
from aidledger import Ledger, RateTable, Record, Summary
from aidledger.cli import main

FORMATS = ("text", "markdown", "html")
ROOT = Path(__file__).parent.parent


def _r(**fields: object) -> Record:
    values: dict[str, object] = {"date": "2023-01-01", "status": "pledged"}
    values.update(fields)
    return Record(**values)  # type: ignore[arg-type]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


# --- never an undisclosed figure as a number -----------------------------------------


def test_a_donor_with_nothing_disclosed_is_labelled_and_ranked_last(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _cli(capsys, "summary", "--as-of", "2023-01-05", "--currency", "USD")
    overview = out.split("Overview")[1].split("United States (US)\n")[0]
    rows = [line for line in overview.splitlines() if "(US)" in line or "(FR)" in line
            or "(DE)" in line]  # fmt: skip
    assert [row.split()[0] for row in rows] == ["1", "–", "–"]
    assert "United States" in rows[0]
    france = next(row for row in rows if "(FR)" in row)
    assert "none disclosed (1 pledge)" in france and "$0" not in france
    germany = next(row for row in rows if "(DE)" in row)
    assert "no pledges" in germany and "no deliveries recorded" in germany
    assert "$0" not in out and "0.0%" not in out


def test_the_html_in_euros_shows_no_donor_at_zero() -> None:
    rates = RateTable.from_rows([("2022-01-03", "USD", "EUR", "0.9")])
    summary = aidledger.bundled().summarize(as_of="2023-01-05", currency="EUR", rates=rates)
    page = summary.render("html")
    assert not re.search(r"€0(?![.,\d])|€0\.00", page)
    assert "none disclosed (1 pledge)" in page


def test_the_bundled_us_ledger_says_what_the_seed_article_says() -> None:
    summary = aidledger.bundled().summarize(as_of="2023-01-05")
    text = summary.render()
    us = text.split("United States (US)\n-")[1]
    assert "Delivered  none disclosed" in us
    for system in ("FIM-92 Stinger", "FGM-148 Javelin", "M142 HIMARS", "NASAMS"):
        row = next(line for line in us.splitlines() if line.strip().startswith(system))
        assert row.rstrip().endswith("undisclosed (1 pledge)"), row
    assert "Delivered share" not in us  # nothing to share: no 0.0%


def test_a_delivered_record_without_a_number_is_not_zero_delivered() -> None:
    summary = Ledger([_r(id="h", donor="US", system="HIMARS", status="delivered")]).summarize()
    for format in FORMATS:
        shown = summary.render(format)
        assert "undisclosed (1 pledge)" in shown
        assert not re.search(r"Delivered\W+0\b", shown)


def test_a_donor_without_delivery_information_has_no_deliveries_recorded() -> None:
    summary = Ledger(
        [_r(id="a", donor="PL", amount="100", currency="PLN", system="Krab", quantity=18)]
    ).summarize()
    text = summary.render()
    assert "no deliveries recorded" in text
    assert "zł0" not in text and "0.0%" not in text and "PLN 0" not in text


def test_a_total_over_undisclosed_values_is_a_lower_bound() -> None:
    records = [_r(id="a", donor="GB", amount="1200000000", currency="GBP")]
    records += [_r(id=f"u{n}", donor="GB", system="Challenger 2") for n in range(3)]
    text = Ledger(records).summarize().render()
    assert "≥\xa0£1.2B (£1,200,000,000.00), 3 undisclosed" in text
    assert "undisclosed (3 pledges)" in text


def test_a_system_delivered_in_part_with_the_rest_undisclosed() -> None:
    records = [
        _r(id="a", donor="US", system="HIMARS", quantity=6, delivered_quantity=4),
        _r(id="b", donor="US", system="HIMARS", quantity=2, delivered_quantity="undisclosed"),
        _r(id="c", donor="US", system="HIMARS", quantity=1, status="delivered"),
        _r(id="d", donor="US", system="HIMARS", status="delivered"),
    ]
    text = Ledger(records).summarize().render()
    row = next(line for line in text.splitlines() if "HIMARS" in line)
    assert "≥\xa09, 1 undisclosed" in row  # committed: 6 + 2 + 1, one without a number
    assert "≥\xa05, 2 undisclosed" in row  # delivered: 4 + 1, two without a number


def test_the_delivered_share_only_when_it_means_something() -> None:
    full = Ledger(
        [_r(id="a", donor="DE", amount="100", currency="EUR", delivered_amount="25")]
    ).summarize()
    assert "25.0%" in full.render()
    partly = Ledger(
        [
            _r(id="a", donor="DE", amount="100", currency="EUR", delivered_amount="25"),
            _r(id="b", donor="DE", amount="50", currency="EUR", delivered_amount="undisclosed"),
        ]
    ).summarize()
    assert "%" not in partly.render()


# --- compact figures, minor units, repeated lines ------------------------------------


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("2850000000", "$2.85B"),
        ("20870000000", "$20.87B"),
        ("21300000000", "$21.3B"),
        ("17945000000", "$17.945B"),
        ("3616525.7914433093", "$3,616,525.79"),
        ("1234567890", "$1,234,567,890.00"),
    ],
)
def test_a_compact_figure_never_changes_a_number(amount: str, shown: str) -> None:
    from aidledger._words import Words

    assert Words("en").compact(aidledger.Money(amount, "USD")) == shown


def test_kiel_amounts_are_shown_to_the_cent_and_kept_exact_in_json() -> None:
    summary = Ledger(
        [_r(id="k", donor="DE", amount="3616525.7914433093", currency="EUR")]
    ).summarize()
    text = summary.render()
    assert "€3,616,525.79" in text and "7914433093" not in text
    assert "minor unit" in text
    assert json.loads(summary.render("json"))["donors"][0]["committed"] == {
        "EUR": "3616525.7914433093"
    }


def test_no_converted_line_repeats_the_amount_in_its_own_currency() -> None:
    rates = RateTable.from_rows([("2022-01-03", "USD", "EUR", "0.9")])
    ledger = Ledger(
        [
            _r(id="a", donor="DE", amount="100", currency="EUR"),
            _r(id="b", donor="US", amount="100", currency="USD"),
        ]
    )
    text = ledger.summarize(currency="EUR", rates=rates).render()
    germany = text.split("Germany (DE)\n-")[1].split("United States")[0]
    assert "Committed, in EUR" not in germany
    us = text.split("United States (US)\n-")[1]
    assert "Committed, in EUR  €90.00" in us


# --- recipients, variants, order ------------------------------------------------------


def _two_recipients() -> Summary:
    return Ledger(
        [
            _r(id="a", donor="US", recipient="UA", system="HIMARS", quantity=4),
            _r(id="b", donor="BY", recipient="RU", system="T-72", quantity=98),
        ]
    ).summarize()


@pytest.mark.parametrize("format", FORMATS)
def test_a_summary_over_several_recipients_says_which(format: str) -> None:
    shown = _two_recipients().render(format)
    assert "every recipient in the ledger" in shown
    assert "Russia (RU)" in shown and "Ukraine (UA)" in shown
    assert "Belarus (BY) → Russia (RU)" in shown
    assert "United States (US) → Ukraine (UA)" in shown


def test_the_recipients_asked_for_are_stated() -> None:
    ledger = Ledger([_r(id="a", donor="US", recipient="UA", system="HIMARS", quantity=4)])
    assert "Ukraine (UA) (as asked)" in ledger.summarize(recipients="UA").render()
    assert "every recipient in the ledger" in ledger.summarize().render()


def test_a_system_is_broken_down_by_its_variants_as_written() -> None:
    summary = Ledger(
        [
            _r(id="a", donor="PL", system="Leopard 2A4", quantity=14),
            _r(id="b", donor="DE", system="Leopard 2A6", quantity=18),
            _r(id="c", donor="PL", system="Leopard 2A6", quantity=4),
        ]
    ).summarize()
    text = summary.render()
    poland = text.split("Poland (PL)\n-")[1]
    assert re.search(r"\n  Leopard 2 +18 ", poland)
    assert re.search(r"\n    Leopard 2A4 +14 ", poland)
    assert re.search(r"\n    Leopard 2A6 +4 ", poland)
    germany = text.split("Germany (DE)\n-")[1].split("Poland")[0]
    assert "Leopard 2A6" not in germany  # one variant: no breakdown
    assert '<tr class="sub"><td>Leopard 2A4</td>' in summary.render("html")


def test_sections_follow_the_overview() -> None:
    rates = RateTable.from_rows([("2022-01-03", "USD", "EUR", "0.9")])
    ledger = Ledger(
        [
            _r(id="a", donor="AT", amount="1", currency="EUR"),
            _r(id="b", donor="US", amount="100", currency="USD"),
            _r(id="c", donor="FR", system="CAESAR"),
        ]
    )
    text = ledger.summarize(currency="EUR", rates=rates).render()
    headings = re.findall(r"\n(\w[\w ]+ \([A-Z]{2}\))\n-", text)
    assert headings == ["United States (US)", "Austria (AT)", "France (FR)"]
    overview = text.split("Overview")[1].split("United States (US)\n-")[0]
    order = re.findall(r"\(([A-Z]{2})\)", overview)
    assert order == ["US", "AT", "FR"]


def test_top_limits_the_overview_not_the_sections(capsys: pytest.CaptureFixture[str]) -> None:
    out = _cli(capsys, "summary", "--as-of", "2023-01-05", "--currency", "USD", "--top", "1")
    overview = out.split("Overview")[1].split("\nUnited States (US)\n")[0]
    assert overview.count("(DE)") + overview.count("(FR)") == 0
    assert "The first 1 of 3 donors" in overview
    assert "\nGermany (DE)\n-" in out and "\nFrance (FR)\n-" in out
    assert main(["summary", "--top", "0"]) == 2


# --- sources --------------------------------------------------------------------------


def test_a_pledge_keeps_its_own_source_once_a_delivery_is_recorded() -> None:
    ledger = Ledger(
        [
            _r(id="h", donor="US", system="HIMARS", quantity=4, source="DoD, pledge"),
            _r(id="h", date="2023-03-01", donor="US", system="HIMARS", quantity=4,
               status="delivered", source="DoD, delivery"),
            _r(id="h", date="2023-04-01", donor="US", system="HIMARS", quantity=4,
               status="delivered", source="DoD, delivery"),
        ]
    )  # fmt: skip
    assert ledger.summarize(as_of="2023-02-01")["US"].sources == ("DoD, pledge",)
    assert ledger.summarize()["US"].sources == ("DoD, delivery", "DoD, pledge")
    assert ledger.summarize().render().count("DoD, delivery") == 1


def test_sources_link_only_http_addresses_escaped() -> None:
    ledger = Ledger(
        [
            _r(id="a", donor="US", amount="1", currency="USD",
               source='See https://example.org/a?b=1&c="x" (DoD).'),
            _r(id="b", donor="US", amount="1", currency="USD",
               source="javascript:alert(1) and https://en.wikipedia.org/wiki/M142_(HIMARS)"),
        ]
    )  # fmt: skip
    page = ledger.summarize().render("html")
    assert (
        '<a href="https://example.org/a?b=1&amp;c=">https://example.org/a?b=1&amp;c=</a>' in page
    )
    assert "&quot;x&quot; (DoD)." in page
    assert '<a href="https://en.wikipedia.org/wiki/M142_(HIMARS)">' in page  # its own bracket kept
    assert 'href="javascript' not in page


# --- by system ------------------------------------------------------------------------


def test_by_system_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    text = _cli(capsys, "summary", "--as-of", "2023-01-05", "--by", "system")
    assert text.startswith("Military assistance by system as of January 5, 2023")
    himars = text.split("M142 HIMARS", 1)[1].splitlines()
    assert "undisclosed (1 pledge)" in himars[0] and " 38 " in himars[0]
    assert himars[1].strip().startswith("United States (US)")
    for format in ("markdown", "html"):
        assert "United States (US)" in _cli(
            capsys, "summary", "--by", "system", "--format", format
        )
    data = json.loads(_cli(capsys, "summary", "--as-of", "2023-01-05", "--by", "system",
                           "--format", "json"))  # fmt: skip
    assert data["format"] == "aidledger-systems/1"
    assert data["as_of"] == "2023-01-05" and data["recipients"] == ["UA"]
    himars_line = next(line for line in data["systems"] if line["system"] == "himars")
    assert himars_line["committed"] == 38 and himars_line["undisclosed_delivered"] == 1
    (us,) = himars_line["donors"]
    assert us["donor"] == "US" and us["name"] == "United States"
    assert us["variants"][0]["committed"] == 38


def test_by_system_of_a_summary_without_systems() -> None:
    summary = Ledger([_r(id="a", donor="US", amount="1", currency="USD")]).summarize()
    assert "No system is committed" in summary.render(by="system")
    with pytest.raises(ValueError, match="unknown arrangement"):
        summary.render(by="colour")


# --- notebooks ------------------------------------------------------------------------


def test_reprs_are_short_and_say_what_as_of_when_and_the_top_line() -> None:
    summary = aidledger.bundled().summarize(as_of="2023-01-05")
    assert repr(summary) == (
        "<Summary as of 2023-01-05: 3 donors to UA; US → UA committed $20.87B>"
    )
    assert repr(summary["US"]) == (
        "<DonorSummary US → UA as of 2023-01-05: committed $20.87B; delivered none "
        "disclosed; 35 pledges>"
    )
    assert repr(aidledger.bundled()) == (
        "<Ledger: 84 records, 79 pledges, 3 donors, 2022-02-25 to 2023-01-06>"
    )
    assert repr(Ledger()) == "<Ledger: empty>"
    assert len(repr(summary)) < 120
    assert str(summary) == summary.render()
    assert repr(Ledger().summarize()) == "<Summary of an empty ledger>"


def test_notebooks_show_the_html_tables_without_external_assets() -> None:
    summary = aidledger.bundled().summarize(as_of="2023-01-05")
    fragment = summary._repr_html_()
    assert fragment.startswith('<div class="aidledger"')
    assert "<table>" in fragment and "<style>" in fragment
    assert "<html" not in fragment and "<script" not in fragment and "src=" not in fragment
    donor = summary["US"]._repr_html_()
    assert "M142 HIMARS" in donor and "France" not in donor
    assert str(summary["FR"]).startswith("France (FR)")


# --- any Decimal, no terminal control ------------------------------------------------


@pytest.mark.parametrize("format", [*FORMATS, "json"])
@pytest.mark.parametrize("locale", ["en", "uk"])
def test_huge_amounts_and_quantities_are_formatted(format: str, locale: str) -> None:
    amount = "9" * 40 + ".123456789"
    ledger = Ledger(
        [
            _r(id="a", donor="US", amount=amount, currency="USD", system="HIMARS",
               quantity=10**30, delivered_amount="1" + "0" * 35),
            _r(id="c", donor="US", amount="1" * 45, currency="USD", status="reported"),
        ]
    )  # fmt: skip
    shown = ledger.summarize().render(format, locale)
    assert shown
    rates = RateTable.from_rows([("2022-01-03", "USD", "EUR", "0.9")])
    assert ledger.summarize(currency="EUR", rates=rates).render(format, locale)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@given(
    text=st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and "\x00" not in t),
    format=st.sampled_from(("text", "markdown")),
)
def test_no_control_character_from_a_record_reaches_a_terminal(text: str, format: str) -> None:
    ledger = Ledger(
        [
            _r(id="id" + text.replace("\n", ""), donor="US", system="HIMARS", quantity=1,
               source=text, note=text, status="requested"),
            _r(id="p", donor="US", amount="5", currency="USD", system=text, source=text),
        ]
    )  # fmt: skip
    for summary in (ledger.summarize(),):
        for by in ("donor", "system"):
            shown = summary.render(format, by=by)
            # Newlines separate lines; a tab or control character from a record never
            # reaches the terminal.
            assert not _CONTROL.search(shown.replace("\n", "")), repr(shown)
            assert "\t" not in shown


def test_escape_sequences_are_shown_as_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\x9b31m"
    ledger = Ledger([_r(id="a", donor="US", amount="1", currency="USD", source=hostile)])
    for format in ("text", "markdown"):
        shown = ledger.summarize().render(format)
        assert "\x1b" not in shown and "\x9b" not in shown and "\x07" not in shown
        assert "\\x1b" in shown and "\\x9b31m" in shown and "\\x07" in shown
    as_json = ledger.summarize().render("json")
    assert "\x9b" not in as_json and json.loads(as_json)["donors"][0]


def test_the_command_line_escapes_what_it_quotes_from_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "hostile.csv"
    ledger.write_text(
        "id,date,donor,status,part_of\na\x1b]0;x\x07,2023-01-01,US,pledged,missing\x1b[2J\n",
        encoding="utf-8",
    )
    main(["validate", str(ledger)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b" in out


# --- widths ---------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Each table's columns: for each, the widest unbreakable run of its cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[int, int]] = []
        self._column = -1
        self._numeric = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({})
        elif tag == "tr":
            self._column = -1
        elif tag in ("td", "th"):
            self._column += 1
            self._numeric = ("class", "num") in attrs
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            # Text cells wrap anywhere; numbers and headers only at their spaces.
            width = (
                1
                if tag == "td" and not self._numeric
                else max((len(run) for run in re.split(r"[ \-]", text)), default=0)
            )
            column = self.tables[-1]
            column[self._column] = max(column.get(self._column, 0), width)
            self._cell = None


def _width(run: int) -> float:
    return run * 0.62  # em: the average advance of a character of sans-serif text


@pytest.mark.parametrize("locale", ["de", "en", "fr", "pl", "uk"])
def test_every_table_fits_an_a4_page_by_construction(locale: str) -> None:
    # A4 less the 15 mm margins is 180 mm: 51 em of 10 pt type; each cell has .7 em of
    # padding. (docs/reports.md: benchmarks/screenshots.py checks it in a browser.)
    rates = RateTable.from_rows([("2022-01-03", "USD", "EUR", "0.9")])
    for summary in (
        aidledger.bundled().summarize(as_of="2023-01-05", currency="EUR", rates=rates),
        _two_recipients(),
    ):
        for by in ("donor", "system"):
            tables = _Tables()
            tables.feed(summary.render("html", locale, by=by))
            for columns in tables.tables:
                need = sum(_width(run) + 0.7 for run in columns.values())
                assert need <= 51, (locale, by, columns)


def test_docs_cite_the_projects_own_docs_not_a_design_file() -> None:
    # (model.py, converter.py, _csvread.py and _jsonio.py are being rewritten on other
    # branches: their docstrings follow with them.)
    found = []
    for folder in ("src", "docs", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".md"}:
                continue
            if "_build" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"DESIGN[ §.]*\d|DESIGN\.md", text) and path.name != Path(__file__).name:
                found.append(str(path.relative_to(ROOT)))
    for name in ("README.md", "CHANGELOG.md"):
        if re.search(r"DESIGN[ §.]*\d", (ROOT / name).read_text(encoding="utf-8")):
            found.append(name)
    assert found == []


def test_labels_have_no_ambiguous_unicode() -> None:
    # (The catalogs hold the labels in five languages: none has a control character.)
    for path in (ROOT / "src" / "aidledger" / "locales").rglob("*.po"):
        text = path.read_text(encoding="utf-8")
        assert not any(unicodedata.category(c) == "Cc" for c in text.replace("\n", ""))


def test_decimal_strings_stay_exact_in_the_json() -> None:
    summary = Ledger([_r(id="a", donor="US", amount="0.10", currency="USD")]).summarize()
    assert json.loads(summary.render("json"))["donors"][0]["committed"]["USD"] == "0.10"
    assert Decimal("0.10") == summary["US"].committed["USD"].amount
