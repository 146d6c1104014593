"""Sources: what flies into the detector (spectrum, particle, direction)."""

from .base import Component, Direction, Oscillation, Source, TimeModel
from .dipole import AtmosphericDipoleSource, MomentumPowerLawSource

__all__ = ["AtmosphericDipoleSource", "Component", "Direction", "MomentumPowerLawSource",
           "Oscillation", "Source", "TimeModel"]
