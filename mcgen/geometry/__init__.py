"""Geometry: shapes (volumes in the detector frame), direction models of far sources, sites
(rock overburden) and `Geometry`, which places a source relative to a detector."""

from .direction import Direction, DirectionKind
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

__all__ = ["EARTH_RADIUS", "SHAPES", "Box", "Cylinder", "Direction", "DirectionKind", "Geometry",
           "Layout", "Point", "Shape", "ShapeKind", "Site", "Sphere", "exit_distance",
           "min_distance_bound", "quadrature", "sample_point"]
