"""Sources: what flies into the detector (spectrum, particle, direction)."""

from .base import Component, Direction, Oscillation, Source, TimeModel
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

__all__ = ["AtmosphericDipoleSource", "AtmosphericNeutrinoSource", "Component", "Direction",
           "ElectronCaptureSource", "MomentumPowerLawSource", "MonoenergeticSource",
           "Oscillation", "ReactorSource", "SolarSource", "Source", "StoppedPionSource",
           "TabulatedSource", "TimeModel"]
