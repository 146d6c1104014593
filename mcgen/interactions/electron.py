"""Neutrino-electron elastic scattering: Standard Model plus a neutrino magnetic moment, on
free electrons or on atomic electrons in the stepping approximation."""

from __future__ import annotations

import numpy as np

from ..constants import ALPHA, G_FERMI, HBARC2, M_ELECTRON, SIN2_THETA_W
from ..detectors import Detector
from ..detectors.shells import binding_steps
from ..physics.dispatch import CrossSection
from ..physics.electron import (
    NUE_GL,
    NUE_GR,
    NUE_N,
    NUE_SHELLS,
    NUE_Z,
    chiral_couplings,
    pack_nu_e,
    stepping_fraction,
    stepping_table,
    t_dsigma_free_sup,
)
from ..sources import Component
from ..validation import MOMENT_MUB, in_open_interval, one_of, zero_or_in_range
from .base import Channel, Interaction

#: |PDG id| -> lepton flavour code of mcgen.physics.electron.chiral_couplings
FLAVOURS = {12: 1, 14: 2, 16: 3}
ELECTRON_MODELS = ("stepping", "free")


class NuElectronElastic(Interaction):
    """nu e -> nu e for nu_e, nu_mu, nu_tau and their antiparticles (taken from the source
    components' PDG ids): SM charged + neutral current (couplings with sin^2 theta_W at low
    Q^2) plus the magnetic-moment term of [Coloma2014, Eq. (2.1)] / [Wong2010, Eq. (2)], with no
    interference. ``electrons="stepping"`` (default): atomic electrons count only above their
    shell's binding energy (xraydb edges); ``"free"``: all Z electrons as free."""

    name = "nu_electron_elastic"
    kernel = CrossSection.NU_ELECTRON

    def __init__(self, mu_muB: float = 0.0, *, electrons: str = "stepping",
                 sin2_theta_w: float = SIN2_THETA_W):
        # 0: the Standard Model alone; else a moment in MOMENT_MUB like every other process
        zero_or_in_range("interaction.mu_muB", mu_muB, MOMENT_MUB, "mu_B", what="a moment")
        one_of("interaction.electrons", electrons, ELECTRON_MODELS)
        in_open_interval("interaction.sin2_theta_w", sin2_theta_w, 0.0, 1.0)
        self.mu_muB = float(mu_muB)
        self.electrons = electrons
        self.sin2_theta_w = float(sin2_theta_w)

    def __repr__(self) -> str:
        return f"NuElectronElastic(mu_muB={self.mu_muB:g}, electrons={self.electrons!r})"

    def couplings(self, pdg: int) -> tuple[float, float]:
        """(g_L, g_R) for a neutrino species (PDG id)."""
        return chiral_couplings(FLAVOURS[abs(pdg)], pdg < 0, self.sin2_theta_w)

    def component_channels(self, component: Component, detector: Detector) -> list[Channel]:
        if abs(component.pdg) not in FLAVOURS or component.mass != 0.0:
            return []
        gl, gr = self.couplings(component.pdg)
        out = []
        for t in detector.electron_targets():
            if self.electrons == "stepping":
                symbol = t.name[2:-1]
                binding, cumulative = binding_steps(symbol, t.Z)
            else:
                binding, cumulative = np.zeros(0), np.zeros(0)
            params = pack_nu_e(m_e=M_ELECTRON, hbarc2=HBARC2, gl=gl, gr=gr, G_F=G_FERMI,
                               kappa=self.mu_muB, alpha=ALPHA, Z=t.Z, binding=binding,
                               cumulative=cumulative)
            out.append(Channel(self, component, t, params, component.pdg, detector.T_min,
                               detector.T_max, binding[binding > 0]))
        return out

    def t_dsigma_bound(self, channel: Channel, T_edges: np.ndarray) -> np.ndarray:
        # SM: T dsigma/dT <= T (2 G_F^2 m_e / pi)(|g_L| + |g_R|)^2 for all E, since
        # m_e T / E^2 <= 2 m_e / (m_e + 2E) <= 2 at T <= Tmax; magnetic: T dsigma/dT <=
        # pi alpha^2 kappa^2 / m_e^2. Both, and the stepping fraction, grow with T: take the
        # bin's right edge (binding energies are bin edges).
        p = channel.params
        gl, gr, Z = p[NUE_GL], p[NUE_GR], p[NUE_Z]
        binding, cumulative = stepping_table(p, NUE_N, NUE_SHELLS)
        sm = 2 * G_FERMI**2 * M_ELECTRON / np.pi * (abs(gl) + abs(gr)) ** 2
        mm = np.pi * ALPHA**2 / M_ELECTRON**2 * self.mu_muB**2
        Tb = np.asarray(T_edges[1:], float)
        frac = np.array([stepping_fraction(t, binding, cumulative, Z) if binding.size
                         else 1.0 for t in Tb])
        return HBARC2 * (Tb * sm + mm) * frac

    def t_dsigma_bound_below(self, channel: Channel, T_edges: np.ndarray, E_max
                             ) -> np.ndarray:
        # the free-electron T dsigma/dT over the bin and E <= E_max
        # (physics.electron.t_dsigma_free_sup) times the stepping fraction at the right edge
        p = channel.params
        binding, cumulative = stepping_table(p, NUE_N, NUE_SHELLS)
        T_edges = np.asarray(T_edges, float)
        frac = np.array([stepping_fraction(t, binding, cumulative, p[NUE_Z]) if binding.size
                         else 1.0 for t in T_edges[1:]])
        free = t_dsigma_free_sup(T_edges[:-1], T_edges[1:], p[NUE_GL], p[NUE_GR], G_FERMI,
                                 self.mu_muB, ALPHA, M_ELECTRON, E_max)
        return np.minimum(self.t_dsigma_bound(channel, T_edges), HBARC2 * free * frac)

    def describe(self) -> dict:
        return {"process": self.name, "code": self.code, "mu_muB": self.mu_muB,
                "electrons": self.electrons, "sin2_theta_w": self.sin2_theta_w,
                "formula": "SM (Vogel & Engel 1989) + [Coloma2014, Eq. (2.1)] magnetic term"}
