"""Detector: material, fiducial volume, exposure and recoil-energy acceptance."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..constants import cm, day, g, keV, kg
from ..errors import ConfigError
from ..geometry import Shape
from ..validation import fail, non_negative_finite, positive_finite, real, require
from .material import Material, Target
from .response import RESPONSES


class Detector:
    """What the particles hit.

    Exposure (needed for far sources): give ``exposure_kg_day``, or ``live_days`` with
    ``mass_kg`` (default: material density times fiducial volume); a near source uses the
    fiducial volume and density instead, and its own run time. Recoils are accepted for
    ``max(threshold, window[0]) <= T <= window[1]`` (keV). ``elements`` restricts the targets
    to some elements of the material. ``vertex_resolution_mm``: Gaussian sigma per coordinate
    of the reconstructed vertex.

    Quenching: with ``quenching="lindhard"`` ([Mustamin2024, Eqs. 16-19]; ``lindhard_k`` a fitted k,
    default 0.133 Z^(2/3) A^(-1/2)) a nuclear recoil T shows Y(T) T of electron-equivalent
    energy (branch E_vis_keVee); the threshold and window may then be given in keVee
    (``threshold_keVee``, ``window_keVee``), turned into each isotope's nuclear-recoil window
    by the inverse yield (Eq. 19). Electron recoils are seen at full energy.
    """

    def __init__(
        self,
        name: str,
        material: Material,
        fiducial: Shape,
        *,
        threshold_keV: float | None = None,
        window_keV: Sequence[float] | None = None,
        threshold_keVee: float | None = None,
        window_keVee: Sequence[float] | None = None,
        quenching: str | None = None,
        lindhard_k: float | None = None,
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
        self._set_response(quenching, lindhard_k)
        self._set_window(threshold_keV, window_keV, threshold_keVee, window_keVee)
        self.live_days = None if live_days is None else positive_finite(
            f"detector {name}: live_days", live_days, "days")
        self.exposure_kg_day = self._resolve_exposure(exposure_kg_day, mass_kg, live_days)
        self.vertex_resolution_mm = non_negative_finite(
            f"detector {name}: vertex_resolution_mm", vertex_resolution_mm, "mm", what="a length")
        self.elements = self._select_elements(elements)

    def _set_response(self, quenching: str | None, lindhard_k: float | None) -> None:
        """The response model (quenching, mcgen.detectors.response) and its Lindhard k."""
        name = self.name
        if quenching is not None and quenching not in RESPONSES:
            raise ConfigError(f"detector {name}: quenching = {quenching!r}: allowed are "
                              f"{RESPONSES.names()} or none")
        self.quenching = quenching
        if lindhard_k is not None:
            positive_finite(f"detector {name}: lindhard_k", lindhard_k, what="a number")
            if quenching is None:
                raise ConfigError(f"detector {name}: lindhard_k needs quenching = \"lindhard\"")
        self.lindhard_k = lindhard_k
        self.response = RESPONSES[quenching](lindhard_k) if quenching is not None else None

    def _set_window(self, threshold_keV, window_keV, threshold_keVee, window_keVee) -> None:
        """Threshold and window, in keV of nuclear recoil or in keVee (with quenching)."""
        name = self.name
        self.ee_units = threshold_keVee is not None
        if (threshold_keV is None) == (threshold_keVee is None):
            raise ConfigError(f"detector {name}: give one of threshold_keV (nuclear recoil) "
                              "and threshold_keVee (electron equivalent)")
        if self.ee_units and self.quenching is None:
            raise ConfigError(f"detector {name}: threshold_keVee needs quenching = "
                              "\"lindhard\" (to convert keVee to nuclear-recoil energy)")
        if self.ee_units and window_keV is not None or not self.ee_units and window_keVee:
            raise ConfigError(f"detector {name}: give the window in the threshold's unit "
                              "(window_keV with threshold_keV, window_keVee with threshold_keVee)")
        unit = "keVee" if self.ee_units else "keV"
        self.threshold_keV = positive_finite(
            f"detector {name}: threshold_{unit}",
            threshold_keVee if self.ee_units else threshold_keV, unit, what="a recoil energy")
        lo, hi = self._window(window_keVee if self.ee_units else window_keV, unit)
        self.window_keV = (lo, hi)
        if max(self.threshold_keV, lo) >= hi:
            raise ConfigError(
                f"detector {name}: threshold_{unit} = {self.threshold_keV} is not below the "
                f"window's upper edge {hi} {unit}"
            )

    def _window(self, window, unit: str) -> tuple[float, float]:
        """(low, high) of a window [low, high] (high may be inf); (0, inf) for None."""
        if window is None:
            return 0.0, math.inf
        field = f"detector {self.name}: window_{unit}"
        try:
            lo, hi = (real(v) for v in window)
        except (TypeError, ValueError):
            lo = hi = None
        if lo is None or hi is None:
            fail(field, window, f"[low, high] in {unit}")
        require(field, list(window), 0 <= lo < hi, "need 0 <= low < high")
        return lo, hi

    def _select_elements(self, elements) -> list[str]:
        """The elements whose targets count (default: all of the material's)."""
        all_elements = self.material.elements
        if elements is None:
            return all_elements
        unknown = [e for e in elements if e not in all_elements]
        if unknown or not elements:
            raise ConfigError(
                f"detector {self.name}: elements = {list(elements)!r}: allowed are elements "
                f"of {self.material.formula!r}: {all_elements}"
            )
        return list(elements)

    def _resolve_exposure(self, exposure_kg_day, mass_kg, live_days) -> float | None:
        name = self.name
        if exposure_kg_day is not None:
            if mass_kg is not None and live_days is not None:
                raise ConfigError(
                    f"detector {name}: give exposure_kg_day or mass_kg with live_days, not both"
                )
            return positive_finite(f"detector {name}: exposure_kg_day", exposure_kg_day,
                                   "kg day")
        if live_days is None:
            if mass_kg is not None:
                raise ConfigError(f"detector {name}: mass_kg = {mass_kg!r} needs live_days")
            return None  # only a near source can be used (checked when planning)
        days = positive_finite(f"detector {name}: live_days", live_days, "days")
        if mass_kg is None:
            if self.material.density_g_cm3 is None or self.fiducial.volume <= 0:
                raise ConfigError(
                    f"detector {name}: mass_kg missing and cannot be derived (needs a material "
                    "density and a fiducial volume)"
                )
            mass_kg = self.material.density_g_cm3 * g / cm**3 * self.fiducial.volume / kg
        return positive_finite(f"detector {name}: mass_kg", mass_kg, "kg") * days

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

    def recoil_window(self, target: Target) -> tuple[float, float]:
        """Accepted recoil kinetic energies (T_lo, T_hi) [MeV] of a target: the window itself,
        or, for a nucleus when the window is in keVee, its nuclear-recoil image through the
        inverse Lindhard yield ([Mustamin2024, Eq. 19])."""
        if not (self.ee_units and target.is_nucleus):
            return self.T_min, self.T_max
        lo = self.response.recoil_keV(self.T_min / keV, target)
        hi = (self.response.recoil_keV(self.T_max / keV, target)
              if math.isfinite(self.T_max) else math.inf)
        return lo * keV, hi * keV

    def visible_keVee(self, T: np.ndarray, target: Target) -> np.ndarray:
        """Electron-equivalent energy [keV] of recoils T [MeV] of a target: Y(T) T for a
        nucleus with quenching ([Mustamin2024, Eq. 19]), T otherwise."""
        T_keV = np.asarray(T, float) / keV
        if self.response is None:
            return T_keV
        return self.response.visible_keV(T_keV, target)

    @property
    def T_min(self) -> float:
        """Lowest accepted recoil kinetic energy [MeV] (keVee when the window is in keVee)."""
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
