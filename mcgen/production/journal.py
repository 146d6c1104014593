"""What makes a run resumable: the lock on its output, the journal of a single output file
(`Journal`, written once chunks are durable: `Syncer`) and the manifest of a part directory."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import warnings
from pathlib import Path

from ..errors import ConfigError
from ..output import partial_files

try:
    import fcntl
except ImportError:  # no advisory locks (Windows): concurrent runs are not detected
    fcntl = None

MANIFEST = "manifest.json"


@contextlib.contextmanager
def locked(path: Path, what: str):
    """An exclusive lock on `path` (a file or a directory) for the run: a second run on the
    same output stops at once. A killed run's lock goes with its process."""
    flags = os.O_RDONLY if path.is_dir() else os.O_RDWR | os.O_CREAT | os.O_APPEND
    fd = os.open(path, flags, 0o644)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ConfigError(f"{what}: another mcgen run is writing it (lock on "
                                  f"{str(path)!r})") from None
        yield fd
    finally:
        os.close(fd)


def check_same(old: dict, new: dict, what: str) -> None:
    """ConfigError unless an unfinished run `old` is the run `new` (its identity)."""
    shown = {"card_sha256": lambda v: f"a run card of sha256 {str(v)[:12]}",
             "seed": lambda v: f"seed {v}", "events": lambda v: f"{v} events",
             "branches": lambda v: f"{len(v or [])} branches ("
                                   f"{'with' if v and 'fs' in v else 'without'} the final state)",
             "config_sha256": lambda v: f"a configuration of sha256 {str(v)[:12]} (source, "
                                        "detector, interactions, mcgen version)"}
    for key, show in shown.items():
        if old.get(key) != new.get(key):
            raise ConfigError(f"--resume: {what} was made with {show(old.get(key))}, this run "
                              f"has {show(new.get(key))}; give the same card, seed and events, "
                              "or run without --resume to start over")


class Journal:
    """``.NAME.journal`` beside one output file: the first line is the run's identity, every
    further line says that a partial file holds its first `blocks` blocks, written once they
    are durably in it. Used as a context manager it locks the output for the run.

    A run that starts over (no --resume, or nothing to resume) removes the partial files the
    journal lists and every other partial file of the output whose process is gone (a killed
    run's, also one a damaged or lost journal no longer lists); a resumed run all of them but
    the one it continues. Never one of a live process (another run of the output holds the
    lock, and this one stops before it removes anything)."""

    def __init__(self, output: Path):
        self.output = output
        self.path = output.with_name(f".{output.name}.journal")
        self._fd = None
        self._existed = False
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Journal:
        self._existed = self.path.is_file()  # (locking creates it)
        self._fd = self._stack.enter_context(locked(self.path, f"run.output = "
                                                                f"{str(self.output)!r}"))
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def read(self) -> tuple[dict | None, dict[str, int]]:
        """(identity or None, partial file name -> blocks it holds)."""
        lines = self.path.read_text(errors="replace").splitlines()
        try:
            identity = json.loads(lines[0])["identity"]
        except (IndexError, ValueError, KeyError, TypeError):
            return None, {}
        held: dict[str, int] = {}
        for line in lines[1:]:
            try:
                rec = json.loads(line)
                held[rec["file"]] = max(held.get(rec["file"], 0), int(rec["blocks"]))
            except (ValueError, KeyError, TypeError):
                break  # a line cut short by a kill: the end of the journal
        return identity, held

    def damaged(self) -> bool:
        """Whether the journal was there before this run but says no run (empty or garbled:
        a kill between its truncation and first line, a damaged disk, an edit)."""
        return self._existed and self.read()[0] is None

    def _append(self, record: dict) -> None:
        os.write(self._fd, (json.dumps(record) + "\n").encode())
        os.fsync(self._fd)

    def record(self, file: Path, blocks: int, entries: int) -> None:
        self._append({"file": file.name, "blocks": int(blocks), "entries": int(entries)})

    def _existing(self, held: dict[str, int]) -> dict[str, int]:
        return {f: b for f, b in held.items() if (self.output.parent / f).is_file()}

    def begin(self, identity: dict, resume: bool) -> tuple[Path, int] | None:
        """Start the journal of a run; with resume, (partial file, blocks it holds) of the
        unfinished run to continue (ConfigError if it was another run), or None."""
        old, held = self.read()
        held = self._existing(held) if old is not None else {}
        best = max(held, key=held.get, default=None)
        if old is not None and resume:
            check_same(old, identity, f"the unfinished run of {self.output.name}")
            # an earlier attempt holding fewer blocks, or a killed run's unlisted file
            self._remove((set(held) | self._stale()) - {best})
            return (self.output.parent / best, held[best]) if best else None
        if resume and self.damaged():
            warnings.warn(f"--resume: the journal {self.path.name} of {self.output} is damaged "
                          "(unreadable): the run starts over from the first event",
                          stacklevel=2)
        elif resume:
            lost = sorted(self._stale())  # (no journal lists them)
            why = f" (removing the partial files of killed runs: {', '.join(lost)})" if lost \
                else ""
            warnings.warn(f"--resume: no unfinished run of {self.output}{why}; starting from "
                          "the first event", stacklevel=2)
        elif best is not None:
            warnings.warn(f"replacing an unfinished run of {self.output} ({held[best]} blocks "
                          "done; --resume would have completed it)", stacklevel=2)
        self._remove(set(held) | self._stale())
        try:
            os.ftruncate(self._fd, 0)
            self._append({"mcgen_journal": 1, "output": self.output.name,
                          "identity": identity})
        except BaseException:  # (a full disk): a journal without its first line is no use
            self.path.unlink(missing_ok=True)
            raise
        return None

    def _stale(self) -> set[str]:
        """The output's partial files whose writing process is gone (killed), or is this one
        (an earlier run in this process, e.g. interrupted: the lock this run holds means no
        other writer here)."""
        return {p.name for p in stale_partials(self.output, this_process=True)}

    def _remove(self, files) -> None:
        for f in files:
            (self.output.parent / f).unlink(missing_ok=True)

    def finish(self) -> None:
        """The output is complete (or a fresh run failed): remove the journal, every partial
        file it lists and those of killed runs."""
        self._remove(set(self.read()[1]) | self._stale())
        self.path.unlink(missing_ok=True)


def stale_partials(output: Path, this_process: bool = False) -> list[Path]:
    """The partial files of `output` whose writing process is gone (a killed run's), with
    this_process those of this process too (only under the output's lock)."""
    return [p for p, pid in partial_files(output).items()
            if (this_process and pid == os.getpid()) or not alive(pid)]


def alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine (a zombie, killed but not yet waited for,
    does not); on Windows always taken as alive (there os.kill would end it)."""
    if os.name == "nt":
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):  # no /proc
        return True


class Syncer:
    """Records written chunks in the journal once they are durable: the fsync runs in a
    background thread (it flushes everything written before it started, so the newest chunk
    then is safe to record), and the writer never waits for the disk. `written(blocks,
    entries)` after each chunk; leaving (also on an interrupt) records all that was written.
    Without a journal (a writer that cannot resume) it does nothing."""

    def __init__(self, writer, journal: Journal | None):
        self.writer, self.journal = writer, journal
        self._latest, self._closing, self._error = None, False, None
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="mcgen-fsync", daemon=True)

    def __enter__(self) -> Syncer:
        if self.journal is not None:
            self._thread.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.journal is None:
            return
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._thread.join()
        if self._error is not None and exc_type is None:
            raise self._error

    def written(self, blocks: int, entries: int) -> None:
        if self._error is not None:
            raise self._error
        with self._cond:
            self._latest = (blocks, entries)
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._latest is None and not self._closing:
                    self._cond.wait()
                latest, self._latest = self._latest, None
            if latest is None:
                return
            try:
                self.writer.sync()
                self.journal.record(self.writer.tmp, *latest)
            except Exception as exc:  # raised in the writing thread at the next chunk
                self._error = exc
                return


def read_manifest(directory: Path) -> dict | None:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError:
        raise ConfigError(f"{str(path)!r}: not valid JSON (not an mcgen part directory?)") \
            from None


def write_atomic(path: Path, text: str) -> None:
    """Replace a file by new content, never leaving a half-written one (fsync, rename)."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
