"""`mcgen list`: the catalogue's detectors and sources, and the registered processes."""

from __future__ import annotations

HELP = "known detectors, sources and processes"


def add_arguments(parser) -> None:
    parser.description = "List the catalogue: detectors, sources, processes."


def main(args) -> int:
    from ..catalog import names
    for kind, items in names().items():
        print(f"{kind}: {', '.join(items)}")
    return 0
