"""The layering of the package: imports flow one way, from the model up to the command
line, and no import closes a cycle, not even one made inside a function (a lazy import).

Read from the source with ``ast``: an import under ``if TYPE_CHECKING:`` is for the type
checker only and runs nowhere, so it is left out.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

SOURCE = Path(__file__).parent.parent / "src" / "aidledger"

#: Each module's layer, lowest first: a module may import modules of its own layer or
#: below at module level; above only lazily, and never into a cycle.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(layer.split())
    for layer in (
        "errors _progress _colours _hints _chains _series",
        "money _i18n _encoding _files _xlsx _xlsxwrite _terminal",
        "_values _codes _exact",
        "fields",
        "model _names",
        "catalog summary _table",
        "comparison _engine _states _conversion export _arguments _packages _columns",
        "_pass _shares _arrowcols _colstates",
        "_counting _timeline",
        "_columnar",
        "checkpoints aggregate fx",
        "ledger validate _compare",
        "_words",
        "_blocks _unitchart _chartmarks",
        "_comparison_report _summaryreport",
        "converter _csvsplit _csvread _jsonio _xlsxledger _workbooks _parquet _arrowread io frames"
        " report plot",
        "importers importers.report importers._settings importers.kiel._rules"
        " importers.kiel._input",
        "importers.kiel._common importers.mapping",
        "importers.kiel._item_table importers.kiel._main_data",
        "importers.kiel",
        "_cliargs",
        "cli __main__",
    )
)


def _module(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "aidledger"


def _modules() -> dict[str, Path]:
    return {_module(path): path for path in SOURCE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, known: set[str]) -> list[tuple[str, bool]]:
    """The package's modules that *path* imports, each with whether it is at module level."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child, top)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("aidledger"):
                    found.append((alias.name.removeprefix("aidledger.") or "aidledger", top))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aidledger"):
            base = (node.module or "").removeprefix("aidledger").removeprefix(".")
            for alias in node.names:
                name = f"{base}.{alias.name}" if base else alias.name
                found.append((name if name in known else base or "aidledger", top))
        inner = top and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        visit(statement, True)
    return found


def _layer(module: str) -> int:
    for number, layer in enumerate(LAYERS):
        if module in layer:
            return number
    raise AssertionError(f"module {module!r} has no layer in tests/test_layering.py")


MODULES = _modules()
EDGES = {
    module: _imports(path, set(MODULES))
    for module, path in MODULES.items()
    if module != "aidledger"
}


def test_every_module_has_a_layer() -> None:
    for module in EDGES:
        _layer(module)


@pytest.mark.parametrize("module", sorted(EDGES))
def test_no_module_imports_upward_at_module_level(module: str) -> None:
    for target, top in EDGES[module]:
        assert target != "aidledger", f"{module} imports the package itself"
        if top:
            assert _layer(target) <= _layer(module), f"{module} imports {target} at module level"


def test_no_import_closes_a_cycle_even_inside_a_function() -> None:
    graph = {module: {target for target, _ in targets if target != module}
             for module, targets in EDGES.items()}  # fmt: skip
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError naming the cycle


def test_the_check_sees_lazy_imports() -> None:
    # (A check that found nothing would pass on anything.)
    lazy = {(module, target) for module, targets in EDGES.items() for target, top in targets
            if not top}  # fmt: skip
    assert ("summary", "report") in lazy
    assert ("ledger", "frames") in lazy
