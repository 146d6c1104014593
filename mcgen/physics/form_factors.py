"""Form factors (squared) as functions of the momentum transfer q^2 [MeV^2]."""

from __future__ import annotations

from numba import njit

#: Codes used by the kernels to pick a form factor.
FF_NONE = 0
FF_PAPER000 = 1

# [Bueno2013, Eq. (5)] constants: t0 = 7.39 m_e^2; a = 111.7 Z^(-1/3) / m_e;
# d = 0.164 A^(-2/3) GeV^2.
_T0_OVER_ME2 = 7.39
_A_COEFF = 111.7
_D_COEFF_MEV2 = 0.164e6


@njit(cache=True)
def ff2_atomic_nuclear(q2: float, Z: float, A: float, m_e: float) -> float:
    """Atomic-screening plus nuclear form factor squared of [Bueno2013, Eq. (5)] (their ref. [16]):
    a^4 q^4 / (1 + a^2 q^2)^2 for q^2 <= t0 = 7.39 m_e^2, 1 / (1 + q^2/d)^2 above, with
    a = 111.7 Z^(-1/3) / m_e and d = 0.164 A^(-2/3) GeV^2. Each piece is monotone in q^2."""
    if q2 <= _T0_OVER_ME2 * m_e * m_e:
        a = _A_COEFF * Z ** (-1.0 / 3.0) / m_e
        x = a * a * q2
        return (x / (1.0 + x)) ** 2
    d = _D_COEFF_MEV2 * A ** (-2.0 / 3.0)
    return 1.0 / (1.0 + q2 / d) ** 2


def atomic_nuclear_constants(Z: float, A: float, m_e: float) -> tuple[float, float, float]:
    """(a^2 [MeV^-2], d [MeV^2], t0 [MeV^2]) of [Bueno2013, Eq. (5)] for a nucleus (Z, A): what
    `ff2_atomic_nuclear` computes on every call, for `ff2_atomic_nuclear_fast`."""
    a = _A_COEFF * Z ** (-1.0 / 3.0) / m_e
    return a * a, _D_COEFF_MEV2 * A ** (-2.0 / 3.0), _T0_OVER_ME2 * m_e * m_e


@njit(cache=True, nogil=True)
def ff2_atomic_nuclear_fast(q2: float, a2: float, d: float, t0: float) -> float:
    """`ff2_atomic_nuclear` with its constants (atomic_nuclear_constants) given: the same
    numbers, without two powers per call."""
    if q2 <= t0:
        x = a2 * q2
        return (x / (1.0 + x)) ** 2
    return 1.0 / (1.0 + q2 / d) ** 2


@njit(cache=True)
def ff2(kind: int, q2: float, Z: float, A: float, m_e: float) -> float:
    """Form factor squared selected by code: FF_NONE (1) or FF_PAPER000 ([Bueno2013, Eq. 5])."""
    if kind == FF_PAPER000:
        return ff2_atomic_nuclear(q2, Z, A, m_e)
    return 1.0


def ff2_breakpoints_q2(kind: int, m_e: float) -> list[float]:
    """q^2 values [MeV^2] where the form factor stops being monotone (piece boundaries)."""
    return [_T0_OVER_ME2 * m_e * m_e] if kind == FF_PAPER000 else []
