"""Elastic scattering of a neutral magnetic dipole on nuclei ([Bueno2013])."""

from __future__ import annotations

import numpy as np

from ..constants import ALPHA, HBARC2, M_ELECTRON, MU_BOHR
from ..detectors import Detector
from ..physics.dispatch import CrossSection
from ..physics.form_factors import FF_NONE, FF_PAPER000, ff2, ff2_breakpoints_q2
from ..physics.layout import P_M_TARGET
from ..physics.nucleus import DIP_A, DIP_FF, DIP_Z, dipole_bracket_sup, pack_dipole
from ..sources import Component
from ..validation import MOMENT_MUB, in_range, one_of
from .base import Channel, Interaction, sup_piecewise_monotone

FORM_FACTORS = {"paper000": FF_PAPER000, "none": FF_NONE}


class DipoleNucleusElastic(Interaction):
    """A neutral Dirac fermion with magnetic moment ``mu_muB`` [Bohr magnetons] scattering
    elastically on every nuclear isotope of the detector: [Bueno2013, Eq. (4)] with the form factor
    of Eq. (5) (``form_factor="paper000"``) or none (``"none"``). The particle's mass is the
    source's."""

    name = "dipole_nucleus_elastic"
    kernel = CrossSection.DIPOLE_NUCLEUS_ELASTIC

    def __init__(self, mu_muB: float, *, form_factor: str = "paper000"):
        in_range("interaction.mu_muB", mu_muB, MOMENT_MUB, "mu_B", what="a moment")
        one_of("interaction.form_factor", form_factor, FORM_FACTORS, shown=sorted(FORM_FACTORS))
        self.mu_muB = float(mu_muB)
        self.form_factor = form_factor

    def __repr__(self) -> str:
        return f"DipoleNucleusElastic(mu_muB={self.mu_muB:g}, form_factor={self.form_factor!r})"

    def component_channels(self, component: Component, detector: Detector) -> list[Channel]:
        ff = FORM_FACTORS[self.form_factor]
        m = component.mass
        out = []
        for t in detector.nuclei():
            params = pack_dipole(m=m, M=t.mass, hbarc2=HBARC2, Z=t.Z, A=t.A,
                                 mu=self.mu_muB * MU_BOHR, ff=ff, m_e=M_ELECTRON, alpha=ALPHA)
            breaks = np.array([q2 / (2 * t.mass) for q2 in ff2_breakpoints_q2(ff, M_ELECTRON)])
            out.append(Channel(self, component, t, params, component.pdg,
                               *detector.recoil_window(t), breaks))
        return out

    def t_dsigma_bound(self, channel: Channel, T_edges: np.ndarray) -> np.ndarray:
        # Eq. (4): T dsigma/dT = alpha Z^2 mu^2 F^2(2MT) x bracket, and 0 <= bracket <= 1.
        p = channel.params
        M, Z, A, ff = p[P_M_TARGET], p[DIP_Z], p[DIP_A], int(p[DIP_FF])
        scale = ALPHA * Z * Z * (self.mu_muB * MU_BOHR) ** 2 * HBARC2

        def f2(T):
            return np.array([ff2(ff, 2 * M * t, Z, A, M_ELECTRON) for t in np.atleast_1d(T)])

        return scale * sup_piecewise_monotone(f2, T_edges, channel.T_breaks)

    def t_dsigma_bound_below(self, channel: Channel, T_edges: np.ndarray, E_max
                             ) -> np.ndarray:
        # the bracket of Eq. (4) grows with E and falls with T: at most its value at (E_max,
        # the bin's left edge) (physics.nucleus.dipole_bracket_sup)
        m, _, M = channel.masses
        return self.t_dsigma_bound(channel, T_edges) * dipole_bracket_sup(
            np.asarray(T_edges[:-1], float), m, M, E_max)

    def particle_moment_muB(self, component: Component) -> float:
        """The dipole's own magnetic moment: this is the particle's moment."""
        return self.mu_muB

    def describe(self) -> dict:
        return {"process": self.name, "code": self.code, "mu_muB": self.mu_muB,
                "form_factor": self.form_factor,
                "formula": "[Bueno2013, Eq. (4)], form factor Eq. (5)"}
