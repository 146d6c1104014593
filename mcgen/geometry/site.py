"""Sites: the rock above an underground detector, for the propagation of dipoles (paper 000
Sec. 4). The Earth is a sphere of radius 6371 km (mean radius, IUGG) of one uniform rock; the
detector sits at `depth` below the surface."""

from __future__ import annotations

import numpy as np

from ..constants import km, m
from ..errors import ConfigError
from ..physics.energy_loss import STANDARD_ROCK

EARTH_RADIUS = 6371.0 * km  # IUGG mean radius


class Site:
    """Overburden: ``depth_m`` of rock, or ``depth_mwe`` (metres water equivalent, converted
    with the rock density), or a ``slant_table`` ((cos_zenith list, slant depth list in m.w.e.),
    e.g. of a mountain site; linear in cos, must reach cos = 1; below its first cos the Earth
    chord is used). ``rock``: (Z/A, I, rho, Sternheimer a, k, x0, x1, Cbar, delta0) in the
    layout of mcgen.physics.energy_loss.STANDARD_ROCK (default: PDG standard rock,
    rho = 2.65 g/cm^3). 1 m.w.e. = 100 g/cm^2."""

    def __init__(self, name: str = "site", *, depth_m: float | None = None,
                 depth_mwe: float | None = None, slant_table=None, rock=STANDARD_ROCK):
        rho = float(rock[2])
        self.table_cos, self.table_X = np.zeros(0), np.zeros(0)
        if slant_table is not None:
            c, d = (np.asarray(v, dtype=float) for v in slant_table)
            if (c.ndim != 1 or c.size < 2 or c.shape != d.shape or np.any(np.diff(c) <= 0)
                    or c[0] < -1 or c[-1] != 1.0 or np.any(d <= 0) or not np.all(np.isfinite(d))):
                raise ConfigError(f"site {name}: slant_table = {slant_table!r}: needs cos_zenith "
                                  "strictly increasing up to exactly 1 and depths > 0 (m.w.e.)")
            if depth_m is not None or depth_mwe is not None:
                raise ConfigError(f"site {name}: give a slant_table or a depth, not both")
            self.table_cos, self.table_X = c, d * 100.0  # m.w.e. -> g/cm^2
            depth_mwe = float(d[-1])
        if (depth_m is None) == (depth_mwe is None):
            raise ConfigError(f"site {name}: give exactly one of depth_m, depth_mwe, slant_table")
        depth = depth_m if depth_m is not None else depth_mwe / rho
        field = "depth_m" if depth_m is not None else "depth_mwe"
        value = depth_m if depth_m is not None else depth_mwe
        if not (isinstance(value, (int, float)) and 0 < depth < 100_000):
            raise ConfigError(f"site {name}: {field} = {value!r}: must be a depth in (0, 1e5) m")
        self.name = name
        self.depth = depth * m
        self.rock = tuple(float(x) for x in rock)

    def __repr__(self) -> str:
        return f"Site({self.name!r}, depth {self.depth / m:g} m of rock, rho {self.rock[2]} g/cm^3)"

    def params(self) -> np.ndarray:
        """(R_earth [mm], depth [mm], rho [g/cm^3], 9 rock constants, n, cos[n], X[n] g/cm^2)
        for the kernels."""
        return np.array([EARTH_RADIUS, self.depth, self.rock[2], *self.rock,
                         self.table_cos.size, *self.table_cos, *self.table_X], dtype=np.float64)

    def describe(self) -> dict:
        return {"name": self.name, "depth_m": self.depth / m, "density_g_cm3": self.rock[2],
                "slant_table_cos": self.table_cos.tolist(),
                "slant_table_g_cm2": self.table_X.tolist(),
                "earth_radius_km": EARTH_RADIUS / km, "vertical_column_g_cm2":
                self.rock[2] * self.depth / 10.0}
