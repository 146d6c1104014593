"""Direction models of far sources: where the incoming particles fly (detector frame, z up).

Direction parameter array (``Direction.params()``, read by the event kernel): for FIXED (and,
unused, ISOTROPIC) the unit vector of flight at DIR_UX, DIR_UY, DIR_UZ (`pack_fixed_direction`);
for ZENITH_TABLE the table of the pdf in cos(zenith) in the layout of
mcgen.physics.spectra.table_linear (TAB_N, then from TAB_X the cos nodes and the pdf values;
`pack_table_linear`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from ..physics.layout import at_offsets
from ..physics.spectra import pack_table_linear
from ..validation import number_table, require, strictly_increasing, three_vector

DIR_UX, DIR_UY, DIR_UZ = 0, 1, 2


def pack_fixed_direction(vector) -> np.ndarray:
    """Parameters of a fixed direction: the unit vector of flight (module docstring)."""
    ux, uy, uz = vector
    return at_offsets({DIR_UX: ux, DIR_UY: uy, DIR_UZ: uz})


class DirectionKind(IntEnum):
    """Direction-model codes of the event kernel."""

    ISOTROPIC = 0
    FIXED = 1
    ZENITH_TABLE = 2


@dataclass(frozen=True)
class Direction:
    """Direction of flight of the incoming particles of a far source, detector frame (z up).

    ``Direction.isotropic()``: uniform over the full sphere (e.g. an atmospheric flux
    integrated over all directions). ``Direction.fixed((0, 0, -1))``: a beam, here downward.
    """

    kind: int
    vector: tuple[float, float, float] = (0.0, 0.0, 1.0)
    table: tuple[tuple[float, ...], tuple[float, ...]] = ((), ())

    @classmethod
    def isotropic(cls) -> Direction:
        return cls(DirectionKind.ISOTROPIC)

    @classmethod
    def zenith_table(cls, cos_zenith, weights) -> Direction:
        """Arrival directions with a tabulated distribution in cos(zenith) (1: from straight
        above; linear interpolation, zero outside the table) and uniform azimuth. The weights
        are normalised: dN/dcos = pdf with integral 1."""
        c, w = number_table("direction zenith table: (cos_zenith, weights)", cos_zenith, weights,
                            allowed="two lists of finite numbers of equal length >= 2")
        strictly_increasing("direction zenith table: cos_zenith", cos_zenith, lo=-1.0, hi=1.0)
        require("direction zenith table: weights", weights,
                bool(np.all(w >= 0) and np.any(w > 0)), "must be >= 0 and not all zero")
        w = w / np.max(w)  # first: the integral of weights ~1e308 would overflow
        w = w / np.trapezoid(w, c)
        return cls(DirectionKind.ZENITH_TABLE, table=(tuple(c), tuple(w)))

    def pdf(self, cos_zenith) -> np.ndarray:
        """dN/dcos(zenith) [1] of an isotropic or tabulated direction model."""
        cz = np.asarray(cos_zenith, dtype=float)
        if self.kind == DirectionKind.ZENITH_TABLE:
            return np.interp(cz, self.table[0], self.table[1], left=0.0, right=0.0)
        return np.full(cz.shape, 0.5)

    def pdf_sup(self, lo, hi) -> np.ndarray:
        """Largest dN/dcos(zenith) inside each cell (lo, hi) that holds no table node inside:
        the larger of the one-sided limits at its ends (the pdf is linear in between), so a
        cell outside the table gets 0, not the value at the table's end node."""
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        if self.kind != DirectionKind.ZENITH_TABLE:
            return np.maximum(self.pdf(lo), self.pdf(hi))
        first, last = self.table[0][0], self.table[0][-1]
        right_of_lo = np.where((lo >= first) & (lo < last), self.pdf(lo), 0.0)
        left_of_hi = np.where((hi > first) & (hi <= last), self.pdf(hi), 0.0)
        return np.maximum(right_of_lo, left_of_hi)

    @classmethod
    def fixed(cls, vector) -> Direction:
        v = np.array(three_vector("direction", vector, nonzero=True))
        v = v / np.max(np.abs(v))  # the norm of [0, 0, 1e300] overflows, of [5e-324, 0, 0] is 0
        v = v / np.linalg.norm(v)
        return cls(DirectionKind.FIXED, (float(v[0]), float(v[1]), float(v[2])))

    def params(self) -> np.ndarray:
        """Kernel parameters: the vector (fixed) or the table in table_linear layout."""
        if self.kind == DirectionKind.ZENITH_TABLE:
            c, w = self.table
            return pack_table_linear(c, w)
        return pack_fixed_direction(self.vector)

    def describe(self) -> str:
        if self.kind == DirectionKind.ZENITH_TABLE:
            return f"zenith table cos {list(self.table[0])} pdf {list(self.table[1])}"
        return "isotropic" if self.kind == DirectionKind.ISOTROPIC else f"fixed {list(self.vector)}"
