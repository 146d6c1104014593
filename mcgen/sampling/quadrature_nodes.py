"""The rate quadrature in one place: per channel, incoming-energy nodes E_k [MeV] and weights
W_k [expected events per mm^2 of cross section] such that

    expected events of the channel = sum_k W_k sigma_vis(E_k),

sigma_vis(E) the integral of dsigma/dT over the channel's recoil window. mcgen.sampling.plan
(the expected counts) and mcgen.analysis.spectra (the same with the T integral cut at bin
edges) both build on `rate_nodes`.

W_k = flux x Gauss-Legendre weight x geometry x oscillation x rock survival:
- far source:  exposure x targets per kg x flux(E) x P(E, distance);
- near source: density x targets per kg x integral dV_fid <flux(E) P(E, L) / (4 pi L^2)>_src
  (the fiducial and source volumes' quadrature, mcgen.geometry.quadrature, in Layout);
- through rock (a far source with a [site]): the detector energies E_det(E, cos) after the rock
  and the survival of each (surface node, cos node) pair, the cross section interpolated
  linearly on a table of detector energies: the table's energies are the nodes, each taking the
  interpolation weight of the pairs around it.
P is the 3+1 survival probability of oscillating components ([Coloma2014, Eq. (3.1)]), 1
otherwise. Energy nodes: 8 Gauss-Legendre nodes per energy cell (the component's grid, cut at
every kink); a line: its energy, weight its rate.

`sigma_visible_nodes` is sigma_vis at the nodes, by mcgen.physics.quadrature (the one rule:
composite 8-point Gauss-Legendre in ln T, split at the channel's T_breaks and, for the EPA, at
its photoabsorption table's nodes; Channel.sigma_visible is the same).

Sums over many nodes avoid BLAS (`@`): its threads busy-wait after a large product, which cost
as much CPU time as the quadrature itself, and its summation order depends on the thread count.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..errors import ConfigError
from ..geometry import DirectionKind, Layout
from ..physics import quadrature
from ..physics.oscillation import p_ee_3plus1

L_BINS = 4096  # baseline histogram for oscillating continuous spectra (many nodes)
COS_BINS = 48  # arrival cos(zenith) bins of the proposal when propagating through rock
COS_NODES = 4  # Gauss-Legendre nodes per cos bin for the rate
E_NODES = 8  # Gauss-Legendre nodes per energy cell
SUM_BLOCK = 1024  # weighted_survival sums in blocks of this many terms (rounding ~1e-16 x 2e3)


def rate_nodes(channel, edges: np.ndarray, geo: Layout, source, detector, prop=None,
               nodes: tuple | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(E [MeV], W [1 / mm^2]) of a channel with expected events = W @ sigma_vis(E) (module
    docstring): energy cells `edges` [MeV] (a line: edges[0] is its energy), the source's
    Layout `geo`, `prop` a plan.Propagation for transport through rock (or None); `nodes`:
    energy_nodes(component, edges) if already computed (shared by a component's channels)."""
    E, s = nodes if nodes is not None else energy_nodes(channel.component, edges)
    if prop is not None:
        E, s = _rock_nodes(channel, E, s, prop)
        return E, s * channel.target.per_kg * detector.exposure
    osc = source.oscillation if channel.component.oscillates else None
    if not geo.near:
        if osc is not None:
            if not math.isfinite(geo.distance):
                raise ConfigError(f"source {source.name}: oscillation needs a baseline: give "
                                  "the source a distance or place it near the detector")
            s = s * weighted_survival(E, np.array([geo.distance]), np.ones(1),
                                      osc.sin2_2theta, osc.dm2_eV2)
        return E, s * channel.target.per_kg * detector.exposure
    n_v = channel.target.per_kg * detector.density
    if osc is None:
        return E, s * float(geo.w_nodes.sum()) * n_v
    if channel.component.is_line or E.size * geo.L_nodes.size < 5e7:
        L, w = geo.L_nodes, geo.w_nodes
    else:
        w, bins = np.histogram(geo.L_nodes, L_BINS, weights=geo.w_nodes)
        L = 0.5 * (bins[1:] + bins[:-1])
    return E, s * weighted_survival(E, L, w, osc.sin2_2theta, osc.dm2_eV2) * n_v


def energy_nodes(component, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(E [MeV], flux x Gauss-Legendre weight) on the energy cells `edges` [MeV], E_NODES per
    cell; a line: its energy edges[0] and its flux."""
    if component.is_line:
        E = edges[:1]
        return E, component.flux(E)
    x, w = np.polynomial.legendre.leggauss(E_NODES)
    lo, hi = edges[:-1, None], edges[1:, None]
    E = (0.5 * (lo + hi) + 0.5 * (hi - lo) * x).ravel()
    return E, (0.5 * (hi - lo) * w).ravel() * component.flux(E)


def cos_edges(direction, prop=None) -> np.ndarray:
    """cos(zenith) bin edges of the angular proposal and of the rock rate: uniform, plus the
    nodes of the zenith table and of the site's slant-depth table (so both are linear within a
    bin)."""
    extra = direction.table[0] if direction.kind == DirectionKind.ZENITH_TABLE else ()
    site = prop.site_table_cos() if prop is not None else ()
    return np.unique(np.concatenate([np.linspace(-1.0, 1.0, COS_BINS + 1), extra, site]))


def _rock_nodes(channel, E: np.ndarray, s: np.ndarray, prop) -> tuple[np.ndarray, np.ndarray]:
    """(E_tab [MeV], weight): the integral dcos pdf(cos) sum_k s_k survival sigma_vis(E_det)
    as a sum over a table of detector energies E_tab (the surface nodes E, 64 points below
    E_min, the ends and kinks), sigma_vis interpolated linearly on it (np.interp: constant
    beyond the ends); nodes of zero weight dropped."""
    comp = channel.component
    low = np.geomspace(max(comp.mass, 1e-3), comp.E_min, 64) if comp.E_min > comp.mass \
        else np.zeros(0)
    E_tab = np.unique(np.concatenate([E, low, [comp.E_min, comp.E_max],
                                      channel.energy_breaks(comp.E_min, comp.E_max)]))
    x, w = np.polynomial.legendre.leggauss(COS_NODES)
    c = cos_edges(prop.direction, prop)
    lo, hi = c[:-1, None], c[1:, None]
    cz = (0.5 * (lo + hi) + 0.5 * (hi - lo) * x).ravel()
    wc = (0.5 * (hi - lo) * w).ravel() * prop.direction.pdf(cz)
    Ed, sv = prop.table(comp, E, cz)
    # np.interp(Ed, E_tab, sig) is linear in sig: each pair's weight goes to its two rows
    k = np.clip(np.searchsorted(E_tab, Ed, side="right") - 1, 0, E_tab.size - 2)
    f = np.clip((Ed - E_tab[k]) / (E_tab[k + 1] - E_tab[k]), 0.0, 1.0)
    w_ec = s[:, None] * sv * wc[None, :]
    A = (np.bincount(k.ravel(), (w_ec * (1.0 - f)).ravel(), E_tab.size)
         + np.bincount(k.ravel() + 1, (w_ec * f).ravel(), E_tab.size))
    keep = A != 0.0
    return E_tab[keep], A[keep]


@njit(cache=True)
def weighted_survival(E, L, w, s2, dm2):
    """sum_i w_i P_ee(E_j [MeV], L_i [mm]) for each E_j, P_ee of [Coloma2014, Eq. (3.1)]
    (sin^2 2theta s2, dm2 [eV^2]), summed in blocks of SUM_BLOCK terms."""
    out = np.zeros(E.size)
    for j in range(E.size):
        total = 0.0
        for b in range(0, L.size, SUM_BLOCK):
            part = 0.0
            for i in range(b, min(b + SUM_BLOCK, L.size)):
                part += w[i] * p_ee_3plus1(E[j], L[i], s2, dm2)
            total += part
        out[j] = total
    return out


def t_splits(channel) -> np.ndarray:
    """Recoils [MeV] (sorted) where a channel's T dsigma/dT is not smooth in ln T
    (mcgen.physics.quadrature.t_splits)."""
    return quadrature.t_splits(channel.kernel, channel.params, channel.T_lo, channel.T_hi,
                               channel.T_breaks)


def sigma_key(channel, E: np.ndarray) -> tuple:
    """What sigma_vis of a channel at the energies E [MeV] depends on: its kernel, parameters,
    window and T_breaks, and E (channels differing only in the flux, e.g. the flavours of a
    solar component, share it)."""
    return (int(channel.kernel), np.asarray(channel.params, float).tobytes(),
            float(channel.T_lo), float(channel.T_hi),
            np.asarray(channel.T_breaks, float).tobytes(), np.asarray(E, float).tobytes())


def sigma_visible_nodes(channel, E: np.ndarray, memo: dict | None = None) -> np.ndarray:
    """sigma_vis [mm^2] of a channel at the energies E [MeV] (mcgen.physics.quadrature);
    memo: a dict keeping the values by sigma_key for channels that share them."""
    key = sigma_key(channel, E) if memo is not None else None
    if key is None or key not in memo:
        sig = quadrature.sigma_visible_array(channel.kernel, channel.params, E, channel.T_lo,
                                             channel.T_hi, channel.T_breaks)
        if key is None:
            return sig
        memo[key] = sig
    return memo[key]


def channel_rate(channel, edges: np.ndarray, geo: Layout, source, detector, prop=None,
                 nodes: tuple | None = None, memo: dict | None = None) -> float:
    """Expected events of one channel: W @ sigma_vis(E) of `rate_nodes` (memo: see
    sigma_visible_nodes)."""
    E, W = rate_nodes(channel, edges, geo, source, detector, prop, nodes)
    return float(np.sum(W * sigma_visible_nodes(channel, E, memo)))  # (pairwise, not BLAS)
