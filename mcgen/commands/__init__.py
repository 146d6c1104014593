"""The sub-commands of `mcgen`, one module each (``mcgen/commands/<name>.py``).

A command module defines ``HELP`` (one line), ``add_arguments(parser)`` and ``main(args) -> int``
and keeps its module-level imports light (standard library only): the parser of every command is
built for ``mcgen --help``, which must not load numba or the physics. A new command is a new
module here; nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def command_modules() -> dict[str, ModuleType]:
    """Command name -> its module, for every module of this package (sorted by name)."""
    found = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return {name: importlib.import_module(f"{__name__}.{name}") for name in found}
