"""Two-body kinematics of a projectile hitting a target at rest.

Notation: projectile mass m1 and total energy E, target (and recoil) mass M, outgoing
projectile-side mass m3 (m3 = m1 for elastic scattering), recoil kinetic energy T.
"""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True)
def tmax_elastic(E: float, m: float, M: float) -> float:
    """Largest recoil kinetic energy [MeV] in elastic scattering, [Bueno2013, Eq. (1)]:
    Tmax = 2 M (E^2 - m^2) / (M^2 + 2 M E + m^2)."""
    if E <= m:
        return 0.0
    return 2.0 * M * (E * E - m * m) / (M * M + 2.0 * M * E + m * m)


@njit(cache=True)
def emin_elastic(T: float, m: float, M: float) -> float:
    """Smallest projectile energy [MeV] giving recoil T in elastic scattering: Eq. (1) solved
    for E, E = T/2 + sqrt(T^2/4 + m^2 + T (M^2 + m^2) / (2M))."""
    return 0.5 * T + math.sqrt(0.25 * T * T + m * m + T * (M * M + m * m) / (2.0 * M))


@njit(cache=True)
def recoil_range(E: float, m1: float, m3: float, M: float) -> tuple[float, float]:
    """(Tmin, Tmax) [MeV] of the recoil for m1 + M -> m3 + M with M at rest.

    T = -t / (2M) with t0, t1 = [(m1^2 - m3^2) / (2 sqrt s)]^2 - (p1* -/+ p3*)^2
    (PDG Review of Particle Physics, chapter 'Kinematics', two-body scattering: limits of t).
    Returns (0, 0) when closed.
    The difference p1* - p3* is formed without cancellation.
    """
    s = M * M + m1 * m1 + 2.0 * M * E
    sqrt_s = math.sqrt(s)
    if E <= m1 or sqrt_s <= m3 + M:
        return 0.0, 0.0
    lam1 = (s - (m1 + M) ** 2) * (s - (m1 - M) ** 2)
    lam3 = (s - (m3 + M) ** 2) * (s - (m3 - M) ** 2)
    p1 = math.sqrt(max(lam1, 0.0)) / (2.0 * sqrt_s)
    p3 = math.sqrt(max(lam3, 0.0)) / (2.0 * sqrt_s)
    dm2 = m1 * m1 - m3 * m3
    # p1^2 - p3^2 = (lam1 - lam3) / (4 s) = dm2 (m1^2 + m3^2 - 2 s - 2 M^2) / (4 s)
    diff = dm2 * (m1 * m1 + m3 * m3 - 2.0 * s - 2.0 * M * M) / (4.0 * s) / (p1 + p3)
    shift = dm2 * dm2 / (4.0 * s)
    t0 = shift - diff * diff
    t1 = shift - (p1 + p3) ** 2
    return max(-t0, 0.0) / (2.0 * M), -t1 / (2.0 * M)


@njit(cache=True)
def recoil_cos_theta(E: float, m1: float, m3: float, M: float, T: float) -> float:
    """Cosine of the recoil angle to the beam in the lab, from energy and momentum
    conservation: cos = [2 T (E + M) + m3^2 - m1^2] / (2 p1 p4), p4 = sqrt(T^2 + 2 M T)."""
    p1 = math.sqrt(E * E - m1 * m1)
    p4 = math.sqrt(T * T + 2.0 * M * T)
    c = (2.0 * T * (E + M) + m3 * m3 - m1 * m1) / (2.0 * p1 * p4)
    return min(1.0, max(-1.0, c))


@njit(cache=True)
def orthonormal_basis(ux: float, uy: float, uz: float):
    """Two unit vectors (a, b) with (a, b, u) a right-handed orthonormal basis."""
    if abs(uz) < 0.9:
        # a = normalise(z x u)
        ax, ay, az = -uy, ux, 0.0
    else:
        # a = normalise(x x u)
        ax, ay, az = 0.0, -uz, uy
    n = math.sqrt(ax * ax + ay * ay + az * az)
    ax, ay, az = ax / n, ay / n, az / n
    bx = uy * az - uz * ay
    by = uz * ax - ux * az
    bz = ux * ay - uy * ax
    return ax, ay, az, bx, by, bz
