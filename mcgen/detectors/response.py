"""Detector response models, registered by the name detector files use.

Three kinds, one registry each:

- ``RESPONSES`` (``quenching = "lindhard"``): a recoil's kinetic energy T -> the visible
  energy E_vis (keVee) and back (to map a visible-energy window onto each target's recoil
  window).
- ``RESOLUTIONS`` (``[response] resolution = {model = "gaussian", ...}``): the spread of the
  observed energy E_obs around E_vis.
- ``EFFICIENCIES`` (``[response] efficiency = {model = "table", ...}``): the probability that an
  event of observed energy E_obs is kept.

`ObservedResponse` combines a resolution, an efficiency and a window on the observed energy
(``threshold_obs_keV``, ``window_obs_keV``); it is ``Detector.observed`` and the API of the
analysis layer: `sigma_keV`, `efficiency`, `accepts`, `response_matrix`, `observed_spectrum`,
`expected_counts`, and the per-event draw `draw` (branches ``E_obs_keV``, ``accepted``).

Energies: E_obs is in the unit of E_vis (branch E_vis_keVee): keVee for nuclear recoils of a
detector with quenching, keV otherwise (electron recoils, or nuclear recoils without
quenching). All functions here take and return keV (plain floats and numpy arrays).

Order of the response (one convention, used by the event draw and the expected spectra alike):
E_obs = E_vis + sigma(E_vis) z with z ~ N(0, 1); the event is accepted when E_obs lies in the
observed window [max(threshold_obs, window_obs[0]), window_obs[1]] and a uniform draw
u < eff(E_obs). The efficiency is thus a function of the OBSERVED energy (how trigger and cut
efficiencies are measured and quoted). E_obs may be negative for a Gaussian near 0; the window
removes such events.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
from scipy.special import ndtr

from ..errors import ConfigError
from ..physics.quenching import electron_equivalent, nuclear_recoil_energy
from ..registry import Registered, Registry
from ..streams import BLOCK_EVENTS, response_rng
from ..validation import (
    RECOIL_KEV,
    energy_window,
    fail,
    finite_numbers,
    in_interval,
    number_table,
    probability,
    require,
    strictly_increasing,
    zero_or_in_range,
)

#: Every quenching model, keyed by the name detector files use (``quenching = "lindhard"``).
RESPONSES: Registry[type[Response]] = Registry("detector.quenching")
#: Energy-resolution models (``[response] resolution = {model = ...}``).
RESOLUTIONS: Registry[type[Resolution]] = Registry("detector.response.resolution.model")
#: Efficiency models (``[response] efficiency = {model = ...}``).
EFFICIENCIES: Registry[type[Efficiency]] = Registry("detector.response.efficiency.model")


# -- quenching ------------------------------------------------------------------------------
class Response(Registered, registry=RESPONSES):
    """Base class of quenching models: ``visible_keV(T_keV, target)`` and its inverse
    ``recoil_keV(E_keV, target)`` (keV in, keV out). A subclass that defines ``name``
    registers itself."""

    name: ClassVar[str]

    def visible_keV(self, T_keV: np.ndarray, target) -> np.ndarray:
        raise NotImplementedError

    def recoil_keV(self, E_keV: float, target) -> float:
        raise NotImplementedError


class LindhardQuenching(Response):
    """Nuclear recoils are seen as Y(T) T of electron-equivalent energy ([Mustamin2024, Eqs. 16-19],
    mcgen.physics.quenching; ``k`` a fitted Lindhard k, default 0.133 Z^(2/3) A^(-1/2));
    electron recoils at their full energy."""

    name = "lindhard"

    def __init__(self, k: float | None = None):
        self.k = k

    def visible_keV(self, T_keV: np.ndarray, target) -> np.ndarray:
        if not target.is_nucleus:
            return T_keV
        return electron_equivalent(T_keV, target.Z, target.A, self.k)

    def recoil_keV(self, E_keV: float, target) -> float:
        if not target.is_nucleus:
            return E_keV
        return nuclear_recoil_energy(E_keV, target.Z, target.A, self.k)


# -- helpers ----------------------------------------------------------------------------------
def _model_spec(where: str, spec, registry: Registry, default: str) -> tuple[type, dict]:
    """(class, constructor fields) of a ``{model = ..., field = ...}`` table."""
    if not isinstance(spec, dict):
        fail(where, spec, f"a table {{model = ..., ...}} (models: {registry.names()})")
    spec = dict(spec)
    model = spec.pop("model", default)
    if model not in registry:
        raise ConfigError(f"{where}.model = {model!r}: allowed are {registry.names()}")
    cls = registry[model]
    allowed = cls.FIELDS
    unknown = sorted(set(spec) - set(allowed))
    if unknown:
        raise ConfigError(f"{where} ({model}): unknown field(s) {unknown}; allowed are "
                          f"{sorted(allowed)}")
    return cls, spec


def read_columns(where: str, path, base_dir: str | Path | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The first two columns of a CSV file (comma-separated; lines starting with # skipped).
    A relative path is taken relative to base_dir (the run card's or catalogue file's
    directory) when given."""
    if not isinstance(path, str) or not path:
        fail(f"{where}.path", path, "a file name (CSV: two columns)")
    p = Path(path)
    if not p.is_absolute() and base_dir is not None:
        p = Path(base_dir) / p
    try:
        data = np.loadtxt(p, delimiter=",", comments="#", ndmin=2)
    except FileNotFoundError:
        raise ConfigError(f"{where}.path = {path!r}: file {str(p)!r} not found") from None
    except (ValueError, OSError) as exc:
        reason = " ".join(str(exc).split())  # one line
        raise ConfigError(f"{where}.path = {path!r}: not a CSV table of numbers ({reason})") \
            from None
    if data.shape[1] < 2:
        fail(f"{where}.path", path, "a CSV file with two columns")
    return data[:, 0], data[:, 1]


def check_edges(field: str, edges) -> np.ndarray:
    """Bin edges [keV]: >= 2 finite numbers, strictly increasing."""
    if isinstance(edges, np.ndarray):
        edges = edges.ravel().tolist()  # a one-line message if they are refused
    return strictly_increasing(field, edges, min_size=2)


# -- resolution -------------------------------------------------------------------------------
class Resolution(Registered, registry=RESOLUTIONS):
    """Base class of resolution models: ``sigma_keV(E_keV)``, the Gaussian width [keV] of the
    observed energy around E_vis = E_keV. A subclass that defines ``name`` registers itself;
    ``FIELDS`` lists its card fields (its constructor's keyword arguments; it also takes
    ``where``, the card path for error messages)."""

    name: ClassVar[str]
    FIELDS: ClassVar[tuple[str, ...]] = ()

    def sigma_keV(self, E_keV) -> np.ndarray:
        raise NotImplementedError

    def describe(self) -> dict:
        return {"model": self.name}


class GaussianResolution(Resolution):
    """Gaussian smearing with sigma(E) = a sqrt(E) (+) b E (+) c, the three terms added in
    quadrature, E = E_vis in keV (keVee with quenching):

        sigma [keV] = sqrt(a^2 E + b^2 E^2 + c^2),   a [keV^1/2], b [1], c [keV].

    [Coloma2014, Sec. 2]: sigma(T) = 0.20 sqrt(T) (T, sigma in keV): a_sqrt_keV = 0.20.
    Negative E (not produced) is treated as 0."""

    name = "gaussian"
    FIELDS = ("a_sqrt_keV", "b", "c_keV")

    def __init__(self, a_sqrt_keV: float = 0.0, b: float = 0.0, c_keV: float = 0.0,
                 where: str = "detector.response.resolution"):
        # bounded (a 100 % resolution is b = 1) so that sigma(E) stays finite up to 1e9 keV
        self.a_sqrt_keV = in_interval(f"{where}.a_sqrt_keV", a_sqrt_keV, 0.0, 1e3, "keV^1/2")
        self.b = in_interval(f"{where}.b", b, 0.0, 10.0, "dimensionless, sigma/E")
        self.c_keV = in_interval(f"{where}.c_keV", c_keV, 0.0, 1e9, "keV")

    def sigma_keV(self, E_keV) -> np.ndarray:
        E = np.maximum(np.asarray(E_keV, float), 0.0)
        return np.sqrt(self.a_sqrt_keV**2 * E + (self.b * E) ** 2 + self.c_keV**2)

    def describe(self) -> dict:
        return {"model": self.name, "a_sqrt_keV": self.a_sqrt_keV, "b": self.b,
                "c_keV": self.c_keV}


# -- efficiency -------------------------------------------------------------------------------
class Efficiency(Registered, registry=EFFICIENCIES):
    """Base class of efficiency models: ``__call__(E_keV)`` in [0, 1] as a function of the
    observed energy [keV]; piecewise linear between ``nodes_keV`` (where it may also jump),
    with ``slope(E_keV)`` [1/keV] inside a piece: the expected spectra integrate it exactly
    against the Gaussian. A subclass that defines ``name`` registers itself."""

    name: ClassVar[str]
    FIELDS: ClassVar[tuple[str, ...]] = ()
    nodes_keV: np.ndarray = np.empty(0)

    def __call__(self, E_keV) -> np.ndarray:
        raise NotImplementedError

    def slope(self, E_keV) -> np.ndarray:
        raise NotImplementedError

    def describe(self) -> dict:
        return {"model": self.name}


class ConstantEfficiency(Efficiency):
    """The same efficiency ``value`` (in [0, 1]) at every observed energy."""

    name = "constant"
    FIELDS = ("value",)

    def __init__(self, value: float, where: str = "detector.response.efficiency"):
        self.value = probability(f"{where}.value", value, what="an efficiency in [0, 1]",
                                 allowed="an efficiency in [0, 1]")

    def __call__(self, E_keV) -> np.ndarray:
        return np.full(np.shape(E_keV), self.value)

    def slope(self, E_keV) -> np.ndarray:
        return np.zeros(np.shape(E_keV))

    def describe(self) -> dict:
        return {"model": self.name, "value": self.value}


class TabulatedEfficiency(Efficiency):
    """An efficiency curve eff(E_obs): points (E_keV, eff), linear between them and **0
    outside [E_keV[0], E_keV[-1]]** (a curve must cover the whole observed window; extend it
    with a last point at the window's upper edge for a plateau). Given inline (``E_keV = [...],
    eff = [...]``) or as a CSV file (``path``, two columns E [keV], eff; relative to the run
    card or catalogue file)."""

    name = "table"
    FIELDS = ("E_keV", "eff", "path")

    def __init__(self, E_keV: Sequence[float] | None = None, eff: Sequence[float] | None = None,
                 path: str | None = None, where: str = "detector.response.efficiency",
                 base_dir: str | Path | None = None):
        if (path is None) == (E_keV is None and eff is None):
            raise ConfigError(f"{where}: give either E_keV and eff (lists) or path (CSV), "
                              "not both or neither")
        if path is not None:
            E_keV, eff = read_columns(where, path, base_dir)
        E, y = number_table(f"{where}.(E_keV, eff)", E_keV, eff)
        strictly_increasing(f"{where}.E_keV", E.tolist(), lo=0.0, hi=RECOIL_KEV[1], min_size=2)
        require(f"{where}.eff", list(y), bool(np.all((y >= 0) & (y <= 1))),
                "must be efficiencies in [0, 1]")
        self.E_keV, self.eff, self.path = E, y, path
        self.nodes_keV = E
        self._slopes = np.diff(y) / np.diff(E)

    def __call__(self, E_keV) -> np.ndarray:
        return np.interp(E_keV, self.E_keV, self.eff, left=0.0, right=0.0)

    def slope(self, E_keV) -> np.ndarray:
        E = np.asarray(E_keV, float)
        k = np.clip(np.searchsorted(self.E_keV, E, side="right") - 1, 0, self._slopes.size - 1)
        inside = (E >= self.E_keV[0]) & (E < self.E_keV[-1])
        return np.where(inside, self._slopes[k], 0.0)

    def describe(self) -> dict:
        return {"model": self.name, "E_keV": self.E_keV.tolist(), "eff": self.eff.tolist(),
                "path": self.path}


# -- the observed energy: resolution x efficiency x window -----------------------------------
#: Gaussian tails beyond TAILS sigma are left out of the expected spectra: 1 - Phi(9) = 1.1e-19,
#: below the double-precision rounding of a probability.
TAILS = 9.0


class ObservedResponse:
    """What the detector reports of a visible energy E_vis [keV]: the observed energy E_obs
    (Gaussian resolution), the observed window [max(threshold_obs_keV, window_obs_keV[0]),
    window_obs_keV[1]] and the efficiency eff(E_obs). Without any of them it is the identity
    (``active`` False: sigma 0, efficiency 1, window the whole line) and no response branches
    are written.

    The generation window of the Detector (threshold_keV/window_keV, or keVee) bounds the TRUE
    visible energy of the generated events; give it a few sigma wider than the observed window
    so that events smearing into the observed window are generated. Generated events outside
    the observed window are still written (``accepted`` false): the weights keep meaning
    "expected events before the observed cut", and the expected count after it is
    sum(weight[accepted]) or, without sampling noise, `expected_counts`.
    """

    FIELDS = ("resolution", "efficiency", "threshold_obs_keV", "window_obs_keV")

    def __init__(self, resolution: Resolution | None = None,
                 efficiency: Efficiency | None = None, threshold_obs_keV: float | None = None,
                 window_obs_keV: Sequence[float] | None = None,
                 where: str = "detector.response"):
        self.resolution = resolution
        self.efficiency_model = efficiency
        self.threshold_obs_keV = None if threshold_obs_keV is None else zero_or_in_range(
            f"{where}.threshold_obs_keV", threshold_obs_keV, RECOIL_KEV, "keV",
            what="an energy")
        self.window_obs_keV = None if window_obs_keV is None else energy_window(
            f"{where}.window_obs_keV", window_obs_keV)
        lo, hi = self.window_obs_keV or (-math.inf, math.inf)
        if self.threshold_obs_keV is not None:
            lo = max(lo, self.threshold_obs_keV)
            require(f"{where}.threshold_obs_keV", threshold_obs_keV, lo < hi,
                    f"must be below the observed window's upper edge {hi:g} keV")
        self.lo_keV, self.hi_keV = lo, hi

    @classmethod
    def from_spec(cls, where: str, spec, base_dir: str | Path | None = None
                  ) -> ObservedResponse:
        """From a detector's ``[response]`` table: ``resolution = {model = "gaussian",
        a_sqrt_keV, b, c_keV}``, ``efficiency = {model = "table", E_keV, eff | path}`` or
        ``{model = "constant", value}``, ``threshold_obs_keV``, ``window_obs_keV = [lo, hi]``
        (``model`` may be left out: "gaussian", "table")."""
        if not isinstance(spec, dict):
            fail(where, spec, f"a table [response] with fields {list(cls.FIELDS)}")
        unknown = sorted(set(spec) - set(cls.FIELDS))
        if unknown:
            raise ConfigError(f"{where}: unknown field(s) {unknown}; allowed are "
                              f"{sorted(cls.FIELDS)}")
        res = eff = None
        if "resolution" in spec:
            rcls, kw = _model_spec(f"{where}.resolution", spec["resolution"], RESOLUTIONS,
                                   "gaussian")
            res = rcls(**kw, where=f"{where}.resolution")
        if "efficiency" in spec:
            ecls, kw = _model_spec(f"{where}.efficiency", spec["efficiency"], EFFICIENCIES,
                                   "table")
            extra = {"base_dir": base_dir} if ecls is TabulatedEfficiency else {}
            eff = ecls(**kw, where=f"{where}.efficiency", **extra)
        return cls(res, eff, spec.get("threshold_obs_keV"), spec.get("window_obs_keV"),
                   where=where)

    # -- properties ---------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """Whether anything is configured (then the branches E_obs_keV, accepted are written)."""
        return (self.resolution is not None or self.efficiency_model is not None
                or math.isfinite(self.lo_keV) or math.isfinite(self.hi_keV))

    @property
    def window_keV(self) -> tuple[float, float]:
        """The observed window (lo, hi) [keV], threshold included; (-inf, inf) if none."""
        return self.lo_keV, self.hi_keV

    def describe(self) -> dict:
        """For the run metadata (JSON)."""
        return {"resolution": None if self.resolution is None else self.resolution.describe(),
                "efficiency": (None if self.efficiency_model is None
                               else self.efficiency_model.describe()),
                "threshold_obs_keV": self.threshold_obs_keV,
                "window_obs_keV": None if self.window_obs_keV is None else
                [v if math.isfinite(v) else None for v in self.window_obs_keV],
                "obs_unit": "unit of E_vis_keVee (keVee with quenching, else keV)"}

    # -- pointwise ----------------------------------------------------------------------------
    def sigma_keV(self, E_keV) -> np.ndarray:
        """Resolution sigma [keV] at visible energies E_keV (0 without a resolution)."""
        if self.resolution is None:
            return np.zeros(np.shape(E_keV))
        return self.resolution.sigma_keV(E_keV)

    def efficiency(self, E_obs_keV) -> np.ndarray:
        """Efficiency at observed energies E_obs_keV (1 without an efficiency model); the
        window is not included (see `accepts`)."""
        if self.efficiency_model is None:
            return np.ones(np.shape(E_obs_keV))
        return self.efficiency_model(E_obs_keV)

    def accepts(self, E_obs_keV) -> np.ndarray:
        """Whether observed energies lie in the observed window (bool array; ends included)."""
        E = np.asarray(E_obs_keV, float)
        return (E >= self.lo_keV) & (E <= self.hi_keV)

    # -- per event ----------------------------------------------------------------------------
    def apply(self, E_vis_keV, z, u) -> tuple[np.ndarray, np.ndarray]:
        """(E_obs_keV, accepted) of events with visible energies E_vis_keV, given standard
        normal draws z and uniform draws u in [0, 1) of the same size:
        E_obs = E_vis + sigma(E_vis) z, accepted = inside the window and u < eff(E_obs)."""
        E_vis = np.asarray(E_vis_keV, float)
        E_obs = E_vis + self.sigma_keV(E_vis) * z if self.resolution is not None else E_vis.copy()
        accepted = self.accepts(E_obs)
        if self.efficiency_model is not None:
            accepted &= u < self.efficiency_model(E_obs)
        return E_obs, accepted

    def draw(self, E_vis_keV, seed: int, first_event: int) -> dict[str, np.ndarray]:
        """The branches ``E_obs_keV`` and ``accepted`` of the events first_event,
        first_event + 1, ... (E_vis_keV in event order; first_event a multiple of BLOCK_EVENTS).

        Random numbers come from the response stream of each 32768-event block
        (mcgen.streams.response_rng(seed, block), separate from the sampler's): per block,
        first the normals z, then the uniforms u, one of each per event. So the branches depend
        only on the seed and the card, not on the chunking or threads, and a changed resolution
        moves each event by its own fixed z (correlated systematic variations)."""
        E_vis = np.asarray(E_vis_keV, float)
        if first_event % BLOCK_EVENTS:
            raise ValueError(f"first_event = {first_event}: must start a block of "
                             f"{BLOCK_EVENTS} events")
        n = E_vis.size
        z, u = np.empty(n), np.empty(n)
        for k in range(0, n, BLOCK_EVENTS):  # a loop over blocks, not events
            nb = min(BLOCK_EVENTS, n - k)
            rng = response_rng(seed, (first_event + k) // BLOCK_EVENTS)
            z[k:k + nb] = rng.standard_normal(nb)
            u[k:k + nb] = rng.random(nb)
        E_obs, accepted = self.apply(E_vis, z, u)
        return {"E_obs_keV": E_obs, "accepted": accepted}

    # -- expected spectra ---------------------------------------------------------------------
    def response_matrix(self, E_vis_keV, E_obs_edges_keV) -> np.ndarray:
        """P[i, j]: probability that an event of visible energy E_vis_keV[i] is observed in
        bin j of E_obs_edges_keV (finite, increasing) AND accepted (inside the observed window,
        passing the efficiency). Exact: Gaussian bin integrals through the normal CDF, the
        piecewise-linear efficiency integrated against the Gaussian in closed form on each
        linear piece,
            int (e0 + s (x - m)) N(x; mu, sigma) dx = e0 dPhi + s ((mu - m) dPhi - sigma dphi).
        Gaussian tails beyond TAILS = 9 sigma of the events are dropped (< 1e-19). Without a
        resolution (or sigma = 0) the kernel is a delta function. Shape
        (len(E_vis_keV), len(E_obs_edges_keV) - 1)."""
        edges = check_edges("E_obs_edges_keV", E_obs_edges_keV)
        mu = np.atleast_1d(np.asarray(E_vis_keV, float)).ravel()[:, None]
        out = np.zeros((mu.shape[0], edges.size - 1))
        if not np.all(np.isfinite(mu)):
            fail("E_vis_keV", "non-finite values", "finite energies (keV)")
        pts, bin_of, e0, s = self._pieces(edges)
        sig = self.sigma_keV(mu)
        if pts.size < 2 or mu.size == 0:
            return out
        # only pieces within TAILS sigma of the events (the rest carries < 1e-19 of each)
        reach = TAILS * float(sig.max())
        k0 = max(int(np.searchsorted(pts, mu.min() - reach, side="right")) - 1, 0)
        k1 = min(int(np.searchsorted(pts, mu.max() + reach, side="left")) + 1, pts.size)
        if k1 - k0 < 2:
            return out
        pts, bin_of, e0, s = pts[k0:k1], bin_of[k0:k1 - 1], e0[k0:k1 - 1], s[k0:k1 - 1]
        mid = 0.5 * (pts[:-1] + pts[1:])
        safe = np.where(sig > 0, sig, 1.0)
        t = (pts[None, :] - mu) / safe
        dPhi = np.diff(ndtr(t), axis=1)
        piece = e0 * dPhi
        if np.any(s != 0):  # the efficiency's slope: int x N(x) dx = mu dPhi - sigma dphi
            dphi = np.diff(np.exp(-0.5 * t * t), axis=1) / math.sqrt(2 * math.pi)
            piece += s * ((mu - mid) * dPhi - safe * dphi)
        if np.any(sig == 0):  # a delta kernel: all in the piece holding mu (closed on the left)
            inside = (mu >= pts[None, :-1]) & (mu < pts[None, 1:])
            piece = np.where(sig > 0, piece, inside * (e0 + s * (mu - mid)))
        bins, first = np.unique(bin_of, return_index=True)  # pieces are sorted by bin
        out[:, bins] = np.add.reduceat(piece, first, axis=1)
        return np.clip(out, 0.0, None)

    def _pieces(self, edges: np.ndarray):
        """Pieces of the observed axis inside the bins and the window, on which the efficiency
        is linear: their points, the bin of each piece, the efficiency at its midpoint and its
        slope."""
        lo, hi = max(edges[0], self.lo_keV), min(edges[-1], self.hi_keV)
        if not lo < hi:
            return np.empty(0), np.empty(0, int), np.empty(0), np.empty(0)
        nodes = self.efficiency_model.nodes_keV if self.efficiency_model is not None else []
        pts = np.unique(np.concatenate([edges, [lo, hi], np.asarray(nodes, float)]))
        pts = pts[(pts >= lo) & (pts <= hi)]
        mid = 0.5 * (pts[:-1] + pts[1:])
        bin_of = np.searchsorted(edges, mid, side="right") - 1
        if self.efficiency_model is None:
            return pts, bin_of, np.ones(mid.size), np.zeros(mid.size)
        return pts, bin_of, self.efficiency_model(mid), self.efficiency_model.slope(mid)

    def observed_spectrum(self, E_vis_keV_grid, dR_dEvis, E_obs_edges_keV) -> np.ndarray:
        """Counts per observed bin of a visible-energy spectrum dR/dE_vis given on a grid
        [per keV; counts per bin come out in the numerator's unit]: the trapezoid rule over the
        grid of dR/dE_vis(E) P(E, bin) (`response_matrix`). Accurate when the grid resolves the
        spectrum and sigma (steps << sigma); with no resolution it is the trapezoid rule of the
        spectrum times the efficiency inside each bin, as accurate as the grid."""
        E = strictly_increasing("E_vis_keV_grid", E_vis_keV_grid, min_size=2)
        f = finite_numbers("dR_dEvis", dR_dEvis, size=E.size)
        w = np.zeros(E.size)
        dE = np.diff(E)
        w[:-1] += 0.5 * dE
        w[1:] += 0.5 * dE
        return (w * f) @ self.response_matrix(E, E_obs_edges_keV)

    def expected_counts(self, E_vis_keV, weights, E_obs_edges_keV,
                        chunk: int = 4096) -> np.ndarray:
        """Expected counts per observed bin of weighted events (e.g. the generator's
        E_vis_keVee and weight, or reweighted weights): sum_e w_e P(E_vis_e, bin), with the
        resolution and efficiency integrated exactly instead of drawn (no smearing noise).
        Cost ~ events x (pieces within TAILS sigma), events sorted and taken in chunks."""
        E = np.asarray(E_vis_keV, float).ravel()
        w = np.broadcast_to(np.asarray(weights, float), E.shape)
        edges = check_edges("E_obs_edges_keV", E_obs_edges_keV)
        order = np.argsort(E, kind="stable")  # sorted: a chunk spans few sigma, few bins
        E, w = E[order], w[order]
        out = np.zeros(edges.size - 1)
        for k in range(0, E.size, chunk):  # chunks bound the memory of the matrix
            out += w[k:k + chunk] @ self.response_matrix(E[k:k + chunk], edges)
        return out
