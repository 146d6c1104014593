"""The event kernel: exact rejection sampling of (channel, E, T) and the final state.

Proposal: a channel-and-energy cell c is drawn with probability proportional to its weight
n_c H_c dE_c, E uniform in the cell, then T from g_c(T) = h_cj / T (piecewise log-uniform
over the channel's T bins j), restricted to the open recoil range [Ta(E), Tb(E)]. The event
is accepted with probability

    flux(E) [G_c(Tb) - G_c(Ta)] T dsigma/dT(E, T) / (H_c h_cj)   (<= 1 by construction),

G_c being the integral of g_c. The accepted (c, E, T) are distributed exactly as
n_c flux(E) dsigma/dT(E, T) on the visible window. Any acceptance probability above 1 is
counted as an envelope violation (the caller raises).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..geometry import sample_point
from ..physics.kinematics import orthonormal_basis, recoil_cos_theta, recoil_range
from .dispatch import dsigma_dT, flux

#: Rows of the float64 output array filled by `sample_events`.
COLUMNS = ("E_in", "ux", "uy", "uz", "x", "y", "z", "T", "E_out", "px_out", "py_out",
           "pz_out", "px_rec", "py_rec", "pz_rec")
NCOL = len(COLUMNS)
DIRECTION_FIXED = 1  # mirrors mcgen.sources.base (0 = isotropic)


@njit(cache=True, nogil=True)
def _G(ln_e, G, h, nb, lnT):
    """Integral of the T proposal g = h_j / T from the first edge to T = exp(lnT)."""
    if lnT <= ln_e[0]:
        return 0.0
    if lnT >= ln_e[nb]:
        return G[nb]
    j = np.searchsorted(ln_e[: nb + 1], lnT, side="right") - 1
    return G[j] + h[j] * (lnT - ln_e[j])


@njit(cache=True, nogil=True)
def sample_events(rng, n, cdf, cell_E_lo, cell_E_hi, cell_H, cell_chan, spec_kind, spec_p,
                  chan_proc, chan_p, chan_T_lo, chan_T_hi, t_ln, t_h, t_G, t_n,
                  shape_kind, shape_p, dir_kind, dir_p, out, out_chan):
    """Fill out[:, :n] (rows COLUMNS) and out_chan[:n]; return (trials, violations)."""
    total = cdf[cdf.size - 1]
    trials = 0
    violations = 0
    k = 0
    while k < n:
        trials += 1
        c = np.searchsorted(cdf, rng.random() * total, side="right")
        if c >= cdf.size:
            c = cdf.size - 1
        i = cell_chan[c]
        E = cell_E_lo[c] + rng.random() * (cell_E_hi[c] - cell_E_lo[c])
        m1, m3, M = chan_p[i, 0], chan_p[i, 1], chan_p[i, 2]
        tmin, tmax = recoil_range(E, m1, m3, M)
        Ta = max(chan_T_lo[i], tmin)
        Tb = min(chan_T_hi[i], tmax)
        u_T = rng.random()
        u_acc = rng.random()
        if not Tb > Ta:
            continue
        nb = t_n[i]
        ln_e, G, h = t_ln[i], t_G[i], t_h[i]
        Ga = _G(ln_e, G, h, nb, math.log(Ta))
        Gb = _G(ln_e, G, h, nb, math.log(Tb))
        y = Ga + u_T * (Gb - Ga)
        j = np.searchsorted(G[: nb + 1], y, side="right") - 1
        j = min(max(j, 0), nb - 1)
        if h[j] <= 0.0:
            continue
        T = math.exp(ln_e[j] + (y - G[j]) / h[j])
        T = min(max(T, Ta), Tb)
        f = flux(spec_kind, spec_p, E) * (Gb - Ga) * T * dsigma_dT(chan_proc[i], chan_p[i], E, T)
        env = cell_H[c] * h[j]
        if f > env * (1.0 + 1e-9):
            violations += 1
        if u_acc * env > f:
            continue
        # accepted: incoming direction, vertex, final state
        if dir_kind == DIRECTION_FIXED:
            ux, uy, uz = dir_p[0], dir_p[1], dir_p[2]
        else:
            uz = 2.0 * rng.random() - 1.0
            phi = 2.0 * math.pi * rng.random()
            st = math.sqrt(max(0.0, 1.0 - uz * uz))
            ux, uy = st * math.cos(phi), st * math.sin(phi)
        x, y_, z = sample_point(shape_kind, shape_p, rng)
        p1 = math.sqrt(E * E - m1 * m1)
        p4 = math.sqrt(T * T + 2.0 * M * T)
        ct = recoil_cos_theta(E, m1, m3, M, T)
        st4 = math.sqrt(max(0.0, 1.0 - ct * ct))
        phi4 = 2.0 * math.pi * rng.random()
        ax, ay, az, bx, by, bz = orthonormal_basis(ux, uy, uz)
        cp, sp = math.cos(phi4), math.sin(phi4)
        rx = p4 * (ct * ux + st4 * (cp * ax + sp * bx))
        ry = p4 * (ct * uy + st4 * (cp * ay + sp * by))
        rz = p4 * (ct * uz + st4 * (cp * az + sp * bz))
        out[0, k] = E
        out[1, k] = ux
        out[2, k] = uy
        out[3, k] = uz
        out[4, k] = x
        out[5, k] = y_
        out[6, k] = z
        out[7, k] = T
        out[8, k] = E - T
        out[9, k] = p1 * ux - rx
        out[10, k] = p1 * uy - ry
        out[11, k] = p1 * uz - rz
        out[12, k] = rx
        out[13, k] = ry
        out[14, k] = rz
        out_chan[k] = i
        k += 1
    return trials, violations


@njit(cache=True, nogil=True)
def sample_spectrum_kernel(rng, n, cdf, E_lo, E_hi, H, spec_kind, spec_p, out):
    """Energies from a spectrum: piecewise-constant envelope H over cells, exact rejection.
    Returns the number of envelope violations."""
    total = cdf[cdf.size - 1]
    violations = 0
    k = 0
    while k < n:
        c = np.searchsorted(cdf, rng.random() * total, side="right")
        if c >= cdf.size:
            c = cdf.size - 1
        E = E_lo[c] + rng.random() * (E_hi[c] - E_lo[c])
        f = flux(spec_kind, spec_p, E)
        if f > H[c] * (1.0 + 1e-9):
            violations += 1
        if rng.random() * H[c] <= f:
            out[k] = E
            k += 1
    return violations
