"""Who runs the tasks: this process (with a drawing thread), local worker processes started
from a fork server, or a dask.distributed cluster; each yields the results in block order (one
output file) or as they come (part files), with a bounded window of tasks in flight, and draws
again the tasks of a worker that dies."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import uuid
import warnings
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..errors import ConfigError, WorkerError
from ..generator import Generator, _prefetch
from .tasks import (
    SHM_DIR,
    Slots,
    Task,
    Work,
    execute,
    init_worker,
    recipe,
    sha,
    work_dask,
    work_local,
)

#: Times a task may be started before a dying worker is taken as a systematic failure.
MAX_ATTEMPTS = 3
#: Most chunks in flight for one output file (~16 MB each by default): bounds the memory.
MAX_WINDOW = 16


class _Inline:
    """In this process; threads=2 draws the next task while the result of this one is used."""

    def __init__(self, gen: Generator, threads: int):
        self.gen, self.threads = gen, threads

    def map(self, tasks, work: Work, ordered: bool) -> Iterator[tuple[Task, dict]]:
        done = ((t, execute(self.gen, t, work)) for t in tasks)
        return _prefetch(done) if self.threads == 2 else done


def _context():
    """How worker processes start: from a fork server (Unix), itself started fresh like
    `spawn` and with mcgen imported, so that every worker (also a replacement) is a fork of a
    single-threaded process without numba's compiled state or the parent's threads (the writer
    thread, tqdm's monitor, dask's), and starts in a fraction of a second after the first;
    `spawn` where there is no fork server (Windows)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["mcgen.production"])
    return ctx


class _Processes:
    """Local worker processes (see _context), each with the Generator (`recipe`) from its
    initializer. A worker that dies breaks the pool: a new pool draws every unfinished task
    again."""

    def __init__(self, gen: Generator, jobs: int):
        self.recipe = recipe(gen)
        self.token = sha(self.recipe)[:16]
        self.jobs = jobs
        self.slots = (Slots(str(SHM_DIR / f"mcgen-{os.getpid()}-{self.token[:8]}"))
                      if SHM_DIR.is_dir() else None)
        if self.slots is not None:
            self.slots.close()  # leftovers of killed runs
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=_context(), initializer=init_worker,
                                   initargs=(self.token, self.recipe, os.getpid()))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)  # the running chunks end
        if self.slots is not None:
            self.slots.close()

    def _submit(self, task: Task, work: Work, tries: dict):
        tries[task.index] = tries.get(task.index, 0) + 1
        if tries[task.index] > MAX_ATTEMPTS:
            raise WorkerError(f"worker processes died {MAX_ATTEMPTS} times while drawing blocks "
                              f"{task.blocks[0]} to {task.blocks[-1]} (killed? out of memory?)")
        slot = None
        if self.slots is not None and work.keep and work.parts is None:
            self.slots.drop(task)  # drawn again: the slot a dying worker had is not reused
            slot = self.slots.acquire(task)
        try:
            return self.pool.submit(work_local, self.token, task, work, slot)
        except (BrokenProcessPool, OSError) as exc:  # a worker died (or could not start)
            fut = Future()
            fut.set_exception(BrokenProcessPool(str(exc)))
            return fut

    def _restart(self, pending: dict, work: Work, tries: dict) -> dict:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()
        warnings.warn("a worker process died; its blocks are drawn again", stacklevel=2)
        return {(f if _succeeded(f) else self._submit(t, work, tries)): t
                for f, t in pending.items()}  # same order: results still go out in order

    def map(self, tasks, work: Work, ordered: bool) -> Iterator[tuple[Task, dict]]:
        """(task, result) pairs; a chunk handed over in shared memory is valid until the next
        pair is asked for (its slot then takes another chunk): write it, do not keep it."""
        todo, pending, tries = deque(tasks), {}, {}
        window = min(2 * self.jobs + 1, MAX_WINDOW)
        while todo or pending:
            while todo and len(pending) < window:
                task = todo.popleft()
                pending[self._submit(task, work, tries)] = task
            fut = next(iter(pending)) if ordered else next(iter(
                wait(pending, return_when=FIRST_COMPLETED).done))
            try:
                result = fut.result()
            except BrokenProcessPool:
                pending = self._restart(pending, work, tries)
                continue
            task = pending.pop(fut)
            if "shared" in result:
                result["events"] = self.slots.take(result.pop("shared"))
            yield task, result
            if self.slots is not None:
                self.slots.release(task)


def _succeeded(fut) -> bool:
    return fut.done() and not fut.cancelled() and fut.exception() is None


class _Dask:
    """Tasks on a dask.distributed cluster. The pickled Generator (`recipe`) reaches every
    worker, also one that joins later, through a worker plugin (daskplugin); the scheduler
    reruns the tasks of a worker that dies (up to its allowed-failures)."""

    def __init__(self, gen: Generator, client):
        from .daskplugin import RecipePlugin

        self.client = client
        pickled = recipe(gen)
        self.token = sha(pickled)[:16]
        self.run = uuid.uuid4().hex[:8]  # task keys unique to this run
        self.plugin = f"mcgen-{self.token}"
        client.register_plugin(RecipePlugin(self.token, pickled), name=self.plugin)

    def close(self) -> None:
        self.client.unregister_worker_plugin(self.plugin)

    def map(self, tasks, work: Work, ordered: bool) -> Iterator[tuple[Task, dict]]:
        from distributed import KilledWorker
        from distributed import wait as dask_wait

        todo, pending = deque(tasks), {}
        window = min(2 * max(len(self.client.scheduler_info()["workers"]), 1) + 2, MAX_WINDOW)
        try:
            while todo or pending:
                while todo and len(pending) < window:
                    task = todo.popleft()
                    pending[self.client.submit(work_dask, self.token, task, work,
                                               key=f"mcgen-{self.run}-{task.index}")] = task
                if ordered:
                    fut = next(iter(pending))
                else:
                    dask_wait(list(pending), return_when="FIRST_COMPLETED")
                    fut = next(f for f in pending if f.done())
                try:
                    result = fut.result()
                except KilledWorker as exc:  # died more often than allowed-failures
                    raise WorkerError(f"dask workers died while drawing {fut.key} ({exc})") \
                        from None
                yield pending.pop(fut), result
                fut.release()
        finally:
            self.client.cancel(list(pending))


@contextlib.contextmanager
def _dask_client(scheduler, jobs: int):
    """A distributed.Client: the one given, a LocalCluster ("local", `jobs` workers of one
    thread) or a connection to a scheduler address ("tcp://HOST:PORT")."""
    if not isinstance(scheduler, str):
        yield scheduler
        return
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(f"--scheduler = {scheduler!r}: needs dask.distributed (pip install "
                          "'mcgen[dask]')") from None
    if scheduler == "local":
        with local_cluster(jobs if jobs > 1 else None) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise ConfigError(f"--scheduler = {scheduler!r}: cannot connect ({exc}); allowed are "
                          "tcp://HOST:PORT of a running dask scheduler, or local") from None
    with client:
        yield client


#: dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 (memory back to the system at
#: once); every chunk then lands on fresh pages, +30 % CPU for mcgen (measured: 0.26 -> 0.34 CPU
#: s per 1e6 events). Workers of `local_cluster` keep the C library's default.
DASK_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


def local_cluster(n_workers: int | None):
    """A distributed.LocalCluster of single-threaded worker processes (DASK_CONFIG)."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(DASK_CONFIG):
        return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                            dashboard_address=None)


@contextlib.contextmanager
def task_runner(gen: Generator, threads: int, jobs: int, scheduler):
    if scheduler is not None:
        with _dask_client(scheduler, jobs) as client:
            runner = _Dask(gen, client)
            try:
                yield runner
            finally:
                runner.close()
    elif jobs > 1:
        runner = _Processes(gen, jobs)
        try:
            yield runner
        finally:
            runner.close()
    else:
        yield _Inline(gen, threads)
