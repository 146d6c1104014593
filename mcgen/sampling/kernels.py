"""The event kernel: exact rejection sampling of (channel, E, T, emission point, vertex) and the
final state.

Proposal: a channel-and-energy cell c is drawn with probability proportional to its weight,
E uniform in the cell (a line: its energy), T from g_c(T) = h_cj / T (piecewise log-uniform over
the channel's T bins j) restricted to the open recoil range [Ta(E), Tb(E)]; for a near source
an emission point uniform in the source volume and a vertex uniform in the fiducial volume.
The event is accepted with probability

    flux(E) [G_c(Tb) - G_c(Ta)] T dsigma/dT(E, T) / (H_c h_cj) x (L_min / L)^2 x P_osc(E, L)

(the last two factors for near sources / oscillating components), <= 1 by construction, G_c
being the integral of g_c. The accepted events are distributed exactly as
n_c flux(E) dsigma/dT(E, T) / (4 pi L^2) P_osc(E, L). Any acceptance probability above 1 is
counted as an envelope violation (the caller raises).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..constants import C_LIGHT
from ..geometry import DirectionKind, exit_distance, sample_point
from ..physics.decay import (
    DEC_CTAU,
    DEC_MAJORANA,
    DEC_MASS,
    DEC_MODES,
    DEC_NMODES,
    DEC_PARENT,
    DEC_PER_MODE,
    DEC_SPIN_HALF,
    decay_photon,
    production_polarization,
)
from ..physics.kinematics import orthonormal_basis, recoil_cos_theta, recoil_range
from ..physics.oscillation import p_ee_3plus1
from ..physics.propagation import transport
from ..physics.spectra import table_linear
from ..physics.dispatch import dsigma_dT, flux
from ..sources.base import TimeKind

#: Rows of the float64 output array filled by `sample_events`.
COLUMNS = ("E_in", "ux", "uy", "uz", "x", "y", "z", "T", "E_out", "px_out", "py_out",
           "pz_out", "px_rec", "py_rec", "pz_rec", "t", "sx", "sy", "sz", "L", "rx", "ry", "rz",
           "E_surf", "path", "cz", "g_E", "g_px", "g_py", "g_pz", "d_x", "d_y", "d_z", "d_dt",
           "d_in", "d_pin", "g_cos", "d_pdg")
#: First of the rows filled only for a decaying outgoing particle (NaN otherwise).
ROW_DECAY = COLUMNS.index("g_E")
NCOL = len(COLUMNS)


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
def sample_time(kind, p, rng):
    """Emission time [ns] for a time model (mcgen.sources.base.TimeKind)."""
    if kind == TimeKind.UNIFORM:
        return p[0] + rng.random() * (p[1] - p[0])
    if kind == TimeKind.DECAY_WINDOWS:
        # p = (tau, n, t_start[n], t_stop[n], cumulative decay fraction[n])
        tau, n = p[0], int(p[1])
        u = rng.random()
        w = 0
        while w < n - 1 and u > p[2 + 2 * n + w]:
            w += 1
        a, b = p[2 + w], p[2 + n + w]
        # exponential decay truncated to the window [a, b], by inverse CDF
        return a - tau * math.log(1.0 - rng.random() * (1.0 - math.exp(-(b - a) / tau)))
    if kind == TimeKind.PION_PROMPT:
        return -p[0] * math.log(1.0 - rng.random())
    if kind == TimeKind.PION_DELAYED:
        return -p[0] * math.log(1.0 - rng.random()) - p[1] * math.log(1.0 - rng.random())
    return math.nan


@njit(cache=True, nogil=True)
def sample_events(rng, n, cdf, cell_E_lo, cell_E_hi, cell_c_lo, cell_c_hi, cell_dmax, cell_H,
                  cell_chan,
                  chan_spec_kind, chan_spec_p, chan_proc, chan_p, chan_T_lo, chan_T_hi,
                  chan_time_kind, chan_time_p, chan_osc, chan_life, chan_dec, t_ln, t_h, t_G, t_n,
                  fid_kind, fid_p, src_kind, src_p, L_min, dir_kind, dir_p, distance, osc,
                  vtx_sigma, prop, site_p, mu_prop, out, out_chan):
    """Fill out[:, :n] (rows COLUMNS) and out_chan[:n]; return (trials, violations).
    src_kind < 0 means a far source (direction model dir_kind/dir_p, baseline `distance`).
    prop: propagate from the surface through the site's rock (far isotropic sources): the
    cell's energy is the surface energy and the arrival cos(zenith) is drawn in the cell's
    [cell_c_lo, cell_c_hi]; the flux is evaluated at the surface energy and the cross section
    at the detector energy, times the survival probability. With a zenith table (dir_kind 2)
    cos(zenith) is likewise drawn in the cell and accepted with pdf(cos) / cell_dmax.
    chan_dec: decay rows (mcgen.physics.decay) of channels whose outgoing particle decays; the
    decay rows of `out` (from ROW_DECAY) are filled only when some channel decays."""
    any_decay = chan_dec[:, DEC_NMODES].max() > 0.0
    angular = prop or dir_kind == DirectionKind.ZENITH_TABLE
    total = cdf[cdf.size - 1]
    near = src_kind >= 0
    trials = 0
    violations = 0
    k = 0
    while k < n:
        trials += 1
        c = np.searchsorted(cdf, rng.random() * total, side="right")
        if c >= cdf.size:
            c = cdf.size - 1
        i = cell_chan[c]
        E_s = cell_E_lo[c] + rng.random() * (cell_E_hi[c] - cell_E_lo[c])
        m1, m3, M = chan_p[i, 0], chan_p[i, 1], chan_p[i, 2]
        surv = 1.0
        path = 0.0
        cz = 0.0
        if angular:
            cz = cell_c_lo[c] + rng.random() * (cell_c_hi[c] - cell_c_lo[c])
            if dir_kind == DirectionKind.ZENITH_TABLE:
                surv = table_linear(cz, dir_p) / cell_dmax[c]
        if prop:
            E, path, s_rock = transport(E_s, cz, m1, mu_prop, site_p, chan_life[i])
            surv *= s_rock
            if surv <= 0.0:
                continue
        else:
            E = E_s
        tmin, tmax = recoil_range(E, m1, m3, M)
        Ta = max(chan_T_lo[i], tmin)
        Tb = min(chan_T_hi[i], tmax)
        u_T = rng.random()
        u_acc = rng.random()
        if near:
            sx, sy, sz = sample_point(src_kind, src_p, rng)
            x, y, z = sample_point(fid_kind, fid_p, rng)
            dx, dy, dz = x - sx, y - sy, z - sz
            L = math.sqrt(dx * dx + dy * dy + dz * dz)
        else:
            L = distance
        if not Tb > Ta or (near and not L > 0.0):
            continue
        nb = t_n[i]
        ln_e, G, h = t_ln[i], t_G[i], t_h[i]
        Ga = _G(ln_e, G, h, nb, math.log(Ta))
        Gb = _G(ln_e, G, h, nb, math.log(Tb))
        y_ = Ga + u_T * (Gb - Ga)
        j = np.searchsorted(G[: nb + 1], y_, side="right") - 1
        j = min(max(j, 0), nb - 1)
        if h[j] <= 0.0:
            continue
        T = math.exp(ln_e[j] + (y_ - G[j]) / h[j])
        T = min(max(T, Ta), Tb)
        f = flux(chan_spec_kind[i], chan_spec_p[i], E_s) * (Gb - Ga) * T * dsigma_dT(
            chan_proc[i], chan_p[i], E, T) * surv
        if near:
            f *= (L_min / L) ** 2
        if chan_osc[i]:
            f *= p_ee_3plus1(E, L, osc[0], osc[1])
        env = cell_H[c] * h[j]
        if f > env * (1.0 + 1e-9):
            violations += 1
        if u_acc * env > f:
            continue
        # accepted: incoming direction, vertex, final state, time, reconstructed vertex
        if near:
            ux, uy, uz = dx / L, dy / L, dz / L
        else:
            if angular:
                uz = -cz
                phi = 2.0 * math.pi * rng.random()
                st = math.sqrt(max(0.0, 1.0 - uz * uz))
                ux, uy = st * math.cos(phi), st * math.sin(phi)
            elif dir_kind == DirectionKind.FIXED:
                ux, uy, uz = dir_p[0], dir_p[1], dir_p[2]
            else:
                uz = 2.0 * rng.random() - 1.0
                phi = 2.0 * math.pi * rng.random()
                st = math.sqrt(max(0.0, 1.0 - uz * uz))
                ux, uy = st * math.cos(phi), st * math.sin(phi)
            x, y, z = sample_point(fid_kind, fid_p, rng)
            sx, sy, sz = x - L * ux, y - L * uy, z - L * uz  # NaN when no distance is known
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
        out[5, k] = y
        out[6, k] = z
        out[7, k] = T
        out[8, k] = E - T
        out[9, k] = p1 * ux - rx
        out[10, k] = p1 * uy - ry
        out[11, k] = p1 * uz - rz
        out[12, k] = rx
        out[13, k] = ry
        out[14, k] = rz
        out[15, k] = sample_time(chan_time_kind[i], chan_time_p[i], rng)
        out[16, k] = sx
        out[17, k] = sy
        out[18, k] = sz
        out[19, k] = L
        if vtx_sigma > 0.0:
            out[20, k] = x + vtx_sigma * rng.standard_normal()
            out[21, k] = y + vtx_sigma * rng.standard_normal()
            out[22, k] = z + vtx_sigma * rng.standard_normal()
        else:
            out[20, k] = x
            out[21, k] = y
            out[22, k] = z
        out[23, k] = E_s
        out[24, k] = path
        out[25, k] = -uz
        if chan_dec[i, DEC_NMODES] > 0.0:
            _decay(rng, chan_dec[i], E, ux, uy, uz, M, T, rx, ry, rz, out[8, k], out[9, k],
                   out[10, k], out[11, k], x, y, z, fid_kind, fid_p, out[ROW_DECAY:, k])
        elif any_decay:
            out[ROW_DECAY:, k] = math.nan
        out_chan[k] = i
        k += 1
    return trials, violations


@njit(cache=True, nogil=True)
def _decay(rng, d, E, ux, uy, uz, M, T, rx, ry, rz, EN, pNx, pNy, pNz, x, y, z, fid_kind,
           fid_p, o):
    """Decay in flight of the outgoing N (row d, layout in mcgen.physics.decay) of energy EN and
    momentum pN [MeV], made by a massless projectile (E, u) on a target M at rest: mode by
    branching fraction, photon from the polarised rest-frame distribution, decay point at an
    exponential distance along the N direction. Fills o = (E_gamma, p_gamma[3], decay point[3],
    lab time to decay, inside flag, probability to decay inside, cos(photon, N) at rest,
    signed PDG id of the daughter)."""
    m = d[DEC_MASS]
    u = rng.random()
    j = 0
    n_modes = int(d[DEC_NMODES])
    while j < n_modes - 1 and u >= d[DEC_MODES + DEC_PER_MODE * j + 1]:
        j += 1
    m_f = d[DEC_MODES + DEC_PER_MODE * j]
    parent = d[DEC_PARENT]
    # Dirac: the daughter has the parent's lepton number; Majorana: either, half each
    daughter = parent if d[DEC_MAJORANA] == 0.0 else (1.0 if rng.random() < 0.5 else -1.0)
    Sx, Sy, Sz = production_polarization(E, ux, uy, uz, M, T, rx, ry, rz, m,
                                         d[DEC_SPIN_HALF] > 0.0)
    # the N (Nbar) spin is +S (-S); a daughter nu (nubar) takes the photon opposite to (along)
    # it: rest-frame density 1 - parent x daughter x S.n
    o[0], o[1], o[2], o[3], o[10] = decay_photon(rng, m, m_f, EN, pNx, pNy, pNz, Sx, Sy, Sz,
                                                 -parent * daughter)
    pn = math.sqrt(pNx * pNx + pNy * pNy + pNz * pNz)
    lam = pn / m * d[DEC_CTAU]  # lab decay length beta gamma c tau
    # proper time exponential with mean tau; lab time gamma t, distance beta gamma c t
    ct_proper = -d[DEC_CTAU] * math.log(1.0 - rng.random())
    dist = pn / m * ct_proper
    if pn > 0.0:
        ex, ey, ez = pNx / pn, pNy / pn, pNz / pn
    else:  # N at rest (exactly at threshold): decays where it was made
        ex, ey, ez = 0.0, 0.0, 1.0
    o[4], o[5], o[6] = x + dist * ex, y + dist * ey, z + dist * ez
    o[7] = EN / m * ct_proper / C_LIGHT
    L_exit = exit_distance(fid_kind, fid_p, x, y, z, ex, ey, ez)
    o[8] = 1.0 if dist < L_exit else 0.0
    o[9] = -math.expm1(-L_exit / lam) if lam > 0.0 else 1.0
    o[11] = daughter * d[DEC_MODES + DEC_PER_MODE * j + 2]
