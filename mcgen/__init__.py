"""mcgen: Monte Carlo event generator for low-energy neutrino electromagnetic and
dipole-portal physics. See README.md for a tour."""

from . import _numba_cache  # noqa: F401  (first: sets numba's cache directory)
from ._version import __version__
from .detectors import Detector, Material, Target
from . import io  # noqa: F401  (registers the output writers)
from .errors import ConfigError
from .generator import Generator, RunSummary
from .geometry import Box, Cylinder, Direction, Geometry, Point, Site, Sphere
from .particle import Particle
from .interactions import (
    AtomicIonizationEPA,
    CEvNS,
    DipoleNucleusElastic,
    DipolePortalElectron,
    DipolePortalNucleus,
    Interaction,
    NuElectronElastic,
)
from .sources import (
    AtmosphericDipoleSource,
    AtmosphericNeutrinoSource,
    ElectronCaptureSource,
    MomentumPowerLawSource,
    MonoenergeticSource,
    Oscillation,
    ReactorSource,
    SolarSource,
    Source,
    StoppedPionSource,
    TabulatedSource,
)

__all__ = [
    "AtmosphericDipoleSource", "AtmosphericNeutrinoSource", "AtomicIonizationEPA", "Box",
    "CEvNS", "ConfigError", "Cylinder", "DipolePortalElectron", "DipolePortalNucleus",
    "Detector", "DipoleNucleusElastic", "Direction", "ElectronCaptureSource", "Generator",
    "Geometry", "Interaction", "Material", "MomentumPowerLawSource", "MonoenergeticSource",
    "NuElectronElastic", "Oscillation", "Particle", "Point", "ReactorSource", "RunSummary", "Site",
    "SolarSource", "Source", "Sphere", "StoppedPionSource", "TabulatedSource", "Target",
    "__version__",
]
