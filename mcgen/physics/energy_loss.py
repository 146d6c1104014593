"""Ionisation energy loss of muons and of a neutral magnetic-dipole particle in matter, and
continuous-slowing-down (CSDA) propagation of the dipole through a column of rock.

Units (plain floats, no unit multiplication needed): energies, momenta and masses in MeV; mass
stopping powers in MeV cm^2/g (multiply by the density in g/cm^3 for MeV/cm); column densities
X in g/cm^2 (``column_density`` converts an internal-unit length, e.g. ``1 * km``).

Only ionisation is included (Bethe equation with the density effect); radiative losses
(bremsstrahlung, pair production, photonuclear), which matter for muons above ~100 GeV, and the
low-energy corrections (shell, Barkas, Bloch) are not.

References:
  [PDG] R. L. Workman et al. (Particle Data Group), Review of Particle Physics, PTEP 2022
        083C01, review "Passage of particles through matter": Bethe equation Eq. (34.5), maximum
        energy transfer Eq. (34.4), density-effect parameterisation Eq. (34.7), K in Table 34.1.
  [Groom] D. E. Groom, N. V. Mokhov, S. I. Striganov, Atomic Data and Nuclear Data Tables 78
        (2001) 183: standard-rock Sternheimer parameters, the muon minimum 1.687 MeV cm^2/g, and
        the Bethe equation of a spin-1/2 muon with its (1/8)(Tmax/E)^2 term (their Sec. 2).
  [Bueno2013] A. Bueno et al., arXiv:1308.0011, Sec. 4, Eq. (22).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..constants import ALPHA, M_ELECTRON, M_MUON, MU_BOHR, cm, eV
from ..tolerances import ROOT_XTOL

#: K = 4 pi N_A r_e^2 m_e c^2 [MeV cm^2/mol], [PDG] Table 34.1.
K_BETHE = 0.307075
#: 2 ln 10: delta = 2 ln(10) x - Cbar at high x = log10(beta gamma), [PDG] Eq. (34.7).
_TWO_LN10 = 2.0 * math.log(10.0)

#: Layout of a material (a tuple or array, e.g. STANDARD_ROCK): Z/A, mean excitation energy I
#: [MeV], density rho [g/cm^3], Sternheimer a, k, x0, x1, Cbar, delta0 ([PDG] Eq. (34.7)).
(ROCK_Z_OVER_A, ROCK_I, ROCK_RHO, ROCK_A, ROCK_K, ROCK_X0, ROCK_X1, ROCK_CBAR,
 ROCK_DELTA0) = range(9)
ROCK_SIZE = 9

#: PDG "standard rock" (Z = 11, A = 22), [Groom2001], in that layout.
STANDARD_ROCK = (0.5, 136.4 * eV, 2.65, 0.0830, 3.4120, 0.0492, 3.0549, 3.7738, 0.0)
#: Muon minimum-ionisation mass stopping power of standard rock [MeV cm^2/g], [Groom].
STANDARD_ROCK_DEDX_MIN = 1.687

_ZA, _I, _RHO, _A, _K, _X0, _X1, _CBAR, _D0 = STANDARD_ROCK

#: Default stopping cut on the dipole kinetic energy [MeV] (see ``stop_kinetic``).
T_CUT = 1e-3
#: Lowest beta gamma at which the Bethe equation is still used (see ``stop_kinetic``). [PDG]
#: quotes a few % accuracy for 0.1 < beta gamma < 1000; below ~sqrt(I / 2 m_e) ~ 0.012 (rock)
#: its logarithm turns negative. The range left below beta gamma = 0.05 is negligible (it
#: scales as (beta gamma)^2).
BG_MIN = 0.05

# 8-point Gauss-Legendre rule, panels at most _DU_MAX wide in ln p: halving the width changes
# the range of an m = 10 MeV dipole by < 1e-14 relative, doubling it by < 1e-10.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(8)
_DU_MAX = 0.5


@njit(cache=True)
def density_effect(bg: float, a: float, k: float, x0: float, x1: float, Cbar: float,
                   delta0: float) -> float:
    """Sternheimer density-effect correction delta(beta gamma), [PDG] Eq. (34.7), x = log10(bg):
    2 ln10 x - Cbar (x >= x1); 2 ln10 x - Cbar + a (x1 - x)^k (x0 <= x < x1);
    delta0 10^(2 (x - x0)) (x < x0; zero for delta0 = 0 as for standard rock)."""
    x = math.log10(bg)
    if x >= x1:
        return _TWO_LN10 * x - Cbar
    if x >= x0:
        return _TWO_LN10 * x - Cbar + a * (x1 - x) ** k
    return delta0 * 10.0 ** (2.0 * (x - x0))


@njit(cache=True)
def bethe_dedx_muon(p: float, Z_over_A: float, I: float, rho: float, a: float, k: float,
                    x0: float, x1: float, Cbar: float, delta0: float) -> float:
    """Mean ionisation mass stopping power <-dE/dx> [MeV cm^2/g] of a muon (z = 1) of momentum
    p [MeV], [PDG] Eq. (34.5):
    K Z/A / beta^2 [ 1/2 ln(2 m_e beta^2 gamma^2 Tmax / I^2) - beta^2 - delta(beta gamma)/2
    + (1/8) (Tmax/E)^2 ], the last term that of a spin-1/2 projectile ([Groom], Sec. 2; E the
    muon's total energy; +0.01 % at 1 GeV/c, +0.2 % at 10 GeV/c),
    Tmax = 2 m_e beta^2 gamma^2 / (1 + 2 gamma m_e/M + (m_e/M)^2) ([PDG] Eq. (34.4)), delta from
    ``density_effect``. I in MeV. Ionisation only: no radiative losses, no shell/Barkas/Bloch
    corrections (valid to a few % for 0.1 < beta gamma < 1000). rho [g/cm^3] does not enter the
    mass stopping power (the density is already in the Sternheimer parameters); it is kept so
    that the argument list is the full material description (``STANDARD_ROCK``)."""
    bg = p / M_MUON
    bg2 = bg * bg
    gamma = math.sqrt(1.0 + bg2)
    beta2 = bg2 / (1.0 + bg2)
    r = M_ELECTRON / M_MUON
    tmax = 2.0 * M_ELECTRON * bg2 / (1.0 + 2.0 * gamma * r + r * r)  # [PDG] Eq. (34.4)
    delta = density_effect(bg, a, k, x0, x1, Cbar, delta0)  # [PDG] Eq. (34.7)
    E = M_MUON * gamma
    spin = 0.125 * (tmax / E) ** 2  # spin-1/2 term of the muon, [Groom] Sec. 2
    bracket = (0.5 * math.log(2.0 * M_ELECTRON * bg2 * tmax / (I * I)) - beta2 - 0.5 * delta
               + spin)
    return K_BETHE * Z_over_A / beta2 * bracket  # [PDG] Eq. (34.5)


@njit(cache=True)
def muon_dedx_standard_rock(p: float) -> float:
    """Muon ionisation mass stopping power [MeV cm^2/g] in standard rock at momentum p [MeV]
    (``bethe_dedx_muon`` with ``STANDARD_ROCK``)."""
    return bethe_dedx_muon(p, _ZA, _I, _RHO, _A, _K, _X0, _X1, _CBAR, _D0)


@njit(cache=True)
def dipole_prefactor(mu_muB: float) -> float:
    """mu^2 m_e^2 / (pi alpha) of [Bueno2013, Eq. (22)], mu = mu_muB * mu_B in natural units
    [MeV^-1]. With mu_B = e / (2 m_e) and e^2 = 4 pi alpha this is exactly mu_muB^2, i.e. the
    "(mu/mu_B)^2" scaling; it is evaluated from the constants as written."""
    mu = mu_muB * MU_BOHR
    return mu * mu * M_ELECTRON * M_ELECTRON / (math.pi * ALPHA)


@njit(cache=True)
def dipole_dedx(p: float, m: float, mu_muB: float, Z_over_A: float = _ZA, I: float = _I,
                rho: float = _RHO, a: float = _A, k: float = _K, x0: float = _X0,
                x1: float = _X1, Cbar: float = _CBAR, delta0: float = _D0) -> float:
    """Ionisation mass stopping power [MeV cm^2/g] of a neutral particle of mass m [MeV],
    momentum p [MeV] and magnetic dipole moment mu_muB Bohr magnetons, [Bueno2013, Eq. (22)]:
    -dE/dx|_N = (mu^2 m_e^2 / (pi alpha)) (beta gamma)^2 (-dE/dx)|_mu, beta gamma = p/m.

    Reading of Eq. (22): the muon stopping power is taken at the same beta gamma as the dipole
    (muon momentum p_mu = (p/m) M_MUON); the Bethe equation depends on the projectile only
    through its velocity (up to the small mass dependence of Tmax), so equal beta gamma compares
    the two at equal velocity. The prefactor equals mu_muB^2 (``dipole_prefactor``). Material
    defaults: ``STANDARD_ROCK``. The caller multiplies by the density for MeV/cm."""
    bg = p / m
    s_mu = bethe_dedx_muon(bg * M_MUON, Z_over_A, I, rho, a, k, x0, x1, Cbar, delta0)
    return dipole_prefactor(mu_muB) * bg * bg * s_mu  # [Bueno2013, Eq. (22)]


@njit(cache=True)
def stop_kinetic(m: float, t_cut: float = T_CUT, bg_min: float = BG_MIN) -> float:
    """Kinetic energy [MeV] below which the dipole counts as stopped ("ranged out"):
    max(t_cut, m (sqrt(1 + bg_min^2) - 1)), i.e. T < t_cut (default 1 keV) or
    beta gamma < bg_min (default 0.05, below the validity of the Bethe equation). For m = 10 MeV
    the second condition wins: T_stop = 12.5 keV."""
    return max(t_cut, m * (math.sqrt(1.0 + bg_min * bg_min) - 1.0))


@njit(cache=True)
def _dX_dlnp(u: float, m: float, mu_muB: float, Z_over_A: float, I: float, rho: float,
             a: float, k: float, x0: float, x1: float, Cbar: float, delta0: float) -> float:
    """dX/d(ln p) = (dE/d ln p) / S = p^2 / (E S) [g/cm^2] (dE = p dp / E, CSDA)."""
    p = math.exp(u)
    E = math.sqrt(p * p + m * m)
    return p * p / (E * dipole_dedx(p, m, mu_muB, Z_over_A, I, rho, a, k, x0, x1, Cbar, delta0))


@njit(cache=True)
def _column_smooth(u_lo: float, u_hi: float, m: float, mu_muB: float, Z_over_A: float,
                   I: float, rho: float, a: float, k: float, x0: float, x1: float, Cbar: float,
                   delta0: float) -> float:
    """Integral of ``_dX_dlnp`` over [u_lo, u_hi] (u_lo <= u_hi, integrand smooth there):
    composite 8-point Gauss-Legendre, panels at most _DU_MAX wide."""
    width = u_hi - u_lo
    if width <= 0.0:
        return 0.0
    npan = int(math.ceil(width / _DU_MAX))
    h = width / npan
    total = 0.0
    for s in range(npan):
        mid = u_lo + (s + 0.5) * h
        acc = 0.0
        for i in range(_GL_X.size):
            acc += _GL_W[i] * _dX_dlnp(mid + 0.5 * h * _GL_X[i], m, mu_muB, Z_over_A, I, rho, a,
                                       k, x0, x1, Cbar, delta0)
        total += 0.5 * h * acc
    return total


@njit(cache=True)
def _column(u_lo: float, u_hi: float, m: float, mu_muB: float, Z_over_A: float, I: float,
            rho: float, a: float, k: float, x0: float, x1: float, Cbar: float,
            delta0: float) -> float:
    """Column density [g/cm^2] to slow down from ln p = u_hi to u_lo (signed: negative if
    u_lo > u_hi): integral of ``_dX_dlnp`` du (``_column_smooth``), split at the kinks of the
    density effect, beta gamma = 10^x0 and 10^x1 (ln p = ln m + x ln 10), [PDG] Eq. (34.7)."""
    sign = 1.0
    if u_lo > u_hi:
        u_lo, u_hi = u_hi, u_lo
        sign = -1.0
    total = 0.0
    start = u_lo
    for x in (x0, x1):
        kink = math.log(m) + x * math.log(10.0)
        if start < kink < u_hi:
            total += _column_smooth(start, kink, m, mu_muB, Z_over_A, I, rho, a, k, x0, x1,
                                    Cbar, delta0)
            start = kink
    total += _column_smooth(start, u_hi, m, mu_muB, Z_over_A, I, rho, a, k, x0, x1, Cbar,
                            delta0)
    return sign * total


@njit(cache=True)
def range_dipole(E0: float, m: float, mu_muB: float, Z_over_A: float = _ZA, I: float = _I,
                 rho: float = _RHO, a: float = _A, k: float = _K, x0: float = _X0,
                 x1: float = _X1, Cbar: float = _CBAR, delta0: float = _D0,
                 t_cut: float = T_CUT, bg_min: float = BG_MIN) -> float:
    """CSDA range [g/cm^2] of the dipole of total energy E0 [MeV]: X = integral dE / S(E) from the
    stopping point (``stop_kinetic``) to E0, S = ``dipole_dedx`` ([Bueno2013, Eq. (22)]), computed
    as the integral of p^2 / (E S) over ln p. Zero if E0 is already below the stopping point."""
    t_stop = stop_kinetic(m, t_cut, bg_min)
    if E0 - m <= t_stop:
        return 0.0
    u0 = 0.5 * math.log(E0 * E0 - m * m)
    E_stop = m + t_stop
    u_stop = 0.5 * math.log(E_stop * E_stop - m * m)
    return _column(u_stop, u0, m, mu_muB, Z_over_A, I, rho, a, k, x0, x1, Cbar, delta0)


@njit(cache=True)
def propagate_dipole(E0: float, m: float, mu_muB: float, X_g_cm2: float,
                     Z_over_A: float = _ZA, I: float = _I, rho: float = _RHO, a: float = _A,
                     k: float = _K, x0: float = _X0, x1: float = _X1, Cbar: float = _CBAR,
                     delta0: float = _D0, t_cut: float = T_CUT,
                     bg_min: float = BG_MIN) -> float:
    """Total energy [MeV] of the dipole (mass m, moment mu_muB mu_B, total energy E0 [MeV]) after
    a column density X_g_cm2 [g/cm^2] under continuous energy loss dE/dX = -S(E) (CSDA, S =
    ``dipole_dedx``, [Bueno2013, Eq. (22)]); returns m (at rest, "ranged out") if the kinetic energy
    falls below ``stop_kinetic`` within X (or starts below it).

    The ODE is autonomous, so its solution E(X) is the inverse of the column density
    X(u) = integral_u^{u0} p^2 / (E S) d(ln p) (``_column``: Gauss-Legendre in ln p, relative
    accuracy ~1e-13), u = ln p. The final u solves X(u) = X_g_cm2 by Newton's method
    (dX/du = -p^2/(E S)) safeguarded by bisection inside the bracket [ln p_stop, ln p0], the
    column being accumulated between successive iterates. First guess: the relativistic limit
    p^2/(E S) ~ 1/p (S ~ p^2), X(u) = h0 (e^(u0 - u) - 1) with h0 = dX/du at u0."""
    if X_g_cm2 <= 0.0:
        return E0
    t_stop = stop_kinetic(m, t_cut, bg_min)
    if E0 - m <= t_stop:
        return m
    u0 = 0.5 * math.log(E0 * E0 - m * m)
    E_stop = m + t_stop
    u_stop = 0.5 * math.log(E_stop * E_stop - m * m)
    h0 = _dX_dlnp(u0, m, mu_muB, Z_over_A, I, rho, a, k, x0, x1, Cbar, delta0)
    u = max(u0 - math.log1p(X_g_cm2 / h0), u_stop)
    col = _column(u, u0, m, mu_muB, Z_over_A, I, rho, a, k, x0, x1, Cbar, delta0)
    lo = u_stop  # F(u) = col(u) - X is decreasing in u; its root lies in [lo, hi]
    hi = u0
    stop_checked = False
    for _ in range(100):
        f = col - X_g_cm2
        if f < 0.0:
            if u == u_stop:
                return m  # the whole range is shorter than the column: ranged out
            hi = u
        else:
            lo = u
        stop_checked = stop_checked or u == u_stop
        # Newton: dF/du = -dX/dlnp, so u_new = u + f / (dX/dlnp)
        step = f / _dX_dlnp(u, m, mu_muB, Z_over_A, I, rho, a, k, x0, x1, Cbar, delta0)
        tol = ROOT_XTOL * max(1.0, abs(u))  # p known to ~ROOT_XTOL relative
        if abs(step) <= tol or hi - lo <= tol:
            break
        u_new = u + step
        if not lo < u_new < hi:
            # below the bracket and the stopping point not tried yet: try it (does it stop?)
            u_new = u_stop if (u_new <= lo and not stop_checked) else 0.5 * (lo + hi)
        col += _column(u_new, u, m, mu_muB, Z_over_A, I, rho, a, k, x0, x1, Cbar, delta0)
        u = u_new
    p = math.exp(u)
    return math.sqrt(p * p + m * m)


@njit(cache=True)
def _propagate_kernel(E0, X, m, mu_muB, mat, t_cut, bg_min):
    """Loop of ``propagate_dipole`` over 1-d arrays E0, X of equal size; mat = material tuple
    (ROCK_* layout)."""
    out = np.empty(E0.size)
    for i in range(E0.size):
        out[i] = propagate_dipole(E0[i], m, mu_muB, X[i], mat[ROCK_Z_OVER_A], mat[ROCK_I],
                                  mat[ROCK_RHO], mat[ROCK_A], mat[ROCK_K], mat[ROCK_X0],
                                  mat[ROCK_X1], mat[ROCK_CBAR], mat[ROCK_DELTA0], t_cut, bg_min)
    return out


def propagate_dipole_array(E0_array, X_array, m: float, mu_muB: float,
                           material: tuple = STANDARD_ROCK, t_cut: float = T_CUT,
                           bg_min: float = BG_MIN) -> np.ndarray:
    """``propagate_dipole`` for arrays of total energies E0 [MeV] and column densities X
    [g/cm^2] (broadcast against each other), looping inside numba. Returns total energies [MeV]
    with the broadcast shape; ranged-out entries are m. material: tuple as ``STANDARD_ROCK``."""
    E0b, Xb = np.broadcast_arrays(np.asarray(E0_array, dtype=np.float64),
                                  np.asarray(X_array, dtype=np.float64))
    mat = tuple(float(v) for v in material)
    out = _propagate_kernel(np.ascontiguousarray(E0b).ravel(), np.ascontiguousarray(Xb).ravel(),
                            float(m), float(mu_muB), mat, float(t_cut), float(bg_min))
    return out.reshape(E0b.shape)


def column_density(length: float, rho_g_cm3: float = _RHO) -> float:
    """Column density [g/cm^2] of a path of the given length (internal units, e.g. 1.4 * km)
    through a medium of density rho_g_cm3 [g/cm^3] (default: standard rock, 2.65)."""
    return rho_g_cm3 * length / cm


__all__ = [
    "BG_MIN", "K_BETHE", "STANDARD_ROCK", "STANDARD_ROCK_DEDX_MIN", "T_CUT", "bethe_dedx_muon",
    "column_density", "density_effect", "dipole_dedx", "dipole_prefactor",
    "muon_dedx_standard_rock", "propagate_dipole", "propagate_dipole_array", "range_dipole",
    "stop_kinetic",
]
