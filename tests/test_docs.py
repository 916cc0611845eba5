"""Every example in the documentation runs: the ``>>>`` blocks of docs/*.md and README.md."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_the_examples_run(page: Path) -> None:
    result = doctest.testfile(
        str(page), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False
    )
    assert result.failed == 0


def test_the_modules_examples_run() -> None:
    import aidledger

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
