"""The shape of the house: the product never imports the harness, and no package imports itself
back through another (checked on the source, every import statement, also those inside functions)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ROOTS = {"services": REPO / "services", "newsflow_harness": REPO / "harness" / "newsflow_harness"}


def module_name(path: Path, root: str) -> str:
    parts = path.relative_to(ROOTS[root]).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((root, *parts))


def imports_of(path: Path, module: str) -> set[str]:
    """Every module `path` imports, relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def source_graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports."""
    modules = {module_name(path, root): path for root, folder in ROOTS.items() for path in sorted(folder.rglob("*.py"))}
    return {name: {i for i in imports_of(path, name) if i in modules} for name, path in modules.items()}


def package_of(module: str) -> str:
    """services.store.repository -> services.store; services.cli -> services.cli."""
    return ".".join(module.split(".")[:2])


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_product_never_imports_the_harness() -> None:
    offenders = {
        module: sorted(i for i in imported if i.startswith("newsflow_harness"))
        for module, imported in source_graph().items()
        if module.startswith("services")
    }
    assert {m: i for m, i in offenders.items() if i} == {}


def test_no_import_cycle_between_modules() -> None:
    graph = source_graph()
    # `import a.b` also imports package a: an edge from a module to its own package is not a cycle.
    graph = {m: {i for i in imported if not m.startswith(i + ".")} for m, imported in graph.items()}
    assert cycles(graph) == []


def test_no_import_cycle_between_packages() -> None:
    packages: defaultdict[str, set[str]] = defaultdict(set)
    for module, imported in source_graph().items():
        packages[package_of(module)].update(package_of(i) for i in imported if package_of(i) != package_of(module))
    assert cycles(dict(packages)) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
