"""mcgen: Monte Carlo event generator for low-energy neutrino electromagnetic and
dipole-portal physics. See README.md for a tour.

The public names are the core classes below plus every registered process and source kind
(`mcgen.interactions.PROCESSES`, `mcgen.sources.SOURCE_KINDS`), exported under their class
names without being listed here.
"""

from . import (
    _numba_cache,  # noqa: F401  (first: sets numba's cache directory)
    io,  # noqa: F401  (registers the output writers)
)
from ._version import __version__
from .detectors import Detector, Material, Target
from .errors import ConfigError
from .generator import Generator, RunSummary
from .geometry import Box, Cylinder, Direction, Geometry, Point, Site, Sphere
from .interactions import PROCESSES, Interaction
from .particle import Particle
from .registry import exported
from .sources import SOURCE_KINDS, Oscillation, Source

__all__ = ["Box", "ConfigError", "Cylinder", "Detector", "Direction", "Generator", "Geometry",
           "Interaction", "Material", "Oscillation", "Particle", "Point", "RunSummary", "Site",
           "Source", "Sphere", "Target", "__version__"]
globals().update(exported(PROCESSES) | exported(SOURCE_KINDS))
__all__ += sorted(exported(PROCESSES)) + sorted(exported(SOURCE_KINDS))
