"""Common part of a channel's parameter array (float64), shared by every cross-section kernel
of mcgen.physics.dispatch: at P_M_IN the incoming mass, P_M_OUT the outgoing (projectile-side)
mass, P_M_TARGET the target (and recoil) mass [MeV], P_HBARC2 (hbar c)^2 [mm^2 MeV^2] (natural
cross sections times it are in mm^2); from P_SPECIFIC on the process's own parameters, whose
named offsets and ``pack_...`` builder sit next to its kernel (physics.nucleus, electron,
cevns, upscattering, ionization). Kept apart from dispatch, which imports those modules, so that
they can build their arrays with `pack_common` without an import cycle. `at_offsets` puts
values at named offsets, for these and for the other flat arrays the kernels read (spectra,
time models, shapes, sites, directions).
"""

from __future__ import annotations

import numpy as np

#: Offsets of the common part of a channel's parameter array.
P_M_IN, P_M_OUT, P_M_TARGET, P_HBARC2 = 0, 1, 2, 3
#: First offset of the process-specific parameters.
P_SPECIFIC = 4


def pack_common(m_in: float, m_out: float, M: float, hbarc2: float, specific) -> np.ndarray:
    """A channel's parameter array: incoming, outgoing and target masses [MeV], (hbar c)^2
    [mm^2 MeV^2], then the process-specific parameters (in their layout's order)."""
    specific = np.asarray(specific, dtype=np.float64).ravel()
    p = np.empty(P_SPECIFIC + specific.size, dtype=np.float64)
    p[P_M_IN], p[P_M_OUT], p[P_M_TARGET], p[P_HBARC2] = m_in, m_out, M, hbarc2
    p[P_SPECIFIC:] = specific
    return p


def at_offsets(values: dict[int, float], first: int = 0, size: int | None = None
               ) -> np.ndarray:
    """A float64 array a with a[k - first] = values[k] ({offset: value}; every offset from
    first to size - 1 given once; size defaults to first + len(values)): how the ``pack_...``
    builders put each value at its named offset."""
    size = first + len(values) if size is None else size
    if sorted(values) != list(range(first, size)):
        raise ValueError(f"offsets {sorted(values)} are not {first}..{size - 1}")
    out = np.empty(size - first, dtype=np.float64)
    for at, v in values.items():
        out[at - first] = v
    return out


def place(values: dict[int, float], size: int) -> np.ndarray:
    """The process-specific part p[P_SPECIFIC:size] of a channel layout, each value at its
    named offset ({offset: value}, every offset from P_SPECIFIC to size - 1 given once)."""
    return at_offsets(values, P_SPECIFIC, size)
