"""Cross sections on nuclei, natural units: dsigma/dT in MeV^-3 (multiply by (hbar c)^2)."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..tolerances import RANGE_EDGE
from .form_factors import ff2
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
    # (a RANGE_EDGE relative tolerance on Tmax absorbs rounding between the two Tmax formulas)
    if T <= 0.0 or E <= m or T > tmax_elastic(E, m, M) * (1.0 + RANGE_EDGE):
        return 0.0
    p2 = E * E - m * m
    bracket = 1.0 - T / (2.0 * M) * (2.0 * E * M - m * m) / p2
    if bracket <= 0.0:
        return 0.0
    return alpha * Z * Z * mu * mu * ff2(ff_kind, 2.0 * M * T, Z, A, m_e) * bracket / T


#: Channel parameter layout of `dipole_dsigma_dT`: the common part (mcgen.physics.layout:
#: P_M_IN = P_M_OUT = the dipole's mass, P_M_TARGET the nuclear mass, (hbar c)^2), then
#: DIP_Z charge, DIP_A mass number, DIP_MU moment [MeV^-1], DIP_FF form-factor code
#: (mcgen.physics.form_factors), DIP_M_E electron mass [MeV], DIP_ALPHA fine-structure constant.
DIP_Z, DIP_A, DIP_MU, DIP_FF, DIP_M_E, DIP_ALPHA = range(P_SPECIFIC, P_SPECIFIC + 6)
#: Length of the array.
DIP_SIZE = DIP_ALPHA + 1


def pack_dipole(*, m: float, M: float, hbarc2: float, Z: float, A: float, mu: float,
                ff: int, m_e: float, alpha: float) -> np.ndarray:
    """Parameter array of `dipole_dsigma_dT` (layout above) for a dipole of mass m [MeV] and
    moment mu [MeV^-1] on a nucleus (Z, A, mass M [MeV])."""
    return pack_common(m, m, M, hbarc2, place({DIP_Z: Z, DIP_A: A, DIP_MU: mu, DIP_FF: ff,
                                              DIP_M_E: m_e, DIP_ALPHA: alpha}, DIP_SIZE))


@njit(cache=True)
def dipole_dsigma_dT(E: float, T: float, p) -> float:
    """`dipole_elastic_dsigma_dT` [MeV^-3] with a channel's parameter array p (layout above)."""
    return dipole_elastic_dsigma_dT(E, T, p[P_M_IN], p[DIP_MU], p[DIP_Z], p[DIP_A],
                                    p[P_M_TARGET], int(p[DIP_FF]), p[DIP_M_E], p[DIP_ALPHA])
