"""Placeholder: being written (issue 3)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def dsigma_dT(E: float, T: float, p: np.ndarray) -> float:
    """CEvNS dsigma/dT [MeV^-3] for channel parameters p (layout: mcgen.interactions.cevns)."""
    return 0.0
