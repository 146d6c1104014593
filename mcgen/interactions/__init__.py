"""Interactions: one class per process, each handing the sampler channels (process x target)."""

from .base import Channel, Interaction
from .dipole import DipoleNucleusElastic

__all__ = ["Channel", "DipoleNucleusElastic", "Interaction"]
