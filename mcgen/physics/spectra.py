"""Spectral shapes of sources: differential flux as a function of total energy E [MeV].

Each kernel takes its parameters as a float64 array so that the sampler can dispatch on a
kind code (see mcgen.physics.dispatch). Every shape is monotone between its nodes.

Parameter layouts (named offsets below, one ``pack_...`` builder each):
- broken_power_law: BPL_NORM, BPL_E_LO, BPL_E_HI, BPL_E_BREAK, BPL_G1, BPL_G2, and derived
  from them BPL_JOIN = E_break^(g1 - g2) (one power less per value);
- momentum_power_law: MPL_NORM, MPL_E_LO, MPL_E_HI, MPL_MASS, MPL_GAMMA;
- table_linear: TAB_N = n, then from TAB_X the n abscissae (increasing) and the n values
  (also the layout of a tabulated zenith-angle distribution, mcgen.geometry.direction); a table
  of more than TAB_GUIDE_MIN points is followed by a guide of n entries (guide[g]: the segment
  at g / n of the way from the first abscissa to the last), where the search starts;
- line: LINE_INTENSITY, LINE_ENERGY.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import njit

from .layout import at_offsets


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


BPL_NORM, BPL_E_LO, BPL_E_HI, BPL_E_BREAK, BPL_G1, BPL_G2, BPL_JOIN = range(7)
MPL_NORM, MPL_E_LO, MPL_E_HI, MPL_MASS, MPL_GAMMA = range(5)
TAB_N, TAB_X = 0, 1
#: Tables longer than this get a search guide (a binary search over 1000 points cost ~60 ns a
#: flux value in the event kernel; the guide, a few ns).
TAB_GUIDE_MIN = 32
LINE_INTENSITY, LINE_ENERGY = 0, 1


def pack_broken_power_law(*, norm: float, E_lo: float, E_hi: float, E_break: float, g1: float,
                          g2: float) -> np.ndarray:
    """Parameter array of `broken_power_law`."""
    return at_offsets({BPL_NORM: norm, BPL_E_LO: E_lo, BPL_E_HI: E_hi, BPL_E_BREAK: E_break,
                       BPL_G1: g1, BPL_G2: g2, BPL_JOIN: E_break ** (g1 - g2)})


def pack_momentum_power_law(*, norm: float, E_lo: float, E_hi: float, m: float,
                            gamma: float) -> np.ndarray:
    """Parameter array of `momentum_power_law`."""
    return at_offsets({MPL_NORM: norm, MPL_E_LO: E_lo, MPL_E_HI: E_hi, MPL_MASS: m,
                       MPL_GAMMA: gamma})


def pack_table_linear(x, y) -> np.ndarray:
    """Parameter array of `table_linear`: the points (x[k], y[k]), x increasing."""
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    n = x.size
    guide = np.zeros(0)
    if n > TAB_GUIDE_MIN:
        at = x[0] + np.arange(n) / n * (x[-1] - x[0])
        guide = np.clip(np.searchsorted(x, at, side="right") - 1, 0, n - 1)
    out = np.empty(TAB_X + 2 * n + guide.size, dtype=np.float64)
    out[TAB_N] = n
    out[TAB_X:TAB_X + n] = x
    out[TAB_X + n:TAB_X + 2 * n] = y
    out[TAB_X + 2 * n:] = guide
    return out


def pack_line(*, intensity: float, energy: float) -> np.ndarray:
    """Parameter array of `line`."""
    return at_offsets({LINE_INTENSITY: intensity, LINE_ENERGY: energy})


@njit(cache=True)
def broken_power_law(E: float, p: np.ndarray) -> float:
    """p = (norm, E_lo, E_hi, E_break, g1, g2, E_break^(g1 - g2)): norm E^g1 for
    E_lo <= E < E_break and norm E_break^(g1 - g2) E^g2 for E_break <= E <= E_hi (continuous
    at E_break). With g1 = 1, g2 = -2.7, E_break = 40 MeV this is [Bueno2013, Eq. (21)]."""
    norm, e_lo, e_hi, e_b = p[BPL_NORM], p[BPL_E_LO], p[BPL_E_HI], p[BPL_E_BREAK]
    g1, g2 = p[BPL_G1], p[BPL_G2]
    if E < e_lo or E > e_hi:
        return 0.0
    if E < e_b:
        return norm * (E if g1 == 1.0 else E**g1)  # (E^1 exactly, without a power)
    return norm * p[BPL_JOIN] * E**g2


@njit(cache=True)
def momentum_power_law(E: float, p: np.ndarray) -> float:
    """p = (norm, E_lo, E_hi, m, gamma): norm (E^2 - m^2)^-gamma, [Bueno2013, Eq. (11)]."""
    norm, e_lo, e_hi = p[MPL_NORM], p[MPL_E_LO], p[MPL_E_HI]
    m, gamma = p[MPL_MASS], p[MPL_GAMMA]
    if E < e_lo or E > e_hi:
        return 0.0
    return norm * (E * E - m * m) ** (-gamma)


@njit(cache=True)
def table_linear(E: float, p: np.ndarray) -> float:
    """p = (n, x_0..x_{n-1}, y_0..y_{n-1}): linear interpolation, zero outside [x_0, x_{n-1}]."""
    n = int(p[TAB_N])
    x = p[TAB_X : TAB_X + n]
    y = p[TAB_X + n : TAB_X + 2 * n]
    if E < x[0] or E > x[n - 1]:
        return 0.0
    j = _segment(x, n, E, p[TAB_X + 2 * n:])
    if j >= n - 1:
        return y[n - 1]
    f = (E - x[j]) / (x[j + 1] - x[j])
    return y[j] + f * (y[j + 1] - y[j])


@njit(cache=True, nogil=True)
def _segment(x, n, E, guide):
    """The last j with x[j] <= E (x[0] <= E <= x[n - 1]), as np.searchsorted(x, E, "right") - 1:
    from the guide's start and a short walk, or by bisection without a guide."""
    if guide.size == 0:
        return np.searchsorted(x, E, side="right") - 1
    g = min(int((E - x[0]) / (x[n - 1] - x[0]) * guide.size), guide.size - 1)
    j = int(guide[g])
    while j > 0 and x[j] > E:
        j -= 1
    while j < n - 1 and x[j + 1] <= E:
        j += 1
    return j


@njit(cache=True)
def line(E: float, p: np.ndarray) -> float:
    """p = (intensity, E0): a monoenergetic line; the value is the intensity at E = E0."""
    return p[LINE_INTENSITY] if E == p[LINE_ENERGY] else 0.0
