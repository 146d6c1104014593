"""Resume: a run stopped at any point (SIGKILL in the middle of a write included) completes with
--resume into the file an uninterrupted run writes; a different card, seed or event count is
refused; a damaged journal or partial file costs only regeneration."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from conftest import DEFAULT_CARD
from production_helpers import CHUNK, N_EVENTS, assert_same_file, card_generator

from mcgen.cli import main
from mcgen.io.root import RootWriter
from mcgen.production import Journal, produce

RUN = ["run", str(DEFAULT_CARD), "-n", str(N_EVENTS), "--chunk-events", str(CHUNK),
       "--threads", "1", "--final-state", "-q"]


def _leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


# A run that SIGKILLs itself in chunk K, once the journal records K - 1 chunks: "after" when the
# chunk is in the file but not yet in the journal, "inside" inside uproot's update of the tree
# metadata (the entry count written, the branches' basket lists not: the state a kill can leave,
# seen with SIGKILL while probing uproot).
KILLER = textwrap.dedent("""
    import json, os, signal, sys, time
    from pathlib import Path
    import uproot.writing._cascadetree as cascade
    import mcgen.production as production
    from mcgen.io.root import RootWriter
    sys.path.insert(0, sys.argv[4])
    from production_helpers import CHUNK, N_EVENTS, card_generator

    mode, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    journal = production.Journal(Path(out)).path
    count = [0]
    die = lambda: os.kill(os.getpid(), signal.SIGKILL)
    extend, updates = RootWriter.extend, cascade.Tree.write_updates

    def recorded():
        try:
            return json.loads(journal.read_text().splitlines()[-1]).get("blocks", 0)
        except (ValueError, IndexError):
            return 0

    def killing_extend(self, events):
        count[0] += 1
        while count[0] == k and recorded() < k - 1:  # (chunks of one block)
            time.sleep(0.001)
        extend(self, events)
        if mode == "after" and count[0] == k:
            die()

    def killing_updates(self, sink):
        if mode == "inside" and count[0] == k:
            write = sink.write
            def write_once(*args):
                write(*args)
                sink.flush()
                die()
            sink.write = write_once
        return updates(self, sink)

    RootWriter.extend, cascade.Tree.write_updates = killing_extend, killing_updates
    gen, text = card_generator()
    production.produce(gen, N_EVENTS, out, chunk_events=CHUNK, threads=1, final_state=True,
                       run_card=text, progress=False)
""")


def test_resume_after_sigkill_at_any_point_gives_the_uninterrupted_file(tmp_path, reference):
    points = [("after", 2), ("inside", 4)]
    runs = []
    for mode, k in points:
        out = tmp_path / mode / "out.root"
        out.parent.mkdir()
        runs.append((out, subprocess.Popen(
            [sys.executable, "-c", KILLER, mode, str(k), str(out), str(DEFAULT_CARD.parents[1]
                                                                        / "tests")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    for out, proc in runs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == -signal.SIGKILL, err
        assert not out.exists()
        assert ".out.root.journal" in _leftovers(out.parent)
    for out, _ in runs:
        gen, text = card_generator()
        summary = produce(gen, N_EVENTS, out, chunk_events=CHUNK, threads=1, final_state=True,
                          run_card=text, progress=False, resume=True)
        assert summary.generated_events == N_EVENTS
        assert_same_file(out, reference)
        assert _leftovers(out.parent) == []


def _interrupt_at(monkeypatch, k: int) -> None:
    """Make the k-th written chunk raise KeyboardInterrupt (as Ctrl-C or SIGTERM would)."""
    count = [0]
    extend = RootWriter.extend

    def interrupting(self, events):
        count[0] += 1
        if count[0] == k:
            raise KeyboardInterrupt
        extend(self, events)

    monkeypatch.setattr(RootWriter, "extend", interrupting)


def test_interrupt_prints_the_resume_command_and_resume_refuses_another_run(
        tmp_path, monkeypatch, capsys, reference):
    out = tmp_path / "out.root"
    with monkeypatch.context() as m:
        _interrupt_at(m, 3)
        assert main(RUN + ["-o", str(out)]) == 128 + signal.SIGINT
    err = capsys.readouterr().err
    assert err.startswith("mcgen: interrupted (SIGINT); the finished blocks are kept")
    assert f"mcgen {' '.join(RUN)} -o {out} --resume" in err and err.count("\n") == 1
    assert not out.exists() and len(_leftovers(tmp_path)) == 2  # the partial and the journal

    edited = tmp_path / "edited.toml"
    edited.write_text(DEFAULT_CARD.read_text() + "\n# edited\n")
    again = RUN + ["-o", str(out), "--resume"]
    for argv, message in [(again + ["--seed", "2"], "was made with seed 1, this run has seed 2"),
                          (again + ["-n", "140000"], "with 150000 events, this run has 140000"),
                          ([again[0], str(edited), *again[2:]], "with a run card of sha256")]:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("mcgen: error: --resume: the unfinished run of out.root")
        assert message in err and err.count("\n") == 1
    assert len(_leftovers(tmp_path)) == 2  # a refused resume changes nothing

    assert main(RUN + ["-o", str(out), "--resume"]) == 0
    assert_same_file(out, reference)
    assert _leftovers(tmp_path) == []
    capsys.readouterr()
    done = out.stat().st_mtime_ns
    assert main(RUN + ["-o", str(out), "--resume"]) == 0  # e.g. a requeued batch job
    assert "is complete already" in capsys.readouterr().err
    assert out.stat().st_mtime_ns == done and _leftovers(tmp_path) == []


def test_a_cut_journal_and_a_damaged_partial_file_only_cost_regeneration(
        tmp_path, monkeypatch, capsys, reference):
    out = tmp_path / "out.root"
    with monkeypatch.context() as m:
        _interrupt_at(m, 4)
        assert main(RUN + ["-o", str(out)]) == 128 + signal.SIGINT
    journal = Journal(out).path
    text = journal.read_text()
    journal.write_text(text[:-20])  # the last record cut short, as by a kill
    assert main(RUN + ["-o", str(out), "--resume"]) == 0
    assert_same_file(out, reference)

    out.unlink()
    with monkeypatch.context() as m:
        _interrupt_at(m, 4)
        assert main(RUN + ["-o", str(out)]) == 128 + signal.SIGINT
    partial = next(p for p in tmp_path.iterdir() if p.name.startswith(".out.root.part"))
    partial.write_bytes(partial.read_bytes()[: partial.stat().st_size // 2])
    capsys.readouterr()
    assert main(RUN + ["-o", str(out), "--resume"]) == 0
    assert "unreadable after some events" in capsys.readouterr().err
    assert_same_file(out, reference)
    assert _leftovers(tmp_path) == []


def test_a_second_run_on_the_same_output_is_refused_and_a_fresh_run_replaces_a_partial(
        tmp_path, monkeypatch, capsys, reference):
    out = tmp_path / "out.root"
    with Journal(out):  # another run holds the output
        assert main(RUN + ["-o", str(out)]) == 2
    assert "another mcgen run is writing it" in capsys.readouterr().err
    with monkeypatch.context() as m:
        _interrupt_at(m, 2)
        assert main(RUN + ["-o", str(out)]) == 128 + signal.SIGINT
    capsys.readouterr()
    assert main(RUN + ["-o", str(out)]) == 0  # without --resume: starts over
    assert "mcgen: warning: replacing an unfinished run" in capsys.readouterr().err
    assert_same_file(out, reference)
    assert _leftovers(tmp_path) == []
