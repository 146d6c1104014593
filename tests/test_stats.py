"""mcgen.analysis.stats against closed forms and tabulated values (no recorded outputs)."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("iminuit")
from mcgen.analysis import stats  # noqa: E402
from mcgen.errors import ConfigError  # noqa: E402


def test_delta_chi2_quantiles():
    # chi^2 quantiles (PDG statistics review, Table 40.2 / standard tables)
    assert stats.delta_chi2(0.95, 1, one_sided=True) == pytest.approx(1.644854**2, rel=1e-6)
    assert stats.delta_chi2(0.95, 1) == pytest.approx(3.841, abs=1e-3)
    assert stats.delta_chi2(0.95, 2) == pytest.approx(5.991, abs=1e-3)
    assert stats.delta_chi2(0.90, 2) == pytest.approx(4.605, abs=1e-3)
    with pytest.raises(ConfigError, match="cl"):
        stats.delta_chi2(1.5)


@pytest.mark.parametrize("n, limit", [(0, 3.00), (1, 4.74), (2, 6.30), (3, 7.75)])
def test_poisson_limits_pdg_table(n, limit):
    # PDG review "Statistics", Table 40.3: 95 % CL upper limits for n observed, b = 0
    assert stats.poisson_upper_limit(n, 0.0, 0.95) == pytest.approx(limit, abs=0.006)


def test_zero_background_zero_events_is_minus_log_alpha():
    assert stats.poisson_upper_limit(0) == pytest.approx(-math.log(0.05), rel=1e-9)
    # CLs with n = 0 does not depend on the background: -ln(0.05) again
    assert stats.poisson_upper_limit(0, 7.3, method="cls") == pytest.approx(-math.log(0.05),
                                                                              rel=1e-9)
    # classical limit with background: e^-(s+b) = 0.05 -> s = -ln 0.05 - b
    assert stats.poisson_upper_limit(0, 1.0) == pytest.approx(-math.log(0.05) - 1.0, rel=1e-9)


def test_gaussian_counting_limit_closed_form():
    b = 1.0e6
    sig, bkg = np.array([1.0]), np.array([b])
    s_up = stats.signal_strength_limit(sig, [bkg], [None], statistic="gauss", variance=[b])
    assert s_up == pytest.approx(1.644854 * math.sqrt(b), rel=1e-6)  # one-sided 95 %
    s2 = stats.signal_strength_limit(sig, [bkg], [None], statistic="gauss", variance=[b],
                                     one_sided=False)
    assert s2 == pytest.approx(1.959964 * math.sqrt(b), rel=1e-6)
    # Poisson likelihood ratio at large counts: the same to O(1/sqrt(b))
    s_p = stats.signal_strength_limit(sig, [bkg], [None], statistic="poisson")
    assert s_p == pytest.approx(1.644854 * math.sqrt(b), rel=2e-3)


def test_limit_with_background_pull_closed_form():
    # signal bin A (S, b_A) and a control bin B (b_B) with one background normalisation of
    # uncertainty sigma. Profiling xi in chi^2 = (s S + xi b_A)^2/v_A + (xi b_B)^2/v_B +
    # (xi/sigma)^2 gives chi^2(s) = s^2 S^2 / (v_A + b_A^2 / (b_B^2/v_B + 1/sigma^2)).
    S, bA, bB, sigma = 50.0, 400.0, 4000.0, 0.05
    vA, vB = bA, bB
    expected = 1.644854 * math.sqrt(vA + bA**2 / (bB**2 / vB + 1 / sigma**2)) / S
    sig = np.array([S, 0.0])
    bkg = np.array([bA, bB])
    got = stats.signal_strength_limit(sig, [bkg], [sigma], statistic="gauss",
                                      variance=[vA, vB])
    assert got == pytest.approx(expected, rel=1e-6)
    # the same with iminuit doing the minimisation
    fit = stats.profile_chi2(bkg, [got * sig, bkg], [None, sigma], statistic="gauss",
                             variance=[vA, vB], minimizer="iminuit")
    assert fit.chi2 == pytest.approx(1.644854**2, rel=1e-4)
    # Poisson, 100x the counts: close to the Gaussian closed form
    got_p = stats.signal_strength_limit(100 * sig, [100 * bkg], [sigma], statistic="poisson")
    exp_p = 1.644854 * math.sqrt(100 * vA + (100 * bA) ** 2 / ((100 * bB) ** 2 / (100 * vB)
                                                               + 1 / sigma**2)) / (100 * S)
    assert got_p == pytest.approx(exp_p, rel=0.01)


@pytest.mark.parametrize("statistic", stats.STATISTICS)
def test_asimov_minimum_is_zero_and_recovers_pulls(statistic):
    x = np.linspace(0, 1, 30)
    signal = 100 * np.exp(-3 * x)
    bkg = 50 + 20 * x
    data = 1.1 * signal + 0.97 * bkg  # Asimov data of pulls (+0.10, -0.03)
    fit = stats.profile_chi2(data, [signal, bkg], [np.inf, np.inf], statistic=statistic)
    assert fit.chi2 == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_allclose(fit.pulls, [0.10, -0.03], atol=1e-4)
    # nominal Asimov data with penalised pulls: minimum 0 at xi = 0
    nominal = stats.profile_chi2(signal + bkg, [signal, bkg], [0.05, 0.02], statistic=statistic)
    assert nominal.chi2 == pytest.approx(0.0, abs=1e-8)
    np.testing.assert_allclose(nominal.pulls, 0.0, atol=1e-5)
    assert stats.profile_chi2(signal + bkg, [signal, bkg], [None, None],
                              statistic=statistic).chi2 == pytest.approx(0.0, abs=1e-12)
    # a fixed signal normalisation cannot absorb a 10 % excess
    assert stats.profile_chi2(data, [signal, bkg], [None, np.inf],
                              statistic=statistic).chi2 > 1.0


def test_gauss_closed_form_equals_iminuit():
    rng = np.random.default_rng(3)
    x = np.linspace(0, 1, 40)
    comps = [200 * np.exp(-2 * x), 100 + 0 * x, 30 * x]
    data = rng.poisson(sum(comps)).astype(float)
    a = stats.profile_chi2(data, comps, [np.inf, 0.02, 0.3], statistic="gauss")
    b = stats.profile_chi2(data, comps, [np.inf, 0.02, 0.3], statistic="gauss",
                           minimizer="iminuit")
    assert b.valid
    assert a.chi2 == pytest.approx(b.chi2, rel=1e-6)
    np.testing.assert_allclose(a.pulls, b.pulls, atol=1e-4)


def test_contour_of_gaussian_toy_is_the_ellipse():
    # linear model mu_i = a f_i + b g_i, Gaussian chi^2: exactly quadratic in (a, b) with
    # Fisher matrix F = sum [f g]^T [f g] / v; the 2-dof 95 % contour is the ellipse
    # d^T F d = 5.991, whose extent in a is sqrt(5.991 (F^-1)_aa).
    x = np.linspace(0, 1, 25)
    f, g = 100 * np.exp(-x), 80 * x + 10
    v = f + g
    F = np.array([[np.sum(f * f / v), np.sum(f * g / v)], [np.sum(f * g / v), np.sum(g * g / v)]])
    data = f + g

    def dchi2(a, b):
        return stats.chi2(data, a * f + b * g, "gauss", variance=v)

    cov = np.linalg.inv(F)
    A = np.linspace(1 - 4 * math.sqrt(cov[0, 0]), 1 + 4 * math.sqrt(cov[0, 0]), 121)
    B = np.linspace(1 - 4 * math.sqrt(cov[1, 1]), 1 + 4 * math.sqrt(cov[1, 1]), 131)
    grid = stats.scan(dchi2, A, B, progress=False)
    level = stats.delta_chi2(0.95, 2)
    pts = stats.contour_points(A, B, grid, level)
    assert len(pts) > 100
    d = pts - 1.0
    q = np.einsum("ni,ij,nj->n", d, F, d)
    # linear interpolation of a quadratic on the grid: small relative error
    np.testing.assert_allclose(q, level, rtol=0.01)
    assert np.ptp(pts[:, 0]) / 2 == pytest.approx(math.sqrt(level * cov[0, 0]), rel=0.01)
    # the 1-D profile of a one-sided row crossing
    row = grid[:, np.argmin(np.abs(B - 1.0))]
    a_up = stats.first_crossing(A[A >= 1], row[A >= 1], 3.841)
    assert a_up - 1 == pytest.approx(math.sqrt(3.841 / F[0, 0]), rel=0.01)


def test_scan_rescaled_matches_direct_evaluation():
    x = np.linspace(0, 1, 20)
    bkg = 100 + 0 * x

    def spectrum(m):
        return 10 * np.exp(-x / m)

    ms, scales = np.array([0.2, 0.5]), np.array([0.0, 0.5, 2.0])
    grid = stats.scan_rescaled(spectrum, ms, scales, observed=bkg, background_components=[bkg],
                               sigmas=[0.1], progress=False)
    for i, m in enumerate(ms):
        for j, s in enumerate(scales):
            direct = stats.profile_chi2(bkg, [s * spectrum(m), bkg], [None, 0.1]).chi2
            assert grid[i, j] == pytest.approx(direct, abs=1e-9)
    assert np.all(grid[:, 0] == pytest.approx(0.0, abs=1e-9))


def test_bad_input_is_one_line_config_error():
    with pytest.raises(ConfigError, match="statistic"):
        stats.chi2([1], [1], "likelihood")
    with pytest.raises(ConfigError, match="sigmas"):
        stats.profile_chi2([1, 2], [[1, 2]], [0.1, 0.2])
    with pytest.raises(ConfigError, match="n_observed"):
        stats.poisson_upper_limit(-1)


def test_limit_with_an_excess_is_best_fit_plus_1645_sigma():
    # one bin, fixed variance v: chi^2(s) = (s S - D)^2 / v, best fit D / S, and the
    # one-sided 95 % limit s_hat + 1.645 sqrt(v) / S
    S, b, D, v = 2.0, 1.0e4, 300.0, 1.0e4
    got = stats.signal_strength_limit([S], [[b]], [None], observed=[b + D], statistic="gauss",
                                      variance=[v])
    assert got == pytest.approx(D / S + 1.644854 * math.sqrt(v) / S, rel=1e-6)
