"""Neutrino-electron elastic scattering, natural units: dsigma/dT in MeV^-3."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..tolerances import BOUND_ROUNDING, ENVELOPE_SLACK, KINEMATIC_EDGE
from .layout import P_SPECIFIC, pack_common, place


@njit(cache=True)
def chiral_couplings(flavour: int, anti: bool, sin2w: float) -> tuple[float, float]:
    """(g_L, g_R) of nu_l e -> nu_l e at tree level: neutral current g_L = -1/2 + sin^2 th_W,
    g_R = sin^2 th_W, plus the charged-current 1 in g_L for nu_e (flavour 1; 2, 3 = mu, tau);
    for antineutrinos g_L and g_R swap (B. Kayser et al., PRD 20 (1979) 87; PDG Review
    'Electroweak model and constraints on new physics', neutrino-electron scattering)."""
    gl = -0.5 + sin2w + (1.0 if flavour == 1 else 0.0)
    gr = sin2w
    if anti:
        return gr, gl
    return gl, gr


@njit(cache=True)
def sm_dsigma_dT(E: float, T: float, gl: float, gr: float, m_e: float, G_F: float) -> float:
    """Standard-model nu e -> nu e on a free electron at rest [MeV^-3]:
    dsigma/dT = (2 G_F^2 m_e / pi) [g_L^2 + g_R^2 (1 - T/E)^2 - g_L g_R m_e T / E^2]
    ('t Hooft, PLB 37 (1971) 195; P. Vogel, J. Engel, PRD 39 (1989) 3378 Eq. 1 with
    g_V = g_L + g_R, g_A = g_L - g_R). Zero outside 0 < T <= 2E^2/(m_e + 2E)."""
    if T <= 0.0 or T > 2.0 * E * E / (m_e + 2.0 * E) * (1.0 + KINEMATIC_EDGE):
        return 0.0
    y = 1.0 - T / E
    bracket = gl * gl + gr * gr * y * y - gl * gr * m_e * T / (E * E)
    return 2.0 * G_F * G_F * m_e / math.pi * bracket


@njit(cache=True)
def magnetic_dsigma_dT(E: float, T: float, kappa: float, alpha: float, m_e: float) -> float:
    """Magnetic-moment term for a moment kappa mu_B [MeV^-3], [Coloma2014, Eq. (2.1)] = [Wong2010,
    Eq. (2)]: (pi alpha^2 / m_e^2) (1/T - 1/E) kappa^2 (adds incoherently to the SM term)."""
    if T <= 0.0 or T > 2.0 * E * E / (m_e + 2.0 * E) * (1.0 + KINEMATIC_EDGE):
        return 0.0
    return math.pi * alpha * alpha / (m_e * m_e) * (1.0 / T - 1.0 / E) * kappa * kappa


@njit(cache=True)
def stepping_fraction(T: float, binding, cumulative, Z: float) -> float:
    """Fraction of an atom's Z electrons that can take a recoil T in the stepping approximation
    (an electron counts when T exceeds its shell's binding energy; e.g. J.-W. Chen et al., PRD
    90 (2014) 011301; M. B. Voloshin, PRL 105 (2010) 201801). binding: ascending binding
    energies [MeV]; cumulative[k]: electrons bound by at most binding[k]."""
    n = 0.0
    for k in range(binding.size):
        if T > binding[k]:
            n = cumulative[k]
    return n / Z


def t_dsigma_free_sup(T_lo, T_hi, gl: float, gr: float, G_F: float, kappa: float,
                      alpha: float, m_e: float, E_max) -> np.ndarray:
    """Upper bound [MeV^-2] of T x (`sm_dsigma_dT` + `magnetic_dsigma_dT`) over recoils T in
    [T_lo, T_hi] (arrays, bins) and energies E <= E_max [MeV] that reach T (E_max a number, or
    an array of k: then one row per E_max). In u = 1/E, which
    runs from 1/E_max to 1/E_min(T_lo), E_min(T) = (T + sqrt(T^2 + 2 m_e T)) / 2 (the smallest
    E with Tmax(E) >= T): (1 - T u)^2 and 1 - T u (in [0, 1] since T < E) are largest at
    (T_lo, 1/E_max); -g_L g_R m_e T u^2 is at most 0 if g_L g_R >= 0, else at most
    |g_L g_R| m_e T_hi u_max^2; and the SM bracket is at most (|g_L| + |g_R|)^2 for every E
    (m_e T / E^2 <= 2 at T <= Tmax). Raised by BOUND_ROUNDING for rounding."""
    T_lo, T_hi = np.asarray(T_lo, float), np.asarray(T_hi, float)
    u_lo = 1.0 / (np.asarray(E_max, float)[..., None] * (1.0 + ENVELOPE_SLACK))
    u_hi = 2.0 / (T_lo + np.sqrt(T_lo * T_lo + 2.0 * m_e * T_lo))
    y = np.clip(1.0 - T_lo * u_lo, 0.0, 1.0)
    cross = max(0.0, -gl * gr) * m_e * T_hi * u_hi * u_hi
    bracket = np.minimum(gl * gl + gr * gr * y * y + cross, (abs(gl) + abs(gr)) ** 2)
    sm = 2.0 * G_F * G_F * m_e / math.pi * T_hi * bracket
    mm = math.pi * alpha * alpha / (m_e * m_e) * kappa * kappa * y
    return (sm + mm) * (1.0 + BOUND_ROUNDING)


#: Channel parameter layout of `nu_e_dsigma_dT`: the common part (mcgen.physics.layout:
#: massless neutrino in and out, P_M_TARGET = m_e, (hbar c)^2), then NUE_GL, NUE_GR the chiral
#: couplings, NUE_GF G_F [MeV^-2], NUE_KAPPA moment [mu_B], NUE_ALPHA, NUE_M_E m_e [MeV], NUE_Z
#: the atom's Z, NUE_N the number n of binding steps (0: free electrons), then from NUE_SHELLS
#: the n binding energies [MeV] (ascending) and their n cumulative electron counts.
NUE_GL, NUE_GR, NUE_GF, NUE_KAPPA, NUE_ALPHA, NUE_M_E, NUE_Z, NUE_N, NUE_SHELLS = range(
    P_SPECIFIC, P_SPECIFIC + 9)


def pack_nu_e(*, m_e: float, hbarc2: float, gl: float, gr: float, G_F: float, kappa: float,
              alpha: float, Z: float, binding, cumulative) -> np.ndarray:
    """Parameter array of `nu_e_dsigma_dT` (layout above): a massless (anti)neutrino on the
    electrons of an atom of charge Z, with the stepping table (binding energies [MeV],
    cumulative electron counts; both empty for free electrons)."""
    binding = np.asarray(binding, dtype=np.float64)
    fixed = place({NUE_GL: gl, NUE_GR: gr, NUE_GF: G_F, NUE_KAPPA: kappa, NUE_ALPHA: alpha,
                   NUE_M_E: m_e, NUE_Z: Z, NUE_N: binding.size}, NUE_SHELLS)
    return pack_common(0.0, 0.0, m_e, hbarc2, np.concatenate([fixed, binding, cumulative]))


def stepping_table(p: np.ndarray, n_at: int, first: int) -> tuple[np.ndarray, np.ndarray]:
    """(binding energies, cumulative counts) of the stepping table in a parameter array p: n =
    p[n_at] binding energies from offset `first`, then their n cumulative counts (e.g.
    ``stepping_table(p, NUE_N, NUE_SHELLS)``)."""
    n = int(p[n_at])
    return p[first:first + n], p[first + n:first + 2 * n]


@njit(cache=True)
def nu_e_dsigma_dT(E: float, T: float, p) -> float:
    """SM plus magnetic-moment nu e -> nu e [MeV^-3] with a channel's parameter array p
    (layout above), times the stepping fraction when n > 0."""
    m_e = p[NUE_M_E]
    ds = sm_dsigma_dT(E, T, p[NUE_GL], p[NUE_GR], m_e, p[NUE_GF]) + magnetic_dsigma_dT(
        E, T, p[NUE_KAPPA], p[NUE_ALPHA], m_e)
    n = int(p[NUE_N])
    if n > 0:
        ds *= stepping_fraction(T, p[NUE_SHELLS:NUE_SHELLS + n],
                                p[NUE_SHELLS + n:NUE_SHELLS + 2 * n], p[NUE_Z])
    return ds
