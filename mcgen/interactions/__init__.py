"""Interactions: one class per process, each handing the sampler channels (process x target)."""

from .base import Channel, Interaction
from .cevns import CEvNS
from .dipole import DipoleNucleusElastic
from .electron import NuElectronElastic
from .ionization import AtomicIonizationEPA
from .upscattering import DipolePortalElectron, DipolePortalNucleus

__all__ = ["AtomicIonizationEPA", "CEvNS", "Channel", "DipoleNucleusElastic",
           "DipolePortalElectron", "DipolePortalNucleus", "Interaction", "NuElectronElastic"]
