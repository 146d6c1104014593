"""Detector: material, fiducial volume, exposure and recoil-energy acceptance."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from ..constants import cm, day, g, keV, kg
from ..errors import ConfigError, ConfigWarning
from ..geometry import Frame, Shape
from ..validation import (
    DAYS,
    EXPOSURE_KG_DAY,
    LENGTH_MM,
    MASS_KG,
    RECOIL_KEV,
    energy_window,
    fail,
    in_interval,
    in_range,
    non_negative_finite,
    placed_volume,
    require,
    text,
)
from .background import Background, make_background
from .material import Material, Target
from .response import RESPONSES, ObservedResponse, check_edges


class Detector:
    """What the particles hit.

    Exposure (needed for far sources): give ``exposure_kg_day``, or ``live_days`` with
    ``mass_kg`` (default: material density times fiducial volume); a near source uses the
    fiducial volume and density instead, and its own run time. Recoils are accepted for
    ``max(threshold, window[0]) <= T <= window[1]`` (keV). ``elements`` restricts the targets
    to some elements of the material. ``vertex_resolution_mm``: Gaussian sigma per coordinate
    of the reconstructed vertex. ``frame``: the experiment's own coordinates for the events
    written (mcgen.geometry.Frame; default: mcgen's detector frame).

    Quenching: with ``quenching="lindhard"`` ([Mustamin2024, Eqs. 16-19]; ``lindhard_k`` a fitted k,
    default 0.133 Z^(2/3) A^(-1/2)) a nuclear recoil T shows Y(T) T of electron-equivalent
    energy (branch E_vis_keVee); the threshold and window may then be given in keVee
    (``threshold_keVee``, ``window_keVee``), turned into each isotope's nuclear-recoil window
    by the inverse yield (Eq. 19). Electron recoils are seen at full energy.

    Observed energy (``observed``, an ObservedResponse or its ``[response]`` table; default:
    none): resolution, efficiency and a window on the observed energy E_obs, which is E_vis
    smeared (``Detector.observed``, mcgen.detectors.response). The window above
    (threshold/window) then bounds the TRUE energy of the generated events: give it a few sigma
    wider than the observed window.

    Backgrounds (``backgrounds``: Background objects or ``[[background]]`` tables, default
    none): rates in counts / (kg keV day) of the observed energy (mcgen.detectors.background),
    counted by `background_counts`.
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
        frame: Frame | None = None,
        observed: ObservedResponse | dict | None = None,
        backgrounds: Sequence[Background | dict] | None = None,
    ):
        self.name = text("detector.name", name, allowed="a name")
        require("detector.material", material, isinstance(material, Material),
                "must be a Material, e.g. Material(\"Xe\", 2.862)")
        require("detector.fiducial", fiducial, isinstance(fiducial, Shape),
                "must be a Shape (Point, Box, Cylinder, Sphere)")
        placed_volume("detector.fiducial", fiducial)
        self.material = material
        self.fiducial = fiducial
        self.reference = text("detector.reference", reference, allowed="a string") \
            if reference != "" else ""
        self._set_response(quenching, lindhard_k)
        self._set_window(threshold_keV, window_keV, threshold_keVee, window_keVee)
        self.live_days = None if live_days is None else in_range(
            "detector.live_days", live_days, DAYS, "days", what="a duration")
        self.exposure_kg_day = self._resolve_exposure(exposure_kg_day, mass_kg, live_days)
        self.vertex_resolution_mm = in_interval(
            "detector.vertex_resolution_mm", vertex_resolution_mm, 0.0, LENGTH_MM[1], "mm",
            what="a length")
        self.elements = self._select_elements(elements)
        self.frame = frame if frame is not None else Frame()  # mcgen.geometry.frame
        self._set_observed(observed, backgrounds)

    def _set_response(self, quenching: str | None, lindhard_k: float | None) -> None:
        """The response model (quenching, mcgen.detectors.response) and its Lindhard k."""
        name = self.name
        if quenching is not None and quenching not in RESPONSES:
            raise ConfigError(f"detector.quenching = {quenching!r}: allowed are "
                              f"{RESPONSES.names()} or none ({name})")
        self.quenching = quenching
        if lindhard_k is not None:
            # fitted Lindhard k are ~0.1-0.2 ([Mustamin2024, Eq. 17]); k g(eps) must not overflow
            in_interval("detector.lindhard_k", lindhard_k, 0.0, 10.0, lo_open=True)
            if quenching is None:
                raise ConfigError(f"detector ({name}): lindhard_k needs quenching = "
                                  "\"lindhard\"")
        self.lindhard_k = lindhard_k
        self.response = RESPONSES[quenching](lindhard_k) if quenching is not None else None

    def _set_observed(self, observed, backgrounds) -> None:
        """The observed-energy response (identity if none) and the background models."""
        where = "detector"
        if isinstance(observed, dict):
            observed = ObservedResponse.from_spec(f"{where}.response", observed)
        elif observed is None:
            observed = ObservedResponse()
        elif not isinstance(observed, ObservedResponse):
            fail(f"{where}.response", observed, "an ObservedResponse or a [response] table")
        self.observed = observed
        if backgrounds is None:
            backgrounds = []
        if isinstance(backgrounds, (dict, Background)) or not isinstance(backgrounds,
                                                                         (list, tuple)):
            fail(f"{where}.background", backgrounds, "a list of tables [[background]]")
        self.backgrounds = [make_background(f"{where}.background[{i}]", b)
                            for i, b in enumerate(backgrounds)]
        self._check_smearing_margin()

    def _check_smearing_margin(self, n_sigma: float = 3.0) -> None:
        """ConfigWarning when the generation window (true E_vis) does not reach n_sigma of the
        resolution beyond the observed window: events that would smear in are not generated."""
        obs = self.observed
        if obs.resolution is None or (self.quenching is not None and not self.ee_units):
            return  # no smearing, or a true window in nuclear-recoil keV (not E_vis)
        lo, hi = obs.window_keV
        t_lo, t_hi = self.T_min / keV, self.T_max / keV
        need_lo = lo - n_sigma * float(obs.sigma_keV(lo)) if math.isfinite(lo) else -math.inf
        need_hi = hi + n_sigma * float(obs.sigma_keV(hi)) if math.isfinite(hi) else math.inf
        if t_lo > max(need_lo, 0.0) or t_hi < need_hi:
            warnings.warn(
                f"detector {self.name}: the generation window [{t_lo:g}, {t_hi:g}] keV does not "
                f"cover the observed window [{lo:g}, {hi:g}] keV +- {n_sigma:g} sigma "
                f"([{max(need_lo, 0.0):.3g}, {need_hi:.3g}] keV): events smearing into the "
                "observed window from outside are not generated", ConfigWarning, stacklevel=3)

    def _set_window(self, threshold_keV, window_keV, threshold_keVee, window_keVee) -> None:
        """Threshold and window, in keV of nuclear recoil or in keVee (with quenching)."""
        self.ee_units = threshold_keVee is not None
        name = self.name
        if (threshold_keV is None) == (threshold_keVee is None):
            raise ConfigError(f"detector ({name}): give one of threshold_keV (nuclear recoil) "
                              "and threshold_keVee (electron equivalent)")
        if self.ee_units and self.quenching is None:
            raise ConfigError(f"detector ({name}): threshold_keVee needs quenching = "
                              "\"lindhard\" (to convert keVee to nuclear-recoil energy)")
        if self.ee_units and window_keV is not None or not self.ee_units and window_keVee:
            raise ConfigError(f"detector ({name}): give the window in the threshold's unit "
                              "(window_keV with threshold_keV, window_keVee with threshold_keVee)")
        unit = "keVee" if self.ee_units else "keV"
        self.threshold_keV = in_range(
            f"detector.threshold_{unit}", threshold_keVee if self.ee_units else threshold_keV,
            RECOIL_KEV, unit, what="a recoil energy")
        lo, hi = self._window(window_keVee if self.ee_units else window_keV, unit)
        self.window_keV = (lo, hi)
        if max(self.threshold_keV, lo) >= hi:
            raise ConfigError(
                f"detector.threshold_{unit} = {self.threshold_keV} is not below the "
                f"window's upper edge {hi} {unit} (window_{unit})"
            )
        if 0.0 < lo < self.threshold_keV:
            # the card must say what it runs: recoils between lo and the threshold are cut
            warnings.warn(
                f"detector {self.name}: threshold_{unit} = {self.threshold_keV:g} cuts into "
                f"window_{unit} = [{lo:g}, {hi:g}]: recoils are accepted in "
                f"[{self.threshold_keV:g}, {hi:g}] {unit}; set threshold_{unit} = {lo:g} or "
                f"window_{unit} = [{self.threshold_keV:g}, {hi:g}] to say what runs",
                ConfigWarning, stacklevel=3)

    def _window(self, window, unit: str) -> tuple[float, float]:
        """(low, high) of a window [low, high] (high may be inf: no upper edge); (0, inf) for
        None. Edges within mcgen.validation.RECOIL_KEV."""
        if window is None:
            return 0.0, math.inf
        return energy_window(f"detector.window_{unit}", window, unit)

    def _select_elements(self, elements) -> list[str]:
        """The elements whose targets count (default: all of the material's)."""
        all_elements = self.material.elements
        if elements is None:
            return all_elements
        if isinstance(elements, str):
            elements = [elements]
        ok = (isinstance(elements, (list, tuple)) and len(elements) > 0
              and all(isinstance(e, str) and e in all_elements for e in elements))
        if not ok:
            raise ConfigError(
                f"detector.elements = {elements!r}: allowed are elements of "
                f"{self.material.formula!r} (material.formula): {all_elements}"
            )
        return list(dict.fromkeys(elements))

    def _resolve_exposure(self, exposure_kg_day, mass_kg, live_days) -> float | None:
        if exposure_kg_day is not None:
            if mass_kg is not None and live_days is not None:
                raise ConfigError(
                    f"detector ({self.name}): give exposure_kg_day or mass_kg with live_days, "
                    "not both"
                )
            return in_range("detector.exposure_kg_day", exposure_kg_day, EXPOSURE_KG_DAY,
                            "kg day", what="an exposure")
        if live_days is None:
            if mass_kg is not None:
                raise ConfigError(f"detector.mass_kg = {mass_kg!r}: needs live_days")
            return None  # only a near source can be used (checked when planning)
        days = in_range("detector.live_days", live_days, DAYS, "days", what="a duration")
        field = "detector.mass_kg"
        if mass_kg is None:
            if self.material.density_g_cm3 is None or self.fiducial.volume <= 0:
                raise ConfigError(
                    f"detector ({self.name}): mass_kg missing and cannot be derived (needs a "
                    "material density and a fiducial volume)"
                )
            mass_kg = self.material.density_g_cm3 * g / cm**3 * self.fiducial.volume / kg
            field = "detector.mass_kg (density_g_cm3 x fiducial volume)"
        return in_range(field, mass_kg, MASS_KG, "kg", what="a mass") * days

    def __repr__(self) -> str:
        expo = "no" if self.exposure_kg_day is None else f"{self.exposure_kg_day:g} kg d"
        return (
            f"Detector({self.name!r}, {self.material.formula}, exposure {expo}, "
            f"T in [{self.T_min / keV:g}, {self.T_max / keV:g}] keV)"
        )

    @property
    def mass_kg(self) -> float | None:
        """Fiducial mass [kg]: density times fiducial volume (None without a density)."""
        d = self.density
        return None if d is None else d * self.fiducial.volume / kg

    def background_counts(self, E_obs_edges_keV, exposure_kg_day: float | None = None
                          ) -> np.ndarray:
        """Expected background counts per bin of the observed energy (edges in keV, finite and
        increasing): the sum of the background rates integrated over each bin's part inside
        the observed window, times the exposure [kg day] (default the detector's
        exposure_kg_day; for a near source give mass_kg times the run's live days). Rates are
        in the observed energy as measured: not smeared, no efficiency applied."""
        edges = check_edges("E_obs_edges_keV", E_obs_edges_keV)
        if exposure_kg_day is None:
            exposure_kg_day = self.exposure_kg_day
        if exposure_kg_day is None:
            raise ConfigError(f"detector {self.name}: background_counts needs an exposure: "
                              "give exposure_kg_day (near source: mass_kg x live days)")
        expo = non_negative_finite("exposure_kg_day", exposure_kg_day, "kg day",
                                   what="an exposure")
        lo, hi = self.observed.window_keV
        a, b = np.clip(edges[:-1], lo, hi), np.clip(edges[1:], lo, hi)
        total = np.zeros(edges.size - 1)
        for bg in self.backgrounds:  # a loop over background models
            total += bg.cumulative(b) - bg.cumulative(a)
        return expo * total

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
