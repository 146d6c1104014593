"""The hand-over of chunks from local worker processes to the writing process: shared-memory
slots reused for a whole run, the flat branches already in the byte order of a ROOT file
(big-endian), a fall-back through the pipe, and nothing left in /dev/shm after a run."""

from __future__ import annotations

import os
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
from production_helpers import CHUNK, N_EVENTS, assert_same_file, card_generator

from mcgen.production import produce, tasks
from mcgen.production.tasks import Slots, Task, Work, put_chunk


@pytest.fixture(scope="module")
def chunks():
    gen, _ = card_generator()
    return gen, (gen.generate_blocks([0], N_EVENTS, final_state=True),
                 gen.generate_blocks([1, 2], N_EVENTS, final_state=True))


def _put(ev: dict, slot: str) -> dict:
    try:
        return put_chunk(ev, slot, big_endian=True)
    finally:
        tasks._WRITABLE.pop(slot, None)  # this process is not a worker: drop its mapping


def _assert_same_chunk(got: dict, ev: dict) -> None:
    assert list(got) == list(ev)
    for name, a in ev.items():
        if name == "fs":  # awkward buffers go over as they are
            assert ak.array_equal(got[name], a, equal_nan=True)
        else:
            assert got[name].dtype == a.dtype.newbyteorder(">"), name
            assert np.array_equal(got[name], a, equal_nan=True), name


def test_a_slot_holds_big_endian_chunks_and_is_reused_grown_and_dropped(tmp_path, chunks):
    _, (one, two) = chunks
    slots = Slots(str(tmp_path / "mcgen-slot"))
    first = slots.acquire(Task(0, (0,)))
    got = slots.take(_put(one, first))
    _assert_same_chunk(got, one)
    # event numbers 0, 1 as the 8 bytes of a big-endian int64 each (ROOT's byte order)
    assert bytes(got["event"][:2].data) == (0).to_bytes(8, "big") + (1).to_bytes(8, "big")
    slots.release(Task(0, (0,)))
    again = slots.acquire(Task(1, (1, 2)))
    assert again == first  # a written chunk's slot takes the next one
    size = Path(first).stat().st_size
    _assert_same_chunk(slots.take(_put(two, again)), two)  # twice as large: the slot grows
    assert Path(first).stat().st_size > size
    slots.drop(Task(1, (1, 2)))  # drawn again after a worker died: never reused
    assert not Path(first).exists()
    assert slots.acquire(Task(1, (1, 2))) != first
    _put(one, slots.acquire(Task(2, (3,))))
    slots.close()
    assert list(tmp_path.iterdir()) == []


def test_a_chunk_goes_through_the_pipe_when_no_slot_can_be_made(tmp_path, chunks):
    gen, (one, _) = chunks
    missing = str(tmp_path / "no" / "dir" / "slot")
    assert put_chunk(one, missing) is None
    token = "test-handover"
    tasks.install(token, tasks.recipe(gen))
    try:
        result = tasks.work_local(token, Task(0, (0,)), Work(N_EVENTS, big_endian=True),
                                  missing)
    finally:
        tasks.uninstall(token)
    assert "shared" not in result and np.array_equal(result["events"]["event"],
                                                     np.arange(32768))


@pytest.mark.skipif(not tasks.SHM_DIR.is_dir(), reason="no /dev/shm")
def test_two_workers_write_the_one_process_file_and_leave_no_shared_memory(tmp_path):
    gen, text = card_generator()
    gen.run(N_EVENTS, tmp_path / "ref.root", chunk_events=CHUNK, threads=1, run_card=text,
            progress=False)
    produce(gen, N_EVENTS, tmp_path / "j2.root", chunk_events=CHUNK, jobs=2, run_card=text,
            progress=False)
    assert_same_file(tmp_path / "j2.root", tmp_path / "ref.root")
    assert not list(tasks.SHM_DIR.glob(f"mcgen-{os.getpid()}-*"))
