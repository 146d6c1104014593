"""Point numba's on-disk cache at a directory named after a hash of mcgen's source code.

Numba invalidates a cached function only when its own file changes, not when a function it
calls (in another file) does; after an edit or a `git pull`, stale machine code could run.
Keying the cache directory on the whole package's source makes any change recompile all.
Respects NUMBA_CACHE_DIR if the user set it. Old directories can be deleted at will.

Set through the environment, without importing numba, so that `import mcgen` and the light
commands (`mcgen list`, `--help`) stay fast; worker processes inherit the same directory.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path


def _source_hash() -> str:
    h = hashlib.sha1()
    for path in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def configure() -> None:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mcgen"
    os.environ["NUMBA_CACHE_DIR"] = str(base / f"numba-{_source_hash()}")
    if "numba" in sys.modules:  # numba read its configuration already
        sys.modules["numba"].config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]


configure()
