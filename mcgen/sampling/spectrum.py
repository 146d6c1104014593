"""Exact sampling of a source's energy spectrum alone."""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from .kernels import sample_spectrum_kernel
from .plan import energy_grid, flux_bin_max
from .streams import block_rng, blocks


def sample_spectrum(source, n: int, seed: int) -> np.ndarray:
    """n energies [MeV] distributed exactly as source.flux(E), same block streams as events."""
    edges = energy_grid(source, [])
    H = flux_bin_max(source, edges)
    cdf = np.cumsum(H * np.diff(edges))
    out = np.empty(n)
    start = 0
    for b, nb in blocks(n):
        bad = sample_spectrum_kernel(block_rng(seed, b), nb, cdf, edges[:-1], edges[1:], H,
                                     source.spectrum_kind, source.spectrum_params,
                                     out[start:start + nb])
        if bad:
            raise ConfigError(f"source {source.name}: spectrum exceeds its envelope "
                              "(not monotone between its nodes)")
        start += nb
    return out
