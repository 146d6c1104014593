"""Shared by tests/test_resume.py and tests/test_parallel.py: the generator of the default card,
file comparison (every branch, metadata, run card), and a slow generator whose worker a test
can kill in the middle of a task (importable by spawned and dask workers: tests/ is on their
sys.path)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import awkward as ak
import pytest
import uproot
from conftest import DEFAULT_CARD

from mcgen.catalog import load_card
from mcgen.generator import Generator

#: 5 blocks of 32768 events, the last one partial.
N_EVENTS = 150_000
CHUNK = 32768


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    """A fixture (tests/conftest.py loads this module as a plugin): the uninterrupted
    one-process run (Generator.run, not mcgen.production) of N_EVENTS with the jagged final
    state, which every split, parallel or resumed run must equal."""
    gen, text = card_generator()
    path = tmp_path_factory.mktemp("ref") / "ref.root"
    gen.run(N_EVENTS, path, chunk_events=CHUNK, threads=1, final_state=True, run_card=text,
            progress=False)
    return path


def card_generator(cls: type = Generator) -> tuple[Generator, str]:
    """The default run card's generator (seed from the card) and the card's text."""
    c = load_card(DEFAULT_CARD)
    return cls(c.source, c.detector, c.interactions, seed=c.run["seed"],
               geometry=c.geometry), c.text


def contents(path) -> tuple[ak.Array, str, str | None, list[str]]:
    with uproot.open(path) as f:
        tree = f["events"]
        card = str(f["run_card"]) if "run_card" in f else None
        return tree.arrays(), str(f["metadata"]), card, list(tree.keys())


def assert_same_file(path, reference) -> None:
    """Same branches, entries (every value, NaN = NaN), metadata and run card."""
    (a, meta_a, card_a, keys_a), (b, meta_b, card_b, keys_b) = contents(path), contents(reference)
    assert keys_a == keys_b
    assert meta_a == meta_b and card_a == card_b
    assert len(a) == len(b)
    for field in a.fields:
        assert ak.array_equal(a[field], b[field], equal_nan=True), field


class SlowGenerator(Generator):
    """Takes 0.3 s more per task and first leaves its process id in `started` (a directory),
    so that a test can kill the worker in the middle of a task."""

    started: str | None = None

    def generate_blocks(self, block_ids, n_events, final_state=False):
        if self.started is not None:
            Path(self.started, str(os.getpid())).touch()
        time.sleep(0.3)
        return super().generate_blocks(block_ids, n_events, final_state)


def kill_first_worker(started: Path) -> tuple[list[int], threading.Event]:
    """SIGKILL the first worker process that starts a task (in a background thread); returns
    the list the killed pid goes into and the event that stops the watching."""
    killed, stop = [], threading.Event()

    def watch():
        while not stop.is_set():
            pids = [int(p.name) for p in started.iterdir() if int(p.name) != os.getpid()]
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
                return
            time.sleep(0.01)

    threading.Thread(target=watch, daemon=True).start()
    return killed, stop
