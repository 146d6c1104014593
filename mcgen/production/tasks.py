"""What a task is (consecutive blocks of a run) and how a worker does it: the Generator
as workers receive it (`recipe`), cached once per process and thread, a chunk drawn or a part
file written, and the hand-over of chunks through shared memory (tmpfs) to the writer."""

from __future__ import annotations

import copy
import copyreg
import hashlib
import io
import mmap
import os
import pickle
import signal
import threading
import types
import uuid
from dataclasses import dataclass
from pathlib import Path

import awkward as ak
import numpy as np

from ..generator import Generator
from ..io.root import RootWriter
from ..streams import BLOCK_EVENTS


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
    shared: str | None = None  # hand chunks over as files with this path prefix (_share)


def part_name(index: int, width: int = 5) -> str:
    """File name of part `index` (zero-padded: name order is event order)."""
    return f"part-{index:0{width}d}.root"


def sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def recipe(gen: Generator) -> bytes:
    """The Generator as workers receive it: pickled without its plan (rates and proposal
    tables, up to ~200 MB for a near source: each worker plans once instead), read-only
    mappings (types.MappingProxyType, e.g. a source's defaults) as their contents."""
    bare = copy.copy(gen)
    bare._plan = None
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table.copy()
    pickler.dispatch_table[types.MappingProxyType] = lambda m: (_read_only, (dict(m),))
    pickler.dump(bare)
    return buf.getvalue()


def _read_only(mapping: dict) -> types.MappingProxyType:
    return types.MappingProxyType(mapping)


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


def init_worker(token: str, recipe: bytes) -> None:
    # Ctrl-C reaches the whole process group: the parent decides what stops
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    install(token, recipe)


def work_local(token: str, task: Task, work: Work) -> dict:
    result = execute(_generator(token), task, work)
    if work.shared is not None and result["events"] is not None:
        shared = _share(result["events"], work.shared)
        if shared is not None:
            result.update(events=None, shared=shared)
    return result


#: Where local workers hand their chunks to the writing process: files in memory (tmpfs) that
#: the writer maps, instead of pickling ~17 MB a chunk through a pipe (half the writer's time).
#: Linux only; elsewhere, or when it is full, chunks go through the pipe.
SHM_DIR = Path("/dev/shm")


def _share(ev: dict, prefix: str) -> dict | None:
    """Write a chunk's arrays (and the buffers of its jagged final state) into a new file
    `prefix-XXXX`; returns where each array is, or None if it does not fit."""
    arrays = {k: v for k, v in ev.items() if k != "fs"}
    fs = None
    if "fs" in ev:
        form, length, buffers = ak.to_buffers(ev["fs"])
        fs = (form.to_json(), length)
        arrays.update({f"fs/{k}": v for k, v in buffers.items()})
    path = f"{prefix}-{uuid.uuid4().hex[:12]}"
    layout, offset = [], 0
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError:  # not writable: through the pipe
        return None
    try:
        for key, a in arrays.items():
            a = np.ascontiguousarray(a)
            offset += _write_all(fd, bytes(-offset % 8))  # aligned for any dtype
            layout.append((key, a.dtype.str, a.shape, offset))
            offset += _write_all(fd, memoryview(a.reshape(-1)).cast("B"))
    except OSError:  # a full tmpfs
        os.close(fd)
        os.unlink(path)
        return None
    os.close(fd)
    return {"path": path, "layout": layout, "fs": fs}


def _write_all(fd: int, data) -> int:
    done = 0
    while done < len(data):
        done += os.write(fd, data[done:])
    return done


def unshare(shared: dict) -> dict:
    """The chunk a worker shared: arrays on the mapped file, which is unlinked at once (the
    memory lives as long as the arrays)."""
    with open(shared["path"], "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    os.unlink(shared["path"])
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


def clean_shared(prefix: str) -> None:
    """Remove the chunk files of this run that no one will read (an interrupt, a dead worker)
    and those of earlier runs whose process is gone (killed)."""
    for path in SHM_DIR.glob("mcgen-*"):
        pid = path.name.split("-")[1]
        if str(path).startswith(prefix) or (pid.isdigit() and not _alive(int(pid))):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


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
