"""Detector response beyond quenching (resolution, efficiency, observed window) and backgrounds:
expected spectra against numerical integrals done another way (scipy quad), sampled events
against the exact distributions (KS, binomial), backgrounds against closed forms, bad input."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from conftest import ROOT
from scipy import integrate, stats

import mcgen
from mcgen.catalog import load_card, make_detector
from mcgen.detectors.background import BACKGROUNDS, FlatBackground, TabulatedBackground
from mcgen.detectors.response import (
    EFFICIENCIES,
    RESOLUTIONS,
    GaussianResolution,
    ObservedResponse,
    TabulatedEfficiency,
)
from mcgen.errors import ConfigError
from mcgen.streams import BLOCK_EVENTS

A, B, C = 0.30, 0.02, 0.20          # sigma = sqrt(A^2 E + B^2 E^2 + C^2) keV
EFF_E = [2.0, 5.0, 20.0, 55.0]      # keV
EFF = [0.1, 0.8, 0.95, 0.5]
WINDOW = (3.0, 50.0)                # observed window, keV


def _sigma(E):
    return math.sqrt(A * A * E + (B * E) ** 2 + C * C)


def _eff(E):  # the efficiency table written out: linear between points, 0 outside
    return float(np.interp(E, EFF_E, EFF)) if EFF_E[0] <= E <= EFF_E[-1] else 0.0


def _response(eff=True):
    return ObservedResponse(GaussianResolution(A, B, C),
                            TabulatedEfficiency(EFF_E, EFF) if eff else None,
                            threshold_obs_keV=WINDOW[0], window_obs_keV=[1.0, WINDOW[1]])


def _p_bin_quad(E_vis, lo, hi):
    """P(E_obs in [lo, hi] inside the window, accepted | E_vis) by adaptive quadrature."""
    a, b = max(lo, WINDOW[0]), min(hi, WINDOW[1])
    if a >= b:
        return 0.0
    s = _sigma(E_vis)
    pts = [p for p in EFF_E if a < p < b]
    def integrand(x):  # efficiency x normal density
        return _eff(x) * math.exp(-0.5 * ((x - E_vis) / s) ** 2) / (s * math.sqrt(2 * math.pi))

    val, _ = integrate.quad(integrand, a, b,
                            points=pts or None, epsabs=1e-13, epsrel=1e-11, limit=200)
    return val


# -- resolution, efficiency, window ------------------------------------------------------------
def test_coloma2014_resolution_closed_form():
    # [Coloma2014, Sec. 2]: sigma(T) = 0.20 sqrt(T), T and sigma in keV
    det = make_detector({"name": "lxe_cr51"})
    assert det.observed.sigma_keV([1.0, 100.0, 140.0]) == pytest.approx(
        [0.20, 2.0, 0.20 * math.sqrt(140.0)], rel=1e-14)
    assert det.observed.window_keV == (2.0, 140.0)
    res = GaussianResolution(A, B, C)
    for E in (0.0, 1.0, 17.0, 400.0):
        assert res.sigma_keV(E) == pytest.approx(_sigma(E), rel=1e-14)


def test_response_matrix_against_quad():
    obs = _response()
    edges = np.array([0.0, 2.5, 4.0, 4.5, 10.0, 21.0, 35.0, 49.0, 60.0])
    E_vis = np.array([0.5, 2.9, 3.1, 4.2, 12.0, 19.9, 48.0, 53.0])
    P = obs.response_matrix(E_vis, edges)
    ref = np.array([[_p_bin_quad(E, lo, hi) for lo, hi in zip(edges[:-1], edges[1:])]
                    for E in E_vis])
    np.testing.assert_allclose(P, ref, rtol=1e-8, atol=1e-14)


def test_observed_spectrum_against_double_integral():
    # dR/dE_vis = exp(-E / 15) on [1, 60] keV, folded two ways: the trapezoid over a grid of the
    # exact kernel (mcgen) and nested adaptive quadrature of f(E') eff(E) N(E; E', sigma(E'))
    obs = _response()
    edges = np.array([3.0, 4.0, 8.0, 20.0, 50.0])
    grid = np.linspace(1.0, 60.0, 6001)
    got = obs.observed_spectrum(grid, np.exp(-grid / 15.0), edges)
    ref = [integrate.quad(lambda Ev, lo=lo, hi=hi: math.exp(-Ev / 15.0) * _p_bin_quad(Ev, lo, hi),
                          1.0, 60.0, epsrel=1e-9, limit=200)[0]
           for lo, hi in zip(edges[:-1], edges[1:])]
    np.testing.assert_allclose(got, ref, rtol=2e-6)


def test_expected_counts_of_events_is_the_weighted_kernel():
    # sorted chunks keep only the pieces within 9 sigma of their events: no visible change
    obs = _response()
    rng = np.random.default_rng(3)
    E, w = rng.uniform(0.5, 58.0, 500), rng.uniform(0.5, 2.0, 500)
    edges = np.linspace(0.0, 60.0, 121)
    full = w @ obs.response_matrix(E, edges)
    np.testing.assert_allclose(obs.expected_counts(E, w, edges, chunk=7), full, rtol=1e-12,
                               atol=1e-15)


def test_no_resolution_is_a_delta_kernel():
    obs = ObservedResponse(None, TabulatedEfficiency(EFF_E, EFF), window_obs_keV=[3.0, 50.0])
    E = np.array([1.0, 3.5, 10.0, 49.0, 51.0])
    P = obs.response_matrix(E, [0.0, 10.0, 60.0])
    expect = np.array([[0, 0], [_eff(3.5), 0], [0, _eff(10.0)], [0, _eff(49.0)], [0, 0]])
    np.testing.assert_allclose(P, expect, rtol=1e-14)
    identity = ObservedResponse()
    assert not identity.active
    assert identity.response_matrix([5.0], [0.0, 10.0]).tolist() == [[1.0]]


# -- sampled events ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def generator():
    det = mcgen.Detector("xe", mcgen.Material("Xe", 2.862), mcgen.Cylinder(300.0, 600.0),
                         threshold_keV=1.0, window_keV=[1.0, 60.0], exposure_kg_day=1000.0,
                         observed=_response())
    src = mcgen.MonoenergeticSource(energy_MeV=0.75, flux_cm2_s=1e10)
    return mcgen.Generator(src, det, mcgen.NuElectronElastic(electrons="free"), seed=5)


@pytest.fixture(scope="module")
def events(generator):
    return generator.sample(100_000)


def test_smearing_is_gaussian(events):
    z = (events["E_obs_keV"] - events["E_vis_keVee"]) / np.vectorize(_sigma)(events["E_vis_keVee"])
    assert stats.kstest(z, "norm").pvalue > 1e-3
    assert abs(z.mean()) < 5 / math.sqrt(z.size)


def test_acceptance_is_window_times_efficiency(events):
    E, acc = events["E_obs_keV"], events["accepted"]
    inside = (E >= WINDOW[0]) & (E <= WINDOW[1])
    assert not acc[~inside].any()
    # given E_obs, each event is kept with probability eff(E_obs): per bin, a sum of Bernoulli
    # draws with known probabilities (Poisson-binomial, normal approximation)
    p = np.interp(E[inside], EFF_E, EFF)
    bins = np.digitize(E[inside], [5.0, 10.0, 20.0, 30.0])
    pulls = []
    for b in range(5):
        sel = bins == b
        k, pb = acc[inside][sel].sum(), p[sel]
        pulls.append((k - pb.sum()) / math.sqrt((pb * (1 - pb)).sum()))
    assert stats.chi2.sf(np.sum(np.square(pulls)), 5) > 1e-3, pulls
    # a plateau bin against the binomial directly: eff = 0.95 - 0.45 (E - 20) / 35 at 20-21 keV
    sel = (E >= 20.0) & (E < 21.0)
    k, n = int(acc[sel].sum()), int(sel.sum())
    p0 = float(np.mean(np.interp(E[sel], EFF_E, EFF)))
    assert stats.binomtest(k, n, p0).pvalue > 1e-3


def test_sampled_acceptance_matches_expected_counts(generator, events):
    w, acc = events["weight"], events["accepted"]
    edges = [3.0, 10.0, 25.0, 50.0]
    exact = generator.detector.observed.expected_counts(events["E_vis_keVee"], w, edges)
    mc = np.histogram(events["E_obs_keV"][acc], edges, weights=w[acc])[0]
    err = np.sqrt(np.histogram(events["E_obs_keV"][acc], edges, weights=w[acc] ** 2)[0])
    assert np.all(np.abs(mc - exact) < 4 * err), (mc, exact, err)


def test_branches_do_not_depend_on_chunking(generator):
    n = BLOCK_EVENTS + 5000
    whole = generator.sample(n)
    parts = list(generator.iter_chunks(n, chunk_events=1))
    assert len(parts) == 2
    for name in ("E_obs_keV", "accepted"):
        assert np.array_equal(np.concatenate([p[name] for p in parts]), whole[name])
    assert whole["accepted"].dtype == np.bool_


def test_response_does_not_change_the_sampled_events(generator):
    d = generator.detector
    plain = mcgen.Detector("xe", d.material, d.fiducial, threshold_keV=1.0,
                           window_keV=[1.0, 60.0], exposure_kg_day=1000.0)
    gen = mcgen.Generator(generator.source, plain, generator.interactions, seed=5)
    a, b = gen.sample(2000), generator.sample(2000)
    assert np.array_equal(a["T_recoil_keV"], b["T_recoil_keV"])
    assert "E_obs_keV" not in a and "E_obs_keV" not in gen.branch_names()
    assert {"E_obs_keV", "accepted"} <= set(generator.branch_names())
    meta = generator.metadata(2000)["detector"]["response"]
    json.dumps(meta, allow_nan=False)  # strict JSON (no inf)
    assert meta["resolution"]["a_sqrt_keV"] == A and meta["window_obs_keV"] == [1.0, WINDOW[1]]


# -- backgrounds -------------------------------------------------------------------------------
def test_flat_background_closed_form():
    det = mcgen.Detector("ge", mcgen.Material("Ge", 5.323), mcgen.Cylinder(30.0, 60.0),
                         threshold_keV=0.1, exposure_kg_day=50.0,
                         observed=ObservedResponse(window_obs_keV=[0.5, 8.0]),
                         backgrounds=[{"kind": "flat", "rate_per_kg_keV_day": 2.5},
                                      FlatBackground(1.0, E_min_keV=3.0, E_max_keV=4.0)])
    edges = [0.0, 1.0, 3.5, 6.0, 10.0]
    # rate x exposure x (width inside the window [0.5, 8]) + 1 x 50 x (overlap with [3, 4])
    expect = [2.5 * 50 * 0.5, 2.5 * 50 * 2.5 + 50 * 0.5, 2.5 * 50 * 2.5 + 50 * 0.5,
              2.5 * 50 * 2.0]
    assert det.background_counts(edges) == pytest.approx(expect, rel=1e-14)
    assert det.background_counts(edges, exposure_kg_day=100.0) == pytest.approx(
        2 * np.array(expect), rel=1e-14)


def test_tabulated_background_against_quad():
    E, r = [1.0, 2.0, 5.0, 9.0], [0.0, 3.0, 1.0, 2.0]
    bg = TabulatedBackground(E, r)
    edges = np.array([0.0, 1.5, 2.0, 4.2, 8.0, 12.0])
    ref = [integrate.quad(lambda x: np.interp(x, E, r, left=0, right=0), lo, hi,
                          points=[p for p in E if lo < p < hi] or None)[0]
           for lo, hi in zip(edges[:-1], edges[1:])]
    assert bg.counts_per_kg_day(edges) == pytest.approx(ref, rel=1e-12)


def test_catalogue_backgrounds_reproduce_the_papers():
    # [Coloma2014, Sec. 2]: 3,450 background events in 2-140 keV in 100 days
    lxe = make_detector({"name": "lxe_cr51"})
    n = lxe.background_counts([2.0, 140.0], exposure_kg_day=lxe.mass_kg * 100.0)
    assert n[0] == pytest.approx(3450, rel=1e-4)
    with pytest.raises(ConfigError, match="needs an exposure"):
        lxe.background_counts([2.0, 140.0])
    # [Wong2010, Table I]: ambient background 1 count / (kg keV day), 100 eV threshold
    ge = make_detector({"name": "ge_reactor"})
    assert ge.mass_kg == pytest.approx(1.0, rel=1e-3)
    assert ge.background_counts([0.0, 0.1, 1.1, 2.1]) == pytest.approx([0.0, 1.0, 1.0])
    ten = make_detector({"name": "ge_reactor",
                         "background": [{"kind": "flat", "rate_per_kg_keV_day": 10.0}]})
    assert ten.background_counts([0.1, 1.1]) == pytest.approx([10.0])


# -- cards, files, registries ----------------------------------------------------------------
def test_card_with_response_and_csv_tables(tmp_path):
    (tmp_path / "eff.csv").write_text("# E_keV, eff\n1.0, 0.5\n100.0, 0.5\n")
    (tmp_path / "bg.csv").write_text("0.0, 2.0\n100.0, 2.0\n")
    card = tmp_path / "card.toml"
    card.write_text("""
[source]
name = "reactor_1e13"
[detector]
name = "ge_next_generation"
threshold_keV = 0.5
[detector.response]
resolution = {a_sqrt_keV = 0.1}
efficiency = {path = "eff.csv"}
window_obs_keV = [1.0, 50.0]
[[detector.background]]
kind = "table"
path = "bg.csv"
[[interaction]]
process = "nu_electron_elastic"
""")
    det = load_card(card).detector
    assert det.observed.efficiency([0.5, 10.0, 101.0]).tolist() == [0.0, 0.5, 0.0]
    assert det.background_counts([0.0, 10.0], 3.0) == pytest.approx([2.0 * 9.0 * 3.0])


def test_readme_lists_the_response_registries():
    text = (ROOT / "README.md").read_text()
    for label, reg in (("(`RESOLUTIONS`):", RESOLUTIONS), ("(`EFFICIENCIES`):", EFFICIENCIES),
                       ("(`BACKGROUNDS`):", BACKGROUNDS)):
        part = text.split(label, 1)[1].split(";", 1)[0].split(". ", 1)[0]
        assert sorted(re.findall(r"`([a-z_]+)`", part)) == reg.names(), label


@pytest.mark.parametrize("response,match", [
    ({"resolution": {"a_sqrt_keV": -0.2}}, r"resolution\.a_sqrt_keV = -0\.2: must be"),
    ({"resolution": {"model": "lorentz"}}, r"resolution\.model = 'lorentz': allowed are"),
    ({"resolution": {"a": 0.2}}, r"unknown field\(s\) \['a'\]"),
    ({"efficiency": {"E_keV": [1, 2], "eff": [0.5, 1.5]}}, r"efficiency\.eff = .*\[0, 1\]"),
    ({"efficiency": {"E_keV": [2, 1], "eff": [0.5, 0.5]}}, r"efficiency\.E_keV = .*increasing"),
    ({"efficiency": {"E_keV": [1, 2]}}, r"efficiency\.\(E_keV, eff\)"),
    ({"efficiency": {"path": "nope.csv"}}, r"efficiency\.path = 'nope\.csv': file"),
    ({"efficiency": {"model": "constant", "value": 2}}, r"efficiency\.value = 2: must be"),
    ({"window_obs_keV": [5, 2]}, r"window_obs_keV = \[5, 2\]: need 0 <= low < high"),
    ({"window_obs_keV": "2-140"}, r"window_obs_keV = '2-140': must be \[low, high\]"),
    ({"threshold_obs_keV": 200.0}, r"threshold_obs_keV = 200\.0: must be below"),
    ({"threshold_obs_kev": 2.0}, r"response: unknown field\(s\) \['threshold_obs_kev'\]"),
])
def test_bad_response_is_one_line(response, match):
    with pytest.raises(ConfigError, match=match) as exc:
        make_detector({"name": "lxe_cr51", "response": response})
    assert "\n" not in str(exc.value) and "detector.response" in str(exc.value)


@pytest.mark.parametrize("background,match", [
    ([{"kind": "flat"}], r"missing field\(s\) \['rate_per_kg_keV_day'\]"),
    ([{"kind": "exp", "rate_per_kg_keV_day": 1}], r"kind = 'exp': allowed are \['flat'"),
    ([{"kind": "flat", "rate_per_kg_keV_day": -1}], r"rate_per_kg_keV_day = -1: must be"),
    ([{"kind": "flat", "rate_per_kg_keV_day": 1, "E_max_keV": 0}], r"E_max_keV = 0: must be"),
    ([{"kind": "table", "E_keV": [1, 2], "rate_per_kg_keV_day": [1, -2]}], r"rates >= 0"),
    ({"kind": "flat", "rate_per_kg_keV_day": 1}, r"background = .*one or more tables"),
])
def test_bad_background_is_one_line(background, match):
    with pytest.raises(ConfigError, match=match) as exc:
        make_detector({"name": "ge_reactor", "background": background})
    assert "\n" not in str(exc.value) and "detector.background" in str(exc.value)


def test_bad_edges():
    obs = _response()
    for edges in ([1.0], [2.0, 1.0], [0.0, math.inf], "1,2"):
        with pytest.raises(ConfigError, match="E_obs_edges_keV"):
            obs.response_matrix([1.0], edges)
