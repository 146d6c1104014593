"""Geometry: shapes (volumes in the detector frame), direction models of far sources, sites
(rock overburden), `Geometry`, which places a source relative to a detector, and `Frame`, the
experiment's own coordinates."""

from .direction import Direction, DirectionKind
from .frame import Frame
from .placement import Geometry, Layout
from .shapes import (
    SHAPES,
    Box,
    Cylinder,
    Point,
    Shape,
    ShapeKind,
    Sphere,
    exit_distance,
    min_distance_bound,
    quadrature,
    sample_point,
)
from .site import EARTH_RADIUS, Site

__all__ = ["EARTH_RADIUS", "SHAPES", "Box", "Cylinder", "Direction", "DirectionKind", "Frame",
           "Geometry", "Layout", "Point", "Shape", "ShapeKind", "Site", "Sphere", "exit_distance",
           "min_distance_bound", "quadrature", "sample_point"]
