"""A production run (`produce`): its tasks, the single output file (copying the finished
blocks of an unfinished run, then the new ones in order), the part files, and `merge`."""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import awkward as ak
import numpy as np
import uproot
from tqdm import tqdm

from ..errors import ConfigError
from ..generator import CHUNK_EVENTS, Generator, RunClock, RunSummary, jit_cache_is_cold
from ..io.root import RootWriter, strict_json
from ..output import writer_for
from ..sampling.columns import FINAL_STATE_FIELDS
from ..streams import BLOCK_EVENTS
from ..validation import whole_number
from .journal import (
    MANIFEST,
    Journal,
    Syncer,
    check_same,
    locked,
    read_manifest,
    stale_partials,
    write_atomic,
)
from .runners import task_runner
from .tasks import Task, Work, sha

#: Default events per part file (--parts): 32 blocks, ~130 MB of ROOT per part.
PART_EVENTS = 1 << 20


def read_events(tree, start: int, stop: int, branches: list[str],
                final_state: bool) -> dict:
    """Entries [start, stop) of an `events` tree as a chunk for a writer (branch -> numpy
    array, plus "fs", the jagged final state, when it was written)."""
    ev = tree.arrays(branches, entry_start=start, entry_stop=stop, library="np")
    if final_state:
        names = [n for n, _ in FINAL_STATE_FIELDS]
        fs = tree.arrays([f"fs_{n}" for n in names], entry_start=start, entry_stop=stop)
        ev["fs"] = ak.zip({n: fs[f"fs_{n}"] for n in names})
    return ev


def _readable_chunks(path: Path, spans, branches, final_state) -> Iterator[dict]:
    """The chunks of an unfinished run's file for the (start, stop) entry spans, as far as
    they read back and hold the expected event numbers (a damaged file ends the copy)."""
    try:
        with uproot.open(path) as f:
            tree = f["events"]
            for start, stop in spans:
                ev = read_events(tree, start, stop, branches, final_state)
                if not np.array_equal(ev["event"], np.arange(start, stop)):
                    break
                yield ev
    except Exception as exc:  # uproot raises many kinds on a damaged file; regenerate instead
        warnings.warn(f"{path.name}: unreadable after some events ({exc}); the rest is "
                      "generated again", stacklevel=2)


# -- a production run ----------------------------------------------------------------------
class _Production:
    """One run: the generator, its tasks and the writing of their results."""

    def __init__(self, gen: Generator, n_events: int, chunk_blocks: int, compression: str,
                 run_card: str | None, final_state: bool, progress: bool):
        self.gen, self.n_events, self.chunk_blocks = gen, n_events, chunk_blocks
        self.compression, self.run_card, self.final_state = compression, run_card, final_state
        self.branches = gen.branch_names()
        self.meta = gen.metadata(n_events)
        self._codes = {str(it.code) for it in gen.interactions}
        config = json.dumps(self._identity_meta(self.meta), sort_keys=True, default=str)
        self.identity = {"seed": gen.seed, "events": n_events,
                         "card_sha256": None if run_card is None else sha(run_card),
                         "config_sha256": sha(config),
                         "branches": self.branches + (["fs"] if final_state else [])}
        self.bar = tqdm(total=n_events, unit="ev", unit_scale=True,
                        disable=None if progress else True, desc="mcgen")
        self.work = Work(n_events, final_state, compression=compression, run_card=run_card,
                         chunk_blocks=chunk_blocks)

    def tasks(self, blocks_per_task: int, start: int = 0, stop: int | None = None) -> list:
        n_blocks = -(-self.n_events // BLOCK_EVENTS) if stop is None else stop
        return [Task(i // blocks_per_task, tuple(range(i, min(i + blocks_per_task, n_blocks))))
                for i in range(start, n_blocks, blocks_per_task)]

    def span(self, task: Task) -> tuple[int, int]:
        """The task's entries [start, stop)."""
        return (task.blocks[0] * BLOCK_EVENTS,
                min((task.blocks[-1] + 1) * BLOCK_EVENTS, self.n_events))

    def absorb(self, result: dict) -> None:
        self.gen._trials += result["trials"]
        self.gen._accepted += result["accepted"]
        self.bar.update(result["entries"])

    # single file
    def to_file(self, output: Path, writer_cls, runner, resume: bool) -> None:
        if not getattr(writer_cls, "resumable", False):
            if resume:
                warnings.warn(f"--resume: {writer_cls.name} output cannot be resumed; the run "
                              "starts from the first event", stacklevel=2)
            for stale in stale_partials(output):  # killed runs' (no lock: never a live one's)
                stale.unlink(missing_ok=True)
            return self._write(output, writer_cls, runner, None, None)
        with Journal(output) as journal:
            if resume and journal.read()[0] is None and self._complete(output):
                warnings.warn(f"--resume: {output} is complete already (same card, seed, events "
                              "and configuration); nothing to do", stacklevel=2)
                self.bar.update(self.n_events)
                journal.finish()
                return
            source = journal.begin(self.identity, resume)
            # The rule for a stopped run. Interrupted (KeyboardInterrupt: Ctrl-C, or SIGTERM and
            # SIGHUP through mcgen.cli): the partial file and the journal stay for --resume.
            # Any other exception is a failure, an OSError included (ENOSPC, EFBIG, EROFS ...:
            # the same run fails again in the same way until the user acts, and a full disk
            # is better freed of a useless partial file): the writer removes the partial file
            # it made, also when creating it failed, and a fresh run removes its journal, so
            # nothing is left. A failed --resume keeps the journal and the partial file of the
            # interrupted run it continued: their blocks are still good for a later --resume.
            # A SIGKILL leaves both; the next run of this output removes them (Journal.begin).
            try:
                self._write(output, writer_cls, runner, journal, source)
            except KeyboardInterrupt:
                raise
            except BaseException:
                if source is None:
                    journal.finish()
                raise
            journal.finish()

    def _complete(self, output: Path) -> bool:
        """Whether output is this run, finished (a requeued batch job with --resume)."""
        try:
            with uproot.open(output) as f:
                meta = json.loads(str(f["metadata"]))
                card = str(f["run_card"]) if "run_card" in f else None
                entries = f["events"].num_entries
        except Exception:  # no file, or not one of ours: not complete
            return False
        meta.pop("branch_units", None)
        config = json.dumps(self._identity_meta(meta), sort_keys=True, default=str)
        return (entries == self.n_events and card == self.run_card
                and sha(config) == self.identity["config_sha256"])

    def _identity_meta(self, meta: dict) -> dict:
        """The metadata that identifies a run: all of it, except that of the registered
        process codes only this run's count (processes defined by another program, e.g. an
        extension, must not make a resume refuse)."""
        meta = strict_json(meta)
        meta["process_codes"] = {c: n for c, n in meta.get("process_codes", {}).items()
                                 if c in self._codes}
        return meta

    def _write(self, output, writer_cls, runner, journal, source) -> None:
        kwargs = {"keep_partial": True} if journal is not None else {}
        with writer_cls(output, compression=self.compression, final_state=self.final_state,
                        branches=self.branches, **kwargs) as w:
            if journal is not None:  # listed at once: a failure or an interrupt may come next
                journal.record(w.tmp, 0, 0)
            w.metadata(self.meta, self.run_card)
            done = 0
            with Syncer(w, journal) as syncer:
                if source is not None:
                    done = self._copy(*source, w, syncer)
                tasks = self.tasks(self.chunk_blocks, start=done)
                # chunks handed over from workers come in the byte order uproot writes
                work = replace(self.work, big_endian=isinstance(w, RootWriter))
                for task, result in runner.map(tasks, work, ordered=True):
                    w.extend(result["events"])
                    syncer.written(task.blocks[-1] + 1, self.span(task)[1])
                    self.absorb(result)

    def _copy(self, path: Path, n_blocks: int, w, syncer: Syncer) -> int:
        """Copy the first n_blocks blocks of an unfinished run's file into w, chunk by chunk as
        the run wrote them; returns the blocks copied (fewer if the file is damaged)."""
        tasks = self.tasks(self.chunk_blocks, stop=n_blocks)
        chunks = _readable_chunks(path, [self.span(t) for t in tasks], self.branches,
                                  self.final_state)
        done = 0
        with contextlib.closing(chunks):  # closes the file before it is removed
            for task, ev in zip(tasks, chunks):
                w.extend(ev)
                done = task.blocks[-1] + 1
                syncer.written(done, self.span(task)[1])
                self.bar.update(ev["event"].size)
        return done

    # part files
    def to_parts(self, directory: Path, runner, resume: bool, part_blocks: int) -> None:
        with locked(directory, f"--parts {str(directory)!r}"):
            tasks = self.tasks(part_blocks)
            width = max(5, len(str(len(tasks) - 1)))
            manifest = self._begin_parts(directory, resume, part_blocks, len(tasks))
            for stale in directory.glob(".part-*.root.part*"):  # a killed worker's file
                stale.unlink()
            done = {p["index"] for p in manifest["parts"]}
            self.bar.update(sum(p["events"] for p in manifest["parts"]))
            work = replace(self.work, parts=str(directory.resolve()), width=width)
            for _, result in runner.map([t for t in tasks if t.index not in done], work,
                                        ordered=False):
                manifest["parts"] = sorted(manifest["parts"] + [result["part"]],
                                           key=lambda p: p["index"])
                write_atomic(directory / MANIFEST, json.dumps(manifest, indent=1))
                self.absorb(result)
            manifest["complete"] = True
            write_atomic(directory / MANIFEST, json.dumps(manifest, indent=1))

    def _begin_parts(self, directory: Path, resume: bool, part_blocks: int,
                     n_parts: int) -> dict:
        old = read_manifest(directory)
        parts = []
        if old is not None and resume:
            check_same(old.get("identity", {}), self.identity, f"the run in {directory}")
            if old["part_events"] != part_blocks * BLOCK_EVENTS:
                raise ConfigError(f"--part-events = {part_blocks * BLOCK_EVENTS}: the run in "
                                  f"{directory} has {old['part_events']}; give the same")
            parts = [p for p in old["parts"] if (directory / p["file"]).is_file()]
        elif old is not None:
            if old.get("parts"):
                warnings.warn(f"replacing the {len(old['parts'])} part files of an earlier run "
                              f"in {directory} (--resume would have kept them)", stacklevel=2)
            for p in old.get("parts", []):
                (directory / p["file"]).unlink(missing_ok=True)
        elif any(directory.iterdir()):
            raise ConfigError(f"--parts {str(directory)!r}: not empty and not an mcgen part "
                              "directory (no manifest.json); give a new or empty directory")
        manifest = {"mcgen_parts": 1, "identity": self.identity, "events": self.n_events,
                    "part_events": part_blocks * BLOCK_EVENTS, "n_parts": n_parts,
                    "chunk_events": self.chunk_blocks * BLOCK_EVENTS,
                    "compression": self.compression, "final_state": self.final_state,
                    "branches": self.branches, "complete": False, "metadata": self.meta,
                    "run_card": self.run_card, "parts": parts}
        manifest = json.loads(json.dumps(strict_json(manifest), default=str))
        write_atomic(directory / MANIFEST, json.dumps(manifest, indent=1))
        return manifest

    def nowhere(self, runner, part_blocks: int) -> None:
        """Draw and drop (timing): tasks as large as parts, fewer for a scheduler to hand out."""
        for _, result in runner.map(self.tasks(part_blocks), replace(self.work, keep=False),
                                    ordered=False):
            self.absorb(result)


def _parts_dir(parts) -> Path:
    d = Path(parts)
    if d.exists() and not d.is_dir():
        raise ConfigError(f"--parts {str(parts)!r}: is a file; give a directory")
    if not d.parent.is_dir():
        raise ConfigError(f"--parts {str(parts)!r}: directory {str(d.parent)!r} does not exist")
    d.mkdir(exist_ok=True)
    return d


def produce(gen: Generator, n_events: int, output: str | os.PathLike | None, *,
            chunk_events: int = CHUNK_EVENTS, compression: str = "lz4",
            run_card: str | None = None, progress: bool = True, threads: int = 2,
            final_state: bool = False, format: str | None = None, resume: bool = False,
            jobs: int = 1, scheduler=None, parts: str | os.PathLike | None = None,
            part_events: int = PART_EVENTS) -> RunSummary:
    """Generator.run for production: the same events, resumable and spread over workers.

    resume: complete an unfinished run of this output (or part directory) instead of
    starting over. jobs: local worker processes (1: this process, with `threads`).
    scheduler: a dask.distributed scheduler address ("tcp://HOST:PORT"), "local" (a
    LocalCluster of `jobs` workers) or a distributed.Client. parts: write a directory of part
    files of part_events events each (rounded up to whole blocks) and a manifest.json instead
    of `output`. The events, their numbers and weights do not depend on any of these.
    """
    n_events = whole_number("run.events", n_events, 0)
    chunk_blocks = -(-whole_number("run.chunk_events", chunk_events, 1) // BLOCK_EVENTS)
    part_blocks = -(-whole_number("run.part_events", part_events, 1) // BLOCK_EVENTS)
    jobs = whole_number("run.jobs", jobs, 1)
    if threads not in (1, 2):
        raise ConfigError(f"run.threads = {threads!r}: allowed are 1 and 2")
    writer_cls = writer_for(output, format) if output is not None and parts is None else None
    if writer_cls is not None:
        writer_cls(output, compression=compression)  # a bad output fails before any work
    final_state = final_state or bool(writer_cls and writer_cls.needs_final_state)
    directory = _parts_dir(parts) if parts is not None else None
    clock = RunClock()  # numba's compiling or loading is reported apart
    compile_here = (jobs > 1 or scheduler is not None) and n_events > 0 and jit_cache_is_cold()
    for _ in gen.iter_chunks(0):  # plans; refuses a run in which no event is possible
        pass
    if compile_here:  # once, here, where the clock sees it; the workers load the cache
        gen.generate_blocks([0], n_events, final_state)
    clock.planned()
    gen._trials = gen._accepted = 0
    run = _Production(gen, n_events, chunk_blocks, compression, run_card, final_state,
                      progress)
    with task_runner(gen, threads, jobs, scheduler) as runner:
        if directory is not None:
            run.to_parts(directory, runner, resume, part_blocks)
        elif output is not None:
            run.to_file(Path(output), writer_cls, runner, resume)
        else:
            run.nowhere(runner, part_blocks)
    run.bar.close()
    mc, err = gen.acceptance_estimate()
    shown = directory if directory is not None else output
    return clock.summary(gen.expected_events, n_events, None if shown is None else str(shown),
                         mc, err)


def merge(directory: str | os.PathLike, output: str | os.PathLike, *,
          compression: str | None = None) -> int:
    """Join the part files of a complete ``--parts`` run into one ROOT file, equal to a
    one-process run (same tree contents, metadata and run card); returns the events."""
    d = Path(directory)
    m = read_manifest(d)
    if m is None:
        raise ConfigError(f"mcgen merge {str(directory)!r}: no {MANIFEST} (not a directory "
                          "written by mcgen run --parts)")
    parts = sorted(m["parts"], key=lambda p: p["index"])
    if not m["complete"] or len(parts) != m["n_parts"]:
        raise ConfigError(f"mcgen merge {str(directory)!r}: the run is unfinished ({len(parts)} "
                          f"of {m['n_parts']} parts); complete it with mcgen run ... --parts "
                          f"{directory} --resume")
    with RootWriter(output, compression=compression or m["compression"],
                    final_state=m["final_state"], branches=m["branches"]) as w:
        w.metadata(m["metadata"], m["run_card"])
        for p in parts:
            _copy_part(d / p["file"], p, m, w)
    return int(m["events"])


def _copy_part(path: Path, part: dict, manifest: dict, w) -> None:
    if not path.is_file():
        raise ConfigError(f"mcgen merge: part {str(path)!r} is missing; rerun with --resume")
    step = manifest["chunk_events"]
    with uproot.open(path) as f:
        tree = f["events"]
        for lo in range(0, part["events"], step):
            hi = min(lo + step, part["events"])
            ev = read_events(tree, lo, hi, manifest["branches"], manifest["final_state"])
            first = part["first_event"]
            if not np.array_equal(ev["event"], np.arange(first + lo, first + hi)):
                raise ConfigError(f"mcgen merge: part {str(path)!r} does not hold events "
                                  f"{first + lo} to {first + hi - 1}")
            w.extend(ev)
