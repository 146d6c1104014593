"""Deprecated: sites moved to mcgen.geometry (``from mcgen.geometry import Site``)."""

import warnings

from .geometry.site import EARTH_RADIUS, Site

warnings.warn("mcgen.sites is deprecated: use mcgen.geometry (Site, EARTH_RADIUS)",
              DeprecationWarning, stacklevel=2)

__all__ = ["EARTH_RADIUS", "Site"]
