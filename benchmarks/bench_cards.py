#!/usr/bin/env python
"""Throughput of every shipped run card (macros/*.toml): plan time, sampling alone, end to end
into a ROOT file (LZ4, one thread), the sampler's acceptance, and peak memory.

    python benchmarks/bench_cards.py [--events 1000000] [CARD ...]

Each card runs in this process after a small warm-up (numba compilation not counted).
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


def bench(card: Path, n: int) -> dict:
    c = load_card(card)
    gen = mcgen.Generator(c.source, c.detector, c.interactions, seed=1, site=c.site)
    t0 = time.perf_counter()
    _ = gen.plan
    plan_s = time.perf_counter() - t0
    gen.run(20_000, None, progress=False, threads=1)  # warm-up (compilation)
    gen_rate = gen.run(n, None, progress=False, threads=1).events_per_second
    acceptance = gen._accepted / gen._trials
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "b.root"
        e2e = gen.run(n, out, progress=False, threads=1).events_per_second
        size = out.stat().st_size / n
    return {"card": card.name, "plan_s": plan_s, "gen": gen_rate, "e2e": e2e,
            "acc": acceptance, "bytes": size, "expected": gen.expected_events,
            "processes": ",".join(it.name for it in c.interactions)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=float, default=1e6)
    ap.add_argument("cards", nargs="*", type=Path)
    args = ap.parse_args(argv)
    cards = args.cards or sorted((REPO / "macros").glob("*.toml"))
    print(f"mcgen {mcgen.__version__}; {int(args.events)} events per card; one thread; LZ4")
    print(f"{'card':<42} {'process':<24} {'plan s':>7} {'gen ev/s':>10} {'e2e ev/s':>10} "
          f"{'accept':>7} {'B/ev':>6}")
    for card in cards:
        r = bench(card, int(args.events))
        print(f"{r['card']:<42} {r['processes']:<24} {r['plan_s']:>7.2f} {r['gen']:>10.3g} "
              f"{r['e2e']:>10.3g} {r['acc']:>7.3f} {r['bytes']:>6.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole benchmark: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
