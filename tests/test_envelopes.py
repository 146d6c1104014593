"""The sampler's proposals (mcgen.sampling.plan, .vertex, .kernels): the bounds of T dsigma/dT
of each cell's row hold against the exact cross section; the cell and table searches give
what np.searchsorted gives; the vertex boxes cover the fiducial volume with true distance
bounds; the tabulated rock transport agrees with the direct CSDA solution and an independent
integral."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate

import mcgen
from mcgen.catalog import load_card
from mcgen.geometry import Cylinder, Site
from mcgen.physics import propagation as P
from mcgen.physics import spectra
from mcgen.physics.energy_loss import STANDARD_ROCK, _dX_dlnp
from mcgen.sampling import kernels as K
from mcgen.sampling.vertex import guide_table, vertex_boxes

ROOT = Path(__file__).resolve().parents[1]


def _plan(card: str) -> mcgen.Generator:
    c = load_card(ROOT / "macros" / card)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gen = mcgen.Generator(c.source, c.detector, c.interactions, seed=1, site=c.site)
        _ = gen.plan
    return gen


@pytest.mark.parametrize("card", ["cevns_solar_ge.toml", "epa_reactor_ge.toml",
                                  "radiative_reactor_nucleus.toml", "cr51_lxe.toml",
                                  "paper000_steep_flux_cdms_si.toml"])
def test_row_bounds_hold_for_the_cells_energies(card):
    # every cell proposes T with the bounds of its row: the exact T dsigma/dT at random
    # (E in the cell, T reachable at E) must stay below the bound of T's bin
    gen = _plan(card)
    tab, tenv = gen.plan.cells.table, gen.plan.t_env
    rng = np.random.default_rng(7)
    cells = rng.choice(tab.shape[0], size=min(tab.shape[0], 3000), replace=False)
    per_cell = max(8, 4000 // cells.size)
    checked = 0
    for c in cells:
        i, r = int(tab[c, K.CELL_CHAN]), int(tab[c, K.CELL_ROW])
        ch = gen.channels[i]
        E = tab[c, K.CELL_E_LO] + rng.random(per_cell) * (tab[c, K.CELL_E_HI]
                                                               - tab[c, K.CELL_E_LO])
        T_top = np.minimum(ch.T_hi, [ch.recoil_range(e)[1] for e in E])
        T_bot = np.maximum(ch.T_lo, [ch.recoil_range(e)[0] for e in E])
        ok = T_top > T_bot
        if not ok.any():
            continue
        E, T_top, T_bot = E[ok], T_top[ok], T_bot[ok]
        T = T_bot * (T_top / T_bot) ** rng.random(E.size)
        nb = tenv.n[i]
        j = np.clip(np.searchsorted(tenv.ln[i, :nb + 1], np.log(T), side="right") - 1, 0, nb - 1)
        f = T * ch.dsigma_dT(E, T)
        assert np.all(f <= tenv.h[r, j] * (1 + 1e-9)), (ch.label, E, T)
        checked += E.size
    assert checked > 1000


def test_row_bounds_are_tighter_than_the_channel_bound_at_low_energy():
    # CEvNS: the bracket 1 - T/E - M T/(2E^2) at E = 2 MeV cuts the bound of recoils near
    # its end point, Tmax(2 MeV) = 2 E^2 / (M + 2E)
    gen = _plan("cevns_solar_ge.toml")
    ch = next(c for c in gen.channels if c.label.startswith("cevns:8B nu_e:Ge72"))
    T_edges = np.geomspace(ch.T_lo, 0.9 * ch.recoil_range(2.0)[1], 20)
    every = ch.t_dsigma_bound(T_edges)
    low = ch.t_dsigma_bound_below(T_edges, 2.0)[0]
    M = ch.masses[2]
    bracket = 1 - T_edges[:-1] / 2.0 - M * T_edges[:-1] / (2 * 2.0**2)
    assert np.all(low <= every) and low[-1] < 0.5 * every[-1]
    np.testing.assert_allclose(low / every, np.clip(bracket, 0, 1), rtol=1e-6, atol=1e-11)


def test_pick_is_searchsorted():
    rng = np.random.default_rng(3)
    w = rng.exponential(size=500) ** 4
    w[rng.random(500) < 0.2] = 0.0  # empty cells are never picked
    cdf = np.cumsum(w)
    guide = guide_table(cdf)
    u = np.concatenate([rng.random(20000), [0.0, 1 - 2**-53]])
    got = np.array([K._pick(cdf, guide, x) for x in u])
    want = np.minimum(np.searchsorted(cdf, u * cdf[-1], side="right"), cdf.size - 1)
    np.testing.assert_array_equal(got, want)
    assert np.all(w[got] > 0)


def test_table_guide_gives_the_same_values():
    rng = np.random.default_rng(4)
    x = np.cumsum(rng.exponential(size=200))  # uneven nodes
    y = rng.random(200)
    p = spectra.pack_table_linear(x, y)
    assert p.size > spectra.TAB_X + 2 * x.size  # a guide follows the table
    E = np.concatenate([rng.uniform(x[0], x[-1], 5000), x, [x[0] - 1, x[-1] + 1]])
    got = np.array([spectra.table_linear(e, p) for e in E])
    unguided = np.array([spectra.table_linear(e, p[:spectra.TAB_X + 2 * x.size]) for e in E])
    np.testing.assert_array_equal(got, unguided)  # the same segment, the same numbers
    np.testing.assert_allclose(got, np.interp(E, x, y, left=0.0, right=0.0), rtol=1e-13)


def test_vertex_boxes_cover_the_volume_and_bound_the_distance():
    fid = Cylinder(690.0, 1380.0)
    src = Cylinder(70.0, 140.0, center=(0.0, 0.0, -1690.0))
    lo, hi, L_v = vertex_boxes(int(fid.kind), fid.params(), int(src.kind), src.params(), 900.0)
    rng = np.random.default_rng(5)
    v = fid.sample(20000, rng)
    s = src.sample(20000, rng)
    inside = np.all((v[:, None, :] >= lo[None]) & (v[:, None, :] <= hi[None]), axis=2)
    assert inside.any(axis=1).all()  # every point of the volume lies in a box
    box = inside.argmax(axis=1)
    assert np.all(np.linalg.norm(v - s, axis=1) >= L_v[box])
    # the boxes are finer near the source: the bound is within ~10 % of the distance
    assert np.median(L_v[box] / np.linalg.norm(v - s, axis=1)) > 0.9


def _site_and_table(m=10.0, mu=1e-3):
    site = Site("s", depth_m=1400.0).params()
    return site, P.range_table(m, mu, site, 1000.0)


def test_tabulated_transport_is_the_csda_solution():
    site, rt = _site_and_table()
    rng = np.random.default_rng(6)
    for E0, c in zip(10.0 + 10 ** rng.uniform(-1, 3, 300), rng.uniform(-0.2, 1.0, 300)):
        a = P.transport(E0, c, 10.0, 1e-3, site, math.inf)
        b = P.transport_tabulated(E0, c, 1e-3, site, rt, math.inf)
        assert b[1] == a[1] and (b[2] == 0.0) == (a[2] == 0.0)
        if a[2] > 0:
            assert b[0] - 10.0 == pytest.approx(a[0] - 10.0, rel=1e-10)


def test_tabulated_proper_length_against_an_independent_integral():
    # survival exp(-integral (m/p) dX / rho / c tau): the proper column between the surface
    # and detector momenta by scipy's adaptive quadrature, split at the density-effect kinks
    m, mu = 10.0, 1e-3
    site, rt = _site_and_table(m, mu)
    mat = STANDARD_ROCK
    kinks = [math.log(m) + x * math.log(10.0) for x in (mat[5], mat[6])]
    ctau = 1e6  # mm
    for E0, c in [(16.05885793658046, 0.478), (30.0, 0.9), (200.0, 0.5)]:
        E1, path, surv = P.transport_tabulated(E0, c, mu, site, rt, ctau)
        u0, u1 = 0.5 * math.log(E0**2 - m**2), 0.5 * math.log(E1**2 - m**2)
        f = lambda u: m / math.exp(u) * _dX_dlnp(u, m, mu, *mat)  # noqa: E731
        col = integrate.quad(f, u1, u0, epsabs=0, epsrel=1e-12, limit=200,
                             points=[k for k in kinks if u1 < k < u0] or None)[0]
        assert -math.log(surv) == pytest.approx(col / mat[2] * 10.0 / ctau, rel=1e-9)
