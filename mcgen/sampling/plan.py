"""Plan: expected event counts (quadrature) and the sampler's proposal tables (numpy, once)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..constants import keV
from . import quadrature

E_BINS_PER_DECADE = 200
T_BINS_PER_DECADE = 40


class ClosedChannelWarning(UserWarning):
    """A channel gives no events (kinematically closed in the visible window)."""


def energy_grid(source, channels) -> np.ndarray:
    """Energy edges [MeV]: log-spaced, plus the source's nodes and every channel's kinks."""
    lo, hi = source.E_min, source.E_max
    start = lo if lo > 0 else hi * 1e-6
    n = max(8, int(np.ceil(np.log10(hi / start) * E_BINS_PER_DECADE)))
    pts = [np.geomspace(start, hi, n + 1), np.asarray(source.nodes, float), [lo, hi]]
    for ch in channels:
        pts.append(ch.energy_breaks(lo, hi))
    edges = np.unique(np.concatenate(pts))
    return edges[(edges >= lo) & (edges <= hi)]


def flux_bin_max(source, edges: np.ndarray) -> np.ndarray:
    """Largest flux over each bin; the spectrum is monotone between nodes, which are edges."""
    eps = 1e-12
    f = [source.flux(edges[:-1]), source.flux(edges[1:]),
         source.flux(edges[:-1] * (1 + eps)), source.flux(edges[1:] * (1 - eps))]
    return np.max(f, axis=0)


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
    h = channel.t_dsigma_bound(edges) * (1.0 + 1e-9)
    ln_edges = np.log(edges)
    G = np.concatenate([[0.0], np.cumsum(h * np.diff(ln_edges))])
    return TEnvelope(ln_edges, h, G)


@dataclass
class Plan:
    """Everything the event kernel needs, plus the expected counts."""

    channels: list
    rates: np.ndarray  # expected events per channel for the detector's exposure
    E_edges: np.ndarray
    cell_cdf: np.ndarray
    cell_E_lo: np.ndarray
    cell_E_hi: np.ndarray
    cell_H: np.ndarray
    cell_chan: np.ndarray
    t_ln: np.ndarray
    t_h: np.ndarray
    t_G: np.ndarray
    t_n: np.ndarray
    chan_proc: np.ndarray
    chan_p: np.ndarray
    chan_T_lo: np.ndarray
    chan_T_hi: np.ndarray

    @property
    def expected(self) -> float:
        """Expected number of events for the exposure (sum over channels)."""
        return float(self.rates.sum())

    @property
    def envelope_total(self) -> float:
        """Integral of the proposal, in the same units as an expected count / exposure."""
        return float(self.cell_cdf[-1]) if self.cell_cdf.size else 0.0


def build_plan(source, detector, channels) -> Plan:
    """Rates by quadrature and proposal tables for the given channels."""
    E_edges = energy_grid(source, channels)
    fmax = flux_bin_max(source, E_edges)
    envelopes, rates = [], []
    cells = []  # (weights, E_lo, E_hi, H, chan)
    for i, ch in enumerate(channels):
        T_top = min(ch.T_hi, ch.recoil_range(source.E_max)[1])
        if not T_top > ch.T_lo:
            warnings.warn(
                f"channel {ch.label} is closed: the largest recoil {T_top / keV:.4g} keV at "
                f"E_max = {source.E_max:.4g} MeV is below the window starting at "
                f"{ch.T_lo / keV:.4g} keV; it contributes no events", ClosedChannelWarning,
                stacklevel=3)
            envelopes.append(None)
            rates.append(0.0)
            continue
        env = t_envelope(ch, T_top)
        envelopes.append(env)
        per_target = quadrature.rate_per_target(
            ch.process, ch.params, ch.T_lo, ch.T_hi, ch.T_breaks, source.spectrum_kind,
            source.spectrum_params, E_edges)
        rates.append(per_target * ch.target.per_kg * detector.exposure)
        T_up = np.array([min(ch.T_hi, ch.recoil_range(e)[1]) for e in E_edges[1:]])
        H = fmax * env.G_at(np.maximum(T_up, ch.T_lo))
        w = H * np.diff(E_edges) * ch.target.per_kg * detector.exposure
        keep = w > 0
        cells.append((w[keep], E_edges[:-1][keep], E_edges[1:][keep], H[keep],
                      np.full(keep.sum(), i, dtype=np.int64)))
    open_env = [e for e in envelopes if e is not None]
    nbmax = max((e.h.size for e in open_env), default=1)
    nch = len(channels)
    t_ln = np.zeros((nch, nbmax + 1))
    t_G = np.zeros((nch, nbmax + 1))
    t_h = np.zeros((nch, nbmax))
    t_n = np.ones(nch, dtype=np.int64)
    for i, e in enumerate(envelopes):
        if e is None:
            continue
        nb = e.h.size
        t_ln[i, : nb + 1], t_G[i, : nb + 1], t_h[i, :nb], t_n[i] = e.ln_edges, e.G, e.h, nb
    npar = max((ch.params.size for ch in channels), default=1)
    chan_p = np.zeros((nch, npar))
    for i, ch in enumerate(channels):
        chan_p[i, : ch.params.size] = ch.params
    if cells:
        w, e_lo, e_hi, H, chan = (np.concatenate(x) for x in zip(*cells))
    else:
        w = e_lo = e_hi = H = np.zeros(0)
        chan = np.zeros(0, dtype=np.int64)
    return Plan(
        channels=list(channels), rates=np.array(rates, float), E_edges=E_edges,
        cell_cdf=np.cumsum(w), cell_E_lo=e_lo, cell_E_hi=e_hi, cell_H=H,
        cell_chan=chan.astype(np.int64), t_ln=t_ln, t_h=t_h, t_G=t_G, t_n=t_n,
        chan_proc=np.array([ch.process for ch in channels], dtype=np.int64), chan_p=chan_p,
        chan_T_lo=np.array([ch.T_lo for ch in channels]),
        chan_T_hi=np.array([ch.T_hi for ch in channels]),
    )
