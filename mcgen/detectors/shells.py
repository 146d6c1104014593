"""Atomic shells: occupancy from the ground-state configuration, binding energies from xraydb
(W. T. Elam, B. D. Ravel, J. R. Sieber, Radiat. Phys. Chem. 63 (2002) 121)."""

from __future__ import annotations

from functools import cache

import numpy as np

from ..constants import eV

# Madelung (n + l) filling order; exceptions (Cr, Cu, ...) are transition metals that do not
# matter for detector materials here.
_ORDER = ["1s", "2s", "2p", "3s", "3p", "4s", "3d", "4p", "5s", "4d", "5p", "6s", "4f", "5d",
          "6p", "7s", "5f", "6d", "7p"]
_SHELL = {1: "K", 2: "L", 3: "M", 4: "N", 5: "O", 6: "P", 7: "Q"}
# subshell -> (IUPAC edge index, capacity) for the j = l - 1/2 and j = l + 1/2 levels
_SPLIT = {"s": [(1, 2)], "p": [(2, 2), (3, 4)], "d": [(4, 4), (5, 6)], "f": [(6, 6), (7, 8)]}


@cache
def occupancy(Z: int) -> tuple[tuple[str, int], ...]:
    """Ground-state electrons per IUPAC subshell ("K", "L1", "L2", "L3", ...), filling each
    subshell's lower-j level first."""
    left, out = Z, []
    for sub in _ORDER:
        n, l = int(sub[0]), sub[1]
        for idx, cap in _SPLIT[l]:
            k = min(cap, left)
            if k:
                out.append((f"{_SHELL[n]}{idx}" if n > 1 else "K", k))
            left -= k
        if left == 0:
            break
    return tuple(out)


@cache
def binding_steps(symbol: str, Z: int) -> tuple[np.ndarray, np.ndarray]:
    """(binding energies [MeV] ascending, cumulative electron count) for the stepping
    approximation. Subshells without a tabulated edge (outer valence electrons, e.g. Na 3s)
    are taken as unbound (binding 0)."""
    import xraydb  # here: its import (sqlalchemy) costs ~0.35 s that other cards need not pay

    edges = xraydb.xray_edges(symbol)
    by_energy: dict[float, int] = {}
    for name, count in occupancy(Z):
        b = edges[name].energy * eV if name in edges else 0.0
        by_energy[b] = by_energy.get(b, 0) + count
    energies = np.array(sorted(by_energy))
    counts = np.cumsum([by_energy[e] for e in energies]).astype(float)
    return energies, counts
