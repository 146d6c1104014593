"""Plan: expected event counts (quadrature) and the sampler's proposal tables (numpy, once).

Expected events of a channel (component c, process, target with n_kg per mass, n_v per volume):
- far source:  exposure x n_kg x integral dE flux(E) sigma_vis(E) P(E, distance)
- near source: n_v x integral dV_fid x <integral dE N(E) sigma_vis(E) P(E, L) / (4 pi L^2)>_src
  (the source average over its volume; N the number emitted per MeV over the run),
with P the 3+1 survival probability of oscillating components ([Coloma2014, Eq. 3.1]), 1 otherwise.
The nodes, weights and sigma_vis of these integrals: mcgen.sampling.quadrature_nodes.
"""

from __future__ import annotations

import bisect
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from ..constants import keV
from ..errors import ClosedChannelWarning
from ..geometry import DirectionKind, Geometry, Layout
from ..physics.energy_loss import stop_kinetic
from ..physics.kinematics import recoil_range
from ..physics.propagation import range_table, transport_tabulated
from ..sources.spectrum_sampling import energy_grid, flux_bin_max
from ..tolerances import ENVELOPE_SLACK, KINK_SIDE
from .kernels import (
    BOX_HI,
    BOX_L,
    BOX_LO,
    BOX_SIZE,
    CELL_SIZE,
    Cells,
    Channels,
    Placement,
    Rock,
    TEnvelopes,
)
from .quadrature_nodes import channel_rate, cos_edges, energy_nodes
from .vertex import box_weights, guide_table, vertex_boxes

T_BINS_PER_DECADE = 40
#: Rows of T bounds: a channel's energy bins in groups spanning at most a factor 1 + ROW_SPAN in
#: energy; a group proposes T with its own bound (sup over E up to its top,
#: Channel.t_dsigma_bound_below) where that cuts the channel's envelope to below ROW_GAIN.
ROW_SPAN = 0.02
ROW_GAIN = 0.97
#: Proposal cells: an energy bin is cut into up to MAX_SPLIT cells so that in each the flux and
#: the reachable T envelope vary by less than a factor CELL_RATIO (fewer rejections for steep
#: spectra and near thresholds; the rate quadrature keeps the bins).
CELL_RATIO = 0.95
MAX_SPLIT = 64
#: ... but only where that saves at least this fraction of the channel's proposals (estimated
#: from the weighted mean of 1 - min/max over its bins and cells): elsewhere cells are bins.
SPLIT_GAIN = 0.02


@dataclass
class TEnvelope:
    """Per-channel proposal in T: g(T) = h[j] / T on [exp(ln_edges[j]), exp(ln_edges[j+1])]."""

    ln_edges: np.ndarray
    h: np.ndarray
    G: np.ndarray  # cumulative integral of g at the edges

    def G_at(self, T) -> np.ndarray:
        lnT = np.log(np.asarray(T, float))
        j = np.clip(np.searchsorted(self.ln_edges, lnT, side="right") - 1, 0, self.h.size - 1)
        val = self.G[j] + self.h[j] * (lnT - self.ln_edges[j])
        return np.where(lnT <= self.ln_edges[0], 0.0,
                        np.where(lnT >= self.ln_edges[-1], self.G[-1], val))


def t_envelope(channel, T_top: float) -> TEnvelope:
    lo = channel.T_lo
    n = max(4, int(np.ceil(np.log10(T_top / lo) * T_BINS_PER_DECADE)))
    edges = np.geomspace(lo, T_top, n + 1)
    edges = np.unique(np.concatenate([edges, [b for b in channel.T_breaks if lo < b < T_top]]))
    h = channel.t_dsigma_bound(edges) * (1.0 + ENVELOPE_SLACK)
    ln_edges = np.log(edges)
    G = np.concatenate([[0.0], np.cumsum(h * np.diff(ln_edges))])
    return TEnvelope(ln_edges, h, G)


@njit(cache=True)
def _tmax_array(E, m1, m3, M):
    """Largest recoil [MeV] at each energy of a 2-d array (0 where E = 0: ranged out)."""
    out = np.zeros(E.shape)
    for i in range(E.shape[0]):
        for j in range(E.shape[1]):
            if E[i, j] > 0.0:
                out[i, j] = recoil_range(E[i, j], m1, m3, M)[1]
    return out


@njit(cache=True)
def _transport_table(E, cz, mu, site_p, rt, life):
    """Detector energies and survival for all (E, cz) pairs (the kernel's transport, with the
    range table rt)."""
    Ed = np.empty((E.size, cz.size))
    sv = np.empty((E.size, cz.size))
    for i in range(E.size):
        for j in range(cz.size):
            Ed[i, j], _, sv[i, j] = transport_tabulated(E[i], cz[j], mu, site_p, rt, life)
    return Ed, sv


@dataclass
class Propagation:
    """Transport through a site's rock: site parameters, the dipole moment [mu_B] of Eq. (22)
    and the cos(zenith) bins of the proposal."""

    site_p: np.ndarray
    mu_muB: float
    direction: object  # mcgen.sources.Direction: isotropic or zenith table
    _memo: dict = field(default_factory=dict, repr=False)

    def site_table_cos(self) -> np.ndarray:
        n = int(self.site_p[12]) if self.site_p.size > 12 else 0
        return self.site_p[13:13 + n]

    def range_table(self, component) -> np.ndarray:
        """The range table of the component's particle in this rock
        (mcgen.physics.propagation.range_table), memoised per component."""
        key = ("range", id(component))
        if key not in self._memo:
            self._memo[key] = range_table(component.mass, self.mu_muB, self.site_p,
                                          component.E_max)
        return self._memo[key]

    def table(self, component, E: np.ndarray, cz: np.ndarray, with_life: bool = True):
        """(E_det, survival) for all (E, cz), memoised per component (channels share it)."""
        key = (id(component), E.size, float(E[0]), float(E[-1]), cz.size, float(cz[0]),
               with_life)
        if key not in self._memo:
            life = component.lifetime if with_life else np.inf
            self._memo[key] = _transport_table(E, cz, self.mu_muB, self.site_p,
                                               self.range_table(component), life)
        return self._memo[key]


@dataclass
class Plan:
    """Everything the event kernel needs (its grouped arguments, mcgen.sampling.kernels), plus
    the expected counts."""

    channels: list
    rates: np.ndarray  # expected events per channel
    geometry: Layout
    cells: Cells  # proposal cells
    chans: Channels  # per-channel tables
    t_env: TEnvelopes  # T proposals: bins per channel, bounds per row
    place: Placement  # source, fiducial volume and direction model
    rock: Rock  # transport through the site's rock (rock.on False: none)
    propagation: Propagation | None

    def kernel_args(self, vtx_sigma: float) -> tuple:
        """The arguments of kernels.sample_events between (rng, n) and (out, out_chan), for a
        vertex resolution vtx_sigma [mm]."""
        return self.cells, self.chans, self.t_env, self.place, self.rock, float(vtx_sigma)

    @property
    def expected(self) -> float:
        """Expected number of events (sum over channels)."""
        return float(self.rates.sum())

    @property
    def envelope_total(self) -> float:
        """Integral of the proposal, in units of expected events."""
        return float(self.cells.cdf[-1]) if self.cells.cdf.size else 0.0


def _pad(rows, dtype=np.float64) -> np.ndarray:
    width = max((len(r) for r in rows), default=1)
    out = np.zeros((len(rows), max(width, 1)), dtype=dtype)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def build_plan(source, detector, channels, time_models, geometry: Geometry,
               prop: Propagation | None = None) -> Plan:
    """Rates by quadrature and proposal tables for the given channels. time_models: the
    (kind, params array) of each channel's emission times; geometry: where the source is;
    prop: transport through rock."""
    geometry.check_for(source, detector)
    geo = geometry.layout(detector, source.name)
    bins = _angular_bins(geo, geometry.direction, prop)
    boxes = _vertex_boxes(geo)
    scale = _rate_scale(geo, detector, boxes)
    grids = _energy_grids(channels)
    envelopes, rates, cells, closed, rows = [], [], [], [], []
    # per component: its energy nodes and _channel_cells' values; sigma_vis at the nodes,
    # shared by channels that differ only in the flux (quadrature_nodes.sigma_key)
    nodes, memo, sigmas = {}, {}, {}
    for i, ch in enumerate(channels):
        T_top = _T_top(ch)
        if not T_top > ch.T_lo:
            closed.append(_closed_note(ch, T_top))
            envelopes.append(None)
            rates.append(0.0)
            continue
        edges = grids[id(ch.component)]
        env = t_envelope(ch, T_top)
        envelopes.append(env)
        if id(ch.component) not in nodes:
            nodes[id(ch.component)] = energy_nodes(ch.component, edges)
        rates.append(channel_rate(ch, edges, geo, source, detector, prop,
                                  nodes[id(ch.component)], sigmas))
        cells.append(_channel_cells(ch, i, edges, env, rows, bins, scale, prop, memo))
    _warn_closed(closed, len(channels))
    return Plan(channels=list(channels), rates=np.array(rates, float), geometry=geo,
                cells=_cell_table(cells), chans=_channel_table(channels, time_models, source),
                t_env=_t_table(envelopes, rows),
                place=_placement(geo, geometry.direction, boxes),
                rock=_rock(prop, channels), propagation=prop)


def _angular_bins(geo: Layout, direction, prop: Propagation | None) -> tuple:
    """(c_lo, c_hi, dmax, dc) of the proposal's arrival cos(zenith) bins: for a far source
    through rock or with a zenith table, the bins of cos_edges, the largest zenith pdf inside
    each bin (Direction.pdf_sup) and dmax x bin width; otherwise one bin [-1, 1] of weight 1."""
    if geo.near or (prop is None and direction.kind != DirectionKind.ZENITH_TABLE):
        return np.array([-1.0]), np.array([1.0]), np.array([1.0]), np.array([1.0])
    c_edges = cos_edges(direction, prop)
    c_lo, c_hi = c_edges[:-1], c_edges[1:]
    dmax = direction.pdf_sup(c_lo, c_hi)
    return c_lo, c_hi, dmax, dmax * (c_hi - c_lo)


def _vertex_boxes(geo: Layout) -> tuple:
    """(lo, hi, L_v) of a near source's vertex boxes (mcgen.sampling.vertex); none for a far
    source."""
    if not geo.near:
        return np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0)
    return vertex_boxes(geo.fid_kind, geo.fid_p, geo.src_kind, geo.src_p, geo.L_min)


def _rate_scale(geo: Layout, detector, boxes: tuple) -> float:
    """What turns flux x cross section per target kg into expected events of a cell: exposure
    [kg x time] for a far source; for a near one density x the sum over the vertex boxes of
    volume / (4 pi L_v^2) [kg / mm^2] (the kernel rejects with (L_v / L)^2)."""
    if geo.near:
        return detector.density * float(box_weights(*boxes).sum())
    return detector.exposure


def _energy_grids(channels) -> dict:
    """id(component) -> energy edges [MeV] of the component (energy_grid), shared by all the
    component's channels (so their kinks are all edges)."""
    by_comp = {}
    for ch in channels:
        by_comp.setdefault(id(ch.component), (ch.component, []))[1].append(ch)
    return {k: energy_grid(comp, chs) for k, (comp, chs) in by_comp.items()}


def _T_top(ch) -> float:
    """Largest recoil [MeV] of a channel: its window's top or the kinematic limit at E_max."""
    return min(ch.T_hi, ch.recoil_range(ch.component.E_max)[1])


def _closed_note(ch, T_top: float) -> str:
    """Why a channel contributes no events (its largest recoil T_top [MeV] is below the
    window)."""
    return (f"channel {ch.label} is closed: the largest recoil {T_top / keV:.4g} keV at "
            f"E_max = {ch.component.E_max:.4g} MeV is below the window starting at "
            f"{ch.T_lo / keV:.4g} keV")


def _warn_closed(closed: list[str], n_channels: int) -> None:
    """One short ClosedChannelWarning for all closed channels, with every channel's note in
    its `notes` (`mcgen run -v` prints them), attributed to the caller of Generator.plan."""
    if not closed:
        return
    if len(closed) == 1:
        msg = closed[0] + "; it contributes no events"
    else:
        msg = (f"{len(closed)} of {n_channels} channels contribute no events (-v lists them), "
               f"e.g. {closed[0]}")
    warnings.warn(ClosedChannelWarning(msg, closed), stacklevel=4)


def _channel_cells(ch, i: int, edges, env: TEnvelope, rows: list, bins: tuple, scale: float,
                   prop: Propagation | None, memo: dict) -> tuple:
    """Proposal cells of channel i, one per (energy cell, cos bin) of positive weight: (weight
    [expected events], E_lo, E_hi [MeV], c_lo, c_hi, dmax, H, channel, row). The energy cells
    cut the energy bins (_energy_cells); row: the T-bound row of the cell's bin (_bin_rows,
    appended to rows). H: the cell's largest flux x the integral of its row's g up to the
    largest reachable recoil; weight: H x cell width x dc x targets per kg x scale (a line:
    width 1, E_lo = E_hi = its energy). memo: per-component values shared by its channels."""
    c_lo, c_hi, dmax, dc = bins
    bin_row, h_rows, G_rows = _bin_rows(ch, edges, env, rows, memo)  # (row: from env's)
    lo, hi, row = _energy_cells(ch, edges, env, (h_rows, G_rows), bin_row, prop, memo)
    comp = ch.component
    if comp.is_line:
        fmax, width = comp.flux(edges[:1]), np.ones(1)
    else:
        cut = np.unique(np.concatenate([lo, hi]))
        if np.array_equal(cut, edges):  # cells are bins: the component's (memo)
            bin_max = _memo(memo, ("bin_max", id(comp)), lambda: flux_bin_max(comp, edges))
        else:
            bin_max = flux_bin_max(comp, cut)
        # (a zero-width cell at the top edge, e.g. m_N = 4 MeV at Chooz on CaWO4, has no bin of
        # its own: it takes the last one and gets weight 0 below)
        fmax = bin_max[np.minimum(np.searchsorted(cut, lo), cut.size - 2)]
        width = hi - lo
    T_up = np.minimum(ch.T_hi, _tmax_array(_cell_E_det(ch, hi, c_lo, c_hi, prop), *ch.masses))
    G = _rows_G_at(env.ln_edges, h_rows, G_rows, row[:, None], np.maximum(T_up, ch.T_lo))
    H = fmax[:, None] * np.where(T_up > ch.T_lo, G, 0.0)
    w = (H * width[:, None] * dc[None, :] * ch.target.per_kg * scale).ravel()
    keep = w > 0
    nE, nc = H.shape
    return (w[keep], np.repeat(lo, nc)[keep], np.repeat(hi, nc)[keep], np.tile(c_lo, nE)[keep],
            np.tile(c_hi, nE)[keep], np.tile(dmax, nE)[keep], H.ravel()[keep],
            np.full(keep.sum(), i, dtype=np.int64),
            np.repeat(row + len(rows) - len(h_rows), nc)[keep])


def _memo(memo: dict, key, make):
    """memo[key], made by make() the first time."""
    if key not in memo:
        memo[key] = make()
    return memo[key]


def _groups(edges: np.ndarray) -> np.ndarray:
    """First energy bin of each group of bins spanning at most a factor 1 + ROW_SPAN (at least
    one bin each; a group ends before the first bin whose top edge is beyond the factor)."""
    e = edges.tolist()
    n = max(len(e) - 1, 1)
    starts, start = [0], 0
    while True:  # a loop over groups (about one per 2 % in energy), each found by bisection
        start = max(start + 1, bisect.bisect_right(e, (1.0 + ROW_SPAN) * e[start]) - 1)
        if start >= n:
            return np.array(starts, dtype=np.int64)
        starts.append(start)


def _bin_rows(ch, edges, env: TEnvelope, rows: list, memo: dict) -> tuple:
    """Rows of T bounds of a channel, appended to rows ((h, G) pairs): the channel's envelope
    env, then a group's own bound (sup over E up to the group's top energy, at most env's)
    where it is below ROW_GAIN x env up to the group's largest recoil. Returns the row of each
    energy bin counted from env's, and the channel's rows h, G stacked (2-d)."""
    nbins = max(edges.size - 1, 1)
    starts = _memo(memo, ("groups", id(ch.component)), lambda: _groups(edges))
    E_top = edges[np.append(starts[1:], nbins)]
    bound = ch.t_dsigma_bound_below(np.exp(env.ln_edges), E_top)  # one row per group
    h = np.minimum(env.h, bound * (1.0 + ENVELOPE_SLACK))
    G = np.concatenate([np.zeros((starts.size, 1)),
                        np.cumsum(h * np.diff(env.ln_edges), axis=1)], axis=1)
    T_up = np.minimum(ch.T_hi, _tmax_array(E_top[None, :], *ch.masses)[0])
    T_at = np.maximum(T_up, ch.T_lo)
    groups = np.arange(starts.size)
    gain = (T_up > ch.T_lo) & (_rows_G_at(env.ln_edges, h, G, groups, T_at)
                               < ROW_GAIN * env.G_at(T_at))
    keep = np.flatnonzero(gain)
    hs, Gs = np.concatenate([env.h[None], h[keep]]), np.concatenate([env.G[None], G[keep]])
    rows.extend(zip(hs, Gs))
    group_row = np.zeros(starts.size, dtype=np.int64)
    group_row[keep] = np.arange(1, keep.size + 1)
    return group_row[np.searchsorted(starts, np.arange(nbins), side="right") - 1], hs, Gs


def _rows_G_at(ln_edges, h: np.ndarray, G: np.ndarray, row: np.ndarray,
               T: np.ndarray) -> np.ndarray:
    """G of row row[k] (h[row[k]], G[row[k]] on the bins ln_edges) at T[k] [MeV], for every k
    at once (row broadcast against T; as TEnvelope.G_at)."""
    lnT = np.log(T)
    j = np.clip(np.searchsorted(ln_edges, lnT, side="right") - 1, 0, h.shape[1] - 1)
    val = G[row, j] + h[row, j] * (lnT - ln_edges[j])
    return np.where(lnT <= ln_edges[0], 0.0, np.where(lnT >= ln_edges[-1], G[row, -1], val))


def _energy_cells(ch, edges, env: TEnvelope, hG: tuple, bin_row: np.ndarray,
                  prop: Propagation | None, memo: dict) -> tuple:
    """(E_lo, E_hi [MeV], row) of the energy cells of a channel: each energy bin cut into equal
    steps in ln E, as many as it takes (_cuts) for the flux and, without rock, the integral of
    g up to the largest recoil to vary by less than a factor CELL_RATIO in each; a line: its
    energy, one cell. hG: the channel's rows of bounds (h, G stacked; bin_row indexes them)."""
    if ch.component.is_line:
        return edges[:1], edges[:1], bin_row[:1]
    n = _cuts(ch, edges, env, hG, bin_row, prop, memo)
    lo, hi = edges[:-1], edges[1:]
    b = np.repeat(np.arange(lo.size), n)  # bin of each cell
    k = np.arange(b.size) - np.repeat(np.cumsum(n) - n, n)  # its place in the bin
    with np.errstate(divide="ignore", invalid="ignore"):  # (lo = 0: one cell, lo itself)
        cell_lo = np.where(n[b] > 1, lo[b] * (hi[b] / lo[b]) ** (k / n[b]), lo[b])
    cell_hi = np.concatenate([cell_lo[1:], hi[-1:]])
    return cell_lo, cell_hi, bin_row[b]


def _cuts(ch, edges, env: TEnvelope, hG: tuple, bin_row: np.ndarray,
          prop: Propagation | None, memo: dict) -> np.ndarray:
    """Number of cells of each energy bin: enough that the flux (monotone in the bin) and the
    reachable T envelope G(T_up(E)) vary by less than a factor CELL_RATIO in each, assuming
    power laws in E (at most MAX_SPLIT); one per bin if that saves less than SPLIT_GAIN."""
    comp = ch.component
    lo, hi = edges[:-1], edges[1:]
    f = _memo(memo, ("sides", id(comp)),  # the flux inside both ends of each bin
              lambda: np.stack([comp.flux(lo * (1.0 + KINK_SIDE)),
                                comp.flux(hi * (1.0 - KINK_SIDE))]))
    spread, weight = _log_spread(f), f.max(axis=0) * (hi - lo)
    if prop is None:
        T_up = np.minimum(ch.T_hi, _tmax_array(np.stack([lo, hi]), *ch.masses))
        G = _rows_G_at(env.ln_edges, *hG, bin_row, np.maximum(T_up, ch.T_lo))
        G = np.where(T_up > ch.T_lo, G, 0.0)
        spread = np.maximum(spread, _log_spread(G))
        weight = weight * G.max(axis=0)  # x the envelope integral up to the largest recoil
    n = np.clip(np.ceil(spread / -math.log(CELL_RATIO) - 1e-9), 1, MAX_SPLIT).astype(np.int64)
    n[lo <= 0.0] = 1  # (cut in ln E)
    saved = np.exp(-spread / n) - np.exp(-spread)  # rough: 1 - min/max, before and after
    gain = float(weight @ saved) / max(float(weight.sum()), 1e-300)
    return n if gain >= SPLIT_GAIN else np.ones_like(n)


def _log_spread(v: np.ndarray) -> np.ndarray:
    """ln(max / min) of the two rows of v (positive values; a zero next to a positive value
    counts as a wide spread, both zero as none)."""
    top, bottom = v.max(axis=0), v.min(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(top / np.maximum(bottom, top * CELL_RATIO**MAX_SPLIT))
    return np.where(top > 0, out, 0.0)


def _cell_E_det(ch, hi, c_lo, c_hi, prop: Propagation | None) -> np.ndarray:
    """Largest detector energy [MeV] of each (energy bin, cos bin) cell, from the bins' upper
    energies hi: hi itself without rock; through rock the highest energy and the shorter path
    of the bin's two cos edges (the path is monotone or linear between edges within a bin), 0
    where the particle ranges out."""
    if prop is None:
        return np.repeat(hi[:, None], c_lo.size, axis=1)
    comp = ch.component
    E_det = np.maximum(prop.table(comp, hi, c_hi, with_life=False)[0],
                       prop.table(comp, hi, c_lo, with_life=False)[0])
    return np.where(E_det - comp.mass > stop_kinetic(comp.mass), E_det, 0.0)


def _cell_table(cells: list[tuple]) -> Cells:
    """The kernel's proposal cells: the channels' cells (_channel_cells) end to end, with the
    cumulative weight and its guide table."""
    if cells:
        w, e_lo, e_hi, c_lo, c_hi, dmax, H, chan, row = (np.concatenate(x) for x in zip(*cells))
    else:
        w = e_lo = e_hi = c_lo = c_hi = dmax = H = np.zeros(0)
        chan = row = np.zeros(0, dtype=np.int64)
    cdf = np.cumsum(w)
    table = np.stack([e_lo, e_hi, c_lo, c_hi, dmax, H, chan, row], axis=1).astype(np.float64)
    return Cells(cdf, guide_table(cdf), _line_aligned(table.reshape(-1, CELL_SIZE)))


def _line_aligned(a: np.ndarray, line: int = 64) -> np.ndarray:
    """A C-contiguous copy of the float64 array a starting on a cache-line boundary: a
    proposal's 64-byte cell row is then one line (numpy aligns to 16 bytes: most rows spanned
    two lines, two cache misses)."""
    buf = np.empty(a.size + line // 8, dtype=np.float64)
    skip = (-buf.ctypes.data % line) // 8
    out = buf[skip:skip + a.size].reshape(a.shape)
    out[...] = a
    return out


def _t_table(envelopes: list[TEnvelope | None], rows: list) -> TEnvelopes:
    """The channels' T bins as zero-padded rows (None: a closed channel, one empty bin), and
    the rows of bounds (_bin_rows)."""
    return TEnvelopes(ln=_pad([e.ln_edges if e is not None else [] for e in envelopes]),
                      n=np.array([e.h.size if e is not None else 1 for e in envelopes],
                                 dtype=np.int64),
                      h=_pad([h for h, _ in rows]), G=_pad([G for _, G in rows]))


def _distinct(rows: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows (in order of first appearance) and, for each row, the index of its
    distinct row."""
    at: dict[bytes, int] = {}
    distinct: list[np.ndarray] = []
    for r in rows:
        if at.setdefault(r.tobytes(), len(distinct)) == len(distinct):
            distinct.append(r)
    return distinct, np.array([at[r.tobytes()] for r in rows], dtype=np.int64)


def _channel_table(channels, time_models, source) -> Channels:
    """The kernel's per-channel tables: cross section, window [MeV], spectrum, emission times,
    oscillation flag and the source's parameters, mean life x c [mm], decay rows."""
    osc = source.oscillation
    spectra, spec_row = _distinct([np.asarray(ch.component.spectrum_params, np.float64)
                                   for ch in channels])
    return Channels(
        proc=np.array([ch.kernel for ch in channels], dtype=np.int64),
        p=_pad([ch.params for ch in channels]),
        T_lo=np.array([ch.T_lo for ch in channels]),
        T_hi=np.array([ch.T_hi for ch in channels]),
        spec_kind=np.array([ch.component.spectrum_kind for ch in channels], np.int64),
        spec_p=_pad(spectra),
        spec_row=spec_row,
        time_kind=np.array([k for k, _ in time_models], dtype=np.int64),
        time_p=_pad([p for _, p in time_models]),
        osc=np.array([osc is not None and ch.component.oscillates for ch in channels]),
        life=np.array([ch.component.lifetime for ch in channels]),
        dec=_pad([ch.decay if ch.decay is not None else [0.0] for ch in channels]),
        osc_p=np.array([osc.sin2_2theta, osc.dm2_eV2] if osc is not None else [0.0, 0.0]),
    )


def _placement(geo: Layout, direction, boxes: tuple) -> Placement:
    """The kernel's placement: fiducial and source volumes, L_min and baseline [mm] (Layout),
    the far-source direction model and its parameters, a near source's vertex boxes."""
    lo, hi, L_v = boxes
    v_cdf = np.cumsum(box_weights(lo, hi, L_v)) if L_v.size else np.zeros(0)
    v_box = _line_aligned(np.zeros((L_v.size, BOX_SIZE)))  # a box: one 64-byte line
    v_box[:, BOX_LO:BOX_LO + 3], v_box[:, BOX_HI:BOX_HI + 3], v_box[:, BOX_L] = lo, hi, L_v
    return Placement(geo.fid_kind, geo.fid_p, geo.src_kind, geo.src_p, geo.L_min,
                     int(direction.kind), direction.params(), geo.distance, v_cdf,
                     guide_table(v_cdf), v_box)


def _rock(prop: Propagation | None, channels) -> Rock:
    """The kernel's rock transport: the site array, the magnetic moment [mu_B] and the range
    tables (one per component, row of each channel), or off."""
    if prop is None:
        return Rock(False, np.zeros(12), 0.0, np.zeros((1, 1)), np.zeros(len(channels), np.int64))
    comps = list({id(ch.component): ch.component for ch in channels}.values())
    row = {id(c): k for k, c in enumerate(comps)}
    return Rock(True, prop.site_p, float(prop.mu_muB),
                _pad([prop.range_table(c) for c in comps]),
                np.array([row[id(ch.component)] for ch in channels], dtype=np.int64))
