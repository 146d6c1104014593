"""Quenching of nuclear recoils: the ionisation (electron-equivalent) energy of a recoil.

Lindhard model (J. Lindhard, V. Nielsen, M. Scharff, P. V. Thomsen, Mat. Fys. Medd. Dan. Vid.
Selsk. 33 (1963) no. 10), in the parametrisation of [Mustamin2024, Eqs. (16)-(17)] (also Lewin &
Smith, Astropart. Phys. 6 (1996) 87, Sec. 6):

    Y(T) = k g(eps) / (1 + k g(eps)),  g = 3 eps^0.15 + 0.7 eps^0.6 + eps,
    eps = 11.5 Z^(-7/3) T[keV],  k = 0.133 Z^(2/3) A^(-1/2)  (Lindhard's electronic stopping),

or a fitted k ([Mustamin2024]: k = 0.16 for Ge, after A. Bonhomme et al. (CONUS), EPJC 82 (2022)
815, who find k = 0.162 +- 0.004 for 0.4-6.3 keV_nr). The electron-equivalent energy is
T_ee = Y(T_nr) T_nr (Eq. 19) and a spectrum transforms with the Jacobian
dT_ee/dT_nr = Y + T_nr dY/dT_nr (Eq. 20). Energies in keV throughout this module. Plain numpy
(vectorised over T).
"""

from __future__ import annotations

import numpy as np

from ..validation import positive_finite

#: Lindhard's k = K_LINDHARD Z^(2/3) A^(-1/2) (Lindhard et al. 1963).
K_LINDHARD = 0.133
#: eps = EPS_COEFF Z^(-7/3) T[keV].
EPS_COEFF = 11.5
#: Fitted k for germanium used by [Mustamin2024] (below Eq. 17; Bonhomme et al. 2022).
K_GERMANIUM_PAPER002 = 0.16


def lindhard_k(Z: float, A: float) -> float:
    """Lindhard's k = 0.133 Z^(2/3) A^(-1/2) (0.157 for Ge, 0.166 for Xe)."""
    return K_LINDHARD * Z ** (2.0 / 3.0) / np.sqrt(A)


def _k(Z, A, k):
    if k is None:
        return lindhard_k(Z, A)
    return positive_finite("quenching k", k, "Lindhard's k", what="a number")


def _g(T_keV, Z):
    eps = EPS_COEFF * np.asarray(T_keV, float) * Z ** (-7.0 / 3.0)
    return 3.0 * eps**0.15 + 0.7 * eps**0.6 + eps, eps


def lindhard_yield(T_keV, Z: float, A: float, k: float | None = None):
    """Lindhard quenching factor Y(T_nr) of [Mustamin2024, Eqs. (16)-(17)] for a nuclear recoil of
    T_keV [keV] in a material of atomic number Z and mass number A; k: Lindhard's
    0.133 Z^(2/3) A^(-1/2) (default) or a fitted value. Y = 0 for T <= 0; 0 < Y < 1 above."""
    kk = _k(Z, A, k)
    T = np.asarray(T_keV, float)
    g, _ = _g(np.maximum(T, 0.0), Z)
    y = np.where(T > 0, kk * g / (1.0 + kk * g), 0.0)
    return y if y.ndim else float(y)


def lindhard_dY_dT(T_keV, Z: float, A: float, k: float | None = None):
    """dY/dT_nr [keV^-1] of the Lindhard yield (T > 0)."""
    kk = _k(Z, A, k)
    T = np.asarray(T_keV, float)
    g, eps = _g(T, Z)
    dg_deps = 0.45 * eps**-0.85 + 0.42 * eps**-0.4 + 1.0
    out = kk / (1.0 + kk * g) ** 2 * dg_deps * EPS_COEFF * Z ** (-7.0 / 3.0)
    return out if out.ndim else float(out)


def electron_equivalent(T_nr_keV, Z: float, A: float, k: float | None = None):
    """T_ee = Y(T_nr) T_nr [keV], [Mustamin2024, Eq. (19)]."""
    T = np.asarray(T_nr_keV, float)
    out = lindhard_yield(T, Z, A, k) * T
    return out if np.ndim(out) else float(out)


def dTee_dTnr(T_nr_keV, Z: float, A: float, k: float | None = None):
    """Jacobian dT_ee/dT_nr = Y + T_nr dY/dT_nr of [Mustamin2024, Eq. (20)]: dR/dT_ee equals
    dR/dT_nr divided by it."""
    T = np.asarray(T_nr_keV, float)
    out = lindhard_yield(T, Z, A, k) + T * lindhard_dY_dT(T, Z, A, k)
    return out if np.ndim(out) else float(out)


def nuclear_recoil_energy(T_ee_keV, Z: float, A: float, k: float | None = None,
                          rtol: float = 1e-13):
    """Inverse of Eq. (19): the nuclear recoil T_nr [keV] with Y(T_nr) T_nr = T_ee_keV.

    f(T) = Y(T) T is strictly increasing (Y and T both increase), so the root is unique; as
    Y < 1 and Y increasing, it lies in [T_ee, T_ee / Y(T_ee)]. Vectorised bisection in ln T
    on that bracket followed by Newton steps kept inside the bracket (always converges).
    0 for T_ee <= 0."""
    kk = _k(Z, A, k)
    Tee = np.atleast_1d(np.asarray(T_ee_keV, float))
    pos = Tee > 0
    out = np.zeros(Tee.shape)
    te = Tee[pos]
    if te.size:
        lo = np.log(te)
        hi = np.log(te / lindhard_yield(te, Z, A, kk))
        # bisection to a relative width ~1e-4, then safeguarded Newton
        for _ in range(max(1, int(np.ceil(np.log2(np.max(hi - lo) / 1e-4 + 1.0))))):
            mid = 0.5 * (lo + hi)
            tm = np.exp(mid)
            above = lindhard_yield(tm, Z, A, kk) * tm > te
            hi = np.where(above, mid, hi)
            lo = np.where(above, lo, mid)
        T = np.exp(0.5 * (lo + hi))
        T_lo, T_hi = np.exp(lo), np.exp(hi)
        for _ in range(50):
            f = lindhard_yield(T, Z, A, kk) * T - te
            step = f / dTee_dTnr(T, Z, A, kk)
            T_new = np.clip(T - step, T_lo, T_hi)
            done = np.all(np.abs(T_new - T) <= rtol * T)
            T = T_new
            if done:
                break
        out[pos] = T
    return out.reshape(np.shape(T_ee_keV)) if np.ndim(T_ee_keV) else float(out[0])


def germanium_low_energy_yield(T_nr_keV):
    """[Mustamin2024, Eq. (18)], used there for Ge at 0.04 keV < T_nr < 0.254 keV (after Essig et
    al. 2018): Y = 0.18 [1 - exp((15 - T)/71.03)], with T in eV (read off the numbers: Y = 0 at
    the 15 eV end, 0.174 at 254 eV, close to Lindhard's 0.145 there; in keV the formula would be
    negative). Returned for T_nr_keV in keV; clipped at 0 below 15 eV."""
    T_eV = np.asarray(T_nr_keV, float) * 1e3
    out = np.maximum(0.18 * (1.0 - np.exp((15.0 - T_eV) / 71.03)), 0.0)
    return out if out.ndim else float(out)
