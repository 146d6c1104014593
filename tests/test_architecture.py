"""Layers that only point down: an AST walk over mcgen/ that fails on an import from a lower
layer to a higher one, or on an import cycle between modules.

    foundation (constants, errors, registry, tolerances, streams, resources, physics)
      <- model (geometry, detectors, sources, interactions, particle)
      <- sampling <- generator, output <- io, catalog <- cli

Every import counts, also one inside a function (a lazy import up is still an import up).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mcgen"

LAYERS = [
    ("foundation", ["_version", "_numba_cache", "constants", "errors", "registry", "tolerances",
                    "streams", "resources", "validation", "process", "physics"]),
    ("model", ["geometry", "detectors", "sources", "interactions", "particle",
               "sites"]),  # sites: a deprecated alias of geometry.site
    ("sampling", ["sampling"]),
    ("generator", ["generator", "output"]),
    ("io", ["io", "catalog", "production", "analysis"]),
    ("cli", ["cli", "commands"]),
]
RANK = {top: rank for rank, (_, tops) in enumerate(LAYERS) for top in tops}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (PACKAGE.parent / rel).with_suffix(".py").exists() or (
        PACKAGE.parent / rel / "__init__.py").exists()


def imports_of(path: Path) -> set[str]:
    """The mcgen modules a file imports (anywhere in it)."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "mcgen"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "mcgen":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if is_module(sub) else target)
    found.discard(me)
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}


def rank(module: str) -> int | None:
    parts = module.split(".")
    return RANK.get(parts[1]) if len(parts) > 1 else None  # "mcgen" itself: the top


def test_every_module_has_a_layer():
    unplaced = sorted(m for m in graph() if m != "mcgen" and rank(m) is None)
    assert not unplaced, f"modules without a layer (add them to LAYERS): {unplaced}"


def test_imports_only_point_down():
    up = [f"{m} ({LAYERS[rank(m)][0]}) imports {d} ({LAYERS[rank(d)][0]})"
          for m, deps in graph().items() if m != "mcgen"
          for d in deps if d != "mcgen" and rank(d) > rank(m)]
    assert not up, "imports from a lower layer to a higher one:\n" + "\n".join(sorted(up))


def _cycle(g: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph (Tarjan-free depth-first search), or None."""
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for d in sorted(g.get(n, ())):
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if d not in state:
                found = visit(d)
                if found:
                    return found
        state[n] = 2
        stack.pop()
        return None

    for n in sorted(g):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def test_no_import_cycles():
    g = graph()
    # a package's __init__ re-exporting its submodules is not a cycle of the code itself
    g = {m: {d for d in deps if not (m.startswith(d + "."))} for m, deps in g.items()}
    cycle = _cycle(g)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize("g,cyclic", [({"a": {"b"}, "b": {"a"}}, True),
                                      ({"a": {"b"}, "b": {"c"}, "c": set()}, False)])
def test_the_cycle_finder_finds_cycles(g, cyclic):
    assert (_cycle(g) is not None) == cyclic
