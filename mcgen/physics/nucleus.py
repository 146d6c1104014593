"""Cross sections on nuclei, natural units: dsigma/dT in MeV^-3 (multiply by (hbar c)^2)."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..tolerances import BOUND_ROUNDING, ENVELOPE_SLACK, RANGE_EDGE
from .form_factors import FF_PAPER000, atomic_nuclear_constants, ff2, ff2_atomic_nuclear_fast
from .kinematics import tmax_elastic
from .layout import P_M_IN, P_M_TARGET, P_SPECIFIC, pack_common, place


@njit(cache=True)
def dipole_elastic_dsigma_dT(
    E: float, T: float, m: float, mu: float, Z: float, A: float, M: float, ff_kind: int,
    m_e: float, alpha: float,
) -> float:
    """Elastic scattering of a neutral Dirac fermion (mass m, magnetic moment mu [MeV^-1]) on a
    nucleus (charge Z, mass M), [Bueno2013, Eq. (4)] (derived there for a spin-1/2 target and
    applied, as in the paper, to every isotope):

        T dsigma/dT = alpha Z^2 mu^2 F^2(q^2) [1 - T/(2M) (2 E M - m^2) / (E^2 - m^2)],

    q^2 = 2 M T, F^2 from Eq. (5) (or 1). Returns dsigma/dT [MeV^-3]; zero outside
    0 < T <= Tmax(E) (Eq. 1). For m -> 0 this is alpha Z^2 mu^2 F^2 (1/T - 1/E), the standard
    neutrino magnetic-moment formula (Vogel & Engel, PRD 39 (1989) 3378) with mu in natural units.
    """
    bracket = _bracket(E, T, m, M)
    if bracket <= 0.0:
        return 0.0
    return alpha * Z * Z * mu * mu * ff2(ff_kind, 2.0 * M * T, Z, A, m_e) * bracket / T


@njit(cache=True, nogil=True)
def _bracket(E: float, T: float, m: float, M: float) -> float:
    """The bracket of [Bueno2013, Eq. (4)], 1 - T/(2M) (2 E M - m^2)/(E^2 - m^2); 0 outside
    0 < T <= Tmax(E) (Eq. 1)."""
    # (a RANGE_EDGE relative tolerance on Tmax absorbs rounding between the two Tmax formulas)
    if T <= 0.0 or E <= m or T > tmax_elastic(E, m, M) * (1.0 + RANGE_EDGE):
        return 0.0
    p2 = E * E - m * m
    return 1.0 - T / (2.0 * M) * (2.0 * E * M - m * m) / p2


#: Channel parameter layout of `dipole_dsigma_dT`: the common part (mcgen.physics.layout:
#: P_M_IN = P_M_OUT = the dipole's mass, P_M_TARGET the nuclear mass, (hbar c)^2), then
#: DIP_Z charge, DIP_A mass number, DIP_MU moment [MeV^-1], DIP_FF form-factor code
#: (mcgen.physics.form_factors), DIP_M_E electron mass [MeV], DIP_ALPHA fine-structure constant;
#: then derived from them by `pack_dipole`: DIP_FF_A2, DIP_FF_D, DIP_FF_T0, the constants of the
#: Eq. (5) form factor (form_factors.atomic_nuclear_constants), computed once, not per event.
DIP_Z, DIP_A, DIP_MU, DIP_FF, DIP_M_E, DIP_ALPHA, DIP_FF_A2, DIP_FF_D, DIP_FF_T0 = range(
    P_SPECIFIC, P_SPECIFIC + 9)
#: Length of the array.
DIP_SIZE = DIP_FF_T0 + 1


def pack_dipole(*, m: float, M: float, hbarc2: float, Z: float, A: float, mu: float,
                ff: int, m_e: float, alpha: float) -> np.ndarray:
    """Parameter array of `dipole_dsigma_dT` (layout above) for a dipole of mass m [MeV] and
    moment mu [MeV^-1] on a nucleus (Z, A, mass M [MeV])."""
    a2, d, t0 = atomic_nuclear_constants(Z, A, m_e)
    return pack_common(m, m, M, hbarc2, place({DIP_Z: Z, DIP_A: A, DIP_MU: mu, DIP_FF: ff,
                                              DIP_M_E: m_e, DIP_ALPHA: alpha, DIP_FF_A2: a2,
                                              DIP_FF_D: d, DIP_FF_T0: t0}, DIP_SIZE))


@njit(cache=True, nogil=True)
def dipole_dsigma_dT(E: float, T: float, p) -> float:
    """`dipole_elastic_dsigma_dT` [MeV^-3] with a channel's parameter array p (layout above;
    the form factor from the precomputed constants: the same numbers, faster)."""
    M = p[P_M_TARGET]
    bracket = _bracket(E, T, p[P_M_IN], M)
    if bracket <= 0.0:
        return 0.0
    q2 = 2.0 * M * T
    f2 = (ff2_atomic_nuclear_fast(q2, p[DIP_FF_A2], p[DIP_FF_D], p[DIP_FF_T0])
          if int(p[DIP_FF]) == FF_PAPER000 else 1.0)
    Z, mu = p[DIP_Z], p[DIP_MU]
    return p[DIP_ALPHA] * Z * Z * mu * mu * f2 * bracket / T


def dipole_bracket_sup(T, m: float, M: float, E_max) -> np.ndarray:
    """Upper bound of the bracket of [Bueno2013, Eq. (4)], 1 - T/(2M) (2 E M - m^2)/(E^2 - m^2),
    for recoils of at least T [MeV] (array) and energies up to E_max [MeV] (a number, or an
    array of k: then one row per E_max): (2 E M - m^2)/(E^2 - m^2) falls with E (for M > m), so
    the bracket grows with E and falls with T; its value at (E_max, T), raised for rounding and
    kept in [0, 1]."""
    E = np.asarray(E_max, float)[..., None] * (1.0 + ENVELOPE_SLACK)
    T = np.asarray(T, float)
    b = 1.0 - T / (2.0 * M) * (2.0 * E * M - m * m) / (E * E - m * m)
    return np.clip(b + BOUND_ROUNDING, 0.0, 1.0)
