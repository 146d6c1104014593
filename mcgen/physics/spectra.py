"""Spectral shapes of sources: differential flux as a function of total energy E [MeV].

Each kernel takes its parameters as a float64 array so that the sampler can dispatch on a
kind code (see mcgen.physics.dispatch). Every shape is monotone between its nodes.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import njit


class Spectrum(IntEnum):
    """Spectrum shapes: the kernel codes of mcgen.physics.dispatch.flux (a source component
    names its shape by one of these). A new shape: its kernel, a member here and one line in
    dispatch.flux."""

    BROKEN_POWER_LAW = 1
    MOMENTUM_POWER_LAW = 2
    TABLE_LINEAR = 3
    LINE = 4
    REACTOR = 5  # kernels of mcgen.physics.neutrino_spectra
    MICHEL_NUE = 6
    MICHEL_NUMUBAR = 7


@njit(cache=True)
def broken_power_law(E: float, p: np.ndarray) -> float:
    """p = (norm, E_lo, E_hi, E_break, g1, g2): norm E^g1 for E_lo <= E < E_break and
    norm E_break^(g1 - g2) E^g2 for E_break <= E <= E_hi (continuous at E_break).
    With g1 = 1, g2 = -2.7, E_break = 40 MeV this is paper 000 Eq. (21)."""
    norm, e_lo, e_hi, e_b, g1, g2 = p[0], p[1], p[2], p[3], p[4], p[5]
    if E < e_lo or E > e_hi:
        return 0.0
    if E < e_b:
        return norm * E**g1
    return norm * e_b ** (g1 - g2) * E**g2


@njit(cache=True)
def momentum_power_law(E: float, p: np.ndarray) -> float:
    """p = (norm, E_lo, E_hi, m, gamma): norm (E^2 - m^2)^-gamma, paper 000 Eq. (11)."""
    norm, e_lo, e_hi, m, gamma = p[0], p[1], p[2], p[3], p[4]
    if E < e_lo or E > e_hi:
        return 0.0
    return norm * (E * E - m * m) ** (-gamma)


@njit(cache=True)
def table_linear(E: float, p: np.ndarray) -> float:
    """p = (n, x_0..x_{n-1}, y_0..y_{n-1}): linear interpolation, zero outside [x_0, x_{n-1}]."""
    n = int(p[0])
    x = p[1 : 1 + n]
    y = p[1 + n : 1 + 2 * n]
    if E < x[0] or E > x[n - 1]:
        return 0.0
    j = np.searchsorted(x, E, side="right") - 1
    if j >= n - 1:
        return y[n - 1]
    f = (E - x[j]) / (x[j + 1] - x[j])
    return y[j] + f * (y[j + 1] - y[j])


@njit(cache=True)
def line(E: float, p: np.ndarray) -> float:
    """p = (intensity, E0): a monoenergetic line; the value is the intensity at E = E0."""
    return p[0] if E == p[1] else 0.0
