"""Background models: rates per detector mass, in the OBSERVED energy, registered by the name
detector files use (``[[background]] kind = "flat" | "table"``).

A background is a differential rate dR/dE_obs in counts / (kg keV day) of the observed energy
E_obs (the unit of the detector's E_obs_keV branch: keVee with quenching, else keV). Rates are
taken as measured or quoted by an experiment: already smeared and after efficiency, so they are
neither smeared nor multiplied by the efficiency again; only the observed window cuts them
(`Detector.background_counts`).

Standard-Model neutrino processes that are backgrounds of a new-physics search (SM nu-e
scattering under a magnetic-moment signal, CEvNS under a dipole portal) need no model here:
they are interactions of the same run ([[interaction]] with the SM process), generated and
smeared like the signal.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np

from ..errors import ConfigError
from ..registry import Registered, Registry
from ..validation import (
    RECOIL_KEV,
    amounts,
    fail,
    in_interval,
    number_table,
    real,
    require,
    strictly_increasing,
    zero_or_amount,
)
from .response import check_edges, read_columns

#: Unit of every background rate.
RATE_UNIT = "counts / (kg keV day)"

#: Every background model, keyed by ``kind`` of a detector's ``[[background]]`` table.
BACKGROUNDS: Registry[type[Background]] = Registry("detector.background.kind")


class Background(Registered, registry=BACKGROUNDS):
    """Base class: ``rate(E_obs_keV)`` [counts / (kg keV day)] and its cumulative integral
    ``cumulative(E_obs_keV)`` [counts / (kg day)] from -inf, so that the counts per kg day in
    [a, b] are cumulative(b) - cumulative(a) exactly. ``description`` says where the rate
    comes from. A subclass that defines ``name`` registers itself; ``FIELDS`` are its card
    fields."""

    name: ClassVar[str]
    FIELDS: ClassVar[tuple[str, ...]] = ()

    description: str = ""

    def rate(self, E_obs_keV) -> np.ndarray:
        raise NotImplementedError

    def cumulative(self, E_obs_keV) -> np.ndarray:
        raise NotImplementedError

    def counts_per_kg_day(self, E_obs_edges_keV) -> np.ndarray:
        """Counts / (kg day) in each bin of the observed energy (edges in keV)."""
        edges = check_edges("E_obs_edges_keV", E_obs_edges_keV)
        return np.diff(self.cumulative(edges))

    def describe(self) -> dict:
        return {"kind": self.name, "description": self.description}


class FlatBackground(Background):
    """A constant rate ``rate_per_kg_keV_day`` [counts / (kg keV day)] for E_obs in
    [``E_min_keV``, ``E_max_keV``] (default: everywhere above 0), 0 outside."""

    name = "flat"
    FIELDS = ("rate_per_kg_keV_day", "E_min_keV", "E_max_keV", "description")

    def __init__(self, rate_per_kg_keV_day: float, E_min_keV: float = 0.0,
                 E_max_keV: float = math.inf, description: str = "",
                 where: str = "detector.background"):
        # ranges: mcgen.validation.AMOUNT (0: no background) and RECOIL_KEV's upper end
        self.rate_per_kg_keV_day = zero_or_amount(
            f"{where}.rate_per_kg_keV_day", rate_per_kg_keV_day, RATE_UNIT, what="a rate")
        top = RECOIL_KEV[1]
        self.E_min_keV = in_interval(f"{where}.E_min_keV", E_min_keV, 0.0, top, "keV",
                                     what="an energy")
        hi = real(E_max_keV)
        require(f"{where}.E_max_keV", E_max_keV, hi is not None and self.E_min_keV < hi
                and (hi <= top or hi == math.inf),
                f"must be an energy above E_min_keV = {self.E_min_keV:g} and <= {top:g} "
                "(keV; or inf)")
        self.E_max_keV = hi
        self.description = _text(where, description)

    def rate(self, E_obs_keV) -> np.ndarray:
        E = np.asarray(E_obs_keV, float)
        return np.where((E >= self.E_min_keV) & (E <= self.E_max_keV),
                        self.rate_per_kg_keV_day, 0.0)

    def cumulative(self, E_obs_keV) -> np.ndarray:
        E = np.clip(np.asarray(E_obs_keV, float), self.E_min_keV, self.E_max_keV)
        return self.rate_per_kg_keV_day * (E - self.E_min_keV)

    def describe(self) -> dict:
        return {"kind": self.name, "rate_per_kg_keV_day": self.rate_per_kg_keV_day,
                "E_min_keV": self.E_min_keV,
                "E_max_keV": self.E_max_keV if math.isfinite(self.E_max_keV) else None,
                "description": self.description}


class TabulatedBackground(Background):
    """A tabulated rate: points (E_keV, rate_per_kg_keV_day), linear between them, 0 outside
    the table. Inline (``E_keV = [...], rate_per_kg_keV_day = [...]``) or a CSV file
    (``path``: E [keV], rate [counts / (kg keV day)]; relative to the run card or catalogue
    file). Bin counts are the exact integrals of the linear interpolation."""

    name = "table"
    FIELDS = ("E_keV", "rate_per_kg_keV_day", "path", "description")

    def __init__(self, E_keV: Sequence[float] | None = None,
                 rate_per_kg_keV_day: Sequence[float] | None = None, path: str | None = None,
                 description: str = "", where: str = "detector.background",
                 base_dir: str | Path | None = None):
        if (path is None) == (E_keV is None and rate_per_kg_keV_day is None):
            raise ConfigError(f"{where}: give either E_keV and rate_per_kg_keV_day (lists) or "
                              "path (CSV), not both or neither")
        if path is not None:
            E_keV, rate_per_kg_keV_day = read_columns(where, path, base_dir)
        E, r = number_table(f"{where}.(E_keV, rate_per_kg_keV_day)", E_keV,
                            rate_per_kg_keV_day)
        strictly_increasing(f"{where}.E_keV", E.tolist(), lo=0.0, hi=RECOIL_KEV[1], min_size=2)
        require(f"{where}.rate_per_kg_keV_day", list(r), bool(np.all(r >= 0)),
                f"must be rates >= 0 ({RATE_UNIT})")
        amounts(f"{where}.rate_per_kg_keV_day", r, RATE_UNIT, what="a rate", zero=True)
        self.E_keV, self.rates, self.path = E, r, path
        self.description = _text(where, description)
        # cumulative integral at the nodes (trapezoids: exact for the linear interpolation)
        self._F = np.concatenate([[0.0], np.cumsum(0.5 * (r[1:] + r[:-1]) * np.diff(E))])
        self._slopes = np.diff(r) / np.diff(E)

    def rate(self, E_obs_keV) -> np.ndarray:
        return np.interp(E_obs_keV, self.E_keV, self.rates, left=0.0, right=0.0)

    def cumulative(self, E_obs_keV) -> np.ndarray:
        E = np.clip(np.asarray(E_obs_keV, float), self.E_keV[0], self.E_keV[-1])
        k = np.clip(np.searchsorted(self.E_keV, E, side="right") - 1, 0, self._slopes.size - 1)
        x = E - self.E_keV[k]
        return self._F[k] + self.rates[k] * x + 0.5 * self._slopes[k] * x * x

    def describe(self) -> dict:
        return {"kind": self.name, "E_keV": self.E_keV.tolist(),
                "rate_per_kg_keV_day": self.rates.tolist(), "path": self.path,
                "description": self.description}


def _text(where: str, value) -> str:
    if not isinstance(value, str):
        fail(f"{where}.description", value, "a string")
    return value


def make_background(where: str, spec, base_dir: str | Path | None = None) -> Background:
    """A Background from a ``[[background]]`` table (``kind`` and the fields of its class;
    a relative ``path`` is taken relative to base_dir)."""
    if isinstance(spec, Background):
        return spec
    if not isinstance(spec, dict):
        fail(where, spec, f"a table [[background]] with kind = one of {BACKGROUNDS.names()}")
    spec = dict(spec)
    kind = spec.pop("kind", None)
    if kind not in BACKGROUNDS:
        raise ConfigError(f"{where}.kind = {kind!r}: allowed are {BACKGROUNDS.names()}")
    cls = BACKGROUNDS[kind]
    unknown = sorted(set(spec) - set(cls.FIELDS))
    if unknown:
        raise ConfigError(f"{where} ({kind}): unknown field(s) {unknown}; allowed are "
                          f"{sorted(cls.FIELDS)}")
    params = inspect.signature(cls.__init__).parameters.values()
    missing = [p.name for p in params if p.default is inspect.Parameter.empty
               and p.name != "self" and p.name not in spec]
    if missing:
        raise ConfigError(f"{where} ({kind}): missing field(s) {missing}")
    extra = {"base_dir": base_dir} if cls is TabulatedBackground else {}
    return cls(**spec, where=where, **extra)
