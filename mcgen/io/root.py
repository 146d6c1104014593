"""ROOT output through uproot: a TTree `events` written chunk by chunk, plus metadata.

The file is written under a temporary name in the target directory (``.NAME.partPID``),
flushed to disk (fsync) and renamed when closed without error; on error (any exception, an
OSError such as a full disk or a file size limit included, also one while the file is created)
the temporary file is removed, so no half file ever carries the final name and none is left
behind. With ``keep_partial=True`` an interrupted run (KeyboardInterrupt: Ctrl-C, SIGTERM
through mcgen.cli) keeps it for ``--resume`` (mcgen.production keeps the journal that says
which blocks it holds).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from pathlib import Path

import uproot

from ..errors import ConfigError
from ..output import Writer
from ..sampling.columns import BRANCH_TYPES, BRANCH_UNITS, FINAL_STATE_TYPE

COMPRESSIONS = {
    "zstd": lambda: uproot.ZSTD(1),
    "lz4": lambda: uproot.LZ4(1),
    "zlib": lambda: uproot.ZLIB(1),
    "none": lambda: None,
}


def strict_json(value):
    """The value with every NaN or infinite float replaced by None, so that the metadata is
    standard JSON (null), readable by any JSON parser."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    return value


class RootWriter(Writer):
    """Context manager: ``with RootWriter(path) as w: w.extend(events); w.metadata(...)``.

    Objects written besides the tree: `metadata` (TObjString, JSON: seed, version, expected
    count, process codes, branch units, source/detector/interaction parameters) and `run_card`
    (TObjString, the TOML run card, if given).
    """

    name = "root"
    extensions = (".root",)
    #: mcgen.production can resume an interrupted run from the temporary file (`tmp`, `sync`).
    resumable = True

    def __init__(self, path: str | os.PathLike, *, compression: str = "zstd",
                 final_state: bool = False, branches: list[str] | None = None,
                 keep_partial: bool = False):
        if compression not in COMPRESSIONS:
            raise ConfigError(
                f"run.compression = {compression!r}: allowed are {sorted(COMPRESSIONS)}"
            )
        self.path, self.tmp = self.output_paths(path)
        self.compression = compression
        self.final_state = final_state
        self.keep_partial = keep_partial
        self.branches = list(BRANCH_TYPES) if branches is None else list(branches)
        self._file = None
        self._tree = None

    def __enter__(self) -> RootWriter:
        """Create the temporary file with the empty tree; if that fails (e.g. a file size
        limit or a full disk while writing the header: EFBIG, ENOSPC), or is interrupted, the
        file is removed: it holds no event, and __exit__ is not called."""
        try:
            self._file = uproot.recreate(self.tmp,
                                         compression=COMPRESSIONS[self.compression]())
            types = {name: BRANCH_TYPES[name] for name in self.branches}
            if self.final_state:
                types["fs"] = FINAL_STATE_TYPE
            self._tree = self._file.mktree("events", types, title="mcgen events")
        except BaseException:
            self._discard()
            raise
        return self

    def _discard(self) -> None:
        """Close what is open, ignoring the errors of a failed file, and remove it."""
        if self._file is not None:
            with contextlib.suppress(Exception):
                self._file.close()
        self.tmp.unlink(missing_ok=True)

    def extend(self, events: dict) -> None:
        """Append one chunk (dict branch name -> array; only the tree's branches are used)."""
        keys = self.branches + (["fs"] if self.final_state else [])
        self._tree.extend({k: events[k] for k in keys})

    def metadata(self, meta: dict, run_card: str | None = None) -> None:
        meta = dict(meta, branch_units={k: BRANCH_UNITS[k] for k in self.branches})
        self._file["metadata"] = json.dumps(strict_json(meta), indent=1, default=str,
                                            allow_nan=False)
        if run_card is not None:
            self._file["run_card"] = run_card

    def sync(self) -> None:
        """Make what was written so far durable (fsync; uproot has flushed it to the OS after
        each extend), so that a journal may record it: a power cut cannot undo it."""
        _fsync(self.tmp)

    def __exit__(self, exc_type, exc, tb) -> None:
        """Close; the file takes its final name only if the run and the close both succeeded,
        so an existing file of that name is never replaced by a broken one."""
        closed = False
        try:
            self._file.close()
            if exc_type is None:  # the data on disk before the name: a crash never leaves
                _fsync(self.tmp)  # the final name on incomplete data
            closed = True
        finally:
            if exc_type is None and closed:
                os.replace(self.tmp, self.path)
            elif not (self.keep_partial and exc_type is not None
                      and issubclass(exc_type, KeyboardInterrupt)):
                self.tmp.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
