"""Placeholder: being written (issue 3)."""

from __future__ import annotations

from ..errors import ConfigError
from ..sampling.dispatch import PROC_CEVNS
from .base import Interaction


class CEvNS(Interaction):
    """Not implemented yet."""

    name = "cevns"
    process = PROC_CEVNS

    def __init__(self, *args, **kwargs):
        raise ConfigError(f"interaction.process = {self.name!r}: not implemented yet")

    def component_channels(self, component, detector):
        return []

    def t_dsigma_bound(self, channel, T_edges):
        raise NotImplementedError

    def describe(self) -> dict:
        return {"process": self.name}
