"""Output writers, registered by format name and file extension (``mcgen run -o out.root``).

A writer is a context manager built as ``cls(path, compression=..., final_state=...,
branches=[...])`` with ``metadata(meta, run_card)`` (called once, before the events) and
``extend(events)`` (one chunk: dict branch -> array, plus "fs", the jagged final state, when
final_state is on or the class sets ``needs_final_state``); it writes under a temporary name and
renames on success. The ROOT
writer lives in mcgen.io.root; a new format is its own module with a `Writer` subclass that
defines ``name`` and ``extensions``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import ClassVar

from .errors import ConfigError
from .registry import Registered, Registry

#: Every output writer, keyed by its format name (``--format``).
WRITERS: Registry[type[Writer]] = Registry("run.format")


class Writer(Registered, registry=WRITERS):
    """Base class of output writers (see the module docstring)."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]
    #: The format needs the jagged final state of every event (e.g. HepMC3's particles).
    needs_final_state: ClassVar[bool] = False

    @classmethod
    def output_paths(cls, path: str | os.PathLike) -> tuple[Path, Path]:
        """(the checked output path, an unused temporary name beside it, ``.NAME.partPID``):
        ConfigError if the name lacks the format's extension, is a directory or its directory
        does not exist."""
        out = check_output_path(path, cls.extensions)
        # tmp-1, tmp-2 ... if taken: never another run's partial file (a process id can come
        # again, e.g. in a container)
        tmp = base = out.with_name(f".{out.name}.part{os.getpid()}")
        n = 0
        while tmp.exists():
            n += 1
            tmp = base.with_name(f"{base.name}-{n}")
        return out, tmp


def check_output_path(path: str | os.PathLike, extensions: tuple[str, ...],
                      field: str = "run.output") -> Path:
    """The output path, if its name ends in one of `extensions`, it is not a directory and its
    directory exists; else ConfigError naming `field`. (Used by the writers, by `mcgen run`
    before its heavy imports with the extensions read from the writers' source, and by
    `mcgen geometry`.)"""
    out = Path(path)
    if not out.name.endswith(tuple(extensions)):
        raise ConfigError(f"{field} = {str(path)!r}: must end in {' or '.join(extensions)}")
    if out.is_dir():
        raise ConfigError(f"{field} = {str(path)!r}: is a directory; give a file name")
    if not out.parent.is_dir():
        why = "is not a directory" if out.parent.exists() else "does not exist"
        raise ConfigError(f"{field} = {str(path)!r}: directory {str(out.parent)!r} {why}")
    return out


def partial_files(output: str | os.PathLike) -> dict[Path, int]:
    """The partial files of `output` in its directory (``.NAME.partPID``, ``.NAME.partPID-N``,
    see Writer.output_paths), each with the process id of the run that wrote it."""
    out = Path(output)
    pattern = re.compile(re.escape(f".{out.name}.part") + r"(\d+)(?:-\d+)?")
    found = {}
    for path in out.parent.iterdir():
        m = pattern.fullmatch(path.name)
        if m is not None and path.is_file():
            found[path] = int(m.group(1))
    return found


def writer_for(path: str | os.PathLike, format: str | None = None) -> type[Writer]:
    """The writer of a format name, or else the one whose extension the path ends in."""
    if format is not None:
        return WRITERS[format]
    name = Path(path).name
    for cls in (WRITERS[n] for n in WRITERS):
        if any(name.endswith(ext) for ext in cls.extensions):
            return cls
    allowed = [e for n in WRITERS for e in WRITERS[n].extensions]  # registration order
    raise ConfigError(f"run.output = {str(path)!r}: must end in {' or '.join(allowed)}")
