"""Reports for people: golden files per format and locale, catalogs, valid HTML.

To accept a deliberate change of the output, regenerate the golden files with
``AIDLEDGER_REGOLD=1 pytest tests/test_report.py`` and read the diff before committing.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import aidledger
from aidledger import Ledger, Record
from aidledger._i18n import LOCALES
from aidledger.errors import UnknownLocaleError
from aidledger.fx import RateTable
from aidledger.report import render

GOLDEN = Path(__file__).parent / "golden"
LOCALES_DIR = Path(aidledger.__file__).parent / "locales"
EXTENSIONS = {"text": "txt", "markdown": "md", "html": "html"}
CASES = [(locale, format) for locale in LOCALES for format in EXTENSIONS]


def _summary(currency: str | None = None) -> aidledger.Summary:
    rates = None
    if currency:
        # Fixed rates so that the golden files do not depend on the ECB file's version.
        rates = RateTable.from_rows([("2022-01-03", "USD", "EUR", "0.9")])
    return aidledger.bundled().summarize(as_of="2023-01-05", currency=currency, rates=rates)


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("AIDLEDGER_REGOLD"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {name}: run with AIDLEDGER_REGOLD=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("locale", "format"), CASES)
def test_golden_reports(locale: str, format: str) -> None:
    _check_golden(f"bundled-{locale}.{EXTENSIONS[format]}", render(_summary(), format, locale))


@pytest.mark.parametrize("locale", LOCALES)
def test_golden_reports_in_a_reporting_currency(locale: str) -> None:
    _check_golden(f"bundled-eur-{locale}.md", render(_summary("EUR"), "markdown", locale))


def test_german_reads_german() -> None:
    text = render(_summary("EUR"), "markdown", "de")
    for german in ("Militärhilfe, Stand 5. Januar 2023", "Vereinigte Staaten", "Zugesagt",
                   "Übersicht", "in Prüfung", "Kontrollwerte", "20.870.000.000,00\xa0$",
                   "18,783\xa0Mrd.\xa0€", "Quellen"):  # fmt: skip
        assert german in text, german
    # (Sources are quoted as written: the seed article's words stay English.)
    for english in ("Committed", "Delivered", "## United States", "Sources", "$20"):
        assert english not in text, english


class _Checker(HTMLParser):
    VOID = frozenset({"meta", "br", "img", "hr", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


@pytest.mark.parametrize("locale", LOCALES)
def test_html_is_well_formed_and_standalone(locale: str) -> None:
    page = render(_summary("EUR"), "html", locale)
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.problems == []
    assert checker.open == []
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{locale}">' in page
    for external in ("http://", "https://", "<script", "<link", "src="):
        assert external not in page.split("<body>")[0], external


def test_text_is_escaped_in_html_and_markdown() -> None:
    record = Record(id="<b>x|y</b>", date="2023-01-01", donor="US", status="requested",
                    source="<script>alert(1)</script> | *bold*")  # fmt: skip
    summary = Ledger([record]).summarize()
    page = render(summary, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
    markdown = render(summary, "markdown")
    assert "\\<script\\>" in markdown and "\\|" in markdown and "\\*bold\\*" in markdown


def test_every_label_is_translated_in_every_catalog() -> None:
    with (LOCALES_DIR / "aidledger.pot").open("rb") as stream:
        template = read_po(stream)
    ids = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in template
        if message.id
    }
    assert len(ids) > 30
    for language in LOCALES:
        if language == "en":
            continue
        with (LOCALES_DIR / language / "LC_MESSAGES" / "aidledger.po").open("rb") as stream:
            catalog = read_po(stream, locale=language)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings), f"{language}: {message.id!r} is not translated"
            assert "fuzzy" not in message.flags, f"{language}: {message.id!r} is fuzzy"
        found = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        assert found == ids, f"{language}: catalog out of step with the template"


def test_the_template_lists_every_label_in_the_code() -> None:
    from babel.messages.extract import extract_from_dir

    source = Path(aidledger.__file__).parent
    extracted = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(source))
    }
    with (LOCALES_DIR / "aidledger.pot").open("rb") as stream:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(stream) if m.id}
    assert extracted == template, "run pybabel extract/update (docs/translations.md)"


def test_the_compiled_catalogs_match_their_sources() -> None:
    from babel.messages.mofile import read_mo

    for language in LOCALES:
        if language == "en":
            continue
        folder = LOCALES_DIR / language / "LC_MESSAGES"
        with (folder / "aidledger.po").open("rb") as stream:
            source = {_key(m.id): _key(m.string) for m in read_po(stream, locale=language) if m.id}
        with (folder / "aidledger.mo").open("rb") as stream:
            compiled = {_key(m.id): _key(m.string) for m in read_mo(stream) if m.id}
        assert compiled == source, f"{language}: run pybabel compile"


def _key(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def test_an_unknown_locale_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(
        UnknownLocaleError, match="no labels for 'es': aidledger speaks de, en, fr, pl, uk"
    ):
        render(_summary(), "text", "es")
    with pytest.raises(UnknownLocaleError, match="unknown locale 'xx_YY'"):
        render(_summary(), "text", "xx_YY")
    assert render(_summary(), "text", "de_AT").startswith("Militärhilfe, Stand 5. Jänner 2023")
    from aidledger.cli import main

    assert main(["summary", "--locale", "es"]) == 2
    assert (
        "aidledger: error: no labels for 'es': aidledger speaks de, en, fr, pl, uk"
        in capsys.readouterr().err
    )


def test_ukrainian_and_polish_plurals() -> None:
    from aidledger._i18n import translations

    for language, forms in {
        "uk": {1: "1 самостійне", 3: "3 самостійні", 5: "5 самостійних", 22: "22 самостійні"},
        "pl": {1: "1 samodzielne", 3: "3 samodzielne", 5: "5 samodzielnych", 22: "22 samodzielne"},
    }.items():
        catalog = translations(language)
        for count, start in forms.items():
            text = catalog.ngettext("{count} top-level pledge", "{count} top-level pledges", count)
            assert text.format(count=count).startswith(start)


def test_an_empty_summary_renders() -> None:
    assert "The ledger is empty." in render(Ledger().summarize(), "text")
    assert "No donor has a record" in render(
        aidledger.bundled().summarize(as_of="2020-01-01"), "markdown"
    )
