"""Direction models of far sources: where the incoming particles fly (detector frame, z up)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from ..errors import ConfigError


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
        c = np.asarray(cos_zenith, dtype=float)
        w = np.asarray(weights, dtype=float)
        if c.ndim != 1 or c.size < 2 or c.shape != w.shape:
            raise ConfigError(f"direction zenith table: cos_zenith and weights must be lists of "
                              f"equal length >= 2, got {c.size} and {w.size}")
        if not (np.all(np.diff(c) > 0) and c[0] >= -1 and c[-1] <= 1):
            raise ConfigError(f"direction zenith table: cos_zenith = {c.tolist()}: must increase "
                              "strictly within [-1, 1]")
        if not (np.all(np.isfinite(w)) and np.all(w >= 0) and np.any(w > 0)):
            raise ConfigError(f"direction zenith table: weights = {w.tolist()}: must be finite, "
                              ">= 0 and not all zero")
        w = w / np.trapezoid(w, c)
        return cls(DirectionKind.ZENITH_TABLE, table=(tuple(c), tuple(w)))

    def pdf(self, cos_zenith) -> np.ndarray:
        """dN/dcos(zenith) [1] of an isotropic or tabulated direction model."""
        cz = np.asarray(cos_zenith, dtype=float)
        if self.kind == DirectionKind.ZENITH_TABLE:
            return np.interp(cz, self.table[0], self.table[1], left=0.0, right=0.0)
        return np.full(cz.shape, 0.5)

    @classmethod
    def fixed(cls, vector) -> Direction:
        v = np.asarray(vector, dtype=float)
        if v.shape != (3,) or not np.all(np.isfinite(v)) or np.linalg.norm(v) == 0:
            raise ConfigError(f"direction = {vector!r}: must be a non-zero 3-vector [x, y, z]")
        v = v / np.linalg.norm(v)
        return cls(DirectionKind.FIXED, (float(v[0]), float(v[1]), float(v[2])))

    def params(self) -> np.ndarray:
        """Kernel parameters: the vector (fixed) or the table in table_linear layout."""
        if self.kind == DirectionKind.ZENITH_TABLE:
            c, w = self.table
            return np.array([len(c), *c, *w], dtype=np.float64)
        return np.array(self.vector, dtype=np.float64)

    def describe(self) -> str:
        if self.kind == DirectionKind.ZENITH_TABLE:
            return f"zenith table cos {list(self.table[0])} pdf {list(self.table[1])}"
        return "isotropic" if self.kind == DirectionKind.ISOTROPIC else f"fixed {list(self.vector)}"
