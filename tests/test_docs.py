"""Every example in the documentation runs: README.md and docs/*.md, through Sybil.

- Each ```python block runs, in one namespace per page, in a temporary working directory
  holding the example files the pages use (``tests/fixtures/docs/``: ``pledges.csv``,
  ``rates.csv``, ``more.json``; a page's own folder there replaces some of them). A block
  that starts with ``>>>`` is a doctest: its output is checked.
- Each line of a ```sh block that starts with ``aidledger `` runs as a command (``python -m
  aidledger``) in such a directory, the lines of a page in order; it must exit 0, or the
  status its trailing ``# exits 1`` / ``# exits 2`` comment names. ``> FILE`` and ``-o FILE``
  write into the directory. Lines with ``pip`` are not run.
- Blocks in other fences (``text``, ``json``, ...) are not run; a fence in a language that
  is neither run nor declared here fails, so that no example is skipped by a typo.

The reference pages are checked against the code: docs/cli.md names every command and
option, docs/api.md every public name, docs/embedding.md's tables are ``frames.SCHEMAS``.
"""

from __future__ import annotations

import argparse
import doctest
import json
import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sybil import Example, Sybil
from sybil.parsers.myst import CodeBlockParser, DocTestDirectiveParser, PythonCodeBlockParser

import aidledger
from aidledger import _cliargs, frames

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
PAGES = sorted([ROOT / "README.md", *DOCS.glob("*.md")])
EXAMPLE_FILES = Path(__file__).parent / "fixtures" / "docs"
OPTIONS = doctest.ELLIPSIS

# Fences that are shown, not run (``sh`` lines run when they are aidledger commands).
SHOWN = {"sh", "text", "json", "toml"}
# MyST directives written as fences.
DIRECTIVES = re.compile(r"\{(eval-rst|toctree|literalinclude|note|warning|doctest)\}")


def _page_id(page: Path) -> str:
    return page.name


@pytest.fixture
def workdir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """A temporary working directory with the example files of the page under test."""
    page: Path = request.node.callspec.params["page"]
    for source in (EXAMPLE_FILES, EXAMPLE_FILES / page.stem):
        if source.is_dir():
            for file in source.iterdir():
                if file.is_file():
                    shutil.copy(file, tmp_path / file.name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


# --- Python: ```python blocks and their doctests ------------------------------------------

PYTHON = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=OPTIONS),
        DocTestDirectiveParser(optionflags=OPTIONS),
    ],
    path=str(ROOT),
)


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_the_examples_run(page: Path, workdir: Path) -> None:
    document = PYTHON.parse(page)
    for example in document.examples():
        example.evaluate()


def test_the_examples_are_many() -> None:
    counts = {page.name: len(list(PYTHON.parse(page).examples())) for page in PAGES}
    assert sum(counts.values()) > 60, counts
    for page in ("README.md", "tutorial.md", "embedding.md", "pitfalls.md", "currencies.md"):
        assert counts[page] >= 3, page


# --- Shell: the aidledger commands of ```sh blocks ----------------------------------------

EXPECTED_STATUS = re.compile(r"#\s*exits\s+([0-9]+)\s*$")


def _command_lines(block: str) -> list[tuple[int, str]]:
    """The aidledger command lines of a shell block, with their line offsets; a line ending
    in a backslash continues on the next."""
    lines: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for offset, line in enumerate(block.splitlines()):
        if pending is not None:
            start, text = pending
            pending = None
            line = text + " " + line.strip()
            offset = start
        if line.rstrip().endswith("\\"):
            pending = (offset, line.rstrip()[:-1].rstrip())
            continue
        stripped = line.strip()
        if stripped.startswith("aidledger ") and "pip" not in stripped.split():
            lines.append((offset, stripped))
    return lines


def _run_command(line: str, cwd: Path) -> tuple[int, int, str]:
    """Run one documented command line; return (expected status, status, stderr)."""
    match = EXPECTED_STATUS.search(line)
    expected = int(match.group(1)) if match else 0
    words = shlex.split(line, comments=True)
    assert "|" not in words and ";" not in words and "&&" not in words, line
    stdout_path = None
    if ">" in words:
        at = words.index(">")
        stdout_path = cwd / words[at + 1]
        words = words[:at] + words[at + 2 :]
    environment = {**os.environ, "MPLBACKEND": "Agg"}
    with (stdout_path or Path(os.devnull)).open("w") as out:
        result = subprocess.run(
            [sys.executable, "-m", "aidledger", *words[1:]],
            cwd=cwd,
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            timeout=120,
            check=False,
        )
    return expected, result.returncode, result.stderr


def _evaluate_commands(example: Example) -> str | None:
    failures = []
    for offset, line in _command_lines(example.parsed):
        expected, status, stderr = _run_command(line, Path.cwd())
        # A crash exits 1 too: only aidledger's own one-line errors count. (validate
        # reports problems on stdout, those of files it cannot load too: exit status 2.)
        reports = expected == 1 or (expected == 2 and line.split()[1] == "validate")
        clean = "Traceback" not in stderr and (
            status == 0 or stderr.startswith("aidledger: error: ") or reports
        )
        if status != expected or not clean:
            failures.append(
                f"line {example.line + offset + 1}: {line}\n"
                f"  exit status {status}, expected {expected}\n  {stderr.strip()}"
            )
    return "\n".join(failures) or None


SHELL = Sybil(parsers=[CodeBlockParser("sh", _evaluate_commands)], path=str(ROOT))
PAGES_WITH_COMMANDS = [
    page
    for page in PAGES
    if any(_command_lines(example.parsed) for example in SHELL.parse(page).examples())
]


@pytest.mark.parametrize("page", PAGES_WITH_COMMANDS, ids=_page_id)
def test_the_commands_run(page: Path, workdir: Path) -> None:
    for example in SHELL.parse(page).examples():
        example.evaluate()


def test_the_commands_are_many() -> None:
    lines = [
        line
        for page in PAGES
        for example in SHELL.parse(page).examples()
        for _, line in _command_lines(example.parsed)
    ]
    assert len(lines) > 30
    assert {line.split()[1] for line in lines} >= set(_subcommands())


def test_command_lines_are_read_as_written() -> None:
    block = "aidledger summary \\\n    --as-of 2023-01-05\npip install x\naidledger validate  # exits 1\n"
    assert _command_lines(block) == [
        (0, "aidledger summary --as-of 2023-01-05"),
        (3, "aidledger validate  # exits 1"),
    ]


# --- Every fence is either run or declared as shown ---------------------------------------

FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$", re.MULTILINE)


def _fence_languages(page: Path) -> list[str]:
    languages = []
    inside: str | None = None
    for match in FENCE.finditer(page.read_text(encoding="utf-8")):
        fence, info = match.group(1), match.group(2).strip()
        if inside is None:
            inside = fence
            languages.append(info.split()[0] if info else "")
        elif fence[0] == inside[0] and len(fence) >= len(inside) and not info:
            inside = None
    assert inside is None, f"{page.name}: a fence is left open"
    return languages


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_fence_is_run_or_shown(page: Path) -> None:
    for language in _fence_languages(page):
        assert language == "python" or language in SHOWN or DIRECTIVES.fullmatch(language), (
            f"{page.name}: a ```{language or '(no language)'} block is neither run nor shown"
        )


# --- The example files are the ones the pages show ---------------------------------------


def _blocks(page: Path, language: str) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def test_the_quick_start_shows_the_example_ledger() -> None:
    shown = [b for b in _blocks(DOCS / "quickstart.md", "text") if b.startswith("id,")]
    assert shown == [(EXAMPLE_FILES / "pledges.csv").read_text()]


def test_the_currencies_page_shows_the_example_rates() -> None:
    shown = [b for b in _blocks(DOCS / "currencies.md", "text") if b.startswith("date,")]
    assert shown == [(EXAMPLE_FILES / "rates.csv").read_text()]


def test_the_interchange_page_shows_the_example_json() -> None:
    (shown,) = [b for b in _blocks(DOCS / "interchange.md", "json") if '"aidledger/1"' in b]
    assert json.loads(shown) == json.loads((EXAMPLE_FILES / "more.json").read_text())


def test_the_mapping_page_shows_the_example_files() -> None:
    page = DOCS / "mapping.md"
    for name, language in (("weapons.csv", "text"), ("weapons.toml", "toml")):
        example = (EXAMPLE_FILES / name).read_text()
        assert example in _blocks(page, language)
        assert example == (EXAMPLE_FILES.parent / "mapping" / name).read_text()


def test_the_validation_page_shows_the_file_and_what_validate_prints() -> None:
    example = EXAMPLE_FILES / "validation" / "pledges.csv"
    texts = _blocks(DOCS / "validation.md", "text")
    assert example.read_text() in texts
    printed = subprocess.run(
        [sys.executable, "-m", "aidledger", "validate", "pledges.csv"],
        cwd=example.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert printed.returncode == 1
    assert printed.stdout in texts


# --- The reference pages match the code ---------------------------------------------------


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    (commands,) = [
        action
        for action in _cliargs.command_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    return dict(commands.choices)


def test_the_cli_page_names_every_command_and_option() -> None:
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## `aidledger (\w+)`\n(.*?)(?=^## |\Z)", page, re.M | re.S))
    assert set(sections) == set(_subcommands())
    assert "`-h`" in page and "`--help`" in page
    for name, parser in _subcommands().items():
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue  # every command has it: said once, at the top
            for option in action.option_strings:
                assert f"`{option}" in sections[name], f"aidledger {name} {option}"
            if not action.option_strings and action.metavar:
                assert str(action.metavar) in sections[name], f"aidledger {name} {action.metavar}"
            for choice in action.choices or ():
                assert f"`{choice}`" in sections[name], f"aidledger {name} {choice}"
    for status in ("0", "1", "2"):
        assert re.search(rf"^\| `?{status}`? \|", page, re.M), f"exit status {status}"
    assert "aidledger: error: " in page


def test_the_api_page_documents_every_public_name() -> None:
    page = (DOCS / "api.md").read_text(encoding="utf-8")
    documented = set(
        re.findall(r"^\.\. auto(?:class|function|exception|data):: (\w+)$", page, re.M)
    )
    assert documented == set(aidledger.__all__)
    modules = set(re.findall(r"^\.\. automodule:: aidledger\.([\w.]+)$", page, re.M))
    assert modules >= {
        *("money", "fields", "model", "catalog", "ledger", "summary", "aggregate", "checkpoints"),
        *("fx", "validate", "io", "export"),
        *("report", "frames", "converter", "errors"),
        *("importers", "importers.kiel", "importers.mapping", "importers.report"),
    }


def _schema_tables(page: str) -> dict[str, dict[str, str]]:
    """The tables of docs/embedding.md under ``#### `name` `` headings: key → kind."""
    tables = {}
    for name, body in re.findall(r"^#### `(\w+)`\n(.*?)(?=^#|\Z)", page, re.M | re.S):
        rows = re.findall(r"^\| `(\w+)` \| (\w+) \|", body, re.M)
        tables[name] = dict(rows)
        assert list(tables[name]) == [key for key, _ in rows], name  # no key twice
    return tables


def test_the_embedding_page_tables_are_the_schemas() -> None:
    tables = _schema_tables((DOCS / "embedding.md").read_text(encoding="utf-8"))
    assert list(tables) == list(frames.SCHEMAS)
    for name, schema in frames.SCHEMAS.items():
        assert list(tables[name].items()) == list(schema.items()), name


def test_the_duckdb_walkthrough_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace = runpy.run_path(
        str(DOCS / "examples" / "duckdb_walkthrough.py"), run_name="__main__"
    )
    assert namespace["sql_totals"] == namespace["summary_totals"]
    assert namespace["summary_totals"]


def test_the_embedding_page_includes_the_walkthrough() -> None:
    page = (DOCS / "embedding.md").read_text(encoding="utf-8")
    assert "```{literalinclude} examples/duckdb_walkthrough.py" in page


# --- The modules' own examples ------------------------------------------------------------


def test_the_modules_examples_run() -> None:
    package = Path(aidledger.__file__).parent
    failed = attempted = 0
    for module in sorted(package.glob("*.py")):
        name = "aidledger" if module.stem == "__init__" else f"aidledger.{module.stem}"
        if module.stem == "__main__":
            continue
        imported = __import__(name, fromlist=["_"])
        result = doctest.testmod(imported, optionflags=doctest.ELLIPSIS)
        failed += result.failed
        attempted += result.attempted
    assert attempted > 10
    assert failed == 0
