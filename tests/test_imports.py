"""The import graph of the three packages: every module imports, no cycle, one direction.

The design's layering is analysis → optimizers → landscape: a module may import from its own
package or from a package to its right, never to its left.  The graph is read from the source
(:mod:`ast`), counting every ``import`` statement wherever it stands (a function-level import
is still a dependency: it only moves the cycle from import time to call time).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("analysis", "optimizers", "landscape")  # each may import only from itself or later


def _modules() -> dict[str, Path]:
    """Dotted module name → source file, for every module of the three packages."""
    found = {}
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    """Dotted names an import statement may refer to (a module, or a name inside one).

    ``from .a import b`` in ``p.q`` gives ``p.a`` and ``p.a.b`` (``b`` may be a submodule).
    """
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        stem = ".".join(base + ([node.module] if node.module else []))
    else:
        stem = node.module or ""
    return [stem, *(f"{stem}.{alias.name}" for alias in node.names)]


def _type_checking(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``): a block that never runs."""
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every import statement of a tree, except those under ``if TYPE_CHECKING:``."""
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif _type_checking(node):
            todo.extend(node.orelse)
        else:
            todo.extend(ast.iter_child_nodes(node))


def import_graph(modules: dict[str, Path] = MODULES) -> dict[str, set[str]]:
    """Module → the set of the three packages' modules it imports (anywhere in its source,
    imports for type checkers only excepted)."""
    graph = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        deps = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            deps.update(t for t in _targets(name, is_package, node) if t in modules)
        deps.discard(name)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_reader_sees_relative_and_absolute_imports(tmp_path):
    """The reader itself, on a made-up package: a cycle through a function-level relative
    import is found, and an upward import is reported by layer."""
    pkg = tmp_path / "landscape"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import thing\n")
    (pkg / "b.py").write_text("def thing():\n    from . import a\n    import analysis.cli\n"
                              "if TYPE_CHECKING:\n    from analysis import report\n")
    modules = {"landscape": pkg / "__init__.py", "landscape.a": pkg / "a.py",
               "landscape.b": pkg / "b.py", "analysis.cli": pkg / "__init__.py",
               "analysis.report": pkg / "__init__.py"}
    graph = import_graph(modules)
    assert graph["landscape.a"] == {"landscape.b"}
    assert graph["landscape.b"] == {"landscape", "landscape.a", "analysis.cli"}
    assert cycles(graph) == [["landscape.a", "landscape.b"]]
    assert _upward(graph) == ["landscape.b → analysis.cli"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_imports(module):
    importlib.import_module(module)


def test_no_import_cycle_between_modules():
    assert cycles(import_graph()) == []


def _upward(graph: dict[str, set[str]]) -> list[str]:
    """Edges that go against analysis → optimizers → landscape."""
    rank = {package: i for i, package in enumerate(LAYERS)}
    return sorted(
        f"{src} → {dst}"
        for src, deps in graph.items()
        for dst in deps
        if rank[dst.split(".")[0]] < rank[src.split(".")[0]]
    )


def test_imports_flow_analysis_to_optimizers_to_landscape():
    assert _upward(import_graph()) == []
