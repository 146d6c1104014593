#!/usr/bin/env python
"""Parallel scaling of mcgen.production: events/s with 1 and 2 workers, local processes and a
dask.distributed LocalCluster, in memory, into one ROOT file and into part files.

    python benchmarks/bench_scaling.py                    # everything (~2 min on 2 quiet cores)
    python benchmarks/bench_scaling.py --modes local --sinks memory root
    python benchmarks/bench_scaling.py --modes local --sinks root --final-state

Card: macros/atmospheric_dipole_xenon100.toml (seed from the card), planned once before any
timing. Each configuration makes two runs, of N1 and N2 events (default 2e6 and 1e7), and
reports

* rate      : N2 / t2, t = RunSummary.seconds (wall clock of the run, planning excluded, the
              start of worker processes included);
* marginal  : (N2 - N1) / (t2 - t1), the steady rate once the workers run (start-up cancels);
* start s   : t1 - N1 / marginal, the fixed cost (worker start-up: imports, numba cache);
* CPU s/1e6 : marginal CPU seconds of all processes (this one and the workers: psutil) per
              1e6 events, (CPU(N2) - CPU(N1)) / (N2 - N1) (start-up cancels); `parent`: this
              process alone (writing, receiving chunks); `CPU start`: the fixed CPU cost;
* eff       : for 2 workers, marginal / (2 x marginal of 1 worker of the same mode and sink):
              the parallel efficiency, if the 2 CPUs were free for the run;
* CPU eff   : for 2 workers, CPU s/1e6 of 1 worker / CPU s/1e6 of 2 workers: the work the
              spreading adds (planning per worker, handing chunks over, starting workers); the
              parallel efficiency 2 free CPUs would give if no one waited, measurable on a
              loaded machine;
* load      : the 1-minute load average after the configuration (2 CPUs: above ~0.2 the
              machine was not quiet).

With --repeat R each run is made R times and the fastest counts (the least disturbed).
--final-state also writes the jagged final state (the `fs_*` branches).

Modes: `local 1` = this process (jobs=1, threads=1: no helper thread), `local 1+t` = this process
with the writing thread (threads=2, the default), `local 2` = two worker processes (jobs=2),
`dask 1` / `dask 2` = a LocalCluster of 1 or 2 single-threaded workers, warmed up by a small run
first (the workers have imported mcgen and hold the generator). Sinks: `memory` (output=None:
events drawn and discarded), `root` (one ROOT file, written by this process in block order),
`parts` (--parts: each worker writes its own part files, 2^20 events each). Files go to a
temporary directory, deleted at the end.

Wall-clock timing needs a quiet machine: the load average before and after is printed, and what
the machine gives two busy processes (two pure-Python loops at once against one: 100 % on two
free CPUs), the ceiling of `eff`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CARD = REPO / "macros" / "atmospheric_dipole_xenon100.toml"


def generator(final_state: bool = False):
    from mcgen.catalog import load_card
    from mcgen.generator import Generator

    c = load_card(CARD)
    gen = Generator(c.source, c.detector, c.interactions, seed=c.run["seed"],
                    geometry=c.geometry)
    gen.sample(40_000)  # plans, loads every numba function
    from mcgen.production import produce

    with tempfile.TemporaryDirectory() as tmp:  # the writer's first use, out of the timing
        produce(gen, 100_000, Path(tmp) / "warm.root", progress=False,
                final_state=final_state)  # also compiles the final state's functions
    produce(gen, 100_000, None, jobs=2, progress=False)  # starts the fork server
    return gen, c.text


def _own_cpu() -> float:
    import psutil

    t = psutil.Process().cpu_times()
    return t.user + t.system


def worker_cpu(mode: str, client) -> float:
    """CPU seconds so far of the worker processes: dask, the live workers; local, the workers
    that ended (they end with each run; their fork server has collected their times)."""
    if mode == "dask":
        return sum(client.run(_own_cpu).values())
    from multiprocessing import forkserver

    import psutil

    pid = forkserver._forkserver._forkserver_pid
    if pid is None:
        return 0.0
    server = psutil.Process(pid)
    for _ in range(200):  # until the fork server has reaped the ended workers
        if not server.children():
            break
        time.sleep(0.01)
    t = server.cpu_times()
    return t.children_user + t.children_system


def _burn(n: int) -> float:
    t, x = time.perf_counter(), 0.0
    for i in range(n):
        x += i * 0.5
    return time.perf_counter() - t


def machine_scaling(n: int = 20_000_000) -> float:
    """What the machine gives two processes: the time of one pure-Python loop over the time of
    two at once (1.0: two free CPUs; less: other load, or CPUs that are not independent)."""
    import multiprocessing

    one = _burn(n)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_burn, [1000, 1000])  # started
        t = time.perf_counter()
        pool.map(_burn, [n, n])
        two = time.perf_counter() - t
    return one / two


def one_run(gen, text, n: int, sink: str, mode: str, workers: str, client, tmp: Path,
            final_state: bool = False):
    """(wall seconds of the run, CPU seconds of this process, of the workers) for one
    produce call."""
    from mcgen.production import produce

    out = tmp / "out.root"
    kw = dict(chunk_events=1 << 16, run_card=text, progress=False, final_state=final_state)
    if mode == "dask":
        kw["scheduler"] = client
    elif workers == "2":
        kw["jobs"] = 2
    else:
        kw["threads"] = 2 if workers == "1+t" else 1
    if sink == "parts":
        kw["parts"] = tmp / "parts"
    remote = workers != "1" and workers != "1+t" or mode == "dask"
    cpu, wcpu = time.process_time(), worker_cpu(mode, client) if remote else 0.0
    summary = produce(gen, n, out if sink != "memory" else None, **kw)
    cpu = time.process_time() - cpu
    wcpu = worker_cpu(mode, client) - wcpu if remote else 0.0
    for p in (out, tmp / "parts"):
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    return summary.seconds, cpu, wcpu


def measure(gen, text, n1, n2, sink, mode, workers, client, tmp, repeat,
            final_state=False) -> dict:
    """Best of `repeat` (the shortest time: the least disturbed by other load) for each N."""
    runs1, runs2 = ([one_run(gen, text, n, sink, mode, workers, client, tmp, final_state)
                     for _ in range(repeat)] for n in (n1, n2))
    (t1, cpu1, wcpu1), (t2, cpu2, wcpu2) = min(runs1), min(runs2)
    marginal = (n2 - n1) / (t2 - t1) if t2 > t1 else float("nan")
    per_1e6 = 1e6 / (n2 - n1)
    return {"sink": sink, "mode": mode, "workers": workers, "n1": n1, "n2": n2, "t1": t1,
            "t2": t2, "rate": n2 / t2, "marginal": marginal, "start": t1 - n1 / marginal,
            "parent_cpu_per_1e6": (cpu2 - cpu1) * per_1e6,
            "cpu_per_1e6": (cpu2 + wcpu2 - cpu1 - wcpu1) * per_1e6,
            "cpu_start": cpu1 + wcpu1 - (cpu2 + wcpu2 - cpu1 - wcpu1) * n1 / (n2 - n1),
            "load": os.getloadavg()[0]}


def configurations(modes, sinks):
    for sink in sinks:
        if "local" in modes:
            yield sink, "local", "1", None
            if sink == "root":
                yield sink, "local", "1+t", None
            yield sink, "local", "2", None
        if "dask" in modes:
            yield sink, "dask", "1", 1
            yield sink, "dask", "2", 2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=float, nargs=2, default=[2e6, 1e7], metavar=("N1", "N2"))
    ap.add_argument("--modes", nargs="+", default=["local", "dask"], choices=["local", "dask"])
    ap.add_argument("--sinks", nargs="+", default=["memory", "root", "parts"],
                    choices=["memory", "root", "parts"])
    ap.add_argument("--repeat", type=int, default=1, help="runs per N; the fastest counts")
    ap.add_argument("--final-state", action="store_true",
                    help="also write the jagged final state (fs_* branches)")
    ap.add_argument("--json", help="write the raw results to this file")
    args = ap.parse_args()
    from mcgen.process import keep_freed_memory, skip_numba_extensions

    keep_freed_memory()  # this process is set up as the `mcgen run` executable sets up its own
    skip_numba_extensions()
    n1, n2 = (int(n) for n in args.events)
    gen, text = generator(args.final_state)
    print(f"load average before: {os.getloadavg()}, {os.cpu_count()} CPUs; two busy processes "
          f"run at {machine_scaling():.0%} of twice one")
    rows, clusters = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for sink, mode, workers, n_dask in configurations(args.modes, args.sinks):
                client = None
                if n_dask is not None:
                    client = clusters.get(n_dask) or _cluster(n_dask, clusters, gen, text)
                rows.append(measure(gen, text, n1, n2, sink, mode, workers, client, Path(tmp),
                                    args.repeat, args.final_state))
                _print(rows[-1], rows)
        finally:
            for cluster, client in clusters.values():
                client.close()
                cluster.close()
    print(f"load average after: {os.getloadavg()}; two busy processes run at "
          f"{machine_scaling():.0%} of twice one")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


def _cluster(n: int, clusters: dict, gen, text):
    from distributed import Client

    from mcgen.production import produce
    from mcgen.production.runners import local_cluster

    for cluster, client in clusters.values():  # one cluster at a time on 2 cores
        client.close()
        cluster.close()
    clusters.clear()
    cluster = local_cluster(n)  # as mcgen run --scheduler local makes it
    client = Client(cluster)

    # every worker imports mcgen and plans the generator (cached for the runs measured)
    produce(gen, 20 * 32768, None, scheduler=client, part_events=32768, progress=False)
    clusters[n] = (cluster, client)
    return client


HEADER = (f"{'sink':7} {'mode':6} {'workers':>7} {'rate ev/s':>10} {'marginal':>10} "
          f"{'start s':>8} {'CPU s/1e6':>9} {'parent':>6} {'CPU start':>9} {'eff':>5} "
          f"{'CPU eff':>7} {'load':>5}")


def _print(row: dict, rows: list) -> None:
    if len(rows) == 1:
        print(HEADER)
    eff = cpu_eff = ""
    if row["workers"] == "2":
        one = [r for r in rows if (r["sink"], r["mode"], r["workers"]) ==
               (row["sink"], row["mode"], "1")]
        if one:
            eff = f"{row['marginal'] / (2 * one[0]['marginal']):.0%}"
            cpu_eff = f"{one[0]['cpu_per_1e6'] / row['cpu_per_1e6']:.0%}"
    print(f"{row['sink']:7} {row['mode']:6} {row['workers']:>7} {row['rate']:10.3g} "
          f"{row['marginal']:10.3g} {row['start']:8.2f} {row['cpu_per_1e6']:9.3f} "
          f"{row['parent_cpu_per_1e6']:6.3f} {row['cpu_start']:9.2f} {eff:>5} {cpu_eff:>7} "
          f"{row['load']:5.2f}",
          flush=True)


if __name__ == "__main__":
    main()
