"""Transport of a neutral dipole from the Earth's surface to an underground detector:
path through the rock, continuous energy loss ([Bueno2013, Eq. 22], mcgen.physics.energy_loss)
and survival of an unstable particle along the path.

Site parameter array (float64, `pack_site`; built by mcgen.geometry.Site.params): SITE_R_EARTH
Earth radius [mm], SITE_DEPTH the detector's depth [mm], SITE_RHO rock density [g/cm^3], from
SITE_ROCK the ROCK_SIZE material constants (mcgen.physics.energy_loss ROCK_* layout), at SITE_N
the number n of slant-depth table nodes (0: none), then from SITE_TABLE the n cos(zenith)
nodes (increasing) and the n slant depths X [g/cm^2].
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .energy_loss import (
    ROCK_A,
    ROCK_CBAR,
    ROCK_DELTA0,
    ROCK_I,
    ROCK_K,
    ROCK_RHO,
    ROCK_SIZE,
    ROCK_X0,
    ROCK_X1,
    ROCK_Z_OVER_A,
    _dX_dlnp,
    propagate_dipole,
    stop_kinetic,
)
from .layout import at_offsets

_GL_X, _GL_W = np.polynomial.legendre.leggauss(8)

# The per-proposal functions (range-table transport) compile without numba's reference counting,
# as the event kernel (mcgen.sampling.kernels.KERNEL): they allocate nothing, and the counting
# of the table views they take costs ~10 ns a call.
HOT = dict(cache=True, nogil=True, _nrt=False)

SITE_R_EARTH, SITE_DEPTH, SITE_RHO, SITE_ROCK = 0, 1, 2, 3
SITE_N = SITE_ROCK + ROCK_SIZE
SITE_TABLE = SITE_N + 1


def pack_site(*, R_earth: float, depth: float, rho: float, rock, table_cos=(), table_X=()
              ) -> np.ndarray:
    """Site parameter array of `transport` (module docstring): R_earth, depth [mm], rho
    [g/cm^3], the material constants `rock` (ROCK_* layout) and an optional slant-depth table
    (cos(zenith) nodes, X [g/cm^2])."""
    rock = np.asarray(rock, dtype=np.float64)
    table_cos = np.asarray(table_cos, dtype=np.float64)
    if rock.shape != (ROCK_SIZE,) or table_cos.shape != np.shape(table_X):
        raise ValueError("pack_site: rock needs ROCK_SIZE values and the table two equal columns")
    head = at_offsets({SITE_R_EARTH: R_earth, SITE_DEPTH: depth, SITE_RHO: rho}, size=SITE_ROCK)
    return np.concatenate([head, rock, [table_cos.size], table_cos, table_X]).astype(np.float64)


@njit(**HOT)
def _interp(x: float, xp, fp) -> float:
    """Linear interpolation of the points (xp, fp) at x, xp increasing, constant beyond the ends
    (np.interp for one number, without the array it allocates)."""
    n = xp.size
    if x <= xp[0]:
        return fp[0]
    if x >= xp[n - 1]:
        return fp[n - 1]
    j = np.searchsorted(xp, x, side="right") - 1
    return fp[j] + (fp[j + 1] - fp[j]) * (x - xp[j]) / (xp[j + 1] - xp[j])


@njit(cache=True)
def rock_path(cos_zenith: float, R: float, depth: float) -> float:
    """Length of the straight path [same unit as R] from the surface of a sphere of radius R
    to a point at `depth` below it, for a particle arriving from zenith angle theta
    (cos_zenith = cos theta; 1 = from straight above): s = sqrt(R^2 - r^2 sin^2 theta) - r cos
    theta, r = R - depth (the chord geometry; for depth << R and theta < 90 deg this is
    depth / cos theta, the flat-overburden slant depth)."""
    r = R - depth
    s2 = 1.0 - cos_zenith * cos_zenith
    return math.sqrt(max(R * R - r * r * s2, 0.0)) - r * cos_zenith


@njit(cache=True)
def proper_length(E0: float, E1: float, m: float, mu_muB: float, mat, X: float) -> float:
    """Proper path length c tau_proper = integral ds / (beta gamma) [g/cm^2 / rho units: the
    caller divides by the density] from total energy E0 down to E1 along a column X [g/cm^2]:
    integral (m/p) dX, with dX = (dX/d ln p) d ln p (8-point Gauss-Legendre in ln p); for a
    loss too small to resolve in ln p, (m/p) X."""
    p0 = math.sqrt(max(E0 * E0 - m * m, 0.0))
    p1 = math.sqrt(max(E1 * E1 - m * m, 0.0))
    if p1 <= 0.0:
        return math.inf
    u0, u1 = math.log(p0), math.log(p1)
    if u0 - u1 < 1e-6:
        return 2.0 * m / (p0 + p1) * X
    total = 0.0
    for k in range(_GL_X.size):
        u = 0.5 * (u0 + u1) + 0.5 * (u0 - u1) * _GL_X[k]
        total += _GL_W[k] * m / math.exp(u) * _dX_dlnp(
            u, m, mu_muB, mat[ROCK_Z_OVER_A], mat[ROCK_I], mat[ROCK_RHO], mat[ROCK_A],
            mat[ROCK_K], mat[ROCK_X0], mat[ROCK_X1], mat[ROCK_CBAR], mat[ROCK_DELTA0])
    return 0.5 * (u0 - u1) * total


@njit(cache=True)
def transport(E0: float, cos_zenith: float, m: float, mu_muB: float, site, lifetime: float):
    """(E at the detector [MeV], path [mm], survival probability) for a dipole of total surface
    energy E0 arriving from cos_zenith. site: the site array (module docstring; a slant-depth
    table is used for cos_zenith >= its first node, the Earth chord below); lifetime: proper
    mean life times c [mm] (inf: stable). A particle that ranges out has E = m and survival 0."""
    n = int(site[SITE_N]) if site.size > SITE_N else 0
    rho = site[SITE_RHO]
    if n > 0 and cos_zenith >= site[SITE_TABLE]:  # tabulated slant depth [g/cm^2] vs cos
        X = _interp(cos_zenith, site[SITE_TABLE:SITE_TABLE + n],
                    site[SITE_TABLE + n:SITE_TABLE + 2 * n])
        path = X / rho * 10.0
    else:
        path = rock_path(cos_zenith, site[SITE_R_EARTH], site[SITE_DEPTH])
        X = rho * path / 10.0  # g/cm^3 x mm -> g/cm^2
    mat = site[SITE_ROCK:SITE_ROCK + ROCK_SIZE]
    E1 = propagate_dipole(E0, m, mu_muB, X, mat[ROCK_Z_OVER_A], mat[ROCK_I], mat[ROCK_RHO],
                          mat[ROCK_A], mat[ROCK_K], mat[ROCK_X0], mat[ROCK_X1], mat[ROCK_CBAR],
                          mat[ROCK_DELTA0])
    if E1 - m <= stop_kinetic(m):
        return m, path, 0.0
    surv = 1.0
    if math.isfinite(lifetime):
        surv = math.exp(-proper_length(E0, E1, m, mu_muB, mat, X) / rho * 10.0 / lifetime)
    return E1, path, surv


# -- range table: the CSDA transport by the dipole's range -----------------------------------
# The energy loss of Eq. (22) is autonomous, so the column density from ln p = u_a down to u_b
# is R(u_a) - R(u_b), R(u) the column that stops a dipole of momentum e^u (its CSDA range). R is
# tabulated once per run (composite Gauss-Legendre, `_column`, relative accuracy ~1e-13) at
# nodes u_k and interpolated by cubic Hermite polynomials with the exact slopes dR/du =
# `_dX_dlnp` (error ~ h^4 R''''/384 for a node spacing h); the density-effect kinks
# (beta gamma = 10^x0, 10^x1) are nodes, with one-sided slopes, so every piece is smooth. The
# proper length c tau integral (m/p) dX is tabulated the same way. E after a column X solves
# R(u1) = R(u0) - X: its piece from a guide table over R, then Newton's method on the cubic.

#: Node spacing in ln p: with it the table reproduces `propagate_dipole` to ~1e-12 relative.
RT_STEP = 2e-3
#: Range-table layout (`range_table`): RT_N = n nodes, RT_MASS m [MeV], RT_U_TOP the last node
#: (larger ln p fall back to `transport`), RT_T_STOP the stopping kinetic energy [MeV]
#: (energy_loss.stop_kinetic), RT_GUIDE_SCALE = n / R_top (R_top the last R_k),
#: RT_PIECE_SCALE = (n - 1) / (u_top - u_0) (the mean node density, `_piece`), then from
#: RT_NODES one row of RT_WIDTH values per node k (one 64-byte cache line: a piece's numbers
#: are two adjacent rows; in separate columns they took ~10 cache lines a proposal, ~30 ns on
#: the rock card): the node u_k = ln(p_k / MeV), R_k [g/cm^2], the slope dR/du just right of
#: u_k and just left of u_k, the proper column P_k = integral (m / p) dX [g/cm^2] and its slopes
#: right and left, and RT_GUIDE = a guide for the inversion: in row g, the last piece k with
#: R_k <= g R_top / n (cut-point method), so that the piece holding a range R is found in a few
#: steps instead of a search over the ~250 pieces a typical column crosses (~100 ns).
RT_N, RT_MASS, RT_U_TOP, RT_T_STOP, RT_GUIDE_SCALE, RT_PIECE_SCALE, RT_NODES = 0, 1, 2, 3, 4, 5, 8
(RT_U, RT_R, RT_DR_RIGHT, RT_DR_LEFT, RT_P, RT_DP_RIGHT, RT_DP_LEFT, RT_GUIDE) = range(8)
RT_WIDTH = 8


def _range_nodes(m: float, mat, E_top: float) -> np.ndarray:
    """ln p nodes [ln MeV] from the stopping point to E_top [MeV] total energy: steps of at
    most RT_STEP, the density-effect kinks included."""
    t_stop = stop_kinetic(m)
    u_lo = 0.5 * math.log((m + t_stop) ** 2 - m * m)
    u_hi = 0.5 * math.log(max(E_top * E_top - m * m, (m + 2 * t_stop) ** 2 - m * m))
    kinks = [math.log(m) + x * math.log(10.0) for x in (mat[ROCK_X0], mat[ROCK_X1])]
    cuts = sorted([u_lo, u_hi] + [k for k in kinks if u_lo < k < u_hi])
    pieces = [np.linspace(a, b, max(2, int(math.ceil((b - a) / RT_STEP)) + 1))
              for a, b in zip(cuts[:-1], cuts[1:])]
    return np.unique(np.concatenate(pieces))


@njit(cache=True)
def _range_columns(u, m, mu_muB, mat):
    """R_k, slopes right and left, P_k and its slopes at the nodes u (see RT_* layout)."""
    n = u.size
    out = np.zeros((6, n))
    args = (mat[ROCK_Z_OVER_A], mat[ROCK_I], mat[ROCK_RHO], mat[ROCK_A], mat[ROCK_K],
            mat[ROCK_X0], mat[ROCK_X1], mat[ROCK_CBAR], mat[ROCK_DELTA0])
    for k in range(n):
        for side, row in ((1.0, 1), (-1.0, 2)):  # one-sided: a kink node has two slopes
            uk = u[k] + side * 1e-12 * max(1.0, abs(u[k]))
            out[row, k] = _dX_dlnp(uk, m, mu_muB, *args)
            out[row + 3, k] = m / math.exp(uk) * out[row, k]
        if k > 0:
            width = u[k] - u[k - 1]
            colR, colP = 0.0, 0.0
            for i in range(_GL_X.size):  # one smooth piece: 8-point Gauss-Legendre
                ui = u[k - 1] + 0.5 * width * (1.0 + _GL_X[i])
                d = _dX_dlnp(ui, m, mu_muB, *args)
                colR += _GL_W[i] * d
                colP += _GL_W[i] * m / math.exp(ui) * d
            out[0, k] = out[0, k - 1] + 0.5 * width * colR
            out[3, k] = out[3, k - 1] + 0.5 * width * colP
    return out


def range_table(m: float, mu_muB: float, site: np.ndarray, E_top: float) -> np.ndarray:
    """The range table (RT_* layout) of a dipole of mass m [MeV] and moment mu_muB [mu_B] in
    the rock of a site array, for total energies up to E_top [MeV]."""
    mat = np.ascontiguousarray(site[SITE_ROCK:SITE_ROCK + ROCK_SIZE])
    u = _range_nodes(m, mat, E_top)
    cols = _range_columns(u, float(m), float(mu_muB), mat)
    head = np.zeros(RT_NODES)  # (padded to a row)
    head[[RT_N, RT_MASS, RT_U_TOP, RT_T_STOP, RT_GUIDE_SCALE, RT_PIECE_SCALE]] = (
        u.size, m, u[-1], stop_kinetic(m), u.size / cols[0][-1], (u.size - 1) / (u[-1] - u[0]))
    rows = np.empty((u.size, RT_WIDTH))
    rows[:, RT_U] = u
    rows[:, RT_R:RT_DP_LEFT + 1] = cols.T
    rows[:, RT_GUIDE] = _range_guide(cols[0])
    return np.concatenate([head, rows.ravel()])


def _range_guide(R: np.ndarray) -> np.ndarray:
    """The RT_GUIDE block of a range table with ranges R (increasing, R_0 = 0): entry g is the
    last piece k (<= n - 2) with R_k <= g R_top / n."""
    n = R.size
    k = np.searchsorted(R, np.arange(n) * (R[-1] / n), side="right") - 1
    return np.clip(k, 0, n - 2).astype(np.float64)


@njit(cache=True, nogil=True, inline="always")
def _hermite(t, h, ya, yb, da, db):
    """Cubic Hermite polynomial on a piece of width h at t in [0, 1] (values ya, yb, slopes
    da, db at its ends), and its derivative in t."""
    t2 = t * t
    t3 = t2 * t
    y = ((2 * t3 - 3 * t2 + 1) * ya + (t3 - 2 * t2 + t) * h * da + (3 * t2 - 2 * t3) * yb
         + (t3 - t2) * h * db)
    dy = ((6 * t2 - 6 * t) * (ya - yb) + (3 * t2 - 4 * t + 1) * h * da + (3 * t2 - 2 * t) * h * db)
    return y, dy


@njit(cache=True, nogil=True, inline="always")
def _at(rt, k, col):
    """Column col (RT_U ... RT_GUIDE) of node k of the range table rt."""
    return rt[RT_NODES + RT_WIDTH * k + col]


@njit(**HOT)
def _piece(rt, n, u):
    """Index k of the table piece [u_k, u_k+1] holding u (nodes near-uniform: a guess and a
    short walk)."""
    k = min(max(int((u - _at(rt, 0, RT_U)) * rt[RT_PIECE_SCALE]), 0), n - 2)
    while k > 0 and u < _at(rt, k, RT_U):
        k -= 1
    while k < n - 2 and u >= _at(rt, k + 1, RT_U):
        k += 1
    return k


@njit(**HOT)
def _table_value_at(rt, n, row, u, k):
    """Hermite interpolation of the tabulated column `row` (RT_R or RT_P, followed by its
    slopes right and left) at ln p = u in its piece k (`_piece`)."""
    h = _at(rt, k + 1, RT_U) - _at(rt, k, RT_U)
    t = (u - _at(rt, k, RT_U)) / h
    return _hermite(t, h, _at(rt, k, row), _at(rt, k + 1, row), _at(rt, k, row + 1),
                    _at(rt, k + 1, row + 2))[0]


@njit(cache=True, nogil=True, inline="always")
def _range_piece(rt, n, R1):
    """Piece k of the range table with R_k <= R1 < R_k+1 (0 <= R1 <= R_top): from the RT_GUIDE
    entry of R1 and a short walk (the same piece as a search over the R_k)."""
    g = min(int(R1 * rt[RT_GUIDE_SCALE]), n - 1)
    k = int(_at(rt, g, RT_GUIDE))
    while k > 0 and _at(rt, k, RT_R) > R1:  # (only if g R_top / n rounds above R1)
        k -= 1
    while k < n - 2 and _at(rt, k + 1, RT_R) <= R1:
        k += 1
    return k


@njit(**HOT)
def _invert_range(rt, n, R1):
    """(ln p [ln MeV] at which the tabulated range is R1 (0 < R1 <= R_top), its piece k): the
    piece from the guide, then Newton's method on its cubic R(t), t = (u - u_k) / h, from the
    cubic Hermite interpolation of the inverse t(R) (same end values, slopes 1 / R'), which is
    within ~1e-10 of the root. Newton converges quadratically: with |R'' / R'| ~
    h |d ln(dR/du) / du| < 0.01 on a piece of width h = RT_STEP (the kinks are nodes), a step
    below 1e-7 leaves < 1e-15 of the piece's width (one step for most columns)."""
    k = _range_piece(rt, n, R1)
    u_k = _at(rt, k, RT_U)
    h = _at(rt, k + 1, RT_U) - u_k
    ya, yb = _at(rt, k, RT_R), _at(rt, k + 1, RT_R)
    da, db = _at(rt, k, RT_DR_RIGHT), _at(rt, k + 1, RT_DR_LEFT)
    dR = yb - ya
    t = _hermite((R1 - ya) / dR, 1.0, 0.0, 1.0, dR / (h * da), dR / (h * db))[0]
    for _ in range(8):
        y, dy = _hermite(t, h, ya, yb, da, db)
        step_t = (y - R1) / dy
        t = min(max(t - step_t, 0.0), 1.0)
        if abs(step_t) < 1e-7:
            break
    return u_k + t * h, k


@njit(**HOT)
def transport_tabulated(E0: float, cos_zenith: float, mu_muB: float, site, rt,
                        lifetime: float):
    """`transport` with the range table rt (RT_* layout, `range_table` for this dipole and
    site): (E at the detector [MeV], path [mm], survival probability). Energies above the
    table use `transport` itself."""
    n = int(rt[RT_N])
    m = rt[RT_MASS]
    t_stop = rt[RT_T_STOP]
    if E0 - m <= t_stop:
        return transport(E0, cos_zenith, m, mu_muB, site, lifetime)
    u0 = 0.5 * math.log(E0 * E0 - m * m)
    if u0 > rt[RT_U_TOP]:
        return transport(E0, cos_zenith, m, mu_muB, site, lifetime)
    path, X = _path_column(cos_zenith, site)
    k0 = _piece(rt, n, u0)
    R1 = _table_value_at(rt, n, RT_R, u0, k0) - X
    if X <= 0.0:
        return E0, path, 1.0
    if R1 <= 0.0:
        return m, path, 0.0
    u1, k1 = _invert_range(rt, n, R1)
    p1 = math.exp(u1)
    E1 = math.sqrt(p1 * p1 + m * m)
    if E1 - m <= t_stop:
        return m, path, 0.0
    surv = 1.0
    if math.isfinite(lifetime):
        proper = (_table_value_at(rt, n, RT_P, u0, k0) - _table_value_at(rt, n, RT_P, u1, k1))
        surv = math.exp(-proper / site[SITE_RHO] * 10.0 / lifetime)
    return E1, path, surv


@njit(**HOT)
def _path_column(cos_zenith, site):
    """(path [mm], column X [g/cm^2]) through the site's rock from cos_zenith (slant table
    for cos_zenith >= its first node, else the Earth chord)."""
    n = int(site[SITE_N]) if site.size > SITE_N else 0
    rho = site[SITE_RHO]
    if n > 0 and cos_zenith >= site[SITE_TABLE]:
        X = _interp(cos_zenith, site[SITE_TABLE:SITE_TABLE + n],
                    site[SITE_TABLE + n:SITE_TABLE + 2 * n])
        return X / rho * 10.0, X
    path = rock_path(cos_zenith, site[SITE_R_EARTH], site[SITE_DEPTH])
    return path, rho * path / 10.0
