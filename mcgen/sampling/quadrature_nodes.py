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

`sigma_visible_nodes` is sigma_vis at the nodes: composite 8-point Gauss-Legendre in ln T on
sub-intervals of at most LN_T_STEP, split at the channel's T_breaks and, for the EPA
([Wong2010, Eq. (10)]), at the nodes of its photoabsorption table (log-log linear: T dsigma/dT
is exp(linear in ln T) between them, kinked at them). Between the splits the integrand is smooth
in ln T ([Mustamin2024, Eqs. (4), (6)], the CEvNS and nu-e brackets times a form factor).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..errors import ConfigError
from ..geometry import DirectionKind, Layout
from ..physics import ionization
from ..physics.dispatch import CrossSection, dsigma_dT
from ..physics.kinematics import recoil_range
from ..physics.layout import P_M_IN, P_M_OUT, P_M_TARGET
from ..physics.oscillation import p_ee_3plus1

L_BINS = 4096  # baseline histogram for oscillating continuous spectra (many nodes)
COS_BINS = 48  # arrival cos(zenith) bins of the proposal when propagating through rock
COS_NODES = 4  # Gauss-Legendre nodes per cos bin for the rate
E_NODES = 8  # Gauss-Legendre nodes per energy cell
#: Widest sub-interval in ln T of the 8-point rule of sigma_visible_nodes: the expected counts
#: of every card of macros/ agree with 16 sub-intervals per piece (mcgen.physics.quadrature)
#: to < 1e-15 (2.5 would still give < 1e-12; the form factors vary on scales ln T >~ 1).
LN_T_STEP = 1.0
GL_X, GL_W = np.polynomial.legendre.leggauss(8)
_NO_NRT = dict(cache=True, nogil=True, _nrt=False)  # allocate nothing: no reference counting


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
            s = s * survival_matrix(E, np.array([geo.distance]), osc.sin2_2theta,
                                    osc.dm2_eV2)[0]
        return E, s * channel.target.per_kg * detector.exposure
    n_v = channel.target.per_kg * detector.density
    if osc is None:
        return E, s * float(geo.w_nodes.sum()) * n_v
    if channel.component.is_line or E.size * geo.L_nodes.size < 5e7:
        P = survival_matrix(E, geo.L_nodes, osc.sin2_2theta, osc.dm2_eV2)
        return E, s * (geo.w_nodes @ P) * n_v
    hist, bins = np.histogram(geo.L_nodes, L_BINS, weights=geo.w_nodes)
    P = survival_matrix(E, 0.5 * (bins[1:] + bins[:-1]), osc.sin2_2theta, osc.dm2_eV2)
    return E, s * (hist @ P) * n_v


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
def survival_matrix(E, L, s2, dm2):
    """P_ee(E_j [MeV], L_i [mm]) of [Coloma2014, Eq. (3.1)] for all pairs (sin^2 2theta s2,
    dm2 [eV^2])."""
    out = np.empty((L.size, E.size))
    for i in range(L.size):
        for j in range(E.size):
            out[i, j] = p_ee_3plus1(E[j], L[i], s2, dm2)
    return out


# -- sigma_vis at the nodes (numba) -----------------------------------------------------------
@njit(**_NO_NRT)
def _piece(proc, p, E, u0, u1) -> float:
    """Integral of dsigma/dT [mm^2] over ln T from u0 to u1 (smooth in between): 8-point
    Gauss-Legendre on ceil((u1 - u0) / LN_T_STEP) equal sub-intervals."""
    n = max(1, int(math.ceil((u1 - u0) / LN_T_STEP)))
    h = (u1 - u0) / n
    total = 0.0
    for s in range(n):
        mid = u0 + (s + 0.5) * h
        for i in range(GL_X.size):
            T = math.exp(mid + 0.5 * h * GL_X[i])
            total += 0.5 * h * GL_W[i] * T * dsigma_dT(proc, p, E, T)
    return total


@njit(**_NO_NRT)
def _sigma_visible(proc, p, E, T_lo, T_hi, T_breaks) -> float:
    """sigma_vis(E) [mm^2]: dsigma/dT over [max(T_lo, Tmin(E)), min(T_hi, Tmax(E))], split at
    T_breaks."""
    tmin, tmax = recoil_range(E, p[P_M_IN], p[P_M_OUT], p[P_M_TARGET])
    a, b = max(T_lo, tmin), min(T_hi, tmax)
    if not b > a or a <= 0.0:
        return 0.0
    total = 0.0
    start = math.log(a)
    for t in T_breaks:
        if a < t < b:
            u = math.log(t)
            total += _piece(proc, p, E, start, u)
            start = u
    return total + _piece(proc, p, E, start, math.log(b))


@njit(**_NO_NRT)
def _sigma_visible_into(proc, p, E, T_lo, T_hi, T_breaks, out):
    for i in range(E.size):
        out[i] = _sigma_visible(proc, p, E[i], T_lo, T_hi, T_breaks)


def t_splits(channel) -> np.ndarray:
    """Recoils [MeV] (sorted) where T dsigma/dT is not smooth in ln T: the channel's T_breaks,
    plus the photoabsorption table's nodes inside the window for the EPA."""
    splits = np.asarray(channel.T_breaks, float)
    if int(channel.kernel) == CrossSection.IONIZATION_EPA:
        nodes = np.exp(ionization.table(channel.params)[0])
        splits = np.concatenate([splits, nodes[(nodes > channel.T_lo) & (nodes < channel.T_hi)]])
    return np.unique(splits)


def sigma_visible_nodes(channel, E: np.ndarray) -> np.ndarray:
    """sigma_vis [mm^2] of a channel at the energies E [MeV] (module docstring)."""
    E = np.ascontiguousarray(E, dtype=np.float64)
    out = np.empty(E.size)
    _sigma_visible_into(int(channel.kernel), channel.params, E, float(channel.T_lo),
                        float(channel.T_hi), t_splits(channel), out)
    return out


def channel_rate(channel, edges: np.ndarray, geo: Layout, source, detector, prop=None,
                 nodes: tuple | None = None) -> float:
    """Expected events of one channel: W @ sigma_vis(E) of `rate_nodes`."""
    E, W = rate_nodes(channel, edges, geo, source, detector, prop, nodes)
    return float(W @ sigma_visible_nodes(channel, E))
