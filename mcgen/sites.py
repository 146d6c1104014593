"""Sites: the rock above an underground detector, for the propagation of dipoles (paper 000
Sec. 4). The Earth is a sphere of radius 6371 km (mean radius, IUGG) of one uniform rock; the
detector sits at `depth` below the surface."""

from __future__ import annotations

import math

import numpy as np

from .constants import km, m
from .errors import ConfigError
from .physics.energy_loss import STANDARD_ROCK

EARTH_RADIUS = 6371.0 * km  # IUGG mean radius


class Site:
    """Overburden: ``depth_m`` of rock, or ``depth_mwe`` (metres water equivalent, converted
    with the rock density). ``rock``: (Z/A, I, rho, Sternheimer a, k, x0, x1, Cbar, delta0) in
    the layout of mcgen.physics.energy_loss.STANDARD_ROCK (default: PDG standard rock,
    rho = 2.65 g/cm^3)."""

    def __init__(self, name: str = "site", *, depth_m: float | None = None,
                 depth_mwe: float | None = None, rock=STANDARD_ROCK):
        if (depth_m is None) == (depth_mwe is None):
            raise ConfigError(f"site {name}: give exactly one of depth_m and depth_mwe")
        rho = float(rock[2])
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
        """(R_earth [mm], depth [mm], rho [g/cm^3], 9 rock constants) for the kernels."""
        return np.array([EARTH_RADIUS, self.depth, self.rock[2], *self.rock], dtype=np.float64)

    def describe(self) -> dict:
        return {"name": self.name, "depth_m": self.depth / m, "density_g_cm3": self.rock[2],
                "earth_radius_km": EARTH_RADIUS / km, "vertical_column_g_cm2":
                self.rock[2] * self.depth / 10.0}


def vertical_column(site: Site) -> float:
    """Column density straight down [g/cm^2]."""
    return site.rock[2] * site.depth / 10.0 if math.isfinite(site.depth) else math.inf
