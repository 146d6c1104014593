"""Geometry: where a source sits relative to a detector, and what lies above the detector.

Near source: its volume (a Shape) in the detector frame; each event gets an emission point,
a vertex and the baseline between them. Far source: a direction model for the arriving flux
and an optional baseline. Overburden: a Site (rock over a spherical Earth, or a slant-depth
table) through which massive dipoles are transported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..errors import ConfigError
from ..validation import NEAR_GAP_MIN
from .direction import Direction, DirectionKind
from .shapes import Point, Shape, ShapeKind, enclosing_cylinder, min_distance_bound, quadrature
from .site import Site

#: Gauss-Legendre nodes per coordinate of each volume, for the near-source rate.
GEOMETRY_NODES = 12


@njit(cache=True)
def _pair_nodes(sp: np.ndarray, sw: np.ndarray, fp: np.ndarray,
                fw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Baseline L [mm] of every pair of a source node i (points sp, weights sw) and a fiducial
    node j (fp, fw), row-major in (i, j), and its weight sw_i fw_j / (4 pi L^2), in one pass
    (3456 x 3456 pairs for two cylinders: numpy's (n, n) temporaries took ~0.3 s and ~0.5 GB
    of fresh pages)."""
    nf = fw.size
    L = np.empty(sw.size * nf)
    w = np.empty(sw.size * nf)
    for i in range(sw.size):
        for j in range(nf):
            dx, dy, dz = fp[j, 0] - sp[i, 0], fp[j, 1] - sp[i, 1], fp[j, 2] - sp[i, 2]
            d = math.sqrt(dx * dx + dy * dy + dz * dz)
            L[i * nf + j] = d
            w[i * nf + j] = sw[i] * fw[j] / (4.0 * math.pi * d * d)
    return L, w


@dataclass(frozen=True)
class Layout:
    """The placement as the sampler needs it (flat arrays for the kernels, quadrature nodes
    for the rates).

    near: emission volume in the detector frame; fid_kind, fid_p: the fiducial volume;
    src_kind, src_p: the source volume (src_kind -1: a far source); L_min: lower bound of the
    emission-to-vertex distance [mm] (near); distance: far baseline [mm] (NaN if unknown);
    L_nodes, w_nodes: baselines [mm] of the near quadrature pairs and their weights, summing to
    integral dV_fid <1/(4 pi L^2)>_src.
    """

    near: bool
    fid_kind: int
    fid_p: np.ndarray
    src_kind: int
    src_p: np.ndarray
    L_min: float
    distance: float
    L_nodes: np.ndarray
    w_nodes: np.ndarray

    def __post_init__(self):
        ShapeKind(self.fid_kind)  # an unknown code raises ValueError before any kernel runs
        if self.src_kind != -1:
            ShapeKind(self.src_kind)


@dataclass(frozen=True)
class Geometry:
    """Places a source relative to a detector and holds the overburden.

    ``Geometry(source_volume=Cylinder(70, 140, center=(0, 0, -1690)))``: a near source emitting
    isotropically from that volume (detector frame, mm). ``Geometry(direction=Direction.fixed(
    (1, 0, 0)), distance=72 * mcgen.constants.m)``: a far source arriving along +x from 72 m
    (``distance`` in internal units, mm; NaN: unknown). ``site``: the rock above the detector
    (mcgen.geometry.Site). `Geometry.of_source` takes the placement a source was given (its
    ``shape``, ``direction``, ``distance_m``), as run cards do.
    """

    source_volume: Shape | None = None
    direction: Direction = Direction.isotropic()
    distance: float = math.nan
    site: Site | None = None

    def __post_init__(self):
        if self.source_volume is not None and not isinstance(self.source_volume, Shape):
            raise ConfigError(f"geometry.source_volume = {self.source_volume!r}: must be a "
                              "Shape (Point, Box, Cylinder, Sphere)")
        if not isinstance(self.direction, Direction):
            raise ConfigError(f"geometry.direction = {self.direction!r}: must be a Direction")
        if not (math.isnan(self.distance) or 0 < self.distance < math.inf):
            raise ConfigError(f"geometry.distance = {self.distance!r}: must be a positive "
                              "finite distance (mm), or NaN (unknown)")
        if self.site is not None and not isinstance(self.site, Site):
            raise ConfigError(f"geometry.site = {self.site!r}: must be a Site")

    @classmethod
    def of_source(cls, source, site: Site | None = None) -> Geometry:
        """The placement a source was built with (near: its shape; far: its direction and
        distance), with an optional site."""
        return cls(source.shape, source.direction, source.distance, site)

    @property
    def is_near(self) -> bool:
        return self.source_volume is not None

    @property
    def has_baseline(self) -> bool:
        """Whether every event has an emission point and a baseline."""
        return self.is_near or math.isfinite(self.distance)

    def layout(self, detector, source_name: str = "source") -> Layout:
        """The kernels' view of this placement for a detector (quadrature of 1/(4 pi L^2)
        over both volumes for a near source)."""
        fid = detector.fiducial
        if not self.is_near:
            return Layout(False, int(fid.kind), fid.params(), -1, np.zeros(3), 0.0,
                          self.distance, np.zeros(0), np.zeros(0))
        if isinstance(fid, Point):
            raise ConfigError(f"detector {detector.name}: a near source needs a fiducial volume, "
                              "not a point")
        vol = self.source_volume
        L_min = min_distance_bound(vol, fid)
        if not L_min > 0:
            raise ConfigError(
                f"source {source_name}: its volume {vol!r} touches or overlaps the "
                f"fiducial volume of {detector.name}; the 1/L^2 flux is then unbounded: move it "
                "out")
        size = math.hypot(*enclosing_cylinder(fid)[3:])  # mcgen.validation: NEAR_GAP_MIN
        if L_min < NEAR_GAP_MIN * size:  # a vertex costs ~(size / L_min)^2 / 1e4 proposals
            raise ConfigError(
                f"source {source_name}: its volume is {L_min:.3g} mm from the fiducial volume of "
                f"{detector.name}, less than {NEAR_GAP_MIN:g} x its size ({size:.3g} mm): move "
                "it further out (sampling the peaked 1/L^2 flux would take too long)")
        sp, sw = quadrature(vol, GEOMETRY_NODES)
        fp, fw = quadrature(fid, GEOMETRY_NODES)
        L, w = _pair_nodes(sp, sw / sw.sum(), fp, fw)
        return Layout(True, int(fid.kind), fid.params(), int(vol.kind), vol.params(), L_min,
                      math.nan, L, w)

    def check_for(self, source, detector) -> None:
        """ConfigError if this placement does not fit the source's normalisation or the site's
        needs (a near source must be placed by a volume; rock needs an isotropic or zenith-
        table far flux; a far source needs the detector's exposure, a near one its density)."""
        if source.is_near != self.is_near:
            need = "a source volume (near)" if source.is_near else "a direction (far)"
            raise ConfigError(f"geometry: source {source.name} emits "
                              f"{'from a volume' if source.is_near else 'as a flux'}; its "
                              f"geometry needs {need}")
        if self.site is not None and (self.is_near
                                      or self.direction.kind == DirectionKind.FIXED):
            raise ConfigError(f"source {source.name}: propagation through a site's rock needs a "
                              "far source with isotropic or tabulated zenith directions")
        if not self.is_near and detector.exposure_kg_day is None:
            raise ConfigError(f"detector {detector.name}: no exposure: give exposure_kg_day, or "
                              "live_days (with mass_kg or a material density)")
        if self.is_near and detector.density is None:
            raise ConfigError(f"detector {detector.name}: a near source needs the material "
                              "density (material.density_g_cm3)")
