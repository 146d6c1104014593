"""Interactions: one class per process, each handing the sampler channels (process x target)."""

from .base import PROCESSES, Channel, Interaction
from .cevns import CEvNS
from .dipole import DipoleNucleusElastic
from .electron import NuElectronElastic
from .ionization import AtomicIonizationEPA
from .upscattering import DipolePortalElectron, DipolePortalNucleus

__all__ = ["PROCESSES", "AtomicIonizationEPA", "CEvNS", "Channel", "DipoleNucleusElastic",
           "DipolePortalElectron", "DipolePortalNucleus", "Interaction", "NuElectronElastic"]
