"""The house's floors: no import runs up a floor, no two modules import each other.

Every module's imports are read with ``ast`` (imports inside functions count; imports under
``if TYPE_CHECKING:`` do not, since they never run). A package may import only packages on lower
floors; a module graph with a cycle fails whatever the floors. The floors are the ones the README's
"Architecture" section lists, so the README cannot drift from the code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "outcomelab"

#: floors from the lowest; a package may import only packages on a lower floor. ``outcomelab``
#: itself (the API facade of ``import outcomelab``) is the top floor and imported by nobody.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("errors", "_version", "resources", "row_numbers"),
    ("_checks", "numerics", "printing", "paths", "safe_yaml", "webpage"),
    ("vocabulary", "results", "example"),
    ("identity",),
    ("schemas",),
    ("store", "design"),
    ("balance", "did", "sensitivity", "synthesis"),
    ("matching", "synth", "honest"),
    ("economics", "contracts", "disclosure"),
    ("evaluation",),
    ("planning", "reports"),
    ("publish", "batch"),
    ("portal",),
    ("cli",),
    ("outcomelab",),
)
FLOOR = {package: i for i, names in enumerate(FLOORS) for package in names}


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in SRC.rglob("*.py")}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "outcomelab"


class _Imports(ast.NodeVisitor):
    """The outcomelab modules a file imports, with line numbers (TYPE_CHECKING blocks skipped)."""

    def __init__(self) -> None:
        self.found: list[tuple[str, int]] = []

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
        if name == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == "outcomelab":
                self.found.append((alias.name, node.lineno))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or module.split(".")[0] != "outcomelab":
            return
        for alias in node.names:
            # `from pkg import sub` imports the module pkg.sub; `from pkg import name` imports pkg
            full = f"{module}.{alias.name}"
            self.found.append((full if full in MODULES else module, node.lineno))


def _graph() -> dict[str, list[tuple[str, int]]]:
    graph: dict[str, list[tuple[str, int]]] = {}
    for module, path in MODULES.items():
        visitor = _Imports()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        graph[module] = [(m, line) for m, line in visitor.found if m in MODULES and m != module]
    return graph


def _cycles(graph: dict[str, list[tuple[str, int]]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w, _ in graph[v]:
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


def test_every_package_has_a_floor() -> None:
    packages = {_package(m) for m in MODULES}
    assert packages - set(FLOOR) == set(), "give each new package a floor in FLOORS and README"


def test_no_import_runs_up_a_floor() -> None:
    wrong = []
    for module, imports in _graph().items():
        for target, line in imports:
            a, b = _package(module), _package(target)
            if a != b and FLOOR[a] <= FLOOR[b]:
                wrong.append(f"{module}:{line} imports {target} ({a} is not above {b})")
    assert wrong == []


def test_no_module_cycles() -> None:
    assert _cycles(_graph()) == []


def test_the_checker_sees_imports_inside_functions_and_skips_type_checking() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from outcomelab.cli import main\n"
        "def f():\n    from outcomelab.reports import render\n"
        "import outcomelab.errors\n"
    )
    visitor = _Imports()
    visitor.visit(tree)
    assert [m for m, _ in visitor.found] == ["outcomelab.reports.render", "outcomelab.errors"]
    assert _cycles({"a": [("b", 1)], "b": [("a", 2)], "c": []}) == [["a", "b"]]


def test_the_readme_lists_these_floors() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Architecture.*?```\n(.*?)```", text, flags=re.S)
    assert block is not None, "README.md needs an Architecture section with the floors"
    listed = {}
    for line in block.group(1).splitlines():
        match = re.match(r"\s*floor\s+(\d+)\s+(.*)$", line)
        if match:
            for name in re.split(r"[,\s]+", match.group(2).strip()):
                listed[name] = int(match.group(1))
    assert listed == FLOOR
