"""Atomic ionisation by a neutrino magnetic moment in the equivalent-photon approximation (EPA),
natural units: dsigma/dT in MeV^-3.

DISPUTED. [Wong2010] (H. T. Wong, H.-B. Li, S.-T. Lin, PRL 105 (2010) 061801) Eq. (10):

    dsigma/dT = kappa^2 (alpha / pi) (E / m_e)^2 sigma_gammaA(E_gamma = T) / T,

kappa the neutrino magnetic moment in Bohr magnetons, E the neutrino energy, T the energy
transferred to the atom (ejected-electron kinetic energy plus the binding energy released as
x rays), sigma_gammaA the photoabsorption cross section of the atom for a real photon of energy
T. M. B. Voloshin, PRL 105 (2010) 201801, and K. A. Kouzakov, A. I. Studenikin,
M. B. Voloshin, PRD 83 (2011) 113001, showed that this enhancement is not physical for a
magnetic moment; the accepted treatment is the free-electron cross section ([Wong2010, Eq. 2])
with the stepping approximation (mcgen process ``nu_electron_elastic`` with
``electrons="stepping"``). Implemented only so that [Wong2010] can be reproduced.

Parameter layout of a channel (`pack_epa`; common part in mcgen.physics.layout: massless
neutrino in and out, P_M_TARGET = m_e): EPA_KAPPA = kappa [mu_B], EPA_ALPHA = alpha,
EPA_M_E = m_e [MeV], EPA_N = n, then from EPA_TABLE the n values ln(E_gamma / MeV) of the table
nodes (non-decreasing; an absorption edge is a node given twice, the value below the edge
first) and the n values ln(sigma_gammaA / MeV^-2) at the nodes. sigma_gammaA is interpolated
linearly in (ln E_gamma, ln sigma), extrapolated with the last segment above the table and zero
below it (more than TABLE_EDGE in ln E below its first node); mcgen.interactions.ionization
builds the table from xraydb.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..tolerances import KINEMATIC_EDGE, TABLE_EDGE
from .layout import P_SPECIFIC, pack_common, place

#: Offsets of the process-specific parameters (module docstring).
EPA_KAPPA, EPA_ALPHA, EPA_M_E, EPA_N, EPA_TABLE = range(P_SPECIFIC, P_SPECIFIC + 5)
#: Offset of the table length (older name of EPA_N).
P_N = EPA_N


def pack_epa(*, m_e: float, hbarc2: float, kappa: float, alpha: float, ln_E, ln_sigma
             ) -> np.ndarray:
    """Parameter array of `epa_dsigma_dT` (module docstring) with the photoabsorption table
    (ln E_gamma nodes, ln sigma_gammaA at the nodes)."""
    ln_E = np.asarray(ln_E, dtype=np.float64)
    fixed = place({EPA_KAPPA: kappa, EPA_ALPHA: alpha, EPA_M_E: m_e, EPA_N: ln_E.size},
                  EPA_TABLE)
    return pack_common(0.0, 0.0, m_e, hbarc2, np.concatenate([fixed, ln_E, ln_sigma]))


def table(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ln E_gamma nodes, ln sigma_gammaA at the nodes) of a channel's parameter array."""
    n = int(p[EPA_N])
    return p[EPA_TABLE:EPA_TABLE + n], p[EPA_TABLE + n:EPA_TABLE + 2 * n]


@njit(cache=True)
def sigma_gamma(T: float, p: np.ndarray) -> float:
    """Photoabsorption cross section sigma_gammaA [MeV^-2] of the channel's atom at photon
    energy T [MeV]: log-log linear between the table nodes (right-continuous at an absorption
    edge: the edge itself takes the value above it), extrapolated with the last segment above
    the table, 0 below it."""
    n = int(p[EPA_N])
    x = p[EPA_TABLE:EPA_TABLE + n]
    y = p[EPA_TABLE + n:EPA_TABLE + 2 * n]
    if not T > 0.0:
        return 0.0
    lt = math.log(T)
    if lt < x[0] - TABLE_EDGE:
        return 0.0
    k = np.searchsorted(x, lt, side="right") - 1  # last node <= lt
    if k >= n - 1:
        k = n - 2  # above the table: extend the last segment
    # the nodes x[k] < x[k + 1] (a duplicated edge node is skipped by side="right")
    t = (lt - x[k]) / (x[k + 1] - x[k])
    return math.exp(y[k] + t * (y[k + 1] - y[k]))


@njit(cache=True)
def epa_dsigma_dT(E: float, T: float, p: np.ndarray) -> float:
    """Atomic ionisation by a neutrino magnetic moment in the equivalent-photon approximation,
    [Wong2010, Eq. (10)] [MeV^-3] (DISPUTED, see the module docstring):
    dsigma/dT = kappa^2 (alpha/pi) (E/m_e)^2 sigma_gammaA(T) / T,
    for 0 < T <= 2 E^2 / (m_e + 2 E) (the ejected electron's two-body limit, the recoil
    kinematics used by mcgen), 0 elsewhere."""
    kappa, alpha, m_e = p[EPA_KAPPA], p[EPA_ALPHA], p[EPA_M_E]
    if T <= 0.0 or T > 2.0 * E * E / (m_e + 2.0 * E) * (1.0 + KINEMATIC_EDGE):
        return 0.0
    r = E / m_e
    return kappa * kappa * alpha / math.pi * r * r * sigma_gamma(T, p) / T


@njit(cache=True)
def sigma_gamma_array(T: np.ndarray, p: np.ndarray) -> np.ndarray:
    """sigma_gamma at each photon energy of T [MeV^-2]."""
    out = np.empty(T.size)
    for i in range(T.size):
        out[i] = sigma_gamma(T[i], p)
    return out
