#!/usr/bin/env python
"""Throughput, file size and peak memory of mcgen on the default channel.

Channel: atmospheric dipole, m = 10 MeV, mu = 1e-5 mu_B, on XENON100, built from the run card
macros/atmospheric_dipole_xenon100.toml (seed from the card).

    python benchmarks/bench_dipole.py                       # N = 1e6 and 1e7, threads 1 2, lz4 zstd
    python benchmarks/bench_dipole.py --events 1e6 --threads 1 --compression lz4

For every N it measures, each configuration in its own fresh subprocess (so that the peak RSS,
ru_maxrss, belongs to that configuration alone):

* gen   : Generator.run(N, None, threads=1) -- sampling only, nothing written;
* root  : Generator.run(N, file, compression=c, threads=t) -- end to end into a ROOT file in a
          temporary directory (deleted afterwards); file size in MB and bytes/event.

The plan (rates and proposal tables, `gen.plan`) is built and timed before the run and is not
part of events/s. The numba on-disk caches are warmed first (one small run in the parent), and
every subprocess makes a small warm-up run before it measures, so no compilation or
cache loading is counted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CARD = REPO / "macros" / "atmospheric_dipole_xenon100.toml"
MB = 1e6  # file sizes and RSS in MB = 10^6 bytes
from mcgen.generator import CHUNK_EVENTS  # noqa: E402


def _maxrss_bytes() -> int:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r if sys.platform == "darwin" else r * 1024  # Linux: kB


def _current_rss_bytes() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _make_generator(card_path: Path):
    from mcgen.catalog import load_card
    from mcgen.generator import Generator

    card = load_card(card_path)
    return Generator(card.source, card.detector, card.interactions, seed=card.run["seed"])


# -- one configuration, in a subprocess -------------------------------------------------------
def run_one(cfg: dict) -> dict:
    """Measure one configuration in this (fresh) process; return a dict of results."""
    t0 = time.perf_counter()
    from mcgen.streams import BLOCK_EVENTS

    card_path = Path(cfg["card"])
    gen = _make_generator(card_path)
    t_import = time.perf_counter() - t0

    # first plan in this process: includes loading the numba functions from the disk cache
    t0 = time.perf_counter()
    _ = gen.plan
    t_plan_first = time.perf_counter() - t0

    with tempfile.TemporaryDirectory(prefix="mcgen-bench-") as tmp:
        # warm-up: loads the event kernel from the numba cache, imports uproot's codec
        gen.run(2 * BLOCK_EVENTS, None, threads=1, progress=False)
        if cfg["compression"] is not None:
            warm = Path(tmp) / "warmup.root"
            gen.run(2 * BLOCK_EVENTS, warm, compression=cfg["compression"],
                    threads=cfg["threads"], progress=False, chunk_events=cfg["chunk_events"])
            warm.unlink()

        # the measured generator: fresh objects, plan computed (and timed) before the run
        gen = _make_generator(card_path)
        t0 = time.perf_counter()
        _ = gen.plan
        t_plan = time.perf_counter() - t0
        rss_base = _maxrss_bytes()
        rss_base_now = _current_rss_bytes()

        out = None if cfg["compression"] is None else Path(tmp) / "events.root"
        cpu0 = _cpu_seconds()
        if out is None:
            s = gen.run(cfg["events"], None, threads=cfg["threads"], progress=False,
                        chunk_events=cfg["chunk_events"])
        else:
            s = gen.run(cfg["events"], out, compression=cfg["compression"],
                        threads=cfg["threads"], progress=False, chunk_events=cfg["chunk_events"])
        cpu = _cpu_seconds() - cpu0
        rss_peak = _maxrss_bytes()
        size = out.stat().st_size if out is not None else None
        if out is not None:
            out.unlink()

    return dict(cfg, seconds=s.seconds, events_per_second=s.events_per_second, cpu_seconds=cpu,
                file_bytes=size, t_import=t_import, t_plan_first=t_plan_first, t_plan=t_plan,
                rss_base=rss_base, rss_base_now=rss_base_now, rss_peak=rss_peak,
                expected_events=s.expected_events)


def spawn(cfg: dict) -> dict:
    """Run one configuration in a fresh interpreter and return its results."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", json.dumps(cfg)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        raise RuntimeError(f"configuration {cfg} failed (exit code {p.returncode})")
    return json.loads(p.stdout.strip().splitlines()[-1])


# -- driver -----------------------------------------------------------------------------------
def warm_caches(card_path: Path, compressions: list[str]) -> float:
    """Compile (or load) every numba function once so that the on-disk caches are populated."""
    from mcgen.streams import BLOCK_EVENTS

    t0 = time.perf_counter()
    gen = _make_generator(card_path)
    gen.run(2 * BLOCK_EVENTS, None, threads=1, progress=False)
    with tempfile.TemporaryDirectory(prefix="mcgen-bench-") as tmp:
        for c in compressions:
            f = Path(tmp) / "warm.root"
            gen.run(BLOCK_EVENTS, f, compression=c, threads=1, progress=False)
            f.unlink()
    return time.perf_counter() - t0


def _fmt_n(n: int) -> str:
    m, e = f"{n:.2e}".split("e")
    m = m.rstrip("0").rstrip(".")
    return f"{m}e{int(e)}" if float(f"{m}e{int(e)}") == n else str(n)


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", nargs="+", type=float, default=[1e6, 1e7],
                   help="event counts N (default: 1e6 1e7)")
    p.add_argument("--threads", nargs="+", type=int, default=[1, 2], choices=[1, 2],
                   help="thread settings for the ROOT runs (default: 1 2)")
    p.add_argument("--compression", nargs="+", default=["lz4", "zstd"],
                   help="compressions for the ROOT runs (default: lz4 zstd)")
    p.add_argument("--chunk-events", type=int, default=CHUNK_EVENTS,
                   help=f"Generator.run chunk_events (default: {CHUNK_EVENTS}, mcgen's default)")
    p.add_argument("--repeat", type=int, default=1,
                   help="subprocesses per configuration; the median is shown (default: 1)")
    p.add_argument("--card", default=str(CARD), help=argparse.SUPPRESS)
    p.add_argument("--json", help="also write all raw results to this JSON file")
    p.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one configuration
    args = p.parse_args(argv)

    if args.one is not None:
        print(json.dumps(run_one(json.loads(args.one))))
        return 0

    import numba
    import numpy
    import uproot

    import mcgen

    events = [int(n) for n in args.events]
    print(f"mcgen {mcgen.__version__}, numba {numba.__version__}, numpy {numpy.__version__}, "
          f"uproot {uproot.__version__}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs")
    card = Path(args.card).resolve()
    card = card.relative_to(REPO) if card.is_relative_to(REPO) else card
    print(f"card: {card} (atmospheric dipole, 10 MeV, mu = 1e-5 mu_B, XENON100)")
    t_warm = warm_caches(Path(args.card), args.compression)
    print(f"numba caches warmed by a small run first ({t_warm:.1f} s, not counted); each "
          "configuration then runs in its own subprocess, after its own small warm-up run.")
    print(f"chunk_events = {args.chunk_events}; plan (rates, tables) built before the run and "
          "excluded from events/s.\n")

    configs = []
    for n in events:
        configs.append(dict(mode="gen", events=n, threads=1, compression=None))
        for t in args.threads:
            for c in args.compression:
                configs.append(dict(mode="root", events=n, threads=t, compression=c))

    results = []
    for cfg in configs:
        cfg = dict(cfg, card=str(args.card), chunk_events=args.chunk_events)
        label = (f"N={_fmt_n(cfg['events'])} {cfg['mode']} threads={cfg['threads']}"
                 + (f" {cfg['compression']}" if cfg["compression"] else ""))
        print(f"  running {label} ...", end="", flush=True, file=sys.stderr)
        reps = [spawn(cfg) for _ in range(args.repeat)]
        print(f" {_median(reps, 'events_per_second'):.3g} ev/s", file=sys.stderr)
        results.append(reps)

    # -- table ------------------------------------------------------------------------------
    head = (f"{'N':>5} {'mode':<5} {'thr':>3} {'comp':<5} {'events/s':>10} {'time s':>7} "
            f"{'CPU s':>7} {'file MB':>8} {'B/event':>8} {'base RSS':>9} {'peak RSS':>9} "
            f"{'peak-base':>9}")
    print(head)
    print("-" * len(head))
    prev_n = None
    for reps in results:
        r = reps[0]
        if prev_n is not None and r["events"] != prev_n:
            print()
        prev_n = r["events"]
        size = statistics.median(x["file_bytes"] for x in reps) if r["file_bytes"] else None
        base, peak = _median(reps, "rss_base") / MB, _median(reps, "rss_peak") / MB
        print(f"{_fmt_n(r['events']):>5} {r['mode']:<5} {r['threads']:>3} "
              f"{r['compression'] or '-':<5} {_median(reps, 'events_per_second'):>10.3g} "
              f"{_median(reps, 'seconds'):>7.2f} {_median(reps, 'cpu_seconds'):>7.2f} "
              + (f"{size / MB:>8.1f} {size / r['events']:>8.1f} " if size else
                 f"{'-':>8} {'-':>8} ")
              + f"{base:>9.0f} {peak:>9.0f} {peak - base:>9.0f}")
    flat = [x for reps in results for x in reps]
    print("\ngen = Generator.run(N, None) (no output); root = Generator.run(N, file.root). "
          "time s = RunSummary.seconds;\nCPU s = user + system CPU time of the process during "
          "the run (all threads). MB = 10^6 bytes.\nbase RSS = ru_maxrss after import + "
          "warm-up run + plan; peak RSS = ru_maxrss at the end of the run\n(each "
          "configuration in its own process).")
    print(f"plan (rates + proposal tables): {_median(flat, 't_plan'):.3f} s "
          f"(median over {len(flat)} processes; first plan in a fresh process, including "
          f"loading the numba cache: {_median(flat, 't_plan_first'):.3f} s); "
          f"import + card: {_median(flat, 't_import'):.2f} s.")
    print(f"expected events (quadrature): {flat[0]['expected_events']:.6g}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
