"""Expected spectra without events: the rate quadrature of mcgen.sampling.plan cut into bins.

The expected count of a channel is a sum over energy nodes E_k of W_k sigma_vis(E_k)
(mcgen.sampling.quadrature_nodes.rate_nodes: flux x quadrature weight x geometry x the 3+1
survival of [Coloma2014, Eq. (3.1)] x the survival through rock) and sigma_vis the integral of
dsigma/dT over the window. Cutting that T integral at bin edges gives the expected events per
bin of the recoil kinetic energy T, with the same nodes and weights: the bins of a histogram
that covers the window (plus its flow bins) add up to Generator.expected_events.

Variables (``variable=``; the axis is named like the event branch, labelled with the unit):

- ``"T"``: recoil kinetic energy T_recoil_keV [keV];
- ``"E_vis"``: visible energy E_vis_keVee: E_vis = Y(T) T for nuclear recoils of a detector
  with Lindhard quenching ([Mustamin2024, Eq. (19)]), else T. A bin [e1, e2] of E_vis is the bin
  [T(e1), T(e2)] of T (the inverse yield of each isotope; E_vis(T) is increasing), which is the
  integral form of dR/dE_vis = dR/dT / (dE_vis/dT) ([Mustamin2024, Eq. (20)]);
- ``"E_obs"``: observed energy E_obs_keV, after the detector's resolution, efficiency and
  observed window (Detector.observed, mcgen.detectors.response): the visible spectrum on a fine
  grid (steps of sigma / 10) folded with the exact response matrix
  ``ObservedResponse.response_matrix`` (only accepted events count, as ``weight[accepted]``).

Values are expected events per bin in the detector's exposure (a near source: its own run); the
variances are 0 (quadrature: no statistical error).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

import hist
import numpy as np
from numba import njit

from ..catalog import RunCard, load_card
from ..constants import keV
from ..errors import ConfigError
from ..generator import Generator
from ..physics.dispatch import dsigma_dT
from ..physics.kinematics import recoil_range
from ..physics.layout import P_M_IN, P_M_OUT, P_M_TARGET
from ..resources import find_card
from ..sampling.quadrature_nodes import rate_nodes, sigma_key
from ..sources.spectrum_sampling import energy_grid
from ..validation import fail, one_of, strictly_increasing, whole_number


@dataclass(frozen=True)
class Variable:
    """An energy variable of the spectra: its event branch and axis label."""

    branch: str
    label: str


#: variable -> (branch, axis label); the E_vis/E_obs unit is keVee only with quenching.
VARIABLES = {"T": Variable("T_recoil_keV", "T_recoil [keV]"),
             "E_vis": Variable("E_vis_keVee", "E_vis [keVee]"),
             "E_obs": Variable("E_obs_keV", "E_obs [keV]")}
#: how channels may be grouped (``by=``): the category axis of the histogram.
GROUPS = ("channel", "process", "component", "target")
DEFAULT_BINS = 50
MAX_BINS = 1_000_000
#: fine E_vis steps of the E_obs fold: sigma(E) / FINE_PER_SIGMA (midpoint error ~1e-3 of a
#: Gaussian bin integral), at most MAX_FINE steps.
FINE_PER_SIGMA = 10
MAX_FINE = 20_000
#: per-bin refinement of the energy grid (kinks where Tmax(E) crosses a bin edge) up to this
#: many edges x channels; beyond it the grid of the rate is kept (error ~ its own).
MAX_REFINE = 20_000
LN_STEP = 0.1  # largest sub-interval in ln T of the per-bin quadrature (4 Gauss-Legendre nodes)


# -- public API ---------------------------------------------------------------------------------
def as_generator(model) -> Generator:
    """A Generator from a Generator, a RunCard (catalog.load_card), or a run card's path or
    packaged name (e.g. "cevns_solar_ge")."""
    if isinstance(model, Generator):
        return model
    if isinstance(model, (str, os.PathLike)):
        model = load_card(find_card(model))
    if isinstance(model, RunCard):
        return Generator(model.source, model.detector, model.interactions,
                         seed=model.run.get("seed", 0), geometry=model.geometry)
    fail("model", model, "a Generator, a RunCard or a run card (path or packaged name)")


def expected_spectrum(model, variable: str = "T", edges_keV: Sequence[float] | None = None, *,
                      bins: int = DEFAULT_BINS, range_keV: Sequence[float] | None = None,
                      by: str | None = None) -> hist.Hist:
    """Expected events per bin of `variable` ("T", "E_vis" or "E_obs"; module docstring) for a
    Generator, RunCard or run card (`as_generator`), by quadrature (no events).

    Bins: `edges_keV` (increasing, keV; keVee for E_vis/E_obs with quenching), else `bins`
    equal bins over `range_keV` = (lo, hi), by default the channels' range of the variable
    (E_obs: the observed window, or the visible range +- 3 sigma).
    by: None (summed), or "channel", "process", "component", "target": a first StrCategory
    axis of that name (channel labels Channel.label, process names, component labels, target
    names). Flow bins hold the events outside the edges, so h.sum(flow=True) is the total:
    Generator.expected_events for T and E_vis; the accepted events for E_obs.
    Storage Weight: value = expected events, variance = 0."""
    gen = as_generator(model)
    var = _variable(variable, gen)
    edges = _edges(gen, variable, edges_keV, bins, range_keV)
    counts = _channel_counts(gen, variable, edges)  # (n_channels, n_bins + 2), with flows
    return _hist(edges, var, counts, _groups(gen, by), by)


def expected_counts(model, variable: str, edges_keV: Sequence[float], *,
                    by: str | None = None) -> np.ndarray | dict[str, np.ndarray]:
    """Expected events in each bin of `edges_keV` (no flow bins) as a numpy array, or with
    `by` a dict {group label: array}; same quantity as expected_spectrum."""
    gen = as_generator(model)
    edges = _edges(gen, variable, edges_keV, DEFAULT_BINS, None)
    counts = _channel_counts(gen, variable, edges)[:, 1:-1]
    if by is None:
        return counts.sum(axis=0)
    labels, index = _groups(gen, by)
    return {lab: counts[index == i].sum(axis=0) for i, lab in enumerate(labels)}


def background_spectrum(model, edges_keV: Sequence[float],
                        exposure_kg_day: float | None = None) -> hist.Hist:
    """Expected background counts per bin of the observed energy E_obs (the detector's
    [[background]] models, Detector.background_counts), as a Hist on the E_obs axis. Exposure
    [kg day]: default the detector's; for a near source, fiducial mass x the source's live
    days (deployments or run_days)."""
    gen = as_generator(model)
    edges = _check_edges("edges_keV", edges_keV, "E_obs")
    if exposure_kg_day is None and gen.detector.exposure_kg_day is None:
        exposure_kg_day = _near_exposure_kg_day(gen)
    inner = gen.detector.background_counts(edges, exposure_kg_day)
    counts = np.concatenate([[0.0], inner, [0.0]])[None, :]
    return _hist(edges, _variable("E_obs", gen), counts, None, None)


# -- bins and groups ------------------------------------------------------------------------------
def _variable(variable: str, gen: Generator) -> Variable:
    one_of("variable", variable, list(VARIABLES))
    var = VARIABLES[variable]
    if variable != "T" and gen.detector.quenching is None:
        return Variable(var.branch, var.label.replace("keVee", "keV"))
    return var


def _check_edges(field: str, edges, variable: str) -> np.ndarray:
    lo = -math.inf if variable == "E_obs" else 0.0
    allowed = ("at least 2 finite, strictly increasing energies in keV"
               + ("" if variable == "E_obs" else ", >= 0"))
    return strictly_increasing(field, np.ravel(edges).tolist() if edges is not None else edges,
                               lo=lo, min_size=2, allowed=allowed)


def _edges(gen: Generator, variable: str, edges_keV, bins: int, range_keV) -> np.ndarray:
    """The bin edges [keV] from edges_keV, or bins over range_keV (default: _default_range)."""
    if edges_keV is not None:
        return _check_edges("edges_keV", edges_keV, variable)
    whole_number("bins", bins, 1, high=MAX_BINS)
    if range_keV is None:
        lo, hi = _default_range(gen, variable)
    else:
        lo, hi = _check_edges("range_keV", range_keV, variable)
        if len(np.ravel(range_keV)) != 2:
            fail("range_keV", range_keV, "(low, high) in keV")
    return np.linspace(lo, hi, bins + 1)


def _default_range(gen: Generator, variable: str) -> tuple[float, float]:
    """The range [keV] of the variable over the open channels."""
    lo, hi = _visible_range(gen, variable != "T")
    if variable == "E_obs":
        obs = gen.detector.observed
        w_lo, w_hi = obs.window_keV
        lo = max(w_lo, lo - 3.0 * float(obs.sigma_keV(lo)))
        hi = min(w_hi, hi + 3.0 * float(obs.sigma_keV(hi)))
        if not hi > lo:
            raise ConfigError(f"detector {gen.detector.name}: the observed window "
                              f"[{w_lo:g}, {w_hi:g}] keV does not meet the visible range; "
                              "give edges_keV")
    return lo, hi


def _visible_range(gen: Generator, visible: bool) -> tuple[float, float]:
    """Smallest and largest T (or E_vis) [keV] of the open channels."""
    spans = [_channel_span(gen, ch, visible) for ch in gen.channels]
    spans = [s for s in spans if s[1] > s[0]]
    if not spans:
        raise ConfigError("no events possible: every channel is closed for this source and "
                          "detector")
    return min(s[0] for s in spans), max(s[1] for s in spans)


def _channel_span(gen: Generator, ch, visible: bool) -> tuple[float, float]:
    """(lowest, highest) T [keV] of a channel, or its E_vis when visible."""
    top = min(ch.T_hi, ch.recoil_range(ch.component.E_max)[1])
    if not top > ch.T_lo:
        return 0.0, 0.0
    if not visible:
        return ch.T_lo / keV, top / keV
    v = gen.detector.visible_keVee(np.array([ch.T_lo, top]), ch.target)
    return float(v[0]), float(v[1])


def _groups(gen: Generator, by: str | None):
    """(labels, group index of each channel) for `by`, or None."""
    if by is None:
        return None
    one_of("by", by, GROUPS)
    key = {"channel": lambda c: c.label, "process": lambda c: c.interaction.name,
           "component": lambda c: c.component.label, "target": lambda c: c.target.name}[by]
    names = [key(ch) for ch in gen.channels]
    labels = list(dict.fromkeys(names))
    return labels, np.array([labels.index(n) for n in names])


def _hist(edges: np.ndarray, var: Variable, counts: np.ndarray, groups, by) -> hist.Hist:
    """A Weight-storage Hist of per-channel counts (n_channels, n_bins + 2) summed (or grouped:
    a first category axis)."""
    axis = hist.axis.Variable(edges, name=var.branch, label=var.label)
    if groups is None:
        h = hist.Hist(axis, storage=hist.storage.Weight(), label="expected events")
        values = counts.sum(axis=0)
    else:
        labels, index = groups
        cat = hist.axis.StrCategory(labels, name=by, label=by, overflow=False)
        h = hist.Hist(cat, axis, storage=hist.storage.Weight(), label="expected events")
        values = np.array([counts[index == i].sum(axis=0) for i in range(len(labels))])
    view = h.view(flow=True)
    view.value = values
    view.variance = 0.0
    return h


# -- counts per channel -----------------------------------------------------------------------
def _channel_counts(gen: Generator, variable: str, edges: np.ndarray) -> np.ndarray:
    """Expected events (n_channels, n_bins + 2) in the bins of `edges` [keV] with an underflow
    and an overflow bin."""
    if variable == "E_obs" and gen.detector.observed.active:
        return _observed_counts(gen, edges)  # else E_obs = E_vis
    ext = np.concatenate([[-math.inf], edges, [math.inf]])
    return _binned_rates(gen, [_T_edges(gen, ch, ext, variable) for ch in gen.channels])


def _T_edges(gen: Generator, ch, edges_keV: np.ndarray, variable: str) -> np.ndarray:
    """Recoil energies [MeV] of the bin edges of `variable` for a channel's target: T itself,
    or the inverse quenching of E_vis ([Mustamin2024, Eq. (19)]); below 0 -> 0."""
    e = np.maximum(np.asarray(edges_keV, float), 0.0)
    if variable == "T" or gen.detector.response is None or not ch.target.is_nucleus:
        return e * keV
    out = e.copy()
    fin = np.isfinite(e) & (e > 0)
    out[fin] = gen.detector.response.recoil_keV(e[fin], ch.target)
    return out * keV


def _observed_counts(gen: Generator, edges: np.ndarray) -> np.ndarray:
    """Accepted events per observed bin (with flows: accepted events outside `edges`) per
    channel: visible counts on a fine grid (_fine_grid) x the response matrix at the fine
    bins' midpoints."""
    obs = gen.detector.observed
    v_lo, v_hi = _visible_range(gen, True)
    fine = _fine_grid(obs, v_lo, v_hi, edges)
    ext = np.concatenate([[-math.inf], fine, [math.inf]])
    counts = _binned_rates(gen, [_T_edges(gen, ch, ext, "E_vis")
                                 for ch in gen.channels])[:, 1:-1]
    w_lo, w_hi = obs.window_keV
    sig = float(np.max(obs.sigma_keV(np.array([v_lo, v_hi]))))
    lo = w_lo if math.isfinite(w_lo) else v_lo - 10.0 * sig - 1.0
    hi = w_hi if math.isfinite(w_hi) else v_hi + 10.0 * sig + 1.0
    o_edges = np.concatenate([[lo] if lo < edges[0] else [], edges, [hi] if hi > edges[-1] else []])
    R = obs.response_matrix(0.5 * (fine[:-1] + fine[1:]), o_edges)
    out = np.einsum("cf,fo->co", counts, R)  # (not BLAS: its idle threads spin on CPU time)
    under, over = lo < edges[0], hi > edges[-1]
    inner = out[:, int(under):out.shape[1] - int(over)]
    u = out[:, 0] if under else np.zeros(out.shape[0])
    o = out[:, -1] if over else np.zeros(out.shape[0])
    return np.column_stack([u, inner, o])


def _fine_grid(obs, v_lo: float, v_hi: float, edges: np.ndarray) -> np.ndarray:
    """Fine E_vis edges [keV] over [v_lo, v_hi]: steps of sigma(E) / FINE_PER_SIGMA with a
    resolution (at least (v_hi - v_lo) / MAX_FINE); without one (a delta kernel: no fine bin
    may straddle an observed edge), the observed edges, window and efficiency nodes inside the
    range, each piece cut in 16 for a (linear) efficiency."""
    if obs.resolution is None:
        nodes = obs.efficiency_model.nodes_keV if obs.efficiency_model is not None else []
        pts = np.concatenate([edges, obs.window_keV, np.asarray(nodes, float), [v_lo, v_hi]])
        pts = np.unique(pts[np.isfinite(pts) & (pts >= v_lo) & (pts <= v_hi)])
        if obs.efficiency_model is None:
            return pts
        t = np.linspace(0.0, 1.0, 17)[:-1]
        return np.append((pts[:-1, None] + np.diff(pts)[:, None] * t).ravel(), pts[-1])
    floor = (v_hi - v_lo) / MAX_FINE
    out = [v_lo]
    e = v_lo
    while e < v_hi:  # a loop over grid steps (a few thousand at most)
        e = e + max(float(obs.sigma_keV(e)) / FINE_PER_SIGMA, floor)
        out.append(min(e, v_hi))
    return np.array(out)


def _binned_rates(gen: Generator, T_edges: list[np.ndarray]) -> np.ndarray:
    """Expected events (n_channels, bins) of each channel i in its recoil bins T_edges[i] [MeV]
    (increasing, may start at 0 and end at inf; as many bins for every channel): the rate's
    nodes and weights (rate_nodes) with the T integral cut at the edges. Channels that differ
    only in the flux (e.g. the flavours of a solar component) share the T integrals."""
    plan = gen.plan
    out = np.zeros((len(gen.channels), T_edges[0].size - 1))
    groups, memo = {}, {}
    for i, ch in enumerate(gen.channels):
        if not plan.rates[i] > 0:
            continue
        E, W = rate_nodes(ch, _grid(gen, ch, T_edges[i], memo), plan.geometry, gen.source,
                          gen.detector, plan.propagation)
        key = sigma_key(ch, E) + (T_edges[i].tobytes(),)
        group = groups.setdefault(key, (ch, E, T_edges[i], [], []))
        group[3].append(i)
        group[4].append(W)
    for ch, E, edges, rows, W in groups.values():
        out[rows] = _bin_rate(int(ch.kernel), ch.params, E, np.stack(W), edges, ch.T_lo,
                              ch.T_hi, np.sort(np.asarray(ch.T_breaks, float)))
    return out


def _grid(gen: Generator, ch, T_edges: np.ndarray, memo: dict) -> np.ndarray:
    """Energy edges [MeV] of the channel's quadrature: those of the rate (energy_grid of the
    component with all its channels), plus the energies where Tmax(E) crosses a bin edge
    (kinks of the per-bin integrand) when there are not too many. memo: values shared by
    channels (the component's grid; the crossings, which depend on the masses and window)."""
    comp = ch.component
    if ("grid", id(comp)) not in memo:
        memo["grid", id(comp)] = energy_grid(comp, [c for c in gen.channels
                                                    if c.component is comp])
    base = memo["grid", id(comp)]
    if (comp.is_line or T_edges.size * len(gen.channels) > MAX_REFINE
            or gen.plan.propagation is not None):  # through rock: kinks at other energies
        return base
    key = ("cross", ch.masses, ch.T_lo, ch.T_hi, comp.E_min, comp.E_max, T_edges.tobytes())
    if key not in memo:
        T_top = min(ch.T_hi, ch.recoil_range(comp.E_max)[1])
        inner = T_edges[(T_edges > ch.T_lo) & (T_edges < T_top)]
        extra = [ch.energy_for_recoil(float(t), comp.E_max) for t in inner]
        memo[key] = [e for e in extra if e is not None and comp.E_min < e < comp.E_max]
    return np.unique(np.concatenate([base, memo[key]]))


# -- per-bin cross sections (numba) -----------------------------------------------------------
GL_X, GL_W = np.polynomial.legendre.leggauss(4)


@njit(cache=True, nogil=True, _nrt=False)  # (allocates nothing)
def _piece(proc, p, E, a, b, T_breaks) -> float:
    """Integral of dsigma/dT [mm^2] over [a, b] (0 < a < b), Gauss-Legendre in ln T on
    sub-intervals of at most LN_STEP, split at T_breaks (sorted)."""
    total = 0.0
    lo = math.log(a)
    for k in range(T_breaks.size + 1):
        if k < T_breaks.size:  # the breaks inside (a, b), then b
            if not a < T_breaks[k] < b:
                continue
            hi = math.log(T_breaks[k])
        else:
            hi = math.log(b)
        n = max(1, int(math.ceil((hi - lo) / LN_STEP)))
        h = (hi - lo) / n
        for s in range(n):
            mid = lo + (s + 0.5) * h
            for i in range(GL_X.size):
                T = math.exp(mid + 0.5 * h * GL_X[i])
                total += 0.5 * h * GL_W[i] * T * dsigma_dT(proc, p, E, T)
        lo = hi
    return total


@njit(cache=True)
def _bin_rate(proc, p, E, W, T_edges, T_lo, T_hi, T_breaks) -> np.ndarray:
    """sum_i W[c, i] sigma[i, j] for each row c of W, sigma[i, j] [mm^2] the integral of
    dsigma/dT(E_i) over bin j of T_edges [MeV] inside the window [T_lo, T_hi] and the
    kinematic range at E_i."""
    nb = T_edges.size - 1
    out = np.zeros((W.shape[0], nb))
    for i in range(E.size):
        if not np.any(W[:, i] != 0.0):
            continue
        tmin, tmax = recoil_range(E[i], p[P_M_IN], p[P_M_OUT], p[P_M_TARGET])
        lo, hi = max(T_lo, tmin), min(T_hi, tmax)
        if not hi > lo or lo <= 0.0:
            continue
        j0 = max(0, np.searchsorted(T_edges, lo, side="right") - 1)
        for j in range(j0, nb):
            a, b = max(lo, T_edges[j]), min(hi, T_edges[j + 1])
            if T_edges[j] >= hi:
                break
            if b > a:
                sig = _piece(proc, p, E[i], a, b, T_breaks)
                for c in range(W.shape[0]):
                    if W[c, i] != 0.0:
                        out[c, j] += W[c, i] * sig
    return out


# -- near sources -------------------------------------------------------------------------------
def _near_exposure_kg_day(gen: Generator) -> float:
    """Fiducial mass [kg] x the source's live days (ElectronCaptureSource deployments,
    StoppedPionSource run_days), for backgrounds of a near source."""
    src, det = gen.source, gen.detector
    days = None
    if getattr(src, "deployments", None):
        days = float(sum(length for _, length in src.deployments))
    elif getattr(src, "run_days", None):
        days = float(src.run_days)
    if days is None or det.mass_kg is None:
        raise ConfigError(f"detector {det.name}: background_spectrum needs exposure_kg_day "
                          "(no detector exposure, and the source gives no live time)")
    return det.mass_kg * days


__all__ = ["GROUPS", "VARIABLES", "as_generator", "background_spectrum", "expected_counts",
           "expected_spectrum"]
