"""Two-body kinematics of a projectile hitting a target at rest.

Notation: projectile mass m1 and total energy E, target (and recoil) mass M, outgoing
projectile-side mass m3 (m3 = m1 for elastic scattering), recoil kinetic energy T.
"""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True, nogil=True)
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
    The difference p1* - p3* is formed without cancellation. Elastic scattering (m1 = m3:
    CEvNS, nu-e, the dipole on nuclei) takes the closed form (0, tmax_elastic) (no square
    roots: ~10 ns less a proposal in the event kernel).
    """
    if m1 == m3:  # elastic: the closed form of [Bueno2013, Eq. 1]
        return 0.0, tmax_elastic(E, m1, M)
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
    return recoil_cos(E, m1, m3, M, T, math.sqrt(E * E - m1 * m1), math.sqrt(T * T + 2.0 * M * T))


@njit(cache=True, nogil=True, inline="always")
def recoil_cos(E: float, m1: float, m3: float, M: float, T: float, p1: float, p4: float
               ) -> float:
    """`recoil_cos_theta` with the momenta p1 = sqrt(E^2 - m1^2) of the projectile and
    p4 = sqrt(T^2 + 2 M T) of the recoil [MeV] given (the event kernel has them)."""
    c = (2.0 * T * (E + M) + m3 * m3 - m1 * m1) / (2.0 * p1 * p4)
    return min(1.0, max(-1.0, c))


@njit(cache=True, nogil=True)
def orthonormal_basis(ux: float, uy: float, uz: float):
    """Two unit vectors (a, b) with (a, b, u) a right-handed orthonormal basis (u unit)."""
    if abs(uz) < 0.9:
        # a = normalise(z x u) = (-uy, ux, 0) / rho; b = u x a = (-uz ux, -uz uy, rho^2) / rho
        rho = math.sqrt(ux * ux + uy * uy)
        inv = 1.0 / rho
        return -uy * inv, ux * inv, 0.0, -uz * ux * inv, -uz * uy * inv, rho
    # a = normalise(x x u) = (0, -uz, uy) / rho; b = u x a = (rho^2, -ux uy, -ux uz) / rho
    rho = math.sqrt(uy * uy + uz * uz)
    inv = 1.0 / rho
    return 0.0, -uz * inv, uy * inv, rho, -ux * uy * inv, -ux * uz * inv
