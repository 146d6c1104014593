"""Active-to-sterile upscattering through a transition magnetic moment (the "dipole portal"),
nu_l T -> N T on nuclei and on electrons, natural units: dsigma/dT in MeV^-3.

Cross section, [Mustamin2024, Eq. (4)] (spin-1/2 target) and Eq. (6) (spin-0 target), for a
massless incoming neutrino of energy E, an outgoing sterile neutrino of mass m = m_N, a target
of mass M and charge Z, recoil kinetic energy T:

    dsigma/dT = alpha Z^2 mu^2 F^2(q^2) x B(E, T) / T,

    T B_1/2 = 1 - T/E - m^2/(2 E M) (1 - T/(2E) + M/(2E)) - m^4/(8 M T E^2) (1 - T/M)   (Eq. 4)
    T B_0   = T B_1/2 + T^2/(4 E^2) - m^2 T/(8 M E^2) (1 + m^2/(M T))                    (Eq. 6)

with alpha mu^2 = (pi alpha^2 / m_e^2) |mu / mu_B|^2 (mu_B = e / (2 m_e)), q^2 = -t = 2 M T
(exact for elastic recoil). Both brackets are the exact tree-level results: the tests compare
them with an explicit Dirac trace of the amplitude of [Mustamin2024, Eqs. (2)-(3)]. For m = 0,
Eq. (4) is the ordinary magnetic-moment cross section alpha Z^2 mu^2 F^2 (1/T - 1/E) (P. Vogel,
J. Engel, PRD 39 (1989) 3378); on an electron (Z = 1, F = 1, M = m_e) it is [Coloma2014,
Eq. (2.1)], (pi alpha^2 / m_e^2) (1/T - 1/E) kappa^2.

In powers of u = 1/E the brackets are quadratics, T B = 1 - a u - b u^2 with
    a = T + m^2 / (2M),
    b_1/2 = m^2/4 - m^2 T/(4M) + m^4/(8 M T) - m^4/(8 M^2),
    b_0   = m^2/4 - m^2 T/(8M) + m^4/(8 M T) - T^2/4,
a increasing and b decreasing in T; this is what `t_bracket_sup` uses to bound T dsigma/dT.
In the physical region (E >= E_min(T), hence T < E and E > m^2/(2M)) one has a + b u > 0, so
0 <= T B < 1 for every E: T dsigma/dT <= alpha Z^2 mu^2 F^2.

Kinematics (exact, massless projectile): the recoil range at given E is
mcgen.physics.kinematics.recoil_range(E, 0, m, M); solved for E, a recoil T needs
    E >= E_min(T) = (m^2 + 2 M T) / (2 (sqrt(T (T + 2M)) - T))
                  = (m^2 + 2 M T) (T + sqrt(T (T + 2M))) / (4 M T)
([Mustamin2024], event-rate slide, "sterile case"; it is exact: it is cos(recoil angle) <= 1, see
kinematics.recoil_cos_theta). Its minimum over T is the threshold E_thr = m + m^2/(2M), reached
at T* = m^2 / (2 (m + M)); E_min decreases below T* (there the lower end Tmin(E) of the range
crosses T) and increases above (the upper end Tmax(E) crosses T). [Mustamin2024]'s Eq. (5),
m^2 <= 2 M T (sqrt(2/(M T)) E - 1), is the same condition with T << M, not used here.

Nuclear form factor F (F(0) = 1, x = q R, monotone factor Y):
- Klein-Nystrand, [Mustamin2024, Eq. (10)] (S. R. Klein, J. Nystrand, PRC 60 (1999) 014903):
  F = 3 j1(x)/x x 1/(1 + q^2 a_k^2), R = R_A = 1.2 A^(1/3) fm, a_k = 0.7 fm (the paper's
  "J_1" is the spherical Bessel function j1: only it gives F(0) = 1). Default, as in [Mustamin2024].
- Helm (R. H. Helm, Phys. Rev. 104 (1956) 1466; constants of J. D. Lewin, P. F. Smith,
  Astropart. Phys. 6 (1996) 87): F = 3 j1(x)/x x exp(-q^2 s^2 / 2), R = R1.
- none: F = 1.

Channel parameter layouts (float64; common part in mcgen.physics.layout: P_M_IN = 0, massless
neutrino; P_M_OUT = m_N [MeV]; P_M_TARGET = M; P_HBARC2 = (hbar c)^2):
  nucleus (`pack_upscatter_nucleus`, CrossSection.UPSCATTER_NUCLEUS), M the nuclear mass:
    UPN_Z = Z, UPN_A = A, UPN_MU = mu = mu/mu_B x mu_B [MeV^-1], UPN_ALPHA = alpha,
    UPN_SPIN = spin code (SPIN_ZERO: Eq. 6, SPIN_HALF: Eq. 4),
    UPN_FF = form-factor code (FF_NONE, FF_KLEIN_NYSTRAND, FF_HELM),
    UPN_RADIUS = radius [MeV^-1] (R_A or R1; 0 for none),
    UPN_LENGTH2 = a_k or s [MeV^-1] (0 for none).
  electron (`pack_upscatter_electron`, CrossSection.UPSCATTER_ELECTRON), M = m_e:
    UPE_MU = mu [MeV^-1], UPE_ALPHA = alpha, UPE_Z = Z of the atom,
    UPE_N = n binding steps (0: free electrons), then from UPE_SHELLS the n binding energies
    [MeV] (ascending) and the n cumulative electron counts (stepping approximation,
    mcgen.physics.electron.stepping_fraction).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..tolerances import ENVELOPE_SLACK, RANGE_EDGE
from .electron import stepping_fraction
from .kinematics import recoil_range
from .layout import P_M_IN, P_M_OUT, P_M_TARGET, P_SPECIFIC, pack_common, place
from .nuclear_form_factors import FF_HELM, FF_KLEIN_NYSTRAND, FF_NONE, ff2  # noqa: F401

#: Spin codes (UPN_SPIN of a nuclear channel).
SPIN_ZERO = 0
SPIN_HALF = 1

#: Offsets of a nuclear channel's specific parameters (module docstring).
UPN_Z, UPN_A, UPN_MU, UPN_ALPHA, UPN_SPIN, UPN_FF, UPN_RADIUS, UPN_LENGTH2 = range(
    P_SPECIFIC, P_SPECIFIC + 8)
#: Length of a nuclear channel's array.
UPN_SIZE = UPN_LENGTH2 + 1
#: Offsets of an electron channel's specific parameters (module docstring).
UPE_MU, UPE_ALPHA, UPE_Z, UPE_N, UPE_SHELLS = range(P_SPECIFIC, P_SPECIFIC + 5)


def pack_upscatter_nucleus(*, m_N: float, M: float, hbarc2: float, Z: float, A: float,
                           mu: float, alpha: float, spin: int, ff: int, radius: float,
                           length2: float) -> np.ndarray:
    """Parameter array of `nucleus_dsigma_dT` (module docstring): a massless neutrino to an N of
    mass m_N [MeV] on a nucleus of mass M [MeV]."""
    return pack_common(0.0, m_N, M, hbarc2, place({
        UPN_Z: Z, UPN_A: A, UPN_MU: mu, UPN_ALPHA: alpha, UPN_SPIN: spin, UPN_FF: ff,
        UPN_RADIUS: radius, UPN_LENGTH2: length2}, UPN_SIZE))


def pack_upscatter_electron(*, m_N: float, m_e: float, hbarc2: float, mu: float, alpha: float,
                            Z: float, binding, cumulative) -> np.ndarray:
    """Parameter array of `electron_dsigma_dT` (module docstring): a massless neutrino to an N
    of mass m_N [MeV] on the electrons of an atom of charge Z, with the stepping table (binding
    energies [MeV], cumulative counts; both empty for free electrons)."""
    binding = np.asarray(binding, dtype=np.float64)
    fixed = place({UPE_MU: mu, UPE_ALPHA: alpha, UPE_Z: Z, UPE_N: binding.size}, UPE_SHELLS)
    return pack_common(0.0, m_N, m_e, hbarc2, np.concatenate([fixed, binding, cumulative]))


# -- kinematics ---------------------------------------------------------------------------
@njit(cache=True)
def emin_upscatter(T: float, m: float, M: float) -> float:
    """Smallest energy [MeV] of a massless projectile giving recoil T [MeV] in nu M -> N M with
    m = m_N ([Mustamin2024], sterile-case minimum energy; exact), in the cancellation-free form
    (m^2 + 2 M T) (T + sqrt(T (T + 2M))) / (4 M T). inf for T <= 0."""
    if T <= 0.0:
        return math.inf
    return (m * m + 2.0 * M * T) * (T + math.sqrt(T * (T + 2.0 * M))) / (4.0 * M * T)


def threshold_energy(m: float, M: float) -> float:
    """Smallest projectile energy [MeV] that opens nu M -> N M: sqrt(s) = m + M."""
    return m + m * m / (2.0 * M)


def threshold_recoil(m: float, M: float) -> float:
    """Recoil T* [MeV] at threshold (where E_min(T) is smallest): m^2 / (2 (m + M))."""
    return m * m / (2.0 * (m + M))


# -- cross-section pieces -------------------------------------------------------------------
@njit(cache=True)
def t_bracket(E: float, T: float, m: float, M: float, spin: int) -> float:
    """T x bracket of [Mustamin2024, Eq. (4)] (spin-1/2) or Eq. (6) (spin-0), as printed there."""
    tb = (1.0 - T / E - m * m / (2.0 * E * M) * (1.0 - T / (2.0 * E) + M / (2.0 * E))
          - m**4 / (8.0 * M * T * E * E) * (1.0 - T / M))
    if spin == SPIN_ZERO:
        tb += T * T / (4.0 * E * E) - m * m * T / (8.0 * M * E * E) * (1.0 + m * m / (M * T))
    return tb


@njit(cache=True)
def _in_range(E: float, T: float, m1: float, m: float, M: float) -> bool:
    if T <= 0.0:
        return False
    tmin, tmax = recoil_range(E, m1, m, M)
    if not tmax > 0.0:
        return False
    return tmin * (1.0 - RANGE_EDGE) <= T <= tmax * (1.0 + RANGE_EDGE)


@njit(cache=True)
def nucleus_dsigma_dT(E: float, T: float, p: np.ndarray) -> float:
    """nu A -> N A through a transition magnetic moment, dsigma/dT [MeV^-3]: [Mustamin2024, Eq. (4)]
    or (6) (by UPN_SPIN) with the form factor of UPN_FF, UPN_RADIUS, UPN_LENGTH2; zero outside
    the exact recoil range."""
    m, M = p[P_M_OUT], p[P_M_TARGET]
    if not _in_range(E, T, p[P_M_IN], m, M):
        return 0.0
    tb = t_bracket(E, T, m, M, int(p[UPN_SPIN]))
    if tb <= 0.0:
        return 0.0
    Z, mu, alpha = p[UPN_Z], p[UPN_MU], p[UPN_ALPHA]
    return alpha * Z * Z * mu * mu * ff2(int(p[UPN_FF]), 2.0 * M * T, p[UPN_RADIUS],
                                         p[UPN_LENGTH2]) * tb / T


@njit(cache=True)
def electron_dsigma_dT(E: float, T: float, p: np.ndarray) -> float:
    """nu e -> N e through a transition magnetic moment, dsigma/dT [MeV^-3]: [Mustamin2024, Eq. (4)]
    for a point-like spin-1/2 target (Z = 1, F = 1, M = m_e), times the fraction of the atom's
    electrons free to take the recoil (stepping approximation) when p[UPE_N] > 0."""
    m, M = p[P_M_OUT], p[P_M_TARGET]
    if not _in_range(E, T, p[P_M_IN], m, M):
        return 0.0
    tb = t_bracket(E, T, m, M, SPIN_HALF)
    if tb <= 0.0:
        return 0.0
    mu, alpha = p[UPE_MU], p[UPE_ALPHA]
    ds = alpha * mu * mu * tb / T
    n = int(p[UPE_N])
    if n > 0:
        ds *= stepping_fraction(T, p[UPE_SHELLS:UPE_SHELLS + n],
                                p[UPE_SHELLS + n:UPE_SHELLS + 2 * n], p[UPE_Z])
    return ds


# -- bounds for the sampler (numpy, once per channel) -------------------------------------
def _b_coefficient(T, m: float, M: float, spin: int):
    """b(T) of T B = 1 - a u - b u^2 (module docstring); decreasing in T."""
    T = np.asarray(T, float)
    m2 = m * m
    if spin == SPIN_ZERO:
        return m2 / 4 - m2 * T / (8 * M) + m2 * m2 / (8 * M * T) - T * T / 4
    return m2 / 4 - m2 * T / (4 * M) + m2 * m2 / (8 * M * T) - m2 * m2 / (8 * M * M)


def emin_array(T, m: float, M: float) -> np.ndarray:
    """emin_upscatter on an array of recoils."""
    T = np.asarray(T, float)
    return (m * m + 2 * M * T) * (T + np.sqrt(T * (T + 2 * M))) / (4 * M * T)


def t_bracket_sup(T_edges, m: float, M: float, spin: int, E_max=math.inf) -> np.ndarray:
    """Upper bound, per bin [T_edges[k], T_edges[k+1]], of T B(E, T) over all kinematically
    allowed E <= E_max (E_max = inf: all E; an array of k energies: one row per E_max).

    For (u = 1/E, T) in the bin, T B <= g(u) = 1 - A u - B u^2 with A = a(T_lo) (a increases
    with T) and B = b(T_hi) (b decreases with T); u runs over [1/E_max, u_hi] with
    u_hi = 1 / min_bin E_min(T) (E_min falls up to T* and rises after). g is concave or convex:
    its sup is at u = 1/E_max when B >= 0 (A > 0) and at one of the two ends otherwise.
    Capped at 1 (T B < 1 for every allowed E, module docstring), floored at 0."""
    T_edges = np.asarray(T_edges, float)
    Ta, Tb = T_edges[:-1], T_edges[1:]
    A = Ta + m * m / (2 * M)
    B = _b_coefficient(Tb, m, M, spin)
    u_lo = 1.0 / (np.asarray(E_max, float)[..., None] * (1.0 + ENVELOPE_SLACK))  # 0 for inf
    t_star = threshold_recoil(m, M)
    e_low = np.where(Tb < t_star, emin_array(Tb, m, M),
                     np.where(Ta > t_star, emin_array(Ta, m, M), threshold_energy(m, M)))
    with np.errstate(divide="ignore"):
        u_hi = np.where(e_low > 0, 1.0 / e_low, np.inf) * (1.0 + ENVELOPE_SLACK)
    g_lo = 1.0 - A * u_lo - B * u_lo * u_lo
    with np.errstate(invalid="ignore", over="ignore"):
        g_hi = np.where(B < 0, 1.0 - A * u_hi - B * u_hi * u_hi, -np.inf)
    g_hi = np.where(np.isnan(g_hi), np.inf, g_hi)
    return np.clip(np.maximum(g_lo, g_hi), 0.0, 1.0)
