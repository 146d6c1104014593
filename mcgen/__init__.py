"""mcgen: Monte Carlo event generator for low-energy neutrino electromagnetic and
dipole-portal physics. See README.md for a tour.

The public names are the core classes below plus every registered process and source kind
(`mcgen.interactions.PROCESSES`, `mcgen.sources.SOURCE_KINDS`), exported under their class
names without being listed here. They are imported on first use (PEP 562), so that
`import mcgen.cli` and the light commands do not load numba and the physics.
"""

from . import _numba_cache  # noqa: F401  (first: sets numba's cache directory)
from ._version import __version__  # noqa: F401  (public)

#: Core public name -> the module that defines it.
_CORE = {
    "Box": "geometry", "ConfigError": "errors", "Cylinder": "geometry", "Detector": "detectors",
    "Direction": "geometry", "Frame": "geometry", "Generator": "generator", "Geometry": "geometry",
    "Interaction": "interactions", "Material": "detectors", "Oscillation": "sources",
    "Particle": "particle", "Point": "geometry", "RunSummary": "generator", "Site": "geometry",
    "Source": "sources", "Sphere": "geometry", "Target": "detectors",
}


def _registered() -> dict[str, type]:
    """Class name -> class of every registered process and source kind (imports them)."""
    import importlib
    importlib.import_module(".io", __name__)  # registers the output writers
    processes = importlib.import_module(".interactions", __name__).PROCESSES
    kinds = importlib.import_module(".sources", __name__).SOURCE_KINDS
    exported = importlib.import_module(".registry", __name__).exported
    return exported(processes) | exported(kinds)


def __getattr__(name: str):
    import importlib
    if name in _CORE:
        value = getattr(importlib.import_module(f".{_CORE[name]}", __name__), name)
    elif name == "__all__":
        value = sorted(_CORE) + ["__version__"] + sorted(_registered())
    elif name in (found := _registered()):
        value = found[name]
    else:
        raise AttributeError(f"module 'mcgen' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__getattr__("__all__")))
