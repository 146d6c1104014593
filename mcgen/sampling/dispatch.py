"""Kind codes -> physics kernels. The one place that maps a process or spectrum code to its
formula, so that the event kernel stays generic and numba can cache it.

Channel parameter layout (float64 array): p[0] = incoming mass m1, p[1] = outgoing mass m3,
p[2] = target mass M [MeV], p[3] = hbar-c^2 conversion, p[4:] process-specific.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..physics import cevns, ionization, neutrino_spectra, spectra, upscattering
from ..physics.electron import magnetic_dsigma_dT, sm_dsigma_dT, stepping_fraction
from ..physics.nucleus import dipole_elastic_dsigma_dT

PROC_DIPOLE_NUCLEUS_ELASTIC = 1
PROC_NU_ELECTRON = 2
PROC_CEVNS = 3
PROC_UPSCATTER_NUCLEUS = 4
PROC_UPSCATTER_ELECTRON = 5
PROC_IONIZATION_EPA = 6

#: Process codes written to the output (branch `process`) and their names.
PROCESS_NAMES = {PROC_DIPOLE_NUCLEUS_ELASTIC: "dipole_nucleus_elastic",
                 PROC_NU_ELECTRON: "nu_electron_elastic",
                 PROC_CEVNS: "cevns",
                 PROC_UPSCATTER_NUCLEUS: "dipole_portal_nucleus",
                 PROC_UPSCATTER_ELECTRON: "dipole_portal_electron",
                 PROC_IONIZATION_EPA: "ionization_epa"}

N_COMMON = 4  # p[0:4] common to all channels


@njit(cache=True)
def flux(kind: int, p: np.ndarray, E: float) -> float:
    """Differential flux of spectrum `kind` with parameters p at energy E (internal units)."""
    if kind == spectra.SPECTRUM_BROKEN_POWER_LAW:
        return spectra.broken_power_law(E, p)
    if kind == spectra.SPECTRUM_MOMENTUM_POWER_LAW:
        return spectra.momentum_power_law(E, p)
    if kind == spectra.SPECTRUM_TABLE_LINEAR:
        return spectra.table_linear(E, p)
    if kind == spectra.SPECTRUM_LINE:
        return spectra.line(E, p)
    if kind == spectra.SPECTRUM_REACTOR:
        return neutrino_spectra.reactor_antinu(E, p)
    if kind == spectra.SPECTRUM_MICHEL_NUE:
        return neutrino_spectra.michel_nue(E, p)
    if kind == spectra.SPECTRUM_MICHEL_NUMUBAR:
        return neutrino_spectra.michel_numubar(E, p)
    return 0.0


@njit(cache=True)
def flux_array(kind: int, p: np.ndarray, E: np.ndarray) -> np.ndarray:
    out = np.empty(E.size)
    for i in range(E.size):
        out[i] = flux(kind, p, E[i])
    return out


@njit(cache=True)
def dsigma_dT(proc: int, p: np.ndarray, E: float, T: float) -> float:
    """dsigma/dT [mm^2 / MeV] of channel (proc, p) at projectile energy E and recoil T."""
    if proc == PROC_DIPOLE_NUCLEUS_ELASTIC:
        # p[4:] = Z, A, mu [MeV^-1], ff_kind, m_e, alpha
        return p[3] * dipole_elastic_dsigma_dT(
            E, T, p[0], p[6], p[4], p[5], p[2], int(p[7]), p[8], p[9]
        )
    if proc == PROC_NU_ELECTRON:
        # p[4:] = g_L, g_R, G_F, kappa, alpha, m_e, Z, n, binding[n], cumulative[n]
        ds = sm_dsigma_dT(E, T, p[4], p[5], p[9], p[6]) + magnetic_dsigma_dT(
            E, T, p[7], p[8], p[9])
        n = int(p[11])
        if n > 0:
            ds *= stepping_fraction(T, p[12:12 + n], p[12 + n:12 + 2 * n], p[10])
        return p[3] * ds
    # processes whose kernels read their own parameter layout from p (see their modules)
    if proc == PROC_CEVNS:
        return p[3] * cevns.dsigma_dT(E, T, p)
    if proc == PROC_UPSCATTER_NUCLEUS:
        return p[3] * upscattering.nucleus_dsigma_dT(E, T, p)
    if proc == PROC_UPSCATTER_ELECTRON:
        return p[3] * upscattering.electron_dsigma_dT(E, T, p)
    if proc == PROC_IONIZATION_EPA:
        return p[3] * ionization.epa_dsigma_dT(E, T, p)
    return 0.0


@njit(cache=True)
def dsigma_dT_array(proc: int, p: np.ndarray, E: np.ndarray, T: np.ndarray) -> np.ndarray:
    out = np.empty(E.size)
    for i in range(E.size):
        out[i] = dsigma_dT(proc, p, E[i], T[i])
    return out
