"""Detector: material, fiducial volume, exposure and recoil-energy acceptance."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..constants import cm, day, g, keV, kg
from ..errors import ConfigError
from ..geometry import Shape
from .material import Material, Target


def _check_positive(field: str, value, allowed: str = "a positive number") -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{field} = {value!r}: must be {allowed}") from None
    if not (v > 0 and math.isfinite(v)):
        raise ConfigError(f"{field} = {value!r}: must be {allowed}")
    return v


class Detector:
    """What the particles hit.

    Exposure (needed for far sources): give ``exposure_kg_day``, or ``live_days`` with
    ``mass_kg`` (default: material density times fiducial volume); a near source uses the
    fiducial volume and density instead, and its own run time. Recoils are accepted for
    ``max(threshold, window[0]) <= T <= window[1]`` (keV). ``elements`` restricts the targets
    to some elements of the material. ``vertex_resolution_mm``: Gaussian sigma per coordinate
    of the reconstructed vertex.
    """

    def __init__(
        self,
        name: str,
        material: Material,
        fiducial: Shape,
        *,
        threshold_keV: float,
        window_keV: Sequence[float] | None = None,
        exposure_kg_day: float | None = None,
        mass_kg: float | None = None,
        live_days: float | None = None,
        elements: Sequence[str] | None = None,
        vertex_resolution_mm: float = 0.0,
        reference: str = "",
    ):
        self.name = name
        self.material = material
        self.fiducial = fiducial
        self.reference = reference
        self.threshold_keV = _check_positive(
            f"detector {name}: threshold_keV", threshold_keV, "a recoil energy > 0 keV"
        )
        lo, hi = 0.0, math.inf
        if window_keV is not None:
            if len(window_keV) != 2:
                raise ConfigError(
                    f"detector {name}: window_keV = {window_keV!r}: must be [low, high] in keV"
                )
            lo, hi = float(window_keV[0]), float(window_keV[1])
            if not (0 <= lo < hi):
                raise ConfigError(
                    f"detector {name}: window_keV = {list(window_keV)!r}: need 0 <= low < high"
                )
        self.window_keV = (lo, hi)
        if max(self.threshold_keV, lo) >= hi:
            raise ConfigError(
                f"detector {name}: threshold_keV = {self.threshold_keV} is not below the "
                f"window's upper edge {hi} keV"
            )
        self.live_days = None if live_days is None else _check_positive(
            f"detector {name}: live_days", live_days)
        self.exposure_kg_day = self._resolve_exposure(exposure_kg_day, mass_kg, live_days)
        try:
            ok = float(vertex_resolution_mm) >= 0 and math.isfinite(float(vertex_resolution_mm))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ConfigError(f"detector {name}: vertex_resolution_mm = {vertex_resolution_mm!r}:"
                              " must be a length >= 0 (mm)")
        self.vertex_resolution_mm = float(vertex_resolution_mm)
        all_elements = material.elements
        if elements is not None:
            unknown = [e for e in elements if e not in all_elements]
            if unknown or not elements:
                raise ConfigError(
                    f"detector {name}: elements = {list(elements)!r}: allowed are elements "
                    f"of {material.formula!r}: {all_elements}"
                )
        self.elements = list(elements) if elements is not None else all_elements

    def _resolve_exposure(self, exposure_kg_day, mass_kg, live_days) -> float | None:
        name = self.name
        if exposure_kg_day is not None:
            if mass_kg is not None and live_days is not None:
                raise ConfigError(
                    f"detector {name}: give exposure_kg_day or mass_kg with live_days, not both"
                )
            return _check_positive(f"detector {name}: exposure_kg_day", exposure_kg_day)
        if live_days is None:
            if mass_kg is not None:
                raise ConfigError(f"detector {name}: mass_kg = {mass_kg!r} needs live_days")
            return None  # only a near source can be used (checked when planning)
        days = _check_positive(f"detector {name}: live_days", live_days)
        if mass_kg is None:
            if self.material.density_g_cm3 is None or self.fiducial.volume <= 0:
                raise ConfigError(
                    f"detector {name}: mass_kg missing and cannot be derived (needs a material "
                    "density and a fiducial volume)"
                )
            mass_kg = self.material.density_g_cm3 * g / cm**3 * self.fiducial.volume / kg
        return _check_positive(f"detector {name}: mass_kg", mass_kg) * days

    def __repr__(self) -> str:
        expo = "no" if self.exposure_kg_day is None else f"{self.exposure_kg_day:g} kg d"
        return (
            f"Detector({self.name!r}, {self.material.formula}, exposure {expo}, "
            f"T in [{self.T_min / keV:g}, {self.T_max / keV:g}] keV)"
        )

    @property
    def exposure(self) -> float:
        """Exposure in internal units (mass x time)."""
        return self.exposure_kg_day * kg * day

    @property
    def density(self) -> float | None:
        """Material density in internal units (mass per volume), or None if not given."""
        d = self.material.density_g_cm3
        return None if d is None else d * g / cm**3

    @property
    def T_min(self) -> float:
        """Lowest accepted recoil kinetic energy [MeV]."""
        return max(self.threshold_keV, self.window_keV[0]) * keV

    @property
    def T_max(self) -> float:
        """Highest accepted recoil kinetic energy [MeV] (inf if no upper edge)."""
        return self.window_keV[1] * keV

    def nuclei(self) -> list[Target]:
        """Nuclear targets (isotopes of the selected elements) with their number per kg."""
        return [t for t in self.material.nuclei if _symbol(t.name) in self.elements]

    def electron_targets(self) -> list[Target]:
        """Atomic electrons of the selected elements, one target per element."""
        return [t for t in self.material.electron_targets if t.name[2:-1] in self.elements]


def _symbol(name: str) -> str:
    return name.rstrip("0123456789")
