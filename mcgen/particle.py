"""The particle that flies: one object shared by the source (what it emits), the interactions
(what they need of it) and the propagation through rock (its magnetic moment)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .errors import ConfigError


@dataclass(frozen=True)
class Particle:
    """PDG id, mass [MeV], magnetic moment [mu_B], lifetime as c x proper mean life [mm]
    (inf: stable) and nature ("dirac" or "majorana")."""

    pdg: int
    mass: float = 0.0
    mu_muB: float = 0.0
    lifetime: float = math.inf
    nature: str = "dirac"

    def __post_init__(self):
        if not (self.mass >= 0 and math.isfinite(self.mass)):
            raise ConfigError(f"particle.mass = {self.mass!r}: must be a finite mass >= 0 (MeV)")
        if not (self.mu_muB >= 0 and math.isfinite(self.mu_muB)):
            raise ConfigError(f"particle.mu_muB = {self.mu_muB!r}: must be a finite moment >= 0 "
                              "(mu_B)")
        if self.nature not in ("dirac", "majorana"):
            raise ConfigError(f"particle.nature = {self.nature!r}: allowed are \"dirac\", "
                              "\"majorana\"")

    def with_moment(self, mu_muB: float) -> Particle:
        """The same particle with magnetic moment mu_muB [mu_B]."""
        return replace(self, mu_muB=float(mu_muB))


def bind_moment(particle: Particle, moments: list[tuple[str, float]]) -> Particle:
    """The particle with the magnetic moment the interactions give it (``moments``: (interaction
    name, moment [mu_B]) for each interaction that sets one); different values raise."""
    values = {mu for _, mu in moments}
    if len(values) > 1:
        raise ConfigError(f"interaction.mu_muB: the particle (PDG {particle.pdg}) gets different "
                          f"magnetic moments from {moments}; give one value")
    return particle.with_moment(values.pop()) if values else particle
