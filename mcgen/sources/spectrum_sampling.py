"""A component's energy grid, per-bin flux bounds, and exact sampling of its spectrum alone
(the planner builds its proposals on the same grid)."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..errors import ConfigError
from ..physics.dispatch import flux
from ..streams import block_rng, blocks
from ..tolerances import ENVELOPE_SLACK, KINK_SIDE

E_BINS_PER_DECADE = 200


def energy_grid(component, channels) -> np.ndarray:
    """Energy edges [MeV] of a component: log-spaced, plus its nodes and every channel's kinks
    (a line: its energy twice)."""
    if component.is_line:
        return np.array([component.E_min, component.E_min])
    lo, hi = component.E_min, component.E_max
    start = lo if lo > 0 else hi * 1e-6
    n = max(8, int(np.ceil(np.log10(hi / start) * E_BINS_PER_DECADE)))
    pts = [np.geomspace(start, hi, n + 1), np.asarray(component.nodes, float), [lo, hi]]
    for ch in channels:
        pts.append(ch.energy_breaks(lo, hi))
    edges = np.unique(np.concatenate(pts))
    return edges[(edges >= lo) & (edges <= hi)]


def flux_bin_max(component, edges: np.ndarray) -> np.ndarray:
    """Largest spectrum value over each bin (monotone between nodes, which are edges)."""
    if component.is_line:
        return component.flux(edges[:1])
    eps = KINK_SIDE
    f = [component.flux(edges[:-1]), component.flux(edges[1:]),
         component.flux(edges[:-1] * (1 + eps)), component.flux(edges[1:] * (1 - eps))]
    return np.max(f, axis=0)


@njit(cache=True, nogil=True)
def sample_spectrum_kernel(rng, n, cdf, E_lo, E_hi, H, spec_kind, spec_p, out):
    """Energies from a spectrum: piecewise-constant envelope H over cells, exact rejection.
    Returns the number of envelope violations."""
    total = cdf[cdf.size - 1]
    violations = 0
    k = 0
    while k < n:
        c = np.searchsorted(cdf, rng.random() * total, side="right")
        if c >= cdf.size:
            c = cdf.size - 1
        E = E_lo[c] + rng.random() * (E_hi[c] - E_lo[c])
        f = flux(spec_kind, spec_p, E)
        if f > H[c] * (1.0 + ENVELOPE_SLACK):
            violations += 1
        if rng.random() * H[c] <= f:
            out[k] = E
            k += 1
    return violations


def sample_spectrum(component, n: int, seed: int) -> np.ndarray:
    """n energies [MeV] distributed exactly as a component's spectrum (block streams)."""
    if component.is_line:
        return np.full(n, component.E_min)
    edges = energy_grid(component, [])
    H = flux_bin_max(component, edges)
    cdf = np.cumsum(H * np.diff(edges))
    out = np.empty(n)
    start = 0
    for b, nb in blocks(n):
        bad = sample_spectrum_kernel(block_rng(seed, b), nb, cdf, edges[:-1], edges[1:], H,
                                     int(component.spectrum_kind), component.spectrum_params,
                                     out[start:start + nb])
        if bad:
            raise ConfigError(f"source component {component.label}: spectrum exceeds its envelope "
                              "(not monotone between its nodes)")
        start += nb
    return out
