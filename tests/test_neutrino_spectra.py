"""Source spectra (mcgen.physics.neutrino_spectra): closed forms, integrals, monotonicity
between nodes, published numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.polynomial import polynomial as npoly
from scipy import constants as sc
from scipy import integrate

from mcgen.constants import M_MUON, cm2, day, keV, s
from mcgen.errors import ConfigError
from mcgen.physics import neutrino_spectra as ns
from mcgen.physics import spectra as sp
from mcgen.sources import Component
from mcgen.sources.spectrum_sampling import energy_grid, flux_bin_max

README_HM = {  # data README, Huber PRC 84 (2011) 024617 / Mueller PRC 83 (2011) 054615
    "U235": [4.367, -4.577, 2.100, -5.294e-1, 6.186e-2, -2.777e-3],
    "Pu239": [4.757, -5.392, 2.563, -6.596e-1, 7.820e-2, -3.536e-3],
    "Pu241": [2.990, -2.882, 1.278, -3.343e-1, 3.905e-2, -1.754e-3],
    "U238": [0.4833, 0.1927, -0.1283, -6.762e-3, 2.233e-3, -1.536e-4],
}
README_VE = {  # data README, Vogel-Engel PRD 39 (1989) 3378
    "U235": [0.870, -0.160, -0.0910], "U238": [0.976, -0.162, -0.0790],
    "Pu239": [0.896, -0.239, -0.0981], "Pu241": [0.793, -0.080, -0.1085],
}
PWR = {"U235": 0.564, "U238": 0.076, "Pu239": 0.304, "Pu241": 0.056}
E_FISSION = {"U235": 202.36, "U238": 205.99, "Pu239": 211.12, "Pu241": 214.26}


def _ref_spectrum(iso, E):
    """Per-fission spectrum written independently with numpy polynomials."""
    c = README_HM[iso] if E >= 2.0 else README_VE[iso]
    return math.exp(npoly.polyval(E, c))


def _quad(f, a, b, breaks=()):
    pts = [a] + [x for x in breaks if a < x < b] + [b]
    return sum(integrate.quad(f, lo, hi, epsabs=0, epsrel=1e-10)[0]
               for lo, hi in zip(pts[:-1], pts[1:]))


# ---------------------------------------------------------------- reactor


@pytest.mark.parametrize("iso", ns.REACTOR_ISOTOPES)
def test_reactor_isotope_matches_formulas(iso):
    p = ns.reactor_params({iso: 1.0})
    for E in [0.0, 0.5, 1.0, 1.8, 1.999, 2.0, 2.5, 3.7, 5.0, 6.4, 7.99, 8.0]:
        assert ns.reactor_antinu(E, p) == pytest.approx(_ref_spectrum(iso, E), rel=1e-12)
    assert ns.reactor_antinu(8.0 + 1e-9, p) == 0.0  # zero above the Huber-Mueller range
    assert ns.reactor_antinu(-0.1, p) == 0.0


def test_reactor_mixture_is_weighted_sum_and_norm():
    p = ns.reactor_params(PWR, norm=3.5)
    for E in [0.3, 1.5, 2.0, 4.0, 7.0]:
        ref = 3.5 * sum(f * _ref_spectrum(k, E) for k, f in PWR.items())
        assert ns.reactor_antinu(E, p) == pytest.approx(ref, rel=1e-12)
    # sequence in REACTOR_ISOTOPES order is the same as the mapping
    seq = [PWR[k] for k in ns.REACTOR_ISOTOPES]
    assert np.array_equal(ns.reactor_params(seq), ns.reactor_params(PWR))


def test_reactor_u235_per_fission_above_ibd_threshold():
    # Antineutrinos per 235U fission above 1.8 MeV: ~1.9-2.0 (about 1.9 in the Vogel-era
    # spectra, e.g. Bemporad, Gratta, Vogel, RMP 74 (2002) 297; Huber-Mueller a few % higher,
    # the "reactor anomaly" shift of Mueller et al. PRC 83 (2011) 054615).
    p = ns.reactor_params({"U235": 1.0})
    n = _quad(lambda E: ns.reactor_antinu(E, p), 1.8, 8.0, [2.0])
    assert 1.9 < n < 2.0
    # Huber-Mueller above Vogel-Engel by a few per cent over 2-8 MeV (U235)
    ve = _quad(lambda E: math.exp(npoly.polyval(E, README_VE["U235"])), 2.0, 8.0)
    hm = _quad(lambda E: _ref_spectrum("U235", E), 2.0, 8.0)
    assert 1.0 < hm / ve < 1.1


def test_reactor_positive_and_monotone_between_nodes():
    for fr in [PWR] + [{k: 1.0} for k in ns.REACTOR_ISOTOPES]:
        p = ns.reactor_params(fr)
        nodes = ns.reactor_nodes()
        assert list(nodes) == [0.0, 2.0, 8.0]
        for lo, hi in zip(nodes[:-1], nodes[1:]):
            E = np.linspace(lo, hi, 4001)[:-1] if hi == 2.0 else np.linspace(lo, hi, 4001)
            f = np.array([ns.reactor_antinu(x, p) for x in E])
            assert np.all(f > 0)
            assert np.all(np.diff(f) < 0)


def test_reactor_join_discontinuity_documented():
    # Relative step HM/VE - 1 at 2 MeV, as documented in the module.
    steps = {"U235": 0.097, "U238": -0.004, "Pu239": 0.063, "Pu241": 0.034}
    for iso, step in steps.items():
        p = ns.reactor_params({iso: 1.0})
        jump = ns.reactor_antinu(2.0, p) / ns.reactor_antinu(np.nextafter(2.0, 0), p) - 1
        assert jump == pytest.approx(step, abs=1e-3)
    p = ns.reactor_params(PWR)
    assert ns.reactor_antinu(2.0, p) / ns.reactor_antinu(np.nextafter(2.0, 0), p) - 1 == \
        pytest.approx(0.075, abs=1e-3)


def test_reactor_nodes_and_limits():
    assert list(ns.reactor_nodes(2.5, 6.0)) == [2.5, 6.0]
    assert list(ns.reactor_nodes(1.8, 8.0)) == [1.8, 2.0, 8.0]
    p = ns.reactor_params(PWR, E_lo=1.8, E_hi=6.0)
    assert ns.reactor_antinu(1.79, p) == 0.0 and ns.reactor_antinu(6.01, p) == 0.0
    assert ns.reactor_antinu(1.8, p) > 0
    with pytest.raises(ConfigError):
        ns.reactor_params(PWR, E_hi=9.0)  # Huber-Mueller ends at 8 MeV
    with pytest.raises(ConfigError):
        ns.reactor_params({"U235": 0.5})  # fractions must sum to 1
    with pytest.raises(ConfigError):
        ns.reactor_params({"U233": 1.0})


def test_reactor_fission_rate_and_flux_norm():
    # 1 GW thermal with the typical PWR fractions: P / (sum f_i E_i), independently.
    mean_E = sum(PWR[k] * E_FISSION[k] for k in PWR)  # 205.97 MeV
    rate = 1e9 / (mean_E * 1e6 * sc.e)
    assert rate == pytest.approx(3.03e19, rel=2e-3)
    got = ns.reactor_fissions_per_second(1000.0, PWR, E_FISSION)
    assert got == pytest.approx(rate, rel=1e-10)
    assert ns.reactor_fissions_per_second(1000.0, ns.PWR_FISSION_FRACTIONS,
                                          ns.ENERGY_PER_FISSION_MEV) == pytest.approx(rate)
    # flux norm at 20 m, in cm^-2 s^-1
    norm = ns.reactor_flux_norm(1000.0, PWR, E_FISSION, 20.0)
    assert norm * cm2 * s == pytest.approx(rate / (4 * math.pi * 2000.0**2), rel=1e-10)
    with pytest.raises(ConfigError):
        ns.reactor_flux_norm(1000.0, PWR, E_FISSION, 0.0)


def test_reactor_flux_kuo_sheng_order_of_magnitude():
    # [Wong2010]: phi ~ 6e12 cm^-2 s^-1 at Kuo-Sheng (2.9 GW thermal, 28 m: H. T. Wong et al.,
    # PRD 75 (2007) 012001). The fits omit the low-energy antineutrinos from neutron capture
    # (239U, 239Np), so the integral over 0-8 MeV should come out somewhat below.
    norm = ns.reactor_flux_norm(2900.0, PWR, E_FISSION, 28.0)
    p = ns.reactor_params(PWR, norm=norm)
    phi = _quad(lambda E: ns.reactor_antinu(E, p), 0.0, 8.0, [2.0]) * cm2 * s
    assert 0.7 < phi / 6e12 < 1.1


# ---------------------------------------------------------------- stopped pions


def test_prompt_numu_line():
    m_pi, m_mu = 139.57039, 105.6583755  # PDG
    assert ns.PION_PROMPT_NUMU_ENERGY == pytest.approx((m_pi**2 - m_mu**2) / (2 * m_pi),
                                                       rel=1e-6)
    assert ns.PION_PROMPT_NUMU_ENERGY == pytest.approx(29.79, abs=0.005)
    e, b = ns.pion_prompt_line()
    assert e[0] == ns.PION_PROMPT_NUMU_ENERGY and b[0] == 1.0


@pytest.mark.parametrize("kernel,poly", [(ns.michel_nue, [0, 0, 96.0, -192.0]),
                                         (ns.michel_numubar, [0, 0, 48.0, -64.0])])
def test_michel_normalisation_and_mean(kernel, poly):
    # poly = coefficients in y of the density in y (data README): 192 y^2 (1/2 - y) and
    # 64 y^2 (3/4 - y). Closed forms from the antiderivatives on [0, 1/2].
    P = npoly.Polynomial(poly)
    norm_exact = P.integ()(0.5) - P.integ()(0.0)
    mean_y_exact = (P * npoly.Polynomial([0, 1])).integ()(0.5)
    assert norm_exact == pytest.approx(1.0, rel=1e-14)
    p = ns.michel_params()
    mmu = M_MUON
    f = lambda E: kernel(E, p)  # noqa: E731
    assert _quad(f, 0.0, mmu / 2, [mmu / 3]) == pytest.approx(1.0, rel=1e-10)
    mean = _quad(lambda E: E * f(E), 0.0, mmu / 2, [mmu / 3])
    assert mean == pytest.approx(mean_y_exact * mmu, rel=1e-10)
    assert f(-1e-9) == 0.0 and f(mmu / 2 + 1e-9) == 0.0
    # norm scales linearly
    assert kernel(20.0, ns.michel_params(2.5)) == pytest.approx(2.5 * f(20.0))


def test_michel_means_closed_form():
    # <y> = 0.3 for nu_e and 0.35 for nu_mu-bar: 31.70 and 36.98 MeV.
    p = ns.michel_params()
    m_nue = _quad(lambda E: E * ns.michel_nue(E, p), 0, M_MUON / 2, [M_MUON / 3])
    m_num = _quad(lambda E: E * ns.michel_numubar(E, p), 0, M_MUON / 2)
    assert m_nue == pytest.approx(0.3 * M_MUON, rel=1e-10)
    assert m_num == pytest.approx(0.35 * M_MUON, rel=1e-10)
    assert m_nue == pytest.approx(31.70, abs=0.01)


def test_michel_monotone_between_nodes():
    p = ns.michel_params()
    for kernel, nodes in [(ns.michel_nue, ns.michel_nue_nodes()),
                          (ns.michel_numubar, ns.michel_numubar_nodes())]:
        f_nodes = []
        for lo, hi in zip(nodes[:-1], nodes[1:]):
            E = np.linspace(lo, hi, 2001)
            f = np.array([kernel(x, p) for x in E])
            d = np.diff(f)
            assert np.all(d >= 0) or np.all(d <= 0)
            f_nodes.append(f)
        assert all(np.all(f >= 0) for f in f_nodes)
    assert ns.michel_nue_nodes()[1] == pytest.approx(M_MUON / 3)


# ---------------------------------------------------------------- 51Cr


def test_cr51_lines():
    e, b = ns.cr51_lines()  # [Coloma2014]: 750 keV (90 %), 430 keV (10 %)
    assert np.allclose(e / keV, [750.0, 430.0]) and np.allclose(b, [0.9, 0.1])
    e, b = ns.cr51_lines(k_fraction=0.9)
    assert np.allclose(e / keV, [747.0, 752.0, 427.0, 432.0])
    assert b.sum() == pytest.approx(1.0)
    assert b[0] + b[1] == pytest.approx(0.901) and b[2] + b[3] == pytest.approx(0.099)
    assert b[0] / (b[0] + b[1]) == pytest.approx(0.9)
    # all lines below the Q value, the 320 keV branch ~320 keV lower
    assert np.all(e <= ns.CR51_Q_EC)
    assert (e[0] - e[2]) / keV == pytest.approx(320.0)
    with pytest.raises(ConfigError):
        ns.cr51_lines(1.5)


def test_cr51_decays():
    assert ns.CR51_MEAN_LIFE / day == pytest.approx(39.96)
    A0 = 5e6 * ns.CURIE_BQ  # [Coloma2014]: 5 MCi, 100 days
    n = ns.cr51_decays(A0, 0.0, 100 * day)
    tau = 39.96 * 86400.0
    assert n == pytest.approx(A0 * tau * (1 - math.exp(-100 / 39.96)), rel=1e-12)
    # half-life 27.7 d
    assert ns.CR51_MEAN_LIFE * math.log(2) / day == pytest.approx(27.70, abs=0.01)


# ---------------------------------------------------------------- sampler envelope


@pytest.mark.parametrize("kernel,kind,params,nodes", [
    (ns.reactor_antinu, sp.Spectrum.REACTOR, ns.reactor_params(PWR), ns.reactor_nodes()),
    (ns.reactor_antinu, sp.Spectrum.REACTOR, ns.reactor_params({"U238": 1.0}, E_lo=0.5),
     ns.reactor_nodes(0.5)),
    (ns.michel_nue, sp.Spectrum.MICHEL_NUE, ns.michel_params(), ns.michel_nue_nodes()),
    (ns.michel_numubar, sp.Spectrum.MICHEL_NUMUBAR, ns.michel_params(),
     ns.michel_numubar_nodes()),
])
def test_sampler_envelope_bounds_kernel(kernel, kind, params, nodes):
    # The sampler's per-bin maximum (mcgen.sources.spectrum_sampling) must bound the kernel
    # everywhere when the kernel's nodes are given: this is what "monotone between nodes" buys.
    def flux(E):
        E = np.asarray(E, dtype=float)
        return np.array([kernel(x, params) for x in E.ravel()]).reshape(E.shape)

    src = Component("test", 12, 0.0, kind, params, np.asarray(nodes, float))
    assert np.allclose(src.flux(np.linspace(nodes[0], nodes[-1], 77)),
                       flux(np.linspace(nodes[0], nodes[-1], 77)), rtol=0, atol=0)
    edges = energy_grid(src, [])
    H = flux_bin_max(src, edges)
    rng = np.random.default_rng(1)
    j = rng.integers(0, edges.size - 1, 20000)
    E = edges[j] + rng.random(j.size) * (edges[j + 1] - edges[j])
    assert np.all(flux(E) <= H[j] * (1 + 1e-12))
