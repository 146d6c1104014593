"""Gauss-Legendre quadrature of visible cross sections and rates (numba).

Independent of the sampler's envelopes: the expected event count comes from here.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..physics.kinematics import recoil_range
from .dispatch import dsigma_dT
from .layout import P_M_IN, P_M_OUT, P_M_TARGET

GL_X, GL_W = np.polynomial.legendre.leggauss(8)
N_SUB = 16  # sub-intervals per smooth piece in ln T
#: These kernels allocate nothing, so they run without numba's reference counting (as the
#: event kernel, mcgen.sampling.kernels): ~15 % faster, the same numbers.
NO_NRT = dict(cache=True, nogil=True, _nrt=False)


@njit(**NO_NRT)
def _piece(proc, p, E, u0, u1, total) -> float:
    """total plus the integral of dsigma/dT [mm^2] over ln T from u0 to u1 (smooth in
    between): N_SUB sub-intervals of Gauss-Legendre, added node by node."""
    h = (u1 - u0) / N_SUB
    for s in range(N_SUB):
        mid = u0 + (s + 0.5) * h
        for i in range(GL_X.size):
            T = math.exp(mid + 0.5 * h * GL_X[i])
            total += 0.5 * h * GL_W[i] * T * dsigma_dT(proc, p, E, T)
    return total


@njit(**NO_NRT)
def sigma_visible(proc, p, E, T_lo, T_hi, T_breaks) -> float:
    """Integral of dsigma/dT [mm^2] over T in [max(T_lo, Tmin(E)), min(T_hi, Tmax(E))],
    composite Gauss-Legendre in ln T, split at T_breaks (non-smooth points in T)."""
    tmin, tmax = recoil_range(E, p[P_M_IN], p[P_M_OUT], p[P_M_TARGET])
    a = max(T_lo, tmin)
    b = min(T_hi, tmax)
    if not b > a or a <= 0.0:
        return 0.0
    total = 0.0
    start = math.log(a)
    for t in T_breaks:
        if a < t < b:
            u = math.log(t)
            total = _piece(proc, p, E, start, u, total)
            start = u
    return _piece(proc, p, E, start, math.log(b), total)


@njit(**NO_NRT)
def _sigma_visible_into(proc, p, E, T_lo, T_hi, T_breaks, out):
    for i in range(E.size):
        out[i] = sigma_visible(proc, p, E[i], T_lo, T_hi, T_breaks)


def sigma_visible_array(proc, p, E, T_lo, T_hi, T_breaks) -> np.ndarray:
    """sigma_visible at each energy of the array E [mm^2]."""
    E = np.ascontiguousarray(E, dtype=np.float64)
    out = np.empty(E.size)
    _sigma_visible_into(int(proc), p, E, float(T_lo), float(T_hi),
                        np.asarray(T_breaks, dtype=np.float64), out)
    return out
