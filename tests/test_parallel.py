"""Runs spread over workers: local processes (--jobs) and a dask.distributed LocalCluster write
the file of a one-process run, also when a worker is killed in the middle of a task; part
directories (--parts) merge into it and read with uproot.concatenate; an unfinished part
directory resumes."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import time

import awkward as ak
import numpy as np
import pytest
import uproot
from conftest import DEFAULT_CARD
from production_helpers import (
    CHUNK,
    N_EVENTS,
    SlowGenerator,
    assert_same_file,
    card_generator,
    contents,
    kill_first_worker,
)

import mcgen.production as production
from mcgen.cli import main
from mcgen.errors import ConfigError
from mcgen.generator import Generator
from mcgen.production import journal, produce, tasks
from mcgen.production.runners import local_cluster


def _slow(tmp_path):
    gen, text = card_generator(SlowGenerator)
    gen.started = str(tmp_path / "started")
    (tmp_path / "started").mkdir()
    return gen, text


def test_local_processes_with_a_killed_worker_write_the_one_process_file(tmp_path, reference):
    gen, text = _slow(tmp_path)
    killed, stop = kill_first_worker(tmp_path / "started")
    with pytest.warns(UserWarning, match="a worker process died; its blocks are drawn again"):
        summary = produce(gen, N_EVENTS, tmp_path / "j2.root", chunk_events=CHUNK, jobs=2,
                          final_state=True, run_card=text, progress=False)
    stop.set()
    assert killed, "no worker was killed"
    assert summary.generated_events == N_EVENTS
    assert_same_file(tmp_path / "j2.root", reference)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j2.root", "started"]


def test_dask_local_cluster_with_a_killed_worker_writes_the_one_process_file(tmp_path,
                                                                              reference):
    distributed = pytest.importorskip("distributed")
    gen, text = _slow(tmp_path)
    with local_cluster(2) as cluster, distributed.Client(cluster) as client:
        killed, stop = kill_first_worker(tmp_path / "started")
        produce(gen, N_EVENTS, tmp_path / "dask.root", chunk_events=CHUNK, scheduler=client,
                final_state=True, run_card=text, progress=False)
        stop.set()
        assert killed, "no worker was killed"
        assert_same_file(tmp_path / "dask.root", reference)
        produce(card_generator()[0], N_EVENTS, None, parts=tmp_path / "parts",  # no sleep
                part_events=2 * CHUNK, chunk_events=CHUNK, scheduler=client,
                final_state=True, run_card=text, progress=False)
    production.merge(tmp_path / "parts", tmp_path / "merged.root")
    assert_same_file(tmp_path / "merged.root", reference)


def test_parts_merge_into_the_one_process_file_and_read_with_uproot(tmp_path, reference,
                                                                     capsys):
    gen, text = card_generator()
    parts = tmp_path / "parts"
    produce(gen, N_EVENTS, None, parts=parts, part_events=CHUNK, chunk_events=CHUNK,
            final_state=True, run_card=text, progress=False)
    names = sorted(p.name for p in parts.iterdir())
    assert names == ["manifest.json"] + [f"part-0000{i}.root" for i in range(5)]
    assert main(["merge", str(parts), "-o", str(tmp_path / "merged.root")]) == 0
    assert f"merged {N_EVENTS} events" in capsys.readouterr().out
    assert_same_file(tmp_path / "merged.root", reference)

    together = uproot.concatenate(sorted(glob.glob(str(parts / "part-*.root"))),
                                  ["event", "T_recoil_keV", "weight"], library="np")
    ref = contents(reference)[0]
    for name in together:
        assert np.array_equal(together[name], ak.to_numpy(ref[name]))
    # every part carries the whole run's metadata: the weights sum to the expected count
    assert together["weight"].sum() == pytest.approx(gen.expected_events, rel=1e-12)


def test_an_unfinished_part_directory_resumes_and_only_then_merges(tmp_path, reference,
                                                                    monkeypatch):
    gen, text = card_generator()
    parts = tmp_path / "parts"
    write_part, written = tasks.write_part, []

    def interrupted_after_two(gen, task, work):
        if len(written) == 2:
            raise KeyboardInterrupt
        written.append(task.index)
        return write_part(gen, task, work)

    run = dict(parts=parts, part_events=CHUNK, chunk_events=CHUNK, final_state=True,
               run_card=text, progress=False, threads=1)
    with monkeypatch.context() as m:
        m.setattr(tasks, "write_part", interrupted_after_two)
        with pytest.raises(KeyboardInterrupt):
            produce(gen, N_EVENTS, None, **run)
    with pytest.raises(ConfigError, match=r"the run is unfinished \(2 of 5 parts\); complete "
                                          r"it with mcgen run \.\.\. --parts .* --resume"):
        production.merge(parts, tmp_path / "merged.root")
    with pytest.raises(ConfigError, match="was made with seed 1, this run has seed 2"):
        other = Generator(gen.source, gen.detector, gen.interactions, seed=2,
                          geometry=gen.geometry)
        produce(other, N_EVENTS, None, resume=True, **run)
    written.clear()
    with monkeypatch.context() as m:
        m.setattr(tasks, "write_part", lambda *a: written.append(a[1].index)
                  or write_part(*a))
        produce(gen, N_EVENTS, None, resume=True, **run)
    assert written == [2, 3, 4]  # only the missing parts
    production.merge(parts, tmp_path / "merged.root")
    assert_same_file(tmp_path / "merged.root", reference)


def test_a_worker_draws_the_parents_events_from_the_recipe():
    # a reactor source (read-only default tables), a decaying N, the jagged final state: the
    # pickled Generator without its plan draws, after planning itself, the parent's events
    import pickle

    from conftest import ROOT

    from mcgen.catalog import load_card

    card = load_card(ROOT / "macros" / "radiative_reactor_nucleus.toml")
    gen = Generator(card.source, card.detector, card.interactions, seed=card.run["seed"],
                    geometry=card.geometry)
    ours = gen.generate_blocks([2, 3], 100_000, final_state=True)
    worker = pickle.loads(production.recipe(gen))
    assert worker._plan is None and worker.seed == gen.seed
    theirs = worker.generate_blocks([2, 3], 100_000, final_state=True)
    assert list(theirs) == list(ours) and "pdg_decay" in ours
    for name in ours:
        assert ak.array_equal(theirs[name], ours[name], equal_nan=True), name


def test_bad_parallel_settings_are_one_line_errors(tmp_path, capsys):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("not ours")
    for args, message in [(["--jobs", "0"], "run.jobs = 0: must be a whole number >= 1"),
                          (["--parts", str(tmp_path / "full")], "not empty and not an mcgen "
                                                                "part directory"),
                          (["--parts", str(tmp_path / "no" / "dir")], "does not exist")]:
        out = tmp_path / "x.root"
        assert main(["run", str(DEFAULT_CARD), "-n", "100", "-o", str(out), "-q"] + args) == 2
        err = capsys.readouterr().err
        assert err.startswith("mcgen: error: ") and message in err and err.count("\n") == 1
        assert not out.exists()
    assert main(["merge", str(tmp_path), "-o", str(tmp_path / "m.root")]) == 2
    assert "no manifest.json" in capsys.readouterr().err


def _descendants(pid: int) -> set[int]:
    """Processes below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat, "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.split("/")[2]))
    out, todo = set(), [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        out.update(kids)
        todo.extend(kids)
    return out


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs Linux /proc")
def test_workers_end_when_the_run_is_killed(tmp_path):
    """SIGKILL of a --jobs run (no chance to stop its workers): the workers, and with them the
    fork server, end within seconds instead of living on."""
    out = tmp_path / "k.root"
    cmd = [sys.executable, "-m", "mcgen.cli", "run", "radiative_reactor_nucleus", "-q",
           "-n", "5e6", "--chunk-events", "2000", "--jobs", "2", "-o", str(out)]
    run = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not glob.glob(str(tmp_path / ".k.root.part*")) and time.monotonic() < deadline:
            assert run.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)
        time.sleep(0.5)
        below = _descendants(run.pid)
        assert below, "no worker processes found"
    finally:
        run.kill()
        run.wait()
    deadline = time.monotonic() + 20
    while any(journal.alive(p) for p in below) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = {p for p in below if journal.alive(p)}  # (zombies, never waited for, count as gone)
    assert not left, f"processes left running after the run was killed: {sorted(left)}"


def test_mcgen_processes_skip_numba_s_third_party_extensions():
    """skip_numba_extensions (the mcgen executable, workers): kernels run and compile without
    numba initialising third-party extensions (awkward's costs ~0.09 s per fresh process)."""
    code = ("import sys, warnings; warnings.simplefilter('ignore'); "
            "from mcgen.process import skip_numba_extensions; "
            "assert skip_numba_extensions(); import mcgen; from mcgen.catalog import load_card; "
            "c = load_card(sys.argv[1]); "
            "g = mcgen.Generator(c.source, c.detector, c.interactions, seed=1, site=c.site); "
            "ev = g.sample(1000); assert ev['event'].size == 1000; "
            "assert 'awkward._connect.numba.arrayview' not in sys.modules, 'initialised'")
    p = subprocess.run([sys.executable, "-c", code, str(DEFAULT_CARD)], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
