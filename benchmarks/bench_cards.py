#!/usr/bin/env python
"""Throughput of every shipped run card (macros/*.toml) on one core: plan time, sampling
alone, end to end into a ROOT file (LZ4, one thread), the sampler's acceptance and the file
size; with --breakdown also where the time of an event goes (sampling kernel, branch
conversion, ROOT writing, in ns per event).

    python benchmarks/bench_cards.py [--events 1000000] [--repeat 3] [--breakdown] [CARD ...]

All times are CPU time of this process (time.process_time, best of --repeat), not wall time:
on a shared machine the wall clock counts the other jobs too. Each card is warmed up first
(numba's compilation or cache loading is not counted; a fresh Generator is then planned and
timed). The last lines give the machine's numba sampling ceiling measured at the same time
(`ceiling_rate`: the simplest exact table sampler): this machine's CPU speed moves by tens of
per cent between hours, the cards' rates relative to it much less.
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numba
import numpy as np

import mcgen
from mcgen.catalog import load_card
from mcgen.io.root import RootWriter
from mcgen.sampling.columns import NCOL
from mcgen.streams import BLOCK_EVENTS

REPO = Path(__file__).resolve().parents[1]


def cpu(f, repeat: int) -> float:
    """Smallest CPU time [s] of repeat calls of f()."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        f()
        best = min(best, time.process_time() - t0)
    return best


def generator(card: Path) -> mcgen.Generator:
    c = load_card(card)
    return mcgen.Generator(c.source, c.detector, c.interactions, seed=1, site=c.site)


@numba.njit(cache=True, nogil=True)
def _ceiling_sample(rng, n, cdf, guide, x_lo, width, fmax, out):
    """The simplest exact sampler of a tabulated density: a bin from its cumulative weights
    (guide table and a short walk), a point in it, acceptance of f(x) = exp(-x) against the
    bin's maximum; one float per accepted sample. Returns the proposals made."""
    trials, k, last = 0, 0, cdf.size - 1
    while k < n:
        trials += 1
        y = rng.random() * cdf[last]
        c = guide[min(int(y / cdf[last] * guide.size), guide.size - 1)]
        while c < last and cdf[c] <= y:
            c += 1
        x = x_lo[c] + rng.random() * width
        if rng.random() * fmax[c] > math.exp(-x):
            continue
        out[k] = x
        k += 1
    return trials


def ceiling_rate(n: int = 4_000_000, repeat: int = 3) -> float:
    """Samples per CPU second of `_ceiling_sample` (exp(-x) on [0, 10] in 1000 bins): the
    machine's numba sampling ceiling now, against which the cards are measured (this machine's
    CPU time moves by tens of per cent between hours; the ratio to the ceiling moves less)."""
    edges = np.linspace(0.0, 10.0, 1001)
    fmax = np.exp(-edges[:-1])
    cdf = np.cumsum(fmax * np.diff(edges))
    guide = np.searchsorted(cdf, np.arange(1024) / 1024 * cdf[-1], side="right")
    out = np.empty(n)
    rng = np.random.default_rng(1)
    args = (cdf, guide, edges[:-1], edges[1] - edges[0], fmax, out)
    _ceiling_sample(rng, 1000, *args)  # compile
    return n / cpu(lambda: _ceiling_sample(rng, n, *args), repeat)


def bench(card: Path, n: int, repeat: int) -> dict:
    """Plan [s], sampling and end-to-end rates [events per CPU second], acceptance, bytes per
    event of one card."""
    generator(card).run(2 * BLOCK_EVENTS, None, progress=False, threads=1)  # numba, warm-up
    gen = generator(card)
    t0 = time.process_time()
    _ = gen.plan
    plan_s = time.process_time() - t0
    gen_s = cpu(lambda: gen.run(n, None, progress=False, threads=1), repeat)
    acceptance = gen._accepted / gen._trials
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "b.root"
        e2e_s = cpu(lambda: gen.run(n, out, progress=False, threads=1), repeat)
        size = out.stat().st_size / n
    return {"card": card.name, "plan_s": plan_s, "gen": n / gen_s, "e2e": n / e2e_s,
            "acc": acceptance, "bytes": size,
            "processes": ",".join(it.name for it in load_card(card).interactions)}


def breakdown(card: Path, blocks: int, repeat: int) -> dict:
    """CPU ns per event of the sampling kernel, the branch conversion and the ROOT writing
    (LZ4) of chunks of `blocks` blocks, and the sampler's trials per event."""
    gen = generator(card)
    n = blocks * BLOCK_EVENTS
    out, chan = np.empty((NCOL, n)), np.empty(n, np.int64)

    def sample():
        for b in range(blocks):
            s = slice(b * BLOCK_EVENTS, (b + 1) * BLOCK_EVENTS)
            gen._fill_block(b, out[:, s], chan[s])

    sample()
    gen._trials = gen._accepted = 0
    kernel = cpu(sample, repeat)
    trials = gen._trials / gen._accepted
    branches = cpu(lambda: gen._branches(out, chan, 0, 1.0), repeat)
    ev = gen._branches(out, chan, 0, 1.0)
    with tempfile.TemporaryDirectory() as d:
        with RootWriter(Path(d) / "x.root", compression="lz4",
                        branches=gen.branch_names()) as w:
            w.extend(ev)
            write = cpu(lambda: w.extend(ev), repeat)
    ns = 1e9 / n
    return {"kernel": kernel * ns, "branches": branches * ns, "write": write * ns,
            "trials": trials, "n_branches": len(gen.branch_names())}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=float, default=1e6)
    ap.add_argument("--repeat", type=int, default=3, help="best of R runs (CPU time)")
    ap.add_argument("--breakdown", action="store_true",
                    help="also: ns per event in the kernel, the branches, the ROOT writing")
    ap.add_argument("cards", nargs="*", type=Path)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")  # closed-channel notes of the solar cards
    cards = args.cards or sorted((REPO / "macros").glob("*.toml"))
    n = int(args.events)
    print(f"mcgen {mcgen.__version__}; {n} events per card; one thread; LZ4; CPU time, best "
          f"of {args.repeat}")
    head = (f"{'card':<38} {'process':<28} {'plan s':>6} {'gen ev/s':>9} {'e2e ev/s':>9} "
            f"{'accept':>6} {'B/ev':>5}")
    if args.breakdown:
        head += f" {'trials':>6} {'kernel':>7} {'branch':>7} {'write':>7} {'br.':>4}"
    print(head)
    for card in cards:
        r = bench(card, n, args.repeat)
        line = (f"{r['card']:<38} {r['processes'][:28]:<28} {r['plan_s']:>6.2f} "
                f"{r['gen']:>9.3g} {r['e2e']:>9.3g} {r['acc']:>6.3f} {r['bytes']:>5.0f}")
        if args.breakdown:
            b = breakdown(card, 4, args.repeat)
            line += (f" {b['trials']:>6.3f} {b['kernel']:>7.0f} {b['branches']:>7.0f} "
                     f"{b['write']:>7.0f} {b['n_branches']:>4}")
        print(line, flush=True)
    ceiling = ceiling_rate(repeat=args.repeat)
    print(f"ceiling: {ceiling:.3g} samples per CPU second (_ceiling_sample: 3 uniforms, a guide, "
          "one exp; measured now, the machine's speed to compare runs by)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole benchmark: {peak:.0f} MB")
    if args.breakdown:
        print("trials: proposals per event; kernel, branch, write: CPU ns per event of the "
              "sampling kernel, the conversion to branches, the ROOT writing (LZ4); br.: "
              "branches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
