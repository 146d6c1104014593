"""`mcgen list`: the catalogue's detectors, sites and sources, and the registered names (source
kinds, spectrum shapes, processes, detector models, output formats).

Fast on purpose (standard library only, no numba, numpy or physics import: ~0.1 s instead of
~1.5 s): the catalogue entries are the TOML files' names, and the registered names are read
from mcgen's source. A class registers itself by its ``name = "..."`` attribute
(mcgen.registry); that one line is what is read here, with the ast module, for every class
that derives from the registry's base class (REGISTRIES). mcgen.catalog.names() gives the
same listing from the imported registries (tests/test_list.py checks they agree); it is used
instead when the registries are loaded already (mcgen.main(["list"]) in a program that defined
its own processes or sources: they are listed too).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

HELP = "known detectors, sources and processes"

PACKAGE = Path(__file__).resolve().parents[1]

#: Listed registries: (label, modules relative to the package (glob), base class).
REGISTRIES = (
    ("source kinds", "sources/*.py", "Source"),
    ("processes", "interactions/*.py", "Interaction"),
    ("response models", "detectors/response.py", "Response"),
    ("resolution models", "detectors/response.py", "Resolution"),
    ("efficiency models", "detectors/response.py", "Efficiency"),
    ("background kinds", "detectors/background.py", "Background"),
    ("output formats", "io/*.py", "Writer"),
)
#: The spectrum shapes: the members of this enum (lower case).
SPECTRUM_ENUM = ("physics/spectra.py", "Spectrum")


def add_arguments(parser) -> None:
    parser.description = "List the catalogue: detectors, sites, sources, and the registered " \
                         "source kinds, spectrum shapes, processes, detector models, formats."


def _classes(pattern: str) -> dict[str, ast.ClassDef]:
    """Class name -> definition, for the classes of the modules matching pattern."""
    found = {}
    for path in sorted(PACKAGE.glob(pattern)):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef):
                found[node.name] = node
    return found


def _bases(node: ast.ClassDef) -> list[str]:
    return [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]


def _derives(name: str, base: str, classes: dict[str, ast.ClassDef]) -> bool:
    """Whether class `name` derives from `base` through classes defined in `classes`."""
    todo, seen = [name], set()
    while todo:
        cls = todo.pop()
        if cls in seen or cls not in classes:
            continue
        seen.add(cls)
        parents = _bases(classes[cls])
        if base in parents:
            return True
        todo += parents
    return False


def _attribute(node: ast.ClassDef, attr: str):
    """The literal assigned to `attr` in the class body (a string, a tuple ...), if any."""
    for stmt in node.body:
        if (isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == attr for t in stmt.targets)):
            try:
                return ast.literal_eval(stmt.value)
            except ValueError:  # not a literal
                return None
    return None


def _name_attribute(node: ast.ClassDef) -> str | None:
    """The string assigned to ``name`` in the class body, if any."""
    name = _attribute(node, "name")
    return name if isinstance(name, str) else None


def registered(pattern: str, base: str) -> list[str]:
    """Sorted ``name`` attributes of the classes deriving from `base` in the modules."""
    classes = _classes(pattern)
    names = {_name_attribute(node) for cls, node in classes.items()
             if _derives(cls, base, classes)}
    return sorted(n for n in names if n is not None)


def writer_extensions() -> dict[str, tuple[str, ...]]:
    """Output format -> its file extensions, read from the writers' source (as the registry
    mcgen.output.WRITERS has them once the writers are imported: checking an output's name
    needs neither uproot nor pyhepmc)."""
    classes = _classes("io/*.py")
    return {_name_attribute(node): tuple(_attribute(node, "extensions"))
            for cls, node in classes.items()
            if _derives(cls, "Writer", classes) and _name_attribute(node) is not None}


def enum_members(path: str, enum: str) -> list[str]:
    """Sorted lower-case member names of an enum class."""
    node = _classes(path)[enum]
    return sorted(t.id.lower() for stmt in node.body if isinstance(stmt, ast.Assign)
                  for t in stmt.targets if isinstance(t, ast.Name))


def names() -> dict[str, list[str]]:
    """The listing of mcgen.catalog.names(), without importing the physics."""
    from ..resources import catalogue_dirs

    def entries(kind: str) -> list[str]:
        return sorted({p.stem for d in catalogue_dirs() for p in (d / kind).glob("*.toml")})

    out = {kind: entries(kind) for kind in ("detectors", "sites", "sources")}
    for label, pattern, base in REGISTRIES:
        out[label] = registered(pattern, base)
        if label == "source kinds":
            out["spectrum shapes"] = enum_members(*SPECTRUM_ENUM)
    return out


def main(args) -> int:
    if "mcgen.registry" in sys.modules:  # registries loaded: they may hold more than mcgen's
        from ..catalog import names as listing
    else:
        listing = names
    for kind, items in listing().items():
        print(f"{kind}: {', '.join(items)}")
    return 0
