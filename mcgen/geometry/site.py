"""Sites: the rock above an underground detector, for the propagation of dipoles ([Bueno2013,
Sec. 4]). The Earth is a sphere of radius 6371 km (mean radius, IUGG) of one uniform rock; the
detector sits at `depth` below the surface."""

from __future__ import annotations

import numpy as np

from ..constants import km, m
from ..errors import ConfigError
from ..physics.energy_loss import ROCK_RHO, ROCK_SIZE, STANDARD_ROCK
from ..physics.propagation import pack_site
from ..validation import fail, finite_numbers, number, number_table, require

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
        self.name = name
        self.rock = self._check_rock(rock)
        self.table_cos, self.table_X = np.zeros(0), np.zeros(0)
        if slant_table is not None:
            c, d = self._check_slant_table(slant_table)
            if depth_m is not None or depth_mwe is not None:
                raise ConfigError(f"site {name}: give a slant_table or a depth, not both")
            self.table_cos, self.table_X = c, d * 100.0  # m.w.e. -> g/cm^2
            depth_mwe = float(d[-1])
        self.depth = self._check_depth(depth_m, depth_mwe) * m

    def _check_rock(self, rock) -> tuple[float, ...]:
        """The ROCK_SIZE material constants (mcgen.physics.energy_loss ROCK_* layout)."""
        field = f"site {self.name}: rock"
        values = finite_numbers(field, rock, size=ROCK_SIZE,
                                allowed=f"{ROCK_SIZE} finite numbers in the layout of "
                                        "mcgen.physics.energy_loss.STANDARD_ROCK")
        require(field, rock, values[ROCK_RHO] > 0, "must have a density > 0 (g/cm^3)")
        return tuple(float(x) for x in values)

    def _check_slant_table(self, slant_table) -> tuple[np.ndarray, np.ndarray]:
        """(cos(zenith) nodes, slant depths [m.w.e.]) of a table (cos list, m.w.e. list)."""
        field = f"site {self.name}: slant_table"
        allowed = ("(cos_zenith list, depth list) with cos_zenith strictly increasing from >= -1 "
                   "up to exactly 1 and depths > 0 (m.w.e.)")
        try:
            cos_zenith, depths = slant_table
        except (TypeError, ValueError):
            fail(field, slant_table, allowed)
        c, d = number_table(field, cos_zenith, depths, allowed=allowed)
        ok = bool(np.all(np.diff(c) > 0)) and c[0] >= -1 and c[-1] == 1.0 and bool(np.all(d > 0))
        require(field, slant_table, ok, f"must be {allowed}")
        return c, d

    def _check_depth(self, depth_m, depth_mwe) -> float:
        """The detector's depth [m] of rock from depth_m, or from depth_mwe and the density."""
        if (depth_m is None) == (depth_mwe is None):
            raise ConfigError(f"site {self.name}: give exactly one of depth_m, depth_mwe, "
                              "slant_table")
        field, value = ("depth_m", depth_m) if depth_m is not None else ("depth_mwe", depth_mwe)
        allowed = "a depth in (0, 1e5) m"
        depth = number(f"site {self.name}: {field}", value, allowed=allowed)
        if depth_m is None:
            depth /= self.rock[ROCK_RHO]
        require(f"site {self.name}: {field}", value, 0 < depth < 100_000, f"must be {allowed}")
        return depth

    def __repr__(self) -> str:
        return (f"Site({self.name!r}, depth {self.depth / m:g} m of rock, "
                f"rho {self.rock[ROCK_RHO]} g/cm^3)")

    def params(self) -> np.ndarray:
        """The kernels' site array (mcgen.physics.propagation, `pack_site`): R_earth [mm],
        depth [mm], rho [g/cm^3], the rock constants and the slant-depth table."""
        return pack_site(R_earth=EARTH_RADIUS, depth=self.depth, rho=self.rock[ROCK_RHO],
                         rock=self.rock, table_cos=self.table_cos, table_X=self.table_X)

    def describe(self) -> dict:
        return {"name": self.name, "depth_m": self.depth / m,
                "density_g_cm3": self.rock[ROCK_RHO],
                "slant_table_cos": self.table_cos.tolist(),
                "slant_table_g_cm2": self.table_X.tolist(),
                "earth_radius_km": EARTH_RADIUS / km, "vertical_column_g_cm2":
                self.rock[ROCK_RHO] * self.depth / 10.0}
