#!/usr/bin/env python
"""Output writers side by side: events/s (CPU) and bytes/event of the ROOT writer (events only,
and with the jagged final state) and of the HepMC3 / NuHepMC writer (plain, gzip, zstd).

    python benchmarks/bench_writers.py [--events 20000] [CARD ...]

Default cards: macros/atmospheric_dipole_xenon100.toml (2 particles per event) and
macros/radiative_reactor_nucleus.toml (N decays in flight: 3 final-state particles, 2 vertices
for ~half the events). One thread; CPU time (time.process_time) of Generator.run, which
includes the sampling; the "gen" row (nothing written) gives the sampling's share. A warm-up
run (numba compilation, imports) is not counted.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import mcgen
from mcgen.catalog import load_card

REPO = Path(__file__).resolve().parents[1]
#: (row label, file name or None, run keywords)
ROWS = [
    ("gen (nothing written)", None, {}),
    ("root, events only", "b.root", {}),
    ("root, final state", "b.root", {"final_state": True}),
    ("hepmc3", "b.hepmc3", {}),
    ("hepmc3.gz", "b.hepmc3.gz", {}),
    ("hepmc3.zst", "b.hepmc3.zst", {}),
]


def bench(card: Path, n: int) -> list[tuple[str, float, float]]:
    """(row, events per CPU second, bytes per event) for each row of ROWS."""
    c = load_card(card)
    gen = mcgen.Generator(c.source, c.detector, c.interactions, seed=1, geometry=c.geometry)
    out = []
    with tempfile.TemporaryDirectory() as d:
        gen.run(2000, Path(d) / "warm.hepmc3", progress=False, threads=1)  # warm-up
        gen.run(2000, Path(d) / "warm.root", progress=False, threads=1, final_state=True)
        for label, name, kw in ROWS:
            path = Path(d) / name if name else None
            t0 = time.process_time()
            gen.run(n, path, progress=False, threads=1, **kw)
            cpu = time.process_time() - t0
            size = path.stat().st_size / n if path else 0.0
            out.append((label, n / cpu, size))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=float, default=2e4)
    ap.add_argument("cards", nargs="*", type=Path)
    args = ap.parse_args(argv)
    cards = args.cards or [REPO / "macros" / "atmospheric_dipole_xenon100.toml",
                           REPO / "macros" / "radiative_reactor_nucleus.toml"]
    n = int(args.events)
    print(f"mcgen {mcgen.__version__}; {n} events per row; one thread; CPU time")
    print("| card | output | events/s (CPU) | bytes/event |\n|---|---|---:|---:|")
    for card in cards:
        for label, rate, size in bench(card, n):
            print(f"| {card.stem} | {label} | {rate:,.0f} | {size:,.0f} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole benchmark: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
