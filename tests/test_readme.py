"""The README's promises: its examples run, its commands are the ones CI runs."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import aidledger

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_the_readme_has_examples_that_run() -> None:
    # test_docs.py runs them; here only that there are some.
    assert doctest.DocTestParser().get_examples(README.read_text())


def test_the_quick_start_has_two_commands_and_ci_runs_the_test_one() -> None:
    start = README.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", start, flags=re.DOTALL)
    assert len(commands) == 2
    assert "aidledger summary" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = commands[1].replace("python3 ", "python ")
    assert test_command in ci


def test_the_csv_example_loads(tmp_path: Path) -> None:
    (example,) = [b for b in _blocks("text") if b.startswith("id,")]
    path = tmp_path / "example.csv"
    path.write_text(example)
    summary = aidledger.load(path).summarize(as_of="2023-01-06")
    assert summary["US"].system("bradley").committed == 50  # type: ignore[union-attr]
    assert summary["FR"].undisclosed_value == 1
