"""Placeholder: being written (issue 3)."""

from __future__ import annotations

from ..errors import ConfigError
from ..sampling.dispatch import PROC_UPSCATTER_ELECTRON, PROC_UPSCATTER_NUCLEUS
from .base import Interaction


class DipolePortalNucleus(Interaction):
    """Not implemented yet."""

    name = "dipole_portal_nucleus"
    process = PROC_UPSCATTER_NUCLEUS

    def __init__(self, *args, **kwargs):
        raise ConfigError(f"interaction.process = {self.name!r}: not implemented yet")

    def component_channels(self, component, detector):
        return []

    def t_dsigma_bound(self, channel, T_edges):
        raise NotImplementedError

    def describe(self) -> dict:
        return {"process": self.name}


class DipolePortalElectron(Interaction):
    """Not implemented yet."""

    name = "dipole_portal_electron"
    process = PROC_UPSCATTER_ELECTRON

    def __init__(self, *args, **kwargs):
        raise ConfigError(f"interaction.process = {self.name!r}: not implemented yet")

    def component_channels(self, component, detector):
        return []

    def t_dsigma_bound(self, channel, T_edges):
        raise NotImplementedError

    def describe(self) -> dict:
        return {"process": self.name}
