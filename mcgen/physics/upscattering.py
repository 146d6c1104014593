"""Placeholder: being written (issue 3)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def nucleus_dsigma_dT(E: float, T: float, p: np.ndarray) -> float:
    """nu A -> N A through a transition magnetic moment, dsigma/dT [MeV^-3]."""
    return 0.0


@njit(cache=True)
def electron_dsigma_dT(E: float, T: float, p: np.ndarray) -> float:
    """nu e -> N e through a transition magnetic moment, dsigma/dT [MeV^-3]."""
    return 0.0
