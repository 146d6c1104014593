"""mcgen: Monte Carlo event generator for low-energy neutrino electromagnetic and
dipole-portal physics. See README.md for a tour."""

from . import _numba_cache  # noqa: F401  (first: sets numba's cache directory)
from ._version import __version__
from .detectors import Detector, Material, Target
from .errors import ConfigError
from .generator import Generator, RunSummary
from .geometry import Box, Cylinder, Point, Sphere
from .interactions import DipoleNucleusElastic, Interaction, NuElectronElastic
from .sources import AtmosphericDipoleSource, Direction, MomentumPowerLawSource, Source

__all__ = [
    "AtmosphericDipoleSource", "Box", "ConfigError", "Cylinder", "Detector",
    "DipoleNucleusElastic", "Direction", "Generator", "Interaction", "Material",
    "MomentumPowerLawSource", "NuElectronElastic", "Point", "RunSummary", "Source", "Sphere",
    "Target",
    "__version__",
]
