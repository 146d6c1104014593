"""Placeholder: being written (issue 3)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def epa_dsigma_dT(E: float, T: float, p: np.ndarray) -> float:
    """Atomic ionisation by a neutrino magnetic moment in the equivalent-photon approximation
    (paper 003 Eq. 10), dsigma/dT [MeV^-3]."""
    return 0.0
