"""Sources: what flies into the detector (spectrum, particle, direction)."""

from .base import SOURCE_KINDS, Component, Direction, Oscillation, Source, TimeKind, TimeModel
from .dipole import AtmosphericDipoleSource, MomentumPowerLawSource
from .neutrino import (
    AtmosphericNeutrinoSource,
    ElectronCaptureSource,
    MonoenergeticSource,
    ReactorSource,
    SolarSource,
    StoppedPionSource,
    TabulatedSource,
)

__all__ = ["SOURCE_KINDS", "AtmosphericDipoleSource", "AtmosphericNeutrinoSource", "Component", "Direction",
           "ElectronCaptureSource", "MomentumPowerLawSource", "MonoenergeticSource",
           "Oscillation", "ReactorSource", "SolarSource", "Source", "StoppedPionSource",
           "TabulatedSource", "TimeKind", "TimeModel"]
