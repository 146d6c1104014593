"""Set-up of a process that runs mcgen only: the `mcgen` executable and its worker processes.
These settings are process-wide, so never applied in a user's program (whose own numba code,
memory use and garbage may need the defaults). Light: the standard library only at import."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def start_up() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a process starts (imports, numba's
    first cache load, which registers its whole typing library), then move every object then
    alive to the permanent generation (gc.freeze: no later collection walks them) and let the
    collector run again. Start-up creates ~300,000 objects that live until exit; collected
    as they come, full passes over all of them cost ~0.08 s at numba's start alone (0.19 ->
    0.10 s for its first call, measured) and ~0.08 s of the imports. The pause is short, so
    the cycles it leaves are few (kept, frozen, until exit)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def skip_numba_extensions() -> bool:
    """Let numba skip the third-party extensions it would initialise at its first compilation
    or cache load (entry points "numba_extensions"): mcgen's kernels use none, and awkward's
    alone costs ~0.09 s in every fresh process (~30 % of planning a small card). Returns
    whether numba's switch was found (a private flag of numba.core.entrypoints; another numba
    version simply initialises them)."""
    from numba.core import entrypoints

    if not hasattr(entrypoints, "_already_initialized"):
        return False
    entrypoints._already_initialized = True
    return True


def keep_freed_memory(trim_bytes: int = 256 << 20) -> bool:
    """Make glibc's malloc keep up to `trim_bytes` of freed memory for reuse, and serve blocks
    up to 32 MB (its largest mmap threshold) from it. By default it gives the top of the heap
    back to the system after each task (a chunk, tens of MB, is freed) and the next task faults
    the same pages in again: measured in a worker with the final state, ~5000 page faults and
    +45 % CPU per 65536-event task (24.6 -> 16.5 ms). Returns whether it was applied (glibc
    only; elsewhere nothing changes)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
    return bool(mallopt(m_mmap_threshold, 32 << 20)) and bool(mallopt(m_trim_threshold,
                                                                     trim_bytes))
