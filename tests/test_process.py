"""mcgen.process: the set-up of processes that run mcgen only (the executable, workers)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from mcgen.process import start_up


def test_start_up_pauses_the_collector_then_freezes_what_lives():
    """Inside start_up the cyclic collector is off; after it the objects made inside are frozen
    (gc.freeze) and the collector is as it was before, also when the block raises."""
    was = gc.isenabled()
    gc.enable()
    try:
        frozen = gc.get_freeze_count()
        with start_up():
            assert not gc.isenabled()
            kept = [[i] for i in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(kept)
        with pytest.raises(ValueError), start_up():
            raise ValueError("inside")
        assert gc.isenabled()
        gc.disable()
        with start_up():
            pass
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()


def test_process_module_is_light():
    """Importing mcgen.process loads no numba, numpy or scipy (the executable imports it
    before its heavy imports, to pause the collector for them)."""
    code = ("import sys, mcgen.process; "
            "print([m for m in ('numba', 'numpy', 'scipy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
