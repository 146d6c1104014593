"""Sources: what flies into the detector (spectrum, particle, direction)."""

from .base import Direction, Source
from .dipole import AtmosphericDipoleSource, MomentumPowerLawSource

__all__ = ["AtmosphericDipoleSource", "Direction", "MomentumPowerLawSource", "Source"]
