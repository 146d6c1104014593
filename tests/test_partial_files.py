"""Partial files (``.NAME.partPID``) never outlive their use: a run that fails, however early
(a file size limit while the file's header is written), removes its own and leaves an existing
output file unchanged; a run that starts over removes those of killed runs, also when their
journal is damaged, empty or missing, but never one of a live process."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import uproot
from conftest import DEFAULT_CARD

from mcgen.cli import main
from mcgen.io.root import RootWriter
from mcgen.production import Journal

RUN = ["run", str(DEFAULT_CARD), "-q"]


def _leftovers(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def _dead_pid() -> int:
    """The process id of a process that has ended (a finished subprocess)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _events(path) -> np.ndarray:
    with uproot.open(path) as f:
        return f["events"]["event"].array(library="np")


def _limited(limit_bytes: int):
    def set_limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return set_limit


def test_a_file_size_limit_leaves_no_partial_file_and_the_old_output_unchanged(tmp_path,
                                                                                capsys):
    out = tmp_path / "tiny.root"
    assert main(RUN + ["-n", "100", "-o", str(out)]) == 0  # (also: the kernels are cached)
    good = out.read_bytes()
    assert len(good) > 20_000  # the limits below fail before the file is complete
    capsys.readouterr()
    # 0 to 16 KiB: while the header, the empty tree or the metadata are written (the journal,
    # too, at 0); 96 KiB, 2 chunks: while events are written
    runs = [(limit, ["-n", "100"]) for limit in (0, 1024, 2048, 8192, 16384)]
    runs.append((96 * 1024, ["-n", "40000"]))
    procs = []
    for limit, n in runs:  # side by side, each on its own copy of the good output
        (tmp_path / str(limit)).mkdir()
        (tmp_path / str(limit) / out.name).write_bytes(good)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "mcgen.cli", *RUN, *n, "-o", str(tmp_path / str(limit) /
                                                                 out.name)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=_limited(limit)))
    for (limit, _), proc in zip(runs, procs):
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, (limit, err)
        assert err.startswith("mcgen: error: output: File too large"), (limit, err)
        assert err.count("\n") == 1, (limit, err)
        assert _leftovers(tmp_path / str(limit)) == []
        assert (tmp_path / str(limit) / out.name).read_bytes() == good


def _killed_run(out) -> None:
    """A run of `out` killed (SIGKILL) while it writes: its partial file and journal stay."""
    proc = subprocess.Popen([sys.executable, "-m", "mcgen.cli", *RUN, "-n", "1e8", "-o",
                             str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not any(p.stat().st_size > 0 for p in out.parent.glob(f".{out.name}.part*")):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


@pytest.mark.parametrize("damage", ["garbage", "empty"])
def test_resume_with_a_damaged_journal_starts_over_and_removes_dead_partial_files(
        tmp_path, capsys, damage):
    out = tmp_path / "d.root"
    _killed_run(out)
    journal = Journal(out).path
    killed = [p.name for p in tmp_path.glob(".d.root.part*")]
    assert len(killed) == 1 and journal.is_file()
    journal.write_text("garbage{{{\n" if damage == "garbage" else "")
    (tmp_path / f".d.root.part{_dead_pid()}-1").write_bytes(b"x" * 100)  # a second attempt's
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    live = tmp_path / f".d.root.part{sleeper.pid}"  # a live process's: never touched
    live.write_bytes(b"y" * 100)
    try:
        # (fewer events than the killed run: a damaged journal cannot say which run it was)
        assert main(RUN + ["-n", "1000", "-o", str(out), "--resume"]) == 0
    finally:
        sleeper.kill()
        sleeper.wait()
    err = capsys.readouterr().err
    assert (f"mcgen: warning: --resume: the journal .d.root.journal of {out} is damaged "
            "(unreadable): the run starts over from the first event") in err
    assert np.array_equal(_events(out), np.arange(1000))
    assert _leftovers(tmp_path) == [live.name]
    assert live.read_bytes() == b"y" * 100


def test_a_missing_journal_and_a_fresh_run_remove_dead_partial_files(tmp_path, capsys):
    out = tmp_path / "m.root"
    stale = tmp_path / f".m.root.part{_dead_pid()}"
    other = tmp_path / f".m.root.partial.part{_dead_pid()}"  # another output's name
    for path in (stale, other):
        path.write_bytes(b"x" * 100)
    assert main(RUN + ["-n", "1000", "-o", str(out), "--resume"]) == 0
    err = capsys.readouterr().err
    assert (f"--resume: no unfinished run of {out} (removing the partial files of killed "
            f"runs: {stale.name}); starting from the first event") in err
    assert _leftovers(tmp_path) == [other.name]

    stale.write_bytes(b"x" * 100)
    assert main(RUN + ["-n", "1000", "-o", str(out)]) == 0  # without --resume, the same
    assert _leftovers(tmp_path) == [other.name]
    assert np.array_equal(_events(out), np.arange(1000))


def test_a_resumed_run_continues_its_partial_file_and_removes_unlisted_dead_ones(
        tmp_path, monkeypatch, capsys):
    out = tmp_path / "r.root"
    argv = RUN + ["-n", "100000", "--chunk-events", "32768", "--threads", "1", "-o", str(out)]
    count, extend = [0], RootWriter.extend

    def interrupting(self, events):
        count[0] += 1
        if count[0] == 3:  # two chunks are in the partial file
            raise KeyboardInterrupt
        extend(self, events)

    with monkeypatch.context() as m:
        m.setattr(RootWriter, "extend", interrupting)
        assert main(argv) == 128 + signal.SIGINT
    kept = _leftovers(tmp_path)
    assert len(kept) == 2  # the partial file and the journal
    stale = tmp_path / f".r.root.part{_dead_pid()}"
    stale.write_bytes(b"x" * 100)
    capsys.readouterr()
    copied = []
    monkeypatch.setattr(RootWriter, "extend",
                        lambda self, ev: (copied.append(ev["event"][0]), extend(self, ev)))
    assert main(argv + ["--resume"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert copied[:2] == [0, 32768]  # the kept chunks were copied, not drawn again
    assert np.array_equal(_events(out), np.arange(100000))
    assert _leftovers(tmp_path) == []


def test_a_hepmc3_run_removes_dead_partial_files_but_not_live_ones(tmp_path):
    pytest.importorskip("pyhepmc")
    out = tmp_path / "h.hepmc3"
    stale = tmp_path / f".h.hepmc3.part{_dead_pid()}"
    stale.write_bytes(b"x" * 100)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    live = tmp_path / f".h.hepmc3.part{sleeper.pid}"  # (HepMC3 runs take no lock)
    live.write_bytes(b"y" * 100)
    try:
        assert main(RUN + ["-n", "100", "-o", str(out)]) == 0
    finally:
        sleeper.kill()
        sleeper.wait()
    assert _leftovers(tmp_path) == [live.name] and out.is_file()
