"""sigma_vis(E), the visible cross section, by Gauss-Legendre quadrature in ln T (numba): the
one rule of mcgen (Channel.sigma_visible, the expected counts of mcgen.sampling.plan and the
spectra of mcgen.analysis via mcgen.sampling.quadrature_nodes).

sigma_vis(E) = integral of dsigma/dT over T in [max(T_lo, Tmin(E)), min(T_hi, Tmax(E))]
             = integral of T dsigma/dT over ln T,
composite 8-point Gauss-Legendre on sub-intervals of at most LN_T_STEP in ln T, split at the
points where T dsigma/dT is not smooth in ln T (`t_splits`: the channel's T_breaks and, for
the EPA ([Wong2010, Eq. (10)]), the nodes of its photoabsorption table, log-log linear between
them). Between the splits the integrand is smooth in ln T ([Mustamin2024, Eqs. (4), (6)], the
CEvNS and nu-e brackets times a form factor). Independent of the sampler's envelopes.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import ionization
from .dispatch import CrossSection, dsigma_dT
from .kinematics import recoil_range
from .layout import P_M_IN, P_M_OUT, P_M_TARGET

GL_X, GL_W = np.polynomial.legendre.leggauss(8)
#: Widest sub-interval in ln T of the 8-point rule: the expected counts of every card of
#: macros/ agree with 16 sub-intervals per smooth piece (the former rule) to < 1e-15, except
#: the EPA, whose table kinks that rule did not split at (2.5 would still give < 1e-12; the
#: form factors vary on scales ln T >~ 1).
LN_T_STEP = 1.0
#: These kernels allocate nothing, so they run without numba's reference counting (as the
#: event kernel, mcgen.sampling.kernels): ~15 % faster, the same numbers.
NO_NRT = dict(cache=True, nogil=True, _nrt=False)


@njit(**NO_NRT)
def _piece(proc, p, E, u0, u1) -> float:
    """Integral of dsigma/dT [mm^2] over ln T from u0 to u1 (smooth in between): 8-point
    Gauss-Legendre on ceil((u1 - u0) / LN_T_STEP) equal sub-intervals."""
    n = max(1, int(math.ceil((u1 - u0) / LN_T_STEP)))
    h = (u1 - u0) / n
    total = 0.0
    for s in range(n):
        mid = u0 + (s + 0.5) * h
        for i in range(GL_X.size):
            T = math.exp(mid + 0.5 * h * GL_X[i])
            total += 0.5 * h * GL_W[i] * T * dsigma_dT(proc, p, E, T)
    return total


@njit(**NO_NRT)
def sigma_visible(proc, p, E, T_lo, T_hi, T_splits) -> float:
    """sigma_vis(E) [mm^2] at one energy E [MeV]: dsigma/dT over [max(T_lo, Tmin(E)),
    min(T_hi, Tmax(E))] [MeV], split at T_splits [MeV] (sorted; `t_splits`)."""
    tmin, tmax = recoil_range(E, p[P_M_IN], p[P_M_OUT], p[P_M_TARGET])
    a, b = max(T_lo, tmin), min(T_hi, tmax)
    if not b > a or a <= 0.0:
        return 0.0
    total = 0.0
    start = math.log(a)
    for t in T_splits:
        if a < t < b:
            u = math.log(t)
            total += _piece(proc, p, E, start, u)
            start = u
    return total + _piece(proc, p, E, start, math.log(b))


@njit(**NO_NRT)
def _sigma_visible_into(proc, p, E, T_lo, T_hi, T_splits, out):
    for i in range(E.size):
        out[i] = sigma_visible(proc, p, E[i], T_lo, T_hi, T_splits)


def t_splits(proc: int, p: np.ndarray, T_lo: float, T_hi: float, T_breaks) -> np.ndarray:
    """Recoils [MeV] (sorted) where T dsigma/dT of kernel `proc` with parameters `p` is not
    smooth in ln T: T_breaks, plus the photoabsorption table's nodes inside the window
    [T_lo, T_hi] [MeV] for the EPA."""
    splits = np.asarray(T_breaks, float)
    if int(proc) == CrossSection.IONIZATION_EPA:
        nodes = np.exp(ionization.table(p)[0])
        splits = np.concatenate([splits, nodes[(nodes > T_lo) & (nodes < T_hi)]])
    return np.unique(splits)


def sigma_visible_array(proc: int, p: np.ndarray, E, T_lo: float, T_hi: float,
                        T_breaks) -> np.ndarray:
    """sigma_vis [mm^2] at each energy of E [MeV] (any shape), window [T_lo, T_hi] [MeV],
    split at t_splits(proc, p, T_lo, T_hi, T_breaks)."""
    E = np.asarray(E, dtype=np.float64)
    flat = np.ascontiguousarray(E.ravel())
    out = np.empty(flat.size)
    _sigma_visible_into(int(proc), p, flat, float(T_lo), float(T_hi),
                        t_splits(proc, p, T_lo, T_hi, T_breaks), out)
    return out.reshape(E.shape)
