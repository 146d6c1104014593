"""Coherent elastic neutrino-nucleus scattering ([Mustamin2024, Eqs. 8-10]) on every nuclear isotope
of the detector, with a Klein-Nystrand, Helm or no nuclear form factor.

Kernel and channel parameter layout: mcgen.physics.cevns.
"""

from __future__ import annotations

import numpy as np

from ..constants import G_FERMI, HBARC2, SIN2_THETA_W
from ..detectors import Detector
from ..physics.cevns import (
    CEV_FF,
    CEV_GF,
    CEV_LENGTH2,
    CEV_Q,
    CEV_RADIUS,
    bracket_sup,
    pack_cevns,
    weak_charge,
)
from ..physics.dispatch import CrossSection
from ..physics.layout import P_M_TARGET
from ..physics.nuclear_form_factors import FORM_FACTORS, ff2_sup, form_factor_lengths
from ..sources import Component
from ..validation import in_open_interval, one_of
from .base import Channel, Interaction

#: |PDG id| of the (anti)neutrinos CEvNS applies to (same tree-level cross section).
NEUTRINOS = (12, 14, 16)


class CEvNS(Interaction):
    """nu A -> nu A, coherent on the whole nucleus, for nu_e, nu_mu, nu_tau and their
    antiparticles (massless components only; others get no channel). dsigma/dT of [Mustamin2024,
    Eq. (8)] with the weak charge of Eq. (9) and the full kinematic bracket
    (1 - T/E - M T/(2E^2)); ``form_factor = "helm"`` (default; Lewin & Smith 1996),
    ``"klein_nystrand"`` ([Mustamin2024, Eq. 10]) or ``"none"``; ``sin2_theta_w`` the weak mixing
    angle (default: low-Q^2 MS-bar value, mcgen.constants)."""

    name = "cevns"
    kernel = CrossSection.CEVNS

    def __init__(self, *, form_factor: str = "helm", sin2_theta_w: float = SIN2_THETA_W):
        one_of("interaction.form_factor", form_factor, FORM_FACTORS, shown=sorted(FORM_FACTORS))
        in_open_interval("interaction.sin2_theta_w", sin2_theta_w, 0.0, 1.0)
        self.form_factor = form_factor
        self.sin2_theta_w = float(sin2_theta_w)

    def __repr__(self) -> str:
        return (f"CEvNS(form_factor={self.form_factor!r}, "
                f"sin2_theta_w={self.sin2_theta_w:g})")

    def component_channels(self, component: Component, detector: Detector) -> list[Channel]:
        if abs(component.pdg) not in NEUTRINOS or component.mass != 0.0:
            return []
        ff = FORM_FACTORS[self.form_factor]
        out = []
        for t in detector.nuclei():
            r, a = form_factor_lengths(ff, t.A)
            q = weak_charge(t.Z, t.A - t.Z, self.sin2_theta_w)
            params = pack_cevns(M=t.mass, hbarc2=HBARC2, G_F=G_FERMI, Q=q, ff=ff, radius=r,
                                length2=a, Z=t.Z, A=t.A)
            out.append(Channel(self, component, t, params, component.pdg,
                               *detector.recoil_window(t), np.zeros(0)))
        return out

    def t_dsigma_bound(self, channel: Channel, T_edges: np.ndarray) -> np.ndarray:
        # T dsigma/dT = T (G_F^2 M / pi) Q^2 F^2(2 M T) x bracket with 0 <= bracket <= 1 for
        # every E: bound T by the bin's right edge and F^2 by its rigorous supremum over the
        # bin (physics.cevns.ff2_sup; F has zeros and is not monotone).
        p = channel.params
        M, G_F, Q, ff = p[P_M_TARGET], p[CEV_GF], p[CEV_Q], int(p[CEV_FF])
        r, a = p[CEV_RADIUS], p[CEV_LENGTH2]
        T_edges = np.asarray(T_edges, float)
        scale = HBARC2 * G_F * G_F * M / np.pi * Q * Q
        return scale * T_edges[1:] * ff2_sup(ff, 2 * M * T_edges[:-1], 2 * M * T_edges[1:],
                                             r, a)

    def t_dsigma_bound_below(self, channel: Channel, T_edges: np.ndarray, E_max
                             ) -> np.ndarray:
        # the bracket 1 - T/E - M T/(2E^2) grows with E and falls with T: at most its value at
        # (E_max, the bin's left edge) (physics.cevns.bracket_sup)
        T_edges = np.asarray(T_edges, float)
        return self.t_dsigma_bound(channel, T_edges) * bracket_sup(
            T_edges[:-1], channel.params[P_M_TARGET], E_max)

    def describe(self) -> dict:
        return {"process": self.name, "code": self.code, "form_factor": self.form_factor,
                "sin2_theta_w": self.sin2_theta_w,
                "formula": "[Mustamin2024, Eqs. (8)-(9)] with bracket 1 - T/E - M T/(2E^2); form "
                           "factor Klein-Nystrand (Eq. 10) or Helm (Lewin & Smith 1996)"}
