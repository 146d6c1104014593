"""Exact sampling of a source's energy spectrum alone."""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from .kernels import sample_spectrum_kernel
from .plan import energy_grid, flux_bin_max
from .streams import block_rng, blocks


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
                                     component.spectrum_kind, component.spectrum_params,
                                     out[start:start + nb])
        if bad:
            raise ConfigError(f"source component {component.label}: spectrum exceeds its envelope "
                              "(not monotone between its nodes)")
        start += nb
    return out
