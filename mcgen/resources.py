"""The packaged catalogue (geometry/) and run cards (macros/), found with importlib.resources.

They ship inside the package as ``mcgen/_share/geometry`` and ``mcgen/_share/macros`` (in the
repository, symlinks to the top-level folders), so a wheel, an sdist and an editable install
all find them, from any directory. Kept light on purpose (no numba, numpy or other mcgen
modules) so the command line can answer fast.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from .errors import ConfigError

__all__ = ["catalogue_dirs", "find_card", "packaged_cards"]

_SHARE = "_share"


def _packaged(name: str) -> Path | None:
    """The real directory ``mcgen/_share/<name>``, or None (absent, or not on a file system)."""
    root = files("mcgen") / _SHARE / name
    if isinstance(root, Path) and root.is_dir():
        return root.resolve()
    return None


def catalogue_dirs() -> list[Path]:
    """Catalogue directories (each with detectors/, sources/, sites/), earlier ones winning:
    those in $MCGEN_GEOMETRY (os.pathsep-separated; missing ones skipped), then the packaged."""
    dirs = [Path(p) for p in os.environ.get("MCGEN_GEOMETRY", "").split(os.pathsep) if p]
    dirs = [d for d in dirs if d.is_dir()]
    packaged = _packaged("geometry")
    if packaged is not None:
        dirs.append(packaged)
    return dirs


def packaged_cards() -> list[str]:
    """Names (without .toml) of the run cards shipped with mcgen."""
    cards = _packaged("macros")
    return sorted(p.stem for p in cards.glob("*.toml")) if cards is not None else []


def find_card(name_or_path: str | os.PathLike[str]) -> Path:
    """The run card `name_or_path`: that file if it exists, else the packaged card of that
    name ("x", "x.toml" or "macros/x.toml"); ConfigError if neither exists."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    cards = _packaged("macros")
    if cards is not None and path.parent in (Path("."), Path("macros")) and path.name:
        name = path.name if path.name.endswith(".toml") else f"{path.name}.toml"
        if (cards / name).is_file():
            return cards / name
    if path.exists():
        raise ConfigError(f"run card {str(name_or_path)!r}: not a file (a directory?); give "
                          "a TOML run card")
    raise ConfigError(f"run card {str(name_or_path)!r}: not found; packaged cards are "
                      f"{packaged_cards()}")
