"""Coherent elastic neutrino-nucleus scattering (CEvNS), natural units: dsigma/dT in MeV^-3.

Cross section, [Mustamin2024, Eqs. (8)-(9)] (after D. Z. Freedman, PRD 9 (1974) 1389):

    dsigma/dT = (G_F^2 M / pi) Q_SM^2 F^2(q^2) (1 - T/E - M T / (2 E^2)),
    Q_SM = g_V^p Z + g_V^n N,  g_V^p = (1 - 4 sin^2 theta_W) / 2,  g_V^n = -1/2.

Q_SM = -Q_W / 2 with the weak charge Q_W = N - (1 - 4 sin^2 theta_W) Z, so the prefactor is
the familiar G_F^2 M Q_W^2 / (4 pi) (e.g. COHERENT, Science 357 (2017) 1123). Eq. (8) of
[Mustamin2024] writes the kinematic bracket as (1 - M T / (2 E^2)); we keep the O(T/E) term of the
full spin-0 expression (Freedman 1974; J. Barranco, O. G. Miranda, T. I. Rashba, JHEP 12 (2005)
021 with g_A = 0 minus the T^2/(2E^2) spin-1/2 term, which [Mustamin2024, slide 7] shows to be
negligible), so that the bracket vanishes exactly at the kinematic end point
Tmax = 2 E^2 / (M + 2 E) ([Mustamin2024], event-rate slide). With no form factor the integral over
0 < T < Tmax is then exactly (G_F^2 M / pi) Q_SM^2 Tmax / 2.

Momentum transfer: q^2 = 2 M T (= -t, Lorentz invariant; [Mustamin2024, below Eq. 10]). The recoil's
three-momentum squared, 2 M T + T^2, differs by T / (2 M) < 1e-6 at these energies.

Form factors (F(0) = 1; x = q R):
- Klein-Nystrand, [Mustamin2024, Eq. (10)] (S. R. Klein, J. Nystrand, PRC 60 (1999) 014903):
  F = 3 j1(q R_A) / (q R_A) / (1 + q^2 a_k^2), R_A = 1.2 A^(1/3) fm, a_k = 0.7 fm
  (the paper's "J_1" is the spherical Bessel function j1: only it gives F(0) = 1).
- Helm (R. H. Helm, Phys. Rev. 104 (1956) 1466; constants of J. D. Lewin, P. F. Smith,
  Astropart. Phys. 6 (1996) 87, Sec. 4): F = 3 j1(q R1) / (q R1) exp(-q^2 s^2 / 2),
  R1^2 = c^2 + (7/3) pi^2 a^2 - 5 s^2, c = 1.23 A^(1/3) - 0.60 fm, a = 0.52 fm, s = 0.9 fm.
- none: F = 1.

Channel parameter layout (float64; `pack_cevns`): the common part (mcgen.physics.layout:
P_M_IN = P_M_OUT = 0, massless neutrino; P_M_TARGET = M nuclear mass [MeV]; P_HBARC2), then
    CEV_GF = G_F [MeV^-2], CEV_Q = Q_SM = g_V^p Z + g_V^n N (Eq. 9),
    CEV_FF = form-factor code (FF_NONE, FF_KLEIN_NYSTRAND, FF_HELM),
    CEV_RADIUS = radius [MeV^-1] (R_A for Klein-Nystrand, R1 for Helm, 0 for none),
    CEV_LENGTH2 = second length [MeV^-1] (a_k for Klein-Nystrand, s for Helm, 0 for none),
    CEV_Z = Z, CEV_A = A (for information).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..tolerances import BOUND_ROUNDING, ENVELOPE_SLACK
from .layout import P_M_TARGET, P_SPECIFIC, pack_common, place
from .nuclear_form_factors import (  # noqa: F401  (re-exported)
    FF_HELM,
    FF_KLEIN_NYSTRAND,
    FF_NONE,
    J1_FIRST_ZERO,
    ff2,
    ff2_sup,
    helm_ff,
    helm_radii_fm,
    klein_nystrand_ff,
    klein_nystrand_radii_fm,
    sphere_ff,
)


def weak_charge(Z: float, N: float, sin2w: float) -> float:
    """Q_SM = g_V^p Z + g_V^n N of [Mustamin2024, Eq. (9)], g_V^p = (1 - 4 sin^2 th_W)/2,
    g_V^n = -1/2 (= -Q_W / 2 with Q_W = N - (1 - 4 sin^2 th_W) Z)."""
    return 0.5 * (1.0 - 4.0 * sin2w) * Z - 0.5 * N


#: Offsets of the process-specific parameters (module docstring).
CEV_GF, CEV_Q, CEV_FF, CEV_RADIUS, CEV_LENGTH2, CEV_Z, CEV_A = range(P_SPECIFIC, P_SPECIFIC + 7)
#: Length of the array.
CEV_SIZE = CEV_A + 1


def pack_cevns(*, M: float, hbarc2: float, G_F: float, Q: float, ff: int, radius: float,
               length2: float, Z: float, A: float) -> np.ndarray:
    """Parameter array of `dsigma_dT` (module docstring) for a nucleus of mass M [MeV]."""
    return pack_common(0.0, 0.0, M, hbarc2, place({
        CEV_GF: G_F, CEV_Q: Q, CEV_FF: ff, CEV_RADIUS: radius, CEV_LENGTH2: length2, CEV_Z: Z,
        CEV_A: A}, CEV_SIZE))


def bracket_sup(T, M: float, E_max) -> np.ndarray:
    """Upper bound of the bracket 1 - T/E - M T/(2E^2) of `dsigma_dT` for recoils of at least
    T [MeV] (array) and energies up to E_max [MeV] (a number, or an array of k: then one row
    per E_max): it grows with E and falls with T, so its value at (E_max, T), raised for
    rounding (tolerances.BOUND_ROUNDING) and kept in [0, 1]."""
    E = np.asarray(E_max, float)[..., None] * (1.0 + ENVELOPE_SLACK)
    T = np.asarray(T, float)
    return np.clip(1.0 - T / E - M * T / (2.0 * E * E) + BOUND_ROUNDING, 0.0, 1.0)


@njit(cache=True)
def dsigma_dT(E: float, T: float, p: np.ndarray) -> float:
    """CEvNS dsigma/dT [MeV^-3] of a massless (anti)neutrino of energy E [MeV] giving a nuclear
    recoil T [MeV], [Mustamin2024, Eq. (8)] with the full bracket (module docstring). Zero outside
    0 < T < Tmax(E) = 2 E^2 / (M + 2 E) (where the bracket is <= 0) and for E <= 0."""
    if T <= 0.0 or E <= 0.0:
        return 0.0
    M = p[P_M_TARGET]
    bracket = 1.0 - T / E - M * T / (2.0 * E * E)
    if bracket <= 0.0:
        return 0.0
    G_F, Q = p[CEV_GF], p[CEV_Q]
    return G_F * G_F * M / math.pi * Q * Q * bracket * ff2(int(p[CEV_FF]), 2.0 * M * T,
                                                            p[CEV_RADIUS], p[CEV_LENGTH2])
