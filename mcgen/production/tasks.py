"""What a task is (consecutive blocks of a run) and how a worker does it: the Generator
as workers receive it (`recipe`), cached once per process and thread, a chunk drawn or a part
file written, and the hand-over of chunks through shared memory (tmpfs) to the writer."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import mmap
import os
import pickle
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import awkward as ak
import numpy as np

from ..generator import Generator
from ..io.root import RootWriter
from ..process import keep_freed_memory, skip_numba_extensions
from ..streams import BLOCK_EVENTS
from .journal import alive


@dataclass(frozen=True)
class Task:
    """Consecutive blocks drawn together: a chunk of one file, or a part file."""

    index: int
    blocks: tuple[int, ...]


@dataclass(frozen=True)
class Work:
    """What every task of a run shares (small: sent with each task)."""

    n_events: int
    final_state: bool = False
    keep: bool = True  # return the events (one output file); False: count them only
    parts: str | None = None  # write each task as a part file into this directory
    compression: str = "lz4"
    chunk_blocks: int = 2  # blocks per written chunk of a part
    run_card: str | None = None
    width: int = 5  # digits of the part number in part file names
    big_endian: bool = False  # hand chunks over with flat branches as ROOT stores them


def part_name(index: int, width: int = 5) -> str:
    """File name of part `index` (zero-padded: name order is event order)."""
    return f"part-{index:0{width}d}.root"


def sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def recipe(gen: Generator) -> bytes:
    """The Generator as workers receive it: pickled without its plan (rates and proposal
    tables, up to ~200 MB for a near source: each worker plans once instead)."""
    bare = copy.copy(gen)
    bare._plan = None
    return pickle.dumps(bare, protocol=pickle.HIGHEST_PROTOCOL)


# -- what runs in a worker -----------------------------------------------------------------
_RECIPES: dict[str, bytes] = {}  # token -> pickled Generator (set by the pool initializer)
_LOCAL = threading.local()  # per thread: the unpickled Generator of the current run


def _generator(token: str) -> Generator:
    """The run's Generator, unpickled once per process and thread (its counters are its own)
    from the recipe installed by the pool initializer or the dask plugin."""
    cache = _LOCAL.__dict__.setdefault("generators", {})
    if token not in cache:
        cache.clear()  # an earlier run's generator is not needed any more
        cache[token] = pickle.loads(_RECIPES[token])
    return cache[token]


def init_worker(token: str, recipe: bytes, parent: int | None = None) -> None:
    # Ctrl-C reaches the whole process group: the parent decides what stops
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    keep_freed_memory()
    skip_numba_extensions()
    install(token, recipe)
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True,
                         name="mcgen-parent-watch").start()


#: How often a worker checks that the process that started the run is alive [s].
PARENT_POLL_S = 0.5


def _exit_with(parent: int) -> None:
    """End this worker process when the run's process `parent` is gone (killed with SIGKILL,
    it cannot stop its workers; the worker's own parent is the fork server, which waits for
    this worker: without this, both and the resource tracker would live on, holding the run's
    output streams open)."""
    while alive(parent):
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def work_local(token: str, task: Task, work: Work, slot: str | None = None) -> dict:
    """A task in a local worker process; with `slot`, its chunk is handed over in that
    shared-memory file (put_chunk) instead of being pickled through the pipe."""
    result = execute(_generator(token), task, work)
    if slot is not None and result["events"] is not None:
        shared = put_chunk(result["events"], slot, work.big_endian)
        if shared is not None:
            result.update(events=None, shared=shared)
    return result


#: Where local workers hand their chunks to the writing process: files in memory (tmpfs), a
#: few "slots" reused for the whole run and kept mapped by both sides, instead of pickling ~17
#: MB a chunk through a pipe. Reuse matters: a new file per chunk cost the writer 0.09 CPU s
#: per 1e6 events in freeing its pages and faulting them in again (measured,
#: benchmarks/bench_scaling.py). Linux only; elsewhere, or when tmpfs is full, through the pipe.
SHM_DIR = Path("/dev/shm")
_WRITABLE: dict[str, mmap.mmap] = {}  # in a worker: slot path -> its mapping


def _mapped_for_writing(path: str, size: int) -> mmap.mmap | None:
    """This worker's mapping of slot `path`, grown to at least `size` bytes (pages reserved
    with fallocate: a full tmpfs is an OSError here, never a SIGBUS later); None if no room."""
    m = _WRITABLE.get(path)
    if m is not None and len(m) >= size:
        return m
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    try:
        if os.fstat(fd).st_size < size:
            os.posix_fallocate(fd, 0, size + size // 8)  # room for a slightly larger chunk
        m = mmap.mmap(fd, 0)
    except (OSError, AttributeError):  # tmpfs full; no posix_fallocate (not Linux)
        return None
    finally:
        os.close(fd)
    _WRITABLE[path] = m
    return m


def put_chunk(ev: dict, path: str, big_endian: bool = False) -> dict | None:
    """Copy a chunk's arrays (and the buffers of its jagged final state) into slot `path`;
    big_endian: the flat branches in the byte order a ROOT file stores, so that the writer
    passes them to uproot unconverted (the swap is done in this copy, for free). Returns where
    each array is, or None if the slot cannot hold it."""
    arrays = {k: v for k, v in ev.items() if k != "fs"}
    fs = None
    if "fs" in ev:
        form, length, buffers = ak.to_buffers(ev["fs"])
        fs = (form.to_json(), length)
        arrays.update({f"fs/{k}": v for k, v in buffers.items()})
    layout, offset = [], 0
    for key, a in arrays.items():
        a = np.asarray(a)
        dtype = a.dtype.newbyteorder(">") if big_endian and "/" not in key else a.dtype
        offset += -offset % 8  # aligned for any dtype
        layout.append((key, dtype.str, a.shape, offset))
        offset += a.nbytes
    mapped = _mapped_for_writing(path, offset)
    if mapped is None:
        return None
    for (_, dtype, shape, at), a in zip(layout, arrays.values()):
        np.ndarray(shape, dtype, buffer=mapped, offset=at)[...] = a
    return {"path": path, "layout": layout, "fs": fs, "size": offset}


class Slots:
    """The writing process's side of the shared-memory slots (`prefix-N` files): which slot
    each task in flight writes into, the free ones, and read-only mappings of them. A slot is
    reused once the chunk in it is written (`release`); the slot of a task drawn again after a
    worker died is dropped (the dying worker may still write into it)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self._free: list[str] = []
        self._of: dict[int, str] = {}  # task index -> slot
        self._maps: dict[str, mmap.mmap] = {}
        self._made = 0

    def acquire(self, task: Task) -> str:
        if not self._free:
            self._free.append(f"{self.prefix}-{self._made}")
            self._made += 1
        self._of[task.index] = slot = self._free.pop()
        return slot

    def release(self, task: Task) -> None:
        """The task's chunk is written: its slot may take another one."""
        slot = self._of.pop(task.index, None)
        if slot is not None:
            self._free.append(slot)

    def drop(self, task: Task) -> None:
        slot = self._of.pop(task.index, None)
        if slot is not None:
            self._maps.pop(slot, None)
            with contextlib.suppress(OSError):
                os.unlink(slot)

    def take(self, shared: dict) -> dict:
        """The chunk a worker put into a slot: arrays on this process's mapping of it (valid
        until the slot is released)."""
        path = shared["path"]
        mapped = self._maps.get(path)
        if mapped is None or len(mapped) < shared["size"]:
            with open(path, "rb") as f:
                mapped = self._maps[path] = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        ev, buffers = {}, {}
        for key, dtype, shape, offset in shared["layout"]:
            a = np.frombuffer(mapped, dtype, count=int(np.prod(shape)), offset=offset)
            if key.startswith("fs/"):
                buffers[key[3:]] = a
            else:
                ev[key] = a.reshape(shape)
        if shared["fs"] is not None:
            form, length = shared["fs"]
            ev["fs"] = ak.from_buffers(ak.forms.from_json(form), length, buffers)
        return ev

    def close(self) -> None:
        """Remove every slot (and the chunk files of killed runs)."""
        self._maps.clear()  # the mappings go with the last arrays on them
        for n in range(self._made):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.prefix}-{n}")
        clean_shared(self.prefix)


def clean_shared(prefix: str) -> None:
    """Remove the chunk files of this run that no one will read (an interrupt, a dead worker)
    and those of earlier runs whose process is gone (killed)."""
    for path in SHM_DIR.glob("mcgen-*"):
        pid = path.name.split("-")[1]
        if str(path).startswith(prefix) or (pid.isdigit() and not alive(int(pid))):
            path.unlink(missing_ok=True)


def work_dask(token: str, task: Task, work: Work) -> dict:
    """A task on a dask worker (the recipe came with daskplugin.RecipePlugin)."""
    return execute(_generator(token), task, work)


def install(token: str, recipe: bytes) -> None:
    """Make a run's recipe available to the tasks of this process."""
    _RECIPES[token] = recipe


def uninstall(token: str) -> None:
    _RECIPES.pop(token, None)


def execute(gen: Generator, task: Task, work: Work) -> dict:
    """Draw a task's blocks: {"events": chunk or None, "part": part entry or None, "entries",
    "trials", "accepted"} (the sampler's counts, for the acceptance cross-check)."""
    trials, accepted = gen._trials, gen._accepted
    if work.parts is None and work.keep:
        ev = gen.generate_blocks(task.blocks, work.n_events, work.final_state)
        out = {"events": ev, "part": None, "entries": ev["event"].size}
    elif work.parts is None:  # drawn and dropped, a chunk at a time (a task may be large)
        out = {"events": None, "part": None, "entries": sum(
            gen.generate_blocks(task.blocks[i:i + work.chunk_blocks], work.n_events)
            ["event"].size for i in range(0, len(task.blocks), work.chunk_blocks))}
    else:
        part = write_part(gen, task, work)
        out = {"events": None, "part": part, "entries": part["events"]}
    out.update(trials=gen._trials - trials, accepted=gen._accepted - accepted)
    return out


def write_part(gen: Generator, task: Task, work: Work) -> dict:
    """Write a task's blocks as a part file (chunk by chunk; renamed when complete)."""
    path = Path(work.parts) / part_name(task.index, work.width)
    with RootWriter(path, compression=work.compression, final_state=work.final_state,
                    branches=gen.branch_names()) as w:
        w.metadata(gen.metadata(work.n_events), work.run_card)
        for i in range(0, len(task.blocks), work.chunk_blocks):
            w.extend(gen.generate_blocks(task.blocks[i:i + work.chunk_blocks], work.n_events,
                                         work.final_state))
    first = task.blocks[0] * BLOCK_EVENTS
    stop = min((task.blocks[-1] + 1) * BLOCK_EVENTS, work.n_events)
    return {"index": task.index, "file": path.name, "blocks": [task.blocks[0],
            task.blocks[-1] + 1], "first_event": first, "events": stop - first}
