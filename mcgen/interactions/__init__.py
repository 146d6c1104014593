"""Interactions: one class per process, each handing the sampler channels (process x target)."""

from .base import Channel, Interaction
from .dipole import DipoleNucleusElastic
from .electron import NuElectronElastic

__all__ = ["Channel", "DipoleNucleusElastic", "Interaction", "NuElectronElastic"]
