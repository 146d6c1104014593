"""Kernel codes -> physics kernels: the one place that maps a cross-section or spectrum code to
its formula, so that the event kernel stays generic and numba can cache it. An unknown code
raises (never a silent zero).

A new process needs its physics module (kernel + ``pack``), its interaction class and, here, a
member of `CrossSection` plus one line in `dsigma_dT`; a new spectrum shape a member of
`mcgen.physics.spectra.Spectrum` plus one line in `flux`.

Channel parameter layout (float64 array) shared by every cross-section kernel: the masses and
the unit conversion at the named offsets of mcgen.physics.layout (`pack_common`, re-exported
here), then the process's own parameters from P_SPECIFIC on (layouts next to each kernel).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import njit

from . import (
    cevns,
    electron,
    ionization,
    neutrino_spectra,
    nuclear_form_factors,
    nucleus,
    spectra,
    upscattering,
)
from .layout import (  # noqa: F401  (re-exported: the common channel layout)
    P_HBARC2,
    P_M_IN,
    P_M_OUT,
    P_M_TARGET,
    P_SPECIFIC,
    pack_common,
)
from .spectra import Spectrum


class CrossSection(IntEnum):
    """dsigma/dT kernels (and the process codes of the built-in interactions, written to the
    output branch `process`)."""

    DIPOLE_NUCLEUS_ELASTIC = 1
    NU_ELECTRON = 2
    CEVNS = 3
    UPSCATTER_NUCLEUS = 4
    UPSCATTER_ELECTRON = 5
    IONIZATION_EPA = 6


# flux and dsigma_dT run once per proposal in the event kernel: compiled without numba's
# reference counting, as the kernel (mcgen.sampling.kernels.KERNEL; they allocate nothing), the
# counting of the parameter arrays they hand on costs ~5-10 ns a call.
HOT = dict(cache=True, nogil=True, _nrt=False)


@njit(**HOT)
def flux(kind: int, p: np.ndarray, E: float) -> float:
    """Differential flux of spectrum `kind` with parameters p at energy E (internal units)."""
    if kind == Spectrum.BROKEN_POWER_LAW:
        return spectra.broken_power_law(E, p)
    if kind == Spectrum.MOMENTUM_POWER_LAW:
        return spectra.momentum_power_law(E, p)
    if kind == Spectrum.TABLE_LINEAR:
        return spectra.table_linear(E, p)
    if kind == Spectrum.LINE:
        return spectra.line(E, p)
    if kind == Spectrum.REACTOR:
        return neutrino_spectra.reactor_antinu(E, p)
    if kind == Spectrum.MICHEL_NUE:
        return neutrino_spectra.michel_nue(E, p)
    if kind == Spectrum.MICHEL_NUMUBAR:
        return neutrino_spectra.michel_numubar(E, p)
    raise ValueError("unknown spectrum code (mcgen.physics.spectra.Spectrum)")


@njit(cache=True)
def flux_array(kind: int, p: np.ndarray, E: np.ndarray) -> np.ndarray:
    out = np.empty(E.size)
    for i in range(E.size):
        out[i] = flux(kind, p, E[i])
    return out


@njit(**HOT)
def dsigma_dT(kernel: int, p: np.ndarray, E: float, T: float) -> float:
    """dsigma/dT [mm^2 / MeV] of channel (kernel, p) at projectile energy E and recoil T."""
    if kernel == CrossSection.DIPOLE_NUCLEUS_ELASTIC:
        ds = nucleus.dipole_dsigma_dT(E, T, p)
    elif kernel == CrossSection.NU_ELECTRON:
        ds = electron.nu_e_dsigma_dT(E, T, p)
    elif kernel == CrossSection.CEVNS:
        ds = cevns.dsigma_dT(E, T, p)
    elif kernel == CrossSection.UPSCATTER_NUCLEUS:
        ds = upscattering.nucleus_dsigma_dT(E, T, p)
    elif kernel == CrossSection.UPSCATTER_ELECTRON:
        ds = upscattering.electron_dsigma_dT(E, T, p)
    elif kernel == CrossSection.IONIZATION_EPA:
        ds = ionization.epa_dsigma_dT(E, T, p)
    else:
        raise ValueError("unknown cross-section code (mcgen.physics.dispatch.CrossSection)")
    return p[P_HBARC2] * ds


@njit(**HOT)
def dsigma_dT_inside(kernel: int, p: np.ndarray, E: float, T: float) -> float:
    """`dsigma_dT` [mm^2 / MeV] for a recoil T [MeV] inside the kinematic range of E [MeV]
    (the event kernel draws T in it): the same value, without the range check of the
    upscattering kernels (kinematics.recoil_range: three square roots and five divisions, ~10 ns
    a proposal). T x bracket of [Mustamin2024, Eq. 4 (spin 1/2) or Eq. 6 (spin 0)] times
    alpha Z^2 mu^2 F^2(2 M T) / T, as upscattering.nucleus_dsigma_dT."""
    if kernel == CrossSection.UPSCATTER_NUCLEUS:
        m, M = p[P_M_OUT], p[P_M_TARGET]
        tb = upscattering.t_bracket(E, T, m, M, int(p[upscattering.UPN_SPIN]))
        if tb <= 0.0:
            return 0.0
        Z, mu, alpha = p[upscattering.UPN_Z], p[upscattering.UPN_MU], p[upscattering.UPN_ALPHA]
        ds = alpha * Z * Z * mu * mu * nuclear_form_factors.ff2(
            int(p[upscattering.UPN_FF]), 2.0 * M * T, p[upscattering.UPN_RADIUS],
            p[upscattering.UPN_LENGTH2]) * tb / T
        return p[P_HBARC2] * ds
    return dsigma_dT(kernel, p, E, T)


@njit(cache=True)
def dsigma_dT_array(kernel: int, p: np.ndarray, E: np.ndarray, T: np.ndarray) -> np.ndarray:
    out = np.empty(E.size)
    for i in range(E.size):
        out[i] = dsigma_dT(kernel, p, E[i], T[i])
    return out
