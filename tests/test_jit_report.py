"""numba's compiling is timed apart from a run (RunSummary.jit_seconds, .compiled) so that the
first run of an mcgen version does not report a misleading events/s."""

from __future__ import annotations

from numba import njit

from mcgen.generator import JIT, RunClock, RunSummary


def test_the_clock_sees_a_compilation():
    n0, s0 = JIT.compilations, JIT.seconds
    clock = RunClock()

    @njit
    def twice(x):
        return 2 * x

    clock.planned()
    assert twice(21) == 42  # compiled now, during "generation"
    s = clock.summary(1.0, 10, None, 1.0, 0.1)
    assert JIT.compilations > n0 and JIT.seconds > s0
    assert s.compiled and s.jit_seconds > 0 and s.plan_seconds >= 0
    assert s.seconds >= 0  # the compilation is not counted as generation
    assert "compiling the kernels" in s.report()


def test_a_run_without_numba_work_reports_none():
    s = RunSummary(1.0, 10, 0.5, None, 1.0, 0.1, plan_seconds=0.1)
    assert not s.compiled and s.jit_seconds == 0.0 and s.events_per_second == 20.0
    assert "numba             : 0.00 s (kernels loaded already)" in s.report()
