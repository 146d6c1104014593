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
        X = np.interp(cos_zenith, site[SITE_TABLE:SITE_TABLE + n],
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
