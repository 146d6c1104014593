"""Plan: expected event counts (quadrature) and the sampler's proposal tables (numpy, once).

Expected events of a channel (component c, process, target with n_kg per mass, n_v per volume):
- far source:  exposure x n_kg x integral dE flux(E) sigma_vis(E) P(E, distance)
- near source: n_v x integral dV_fid x <integral dE N(E) sigma_vis(E) P(E, L) / (4 pi L^2)>_src
  (the source average over its volume; N the number emitted per MeV over the run),
with P the 3+1 survival probability of oscillating components ([Coloma2014, Eq. 3.1]), 1 otherwise.
Integrals: Gauss-Legendre in E (8 nodes per cell, cells split at every kink) and in the
fiducial and source volumes (mcgen.geometry.quadrature).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from ..constants import keV
from ..errors import ClosedChannelWarning, ConfigError
from ..geometry import DirectionKind, Geometry, Layout
from ..physics import quadrature as quad
from ..physics.energy_loss import stop_kinetic
from ..physics.kinematics import recoil_range
from ..physics.oscillation import p_ee_3plus1
from ..physics.propagation import transport
from ..sources.spectrum_sampling import energy_grid, flux_bin_max
from ..tolerances import ENVELOPE_SLACK
from .kernels import Cells, Channels, Placement, Rock, TEnvelopes

T_BINS_PER_DECADE = 40
L_BINS = 4096  # baseline histogram for oscillating continuous spectra
COS_BINS = 48  # arrival cos(zenith) bins of the proposal when propagating through rock
COS_NODES = 4  # Gauss-Legendre nodes per cos bin for the rate


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
def _survival_matrix(E, L, s2, dm2):
    """P_ee(E_j, L_i) of [Coloma2014, Eq. (3.1)] for all pairs."""
    out = np.empty((L.size, E.size))
    for i in range(L.size):
        for j in range(E.size):
            out[i, j] = p_ee_3plus1(E[j], L[i], s2, dm2)
    return out


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
def _transport_table(E, cz, m, mu, site_p, life):
    """Detector energies and survival for all (E, cz) pairs."""
    Ed = np.empty((E.size, cz.size))
    sv = np.empty((E.size, cz.size))
    for i in range(E.size):
        for j in range(cz.size):
            Ed[i, j], _, sv[i, j] = transport(E[i], cz[j], m, mu, site_p, life)
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

    def table(self, component, E: np.ndarray, cz: np.ndarray, with_life: bool = True):
        """(E_det, survival) for all (E, cz), memoised per component (channels share it)."""
        key = (id(component), E.size, float(E[0]), float(E[-1]), cz.size, float(cz[0]),
               with_life)
        if key not in self._memo:
            life = component.lifetime if with_life else np.inf
            self._memo[key] = _transport_table(E, cz, component.mass, self.mu_muB, self.site_p,
                                               life)
        return self._memo[key]

    def rate_integral(self, channel, E, s) -> float:
        """integral dcos pdf(cos) integral dE flux sigma_vis(E_det) survival, E, s the surface
        energy nodes and weights x flux x 1 of _energy_nodes (sigma_vis interpolated on a fine
        table of detector energies: the E nodes and cell edges)."""
        comp = channel.component
        low = np.geomspace(max(comp.mass, 1e-3), comp.E_min, 64) if comp.E_min > comp.mass \
            else np.zeros(0)
        E_tab = np.unique(np.concatenate([E, low, [comp.E_min, comp.E_max],
                                          channel.energy_breaks(comp.E_min, comp.E_max)]))
        sig = quad.sigma_visible_array(channel.kernel, channel.params, E_tab, channel.T_lo,
                                       channel.T_hi, channel.T_breaks)
        x, w = np.polynomial.legendre.leggauss(COS_NODES)
        edges = cos_edges(self.direction, self)
        lo, hi = edges[:-1, None], edges[1:, None]
        cz = (0.5 * (lo + hi) + 0.5 * (hi - lo) * x).ravel()
        wc = (0.5 * (hi - lo) * w).ravel() * self.direction.pdf(cz)
        Ed, sv = self.table(comp, E, cz)
        return float(s @ ((np.interp(Ed, E_tab, sig) * sv) @ wc))


def cos_edges(direction, prop=None) -> np.ndarray:
    """cos(zenith) bin edges of the angular proposal: uniform, plus the nodes of the zenith
    table and of the site's slant-depth table (so both are linear within a bin)."""
    extra = direction.table[0] if direction.kind == DirectionKind.ZENITH_TABLE else ()
    site = prop.site_table_cos() if prop is not None else ()
    return np.unique(np.concatenate([np.linspace(-1.0, 1.0, COS_BINS + 1), extra, site]))


def _energy_nodes(channel, edges, with_sigma: bool = True):
    """(E, weight x spectrum x sigma_vis) Gauss-Legendre nodes of a channel [MeV, mm^2]
    (without sigma_vis if with_sigma is False)."""
    comp = channel.component
    if comp.is_line:
        E = edges[:1]
        s = comp.flux(E)
    else:
        x, w = np.polynomial.legendre.leggauss(8)
        lo, hi = edges[:-1, None], edges[1:, None]
        E = (0.5 * (lo + hi) + 0.5 * (hi - lo) * x).ravel()
        s = (0.5 * (hi - lo) * w).ravel() * comp.flux(E)
    if not with_sigma:
        return E, s
    sig = quad.sigma_visible_array(channel.kernel, channel.params, E, channel.T_lo,
                                   channel.T_hi, channel.T_breaks)
    return E, s * sig


def channel_rate(channel, edges, geo: Layout, source, detector,
                 prop: Propagation | None = None) -> float:
    """Expected events of one channel (see the module docstring)."""
    if prop is not None:
        E, s = _energy_nodes(channel, edges, with_sigma=False)
        return prop.rate_integral(channel, E, s) * channel.target.per_kg * detector.exposure
    E, s = _energy_nodes(channel, edges)
    osc = source.oscillation if channel.component.oscillates else None
    if not geo.near:
        if osc is not None:
            if not math.isfinite(geo.distance):
                raise ConfigError(f"source {source.name}: oscillation needs a baseline: give "
                                  "the source a distance or place it near the detector")
            s = s * _survival_matrix(E, np.array([geo.distance]), osc.sin2_2theta,
                                     osc.dm2_eV2)[0]
        return float(s.sum()) * channel.target.per_kg * detector.exposure
    n_v = channel.target.per_kg * detector.density
    if osc is None:
        return float(s.sum() * geo.w_nodes.sum()) * n_v
    if channel.component.is_line or E.size * geo.L_nodes.size < 5e7:
        P = _survival_matrix(E, geo.L_nodes, osc.sin2_2theta, osc.dm2_eV2)
        return float(geo.w_nodes @ (P @ s)) * n_v
    hist, bins = np.histogram(geo.L_nodes, L_BINS, weights=geo.w_nodes)
    P = _survival_matrix(E, 0.5 * (bins[1:] + bins[:-1]), osc.sin2_2theta, osc.dm2_eV2)
    return float(hist @ (P @ s)) * n_v


@dataclass
class Plan:
    """Everything the event kernel needs (its grouped arguments, mcgen.sampling.kernels), plus
    the expected counts."""

    channels: list
    rates: np.ndarray  # expected events per channel
    geometry: Layout
    cells: Cells  # proposal cells
    chans: Channels  # per-channel tables
    t_env: TEnvelopes  # per-channel T proposals
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
    scale = _rate_scale(geo, detector)
    grids = _energy_grids(channels)
    envelopes, rates, cells, closed = [], [], [], []
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
        rates.append(channel_rate(ch, edges, geo, source, detector, prop))
        cells.append(_channel_cells(ch, i, edges, env, bins, scale, prop))
    _warn_closed(closed, len(channels))
    return Plan(channels=list(channels), rates=np.array(rates, float), geometry=geo,
                cells=_cell_table(cells), chans=_channel_table(channels, time_models, source),
                t_env=_t_table(envelopes), place=_placement(geo, geometry.direction),
                rock=_rock(prop), propagation=prop)


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


def _rate_scale(geo: Layout, detector) -> float:
    """What turns flux x cross section per target kg into expected events of a cell: exposure
    [kg x time] for a far source; for a near one density x fiducial volume / (4 pi L_min^2)
    [kg / mm^2] (the kernel rejects with (L_min / L)^2)."""
    if geo.near:
        return detector.density * detector.fiducial.volume / (4 * math.pi * geo.L_min**2)
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
    """One short ClosedChannelWarning for all closed channels (all are in the run metadata),
    attributed to the caller of Generator.plan."""
    if not closed:
        return
    if len(closed) == 1:
        msg = closed[0] + "; it contributes no events"
    else:
        more = f"; and {len(closed) - 3} more" if len(closed) > 3 else ""
        msg = (f"{len(closed)} of {n_channels} channels contribute no events: "
               + "; ".join(closed[:3]) + more)
    warnings.warn(msg, ClosedChannelWarning, stacklevel=4)


def _channel_cells(ch, i: int, edges, env: TEnvelope, bins: tuple, scale: float,
                   prop: Propagation | None) -> tuple:
    """Proposal cells of channel i, one per (energy bin, cos bin) of positive weight: (weight
    [expected events], E_lo, E_hi [MeV], c_lo, c_hi, dmax, H, channel). H: the bin's largest
    flux x the integral of g up to the largest reachable recoil; weight: H x bin width x
    dc x targets per kg x scale (a line: width 1, E_lo = E_hi = its energy)."""
    c_lo, c_hi, dmax, dc = bins
    fmax = flux_bin_max(ch.component, edges)
    hi = edges[1:] if edges.size > 1 else edges
    lo = edges[:-1] if edges.size > 1 else edges[:1]
    width = np.diff(edges) if not ch.component.is_line else np.ones(1)
    T_up = np.minimum(ch.T_hi, _tmax_array(_cell_E_det(ch, hi, c_lo, c_hi, prop), *ch.masses))
    H = fmax[:, None] * np.where(T_up > ch.T_lo, env.G_at(np.maximum(T_up, ch.T_lo)), 0.0)
    w = (H * width[:, None] * dc[None, :] * ch.target.per_kg * scale).ravel()
    keep = w > 0
    nE, nc = H.shape
    return (w[keep], np.repeat(lo, nc)[keep], np.repeat(hi, nc)[keep], np.tile(c_lo, nE)[keep],
            np.tile(c_hi, nE)[keep], np.tile(dmax, nE)[keep], H.ravel()[keep],
            np.full(keep.sum(), i, dtype=np.int64))


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
    cumulative weight."""
    if cells:
        w, e_lo, e_hi, c_lo, c_hi, dmax, H, chan = (np.concatenate(x) for x in zip(*cells))
    else:
        w = e_lo = e_hi = c_lo = c_hi = dmax = H = np.zeros(0)
        chan = np.zeros(0, dtype=np.int64)
    return Cells(np.cumsum(w), e_lo, e_hi, c_lo, c_hi, dmax, H, chan.astype(np.int64))


def _t_table(envelopes: list[TEnvelope | None]) -> TEnvelopes:
    """The channels' T proposals as zero-padded rows (None: a closed channel, one empty
    bin)."""
    return TEnvelopes(ln=_pad([e.ln_edges if e is not None else [] for e in envelopes]),
                      h=_pad([e.h if e is not None else [] for e in envelopes]),
                      G=_pad([e.G if e is not None else [] for e in envelopes]),
                      n=np.array([e.h.size if e is not None else 1 for e in envelopes],
                                 dtype=np.int64))


def _channel_table(channels, time_models, source) -> Channels:
    """The kernel's per-channel tables: cross section, window [MeV], spectrum, emission times,
    oscillation flag and the source's parameters, mean life x c [mm], decay rows."""
    osc = source.oscillation
    return Channels(
        proc=np.array([ch.kernel for ch in channels], dtype=np.int64),
        p=_pad([ch.params for ch in channels]),
        T_lo=np.array([ch.T_lo for ch in channels]),
        T_hi=np.array([ch.T_hi for ch in channels]),
        spec_kind=np.array([ch.component.spectrum_kind for ch in channels], np.int64),
        spec_p=_pad([ch.component.spectrum_params for ch in channels]),
        time_kind=np.array([k for k, _ in time_models], dtype=np.int64),
        time_p=_pad([p for _, p in time_models]),
        osc=np.array([osc is not None and ch.component.oscillates for ch in channels]),
        life=np.array([ch.component.lifetime for ch in channels]),
        dec=_pad([ch.decay if ch.decay is not None else [0.0] for ch in channels]),
        osc_p=np.array([osc.sin2_2theta, osc.dm2_eV2] if osc is not None else [0.0, 0.0]),
    )


def _placement(geo: Layout, direction) -> Placement:
    """The kernel's placement: fiducial and source volumes, L_min and baseline [mm] (Layout),
    the far-source direction model and its parameters."""
    return Placement(geo.fid_kind, geo.fid_p, geo.src_kind, geo.src_p, geo.L_min,
                     int(direction.kind), direction.params(), geo.distance)


def _rock(prop: Propagation | None) -> Rock:
    """The kernel's rock transport: the site array and the magnetic moment [mu_B], or off."""
    if prop is None:
        return Rock(False, np.zeros(12), 0.0)
    return Rock(True, prop.site_p, float(prop.mu_muB))
