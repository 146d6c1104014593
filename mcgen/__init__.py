"""mcgen: Monte Carlo event generator for low-energy neutrino electromagnetic and
dipole-portal physics. See README.md for a tour."""

from . import _numba_cache  # noqa: F401  (first: sets numba's cache directory)
from ._version import __version__
from .detectors import Detector, Material, Target
from .errors import ConfigError
from .generator import Generator, RunSummary
from .geometry import Box, Cylinder, Point, Sphere
from .interactions import (
    AtomicIonizationEPA,
    CEvNS,
    DipoleNucleusElastic,
    DipolePortalElectron,
    DipolePortalNucleus,
    Interaction,
    NuElectronElastic,
)
from .sites import Site
from .sources import (
    AtmosphericDipoleSource,
    AtmosphericNeutrinoSource,
    Direction,
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
    "Interaction", "Material", "MomentumPowerLawSource", "MonoenergeticSource",
    "NuElectronElastic", "Oscillation", "Point", "ReactorSource", "RunSummary", "Site",
    "SolarSource", "Source", "Sphere", "StoppedPionSource", "TabulatedSource", "Target",
    "__version__",
]
