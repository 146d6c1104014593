"""Transport of a neutral dipole from the Earth's surface to an underground detector:
path through the rock, continuous energy loss (paper 000 Eq. 22, mcgen.physics.energy_loss)
and survival of an unstable particle along the path."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .energy_loss import _dX_dlnp, propagate_dipole, stop_kinetic

_GL_X, _GL_W = np.polynomial.legendre.leggauss(8)


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
        total += _GL_W[k] * m / math.exp(u) * _dX_dlnp(u, m, mu_muB, mat[0], mat[1], mat[2],
                                                        mat[3], mat[4], mat[5], mat[6], mat[7],
                                                        mat[8])
    return 0.5 * (u0 - u1) * total


@njit(cache=True)
def transport(E0: float, cos_zenith: float, m: float, mu_muB: float, site, lifetime: float):
    """(E at the detector [MeV], path [mm], survival probability) for a dipole of total surface
    energy E0 arriving from cos_zenith. site = (R_earth [mm], depth [mm], rho [g/cm^3],
    9 material constants of energy_loss.STANDARD_ROCK layout[, n, cos[n], slant X[n] g/cm^2]:
    a slant-depth table, used for cos_zenith >= its first node, the Earth chord below);
    lifetime: proper mean life
    times c [mm] (inf: stable). A particle that ranges out has E = m and survival 0."""
    n = int(site[12]) if site.size > 12 else 0
    if n > 0 and cos_zenith >= site[13]:  # tabulated slant depth [g/cm^2] vs cos(zenith)
        X = np.interp(cos_zenith, site[13:13 + n], site[13 + n:13 + 2 * n])
        path = X / site[2] * 10.0
    else:
        path = rock_path(cos_zenith, site[0], site[1])
        X = site[2] * path / 10.0  # g/cm^3 x mm -> g/cm^2
    mat = site[3:12]
    E1 = propagate_dipole(E0, m, mu_muB, X, mat[0], mat[1], mat[2], mat[3], mat[4], mat[5],
                          mat[6], mat[7], mat[8])
    if E1 - m <= stop_kinetic(m):
        return m, path, 0.0
    surv = 1.0
    if math.isfinite(lifetime):
        surv = math.exp(-proper_length(E0, E1, m, mu_muB, mat, X) / site[2] * 10.0 / lifetime)
    return E1, path, surv
