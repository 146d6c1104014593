"""Shapes and placements: volumes, containment and uniform points.

Coordinates are in mm (hepunits), z points up; a cylinder's axis is along z. A shape is
placed by the position of its centre. Each shape hands the sampler a kind code and a float64
parameter array; `sample_point` is the numba kernel that draws a uniform point inside.

Shape parameter layout (``Shape.params()``, built by pack_point / pack_box / pack_cylinder /
pack_sphere): the centre [mm] at SHAPE_CX, SHAPE_CY, SHAPE_CZ, then the dimensions [mm]: a box
its full side lengths at BOX_LX, BOX_LY, BOX_LZ; a cylinder its radius at CYL_RADIUS and full
height at CYL_HEIGHT; a sphere its radius at SPH_RADIUS (a point has none).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numba import njit

from ..physics.layout import at_offsets
from ..validation import positive_finite


class ShapeKind(IntEnum):
    """Shape codes of the kernels `sample_point` and `exit_distance`."""

    POINT = 0
    BOX = 1
    CYLINDER = 2
    SPHERE = 3


SHAPE_CX, SHAPE_CY, SHAPE_CZ = 0, 1, 2
BOX_LX, BOX_LY, BOX_LZ = 3, 4, 5
CYL_RADIUS, CYL_HEIGHT = 3, 4
SPH_RADIUS = 3


def _centre(center) -> dict[int, float]:
    cx, cy, cz = center
    return {SHAPE_CX: cx, SHAPE_CY: cy, SHAPE_CZ: cz}


def pack_point(center) -> np.ndarray:
    """Parameters of a point at center [mm] (module docstring)."""
    return at_offsets(_centre(center))


def pack_box(center, lx: float, ly: float, lz: float) -> np.ndarray:
    """Parameters of a box [mm] (module docstring)."""
    return at_offsets(_centre(center) | {BOX_LX: lx, BOX_LY: ly, BOX_LZ: lz})


def pack_cylinder(center, radius: float, height: float) -> np.ndarray:
    """Parameters of a vertical cylinder [mm] (module docstring)."""
    return at_offsets(_centre(center) | {CYL_RADIUS: radius, CYL_HEIGHT: height})


def pack_sphere(center, radius: float) -> np.ndarray:
    """Parameters of a sphere [mm] (module docstring)."""
    return at_offsets(_centre(center) | {SPH_RADIUS: radius})


@njit(cache=True, inline="always")
def unit_disk(rng) -> tuple[float, float, float]:
    """(x, y, x^2 + y^2): a point uniform in the unit disk without its centre, by rejection
    from the square [-1, 1)^2 (accepted with probability pi / 4: ~8 ns, where the sine and
    cosine of a uniform angle cost ~22 ns)."""
    while True:
        x = 2.0 * rng.random() - 1.0
        y = 2.0 * rng.random() - 1.0
        r2 = x * x + y * y
        if 0.0 < r2 < 1.0:
            return x, y, r2


@njit(cache=True, inline="always")
def sample_point(kind: int, p: np.ndarray, rng) -> tuple[float, float, float]:
    """Uniform point [mm] inside the shape (layout in the module docstring): a cylinder's
    cross-section from `unit_disk`, a sphere by rejection from its cube (accepted with
    probability pi / 6): no square or cube root, sine or cosine. Inlined into the sampling
    kernel (a hot path)."""
    cx, cy, cz = p[SHAPE_CX], p[SHAPE_CY], p[SHAPE_CZ]
    if kind == ShapeKind.BOX:
        return (cx + (rng.random() - 0.5) * p[BOX_LX], cy + (rng.random() - 0.5) * p[BOX_LY],
                cz + (rng.random() - 0.5) * p[BOX_LZ])
    if kind == ShapeKind.CYLINDER:
        x, y, _ = unit_disk(rng)
        R = p[CYL_RADIUS]
        return cx + R * x, cy + R * y, cz + (rng.random() - 0.5) * p[CYL_HEIGHT]
    if kind == ShapeKind.SPHERE:
        while True:
            x = 2.0 * rng.random() - 1.0
            y = 2.0 * rng.random() - 1.0
            z = 2.0 * rng.random() - 1.0
            if x * x + y * y + z * z <= 1.0:
                R = p[SPH_RADIUS]
                return cx + R * x, cy + R * y, cz + R * z
    # a point; no raise for other codes here: a raise in this hot kernel costs ~4 % of the
    # near-source sampling speed, and Layout checks every code it hands to the kernels
    return cx, cy, cz


@njit(cache=True, nogil=True)
def exit_distance(kind: int, p: np.ndarray, x: float, y: float, z: float, ux: float, uy: float,
                  uz: float) -> float:
    """Distance [mm] from the point (x, y, z) inside the shape to the surface along the unit
    direction u (0 for a point). Every shape is convex, so the path is inside up to there."""
    x, y, z = x - p[SHAPE_CX], y - p[SHAPE_CY], z - p[SHAPE_CZ]
    if kind == ShapeKind.BOX:
        d = math.inf
        for c, u, half in ((x, ux, 0.5 * p[BOX_LX]), (y, uy, 0.5 * p[BOX_LY]),
                           (z, uz, 0.5 * p[BOX_LZ])):
            if u > 0.0:
                d = min(d, (half - c) / u)
            elif u < 0.0:
                d = min(d, (-half - c) / u)
        return max(d, 0.0)
    if kind == ShapeKind.CYLINDER:
        half = 0.5 * p[CYL_HEIGHT]
        d = math.inf
        if uz > 0.0:
            d = (half - z) / uz
        elif uz < 0.0:
            d = (-half - z) / uz
        a = ux * ux + uy * uy
        if a > 0.0:  # x + t u on the circle: a t^2 + 2 b t + c = 0, c <= 0 inside
            b = x * ux + y * uy
            c = x * x + y * y - p[CYL_RADIUS] * p[CYL_RADIUS]
            d = min(d, (-b + math.sqrt(max(0.0, b * b - a * c))) / a)
        return max(d, 0.0)
    if kind == ShapeKind.SPHERE:
        b = x * ux + y * uy + z * uz
        c = x * x + y * y + z * z - p[SPH_RADIUS] * p[SPH_RADIUS]
        return max(0.0, -b + math.sqrt(max(0.0, b * b - c)))
    return 0.0  # a point (other codes are refused by Layout, as in sample_point)


@njit(cache=True)
def _sample_points(kind: int, p: np.ndarray, rng, n: int) -> np.ndarray:
    out = np.empty((n, 3))
    for i in range(n):
        out[i, 0], out[i, 1], out[i, 2] = sample_point(kind, p, rng)
    return out


#: What a shape's dimension allows (mcgen.validation message).
LENGTH_ALLOWED = "a positive finite length (mm)"


@dataclass(frozen=True)
class Shape:
    """Base class. `center` [mm] is where the shape sits in the detector frame."""

    center: tuple[float, float, float] = field(default=(0.0, 0.0, 0.0), kw_only=True)
    kind = ShapeKind.POINT

    @property
    def volume(self) -> float:
        """Volume [mm^3]."""
        return 0.0

    def params(self) -> np.ndarray:
        """The kernels' parameter array (module docstring)."""
        return pack_point(self.center)

    def _local(self, points: np.ndarray) -> np.ndarray:
        return np.atleast_2d(np.asarray(points, dtype=np.float64)) - np.asarray(self.center)

    def contains(self, points: np.ndarray) -> np.ndarray:
        """Boolean array: which of the points [mm], shape (n, 3), lie inside."""
        return np.all(self._local(points) == 0.0, axis=1)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n points [mm] uniform inside the shape, shape (n, 3)."""
        return _sample_points(self.kind, self.params(), rng, int(n))


@dataclass(frozen=True)
class Point(Shape):
    """A point (zero volume): for a point-like source."""


@dataclass(frozen=True)
class Box(Shape):
    """Axis-aligned box with full side lengths [mm]."""

    lx: float
    ly: float
    lz: float
    kind = ShapeKind.BOX

    def __post_init__(self):
        for name in ("lx", "ly", "lz"):
            positive_finite(f"box.{name}", getattr(self, name), allowed=LENGTH_ALLOWED)

    @property
    def volume(self) -> float:
        return self.lx * self.ly * self.lz

    def params(self) -> np.ndarray:
        return pack_box(self.center, self.lx, self.ly, self.lz)

    def contains(self, points: np.ndarray) -> np.ndarray:
        q = np.abs(self._local(points))
        return (q[:, 0] <= self.lx / 2) & (q[:, 1] <= self.ly / 2) & (q[:, 2] <= self.lz / 2)


@dataclass(frozen=True)
class Cylinder(Shape):
    """Cylinder with vertical (z) axis: radius and full height [mm]."""

    radius: float
    height: float
    kind = ShapeKind.CYLINDER

    def __post_init__(self):
        positive_finite("cylinder.radius", self.radius, allowed=LENGTH_ALLOWED)
        positive_finite("cylinder.height", self.height, allowed=LENGTH_ALLOWED)

    @property
    def volume(self) -> float:
        return math.pi * self.radius**2 * self.height

    def params(self) -> np.ndarray:
        return pack_cylinder(self.center, self.radius, self.height)

    def contains(self, points: np.ndarray) -> np.ndarray:
        q = self._local(points)
        inside_r = q[:, 0] ** 2 + q[:, 1] ** 2 <= self.radius**2
        return inside_r & (np.abs(q[:, 2]) <= self.height / 2)


@dataclass(frozen=True)
class Sphere(Shape):
    """Sphere of given radius [mm]."""

    radius: float
    kind = ShapeKind.SPHERE

    def __post_init__(self):
        positive_finite("sphere.radius", self.radius, allowed=LENGTH_ALLOWED)

    @property
    def volume(self) -> float:
        return 4.0 / 3.0 * math.pi * self.radius**3

    def params(self) -> np.ndarray:
        return pack_sphere(self.center, self.radius)

    def contains(self, points: np.ndarray) -> np.ndarray:
        q = self._local(points)
        return np.sum(q * q, axis=1) <= self.radius**2


SHAPES = {"point": Point, "box": Box, "cylinder": Cylinder, "sphere": Sphere}


def _gl(n: int, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (b - a) * x + 0.5 * (a + b), 0.5 * (b - a) * w


def quadrature(shape: Shape, n: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature nodes [mm] (k, 3) and weights [mm^3] summing to the volume (a point: one
    node of weight 1). Gauss-Legendre in each coordinate (cylinder: r, z; sphere: r, cos
    theta) and equal weights in azimuth (exact for trigonometric polynomials)."""
    c = np.asarray(shape.center, float)
    if isinstance(shape, Box):
        xs = [_gl(n, -L / 2, L / 2) for L in (shape.lx, shape.ly, shape.lz)]
        X, Y, Z = np.meshgrid(xs[0][0], xs[1][0], xs[2][0], indexing="ij")
        W = np.einsum("i,j,k->ijk", xs[0][1], xs[1][1], xs[2][1])
        pts = np.stack([X.ravel(), Y.ravel(), Z.ravel()], 1)
        return pts + c, W.ravel()
    nphi = 2 * n
    phi = (np.arange(nphi) + 0.5) * 2 * np.pi / nphi
    if isinstance(shape, Cylinder):
        r, wr = _gl(n, 0.0, shape.radius)
        z, wz = _gl(n, -shape.height / 2, shape.height / 2)
        R, P, Z = np.meshgrid(r, phi, z, indexing="ij")
        W = np.einsum("i,j,k->ijk", wr * r, np.full(nphi, 2 * np.pi / nphi), wz)
        pts = np.stack([(R * np.cos(P)).ravel(), (R * np.sin(P)).ravel(), Z.ravel()], 1)
        return pts + c, W.ravel()
    if isinstance(shape, Sphere):
        r, wr = _gl(n, 0.0, shape.radius)
        ct, wc = _gl(n, -1.0, 1.0)
        R, C, P = np.meshgrid(r, ct, phi, indexing="ij")
        W = np.einsum("i,j,k->ijk", wr * r * r, wc, np.full(nphi, 2 * np.pi / nphi))
        S = np.sqrt(1 - C * C)
        pts = np.stack([(R * S * np.cos(P)).ravel(), (R * S * np.sin(P)).ravel(),
                        (R * C).ravel()], 1)
        return pts + c, W.ravel()
    return c[None, :], np.ones(1)


def enclosing_cylinder(shape: Shape) -> tuple[float, float, float, float, float]:
    """(cx, cy, cz, radius, height) [mm] of a vertical cylinder containing the shape."""
    cx, cy, cz = shape.center
    if isinstance(shape, Box):
        return cx, cy, cz, 0.5 * math.hypot(shape.lx, shape.ly), shape.lz
    if isinstance(shape, Cylinder):
        return cx, cy, cz, shape.radius, shape.height
    if isinstance(shape, Sphere):
        return cx, cy, cz, shape.radius, 2 * shape.radius
    return cx, cy, cz, 0.0, 0.0


def min_distance_bound(a: Shape, b: Shape) -> float:
    """A lower bound [mm] on the distance between any point of a and any point of b: the gap
    between their enclosing vertical cylinders (exact for vertical cylinders and points)."""
    ax, ay, az, ar, ah = enclosing_cylinder(a)
    bx, by, bz, br, bh = enclosing_cylinder(b)
    gap_r = max(0.0, math.hypot(ax - bx, ay - by) - ar - br)
    gap_z = max(0.0, abs(az - bz) - 0.5 * (ah + bh))
    return math.hypot(gap_r, gap_z)
