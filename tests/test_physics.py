"""Physics kernels against independent numbers: closed forms, limits, the reference module."""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference_paper000 as R
from scipy import integrate

import mcgen
from mcgen.constants import ALPHA, M_ELECTRON, cm2, keV
from mcgen.physics.form_factors import FF_NONE, FF_PAPER000, ff2
from mcgen.physics.kinematics import emin_elastic, recoil_range, tmax_elastic

M_XE131 = 130.905084128 * 931.49410242 - 54 * 0.51099895  # AME2020 atomic mass - Z m_e


@pytest.mark.parametrize("E,m,M", [(13.5, 10.0, 21409.2), (100.0, 10.0, M_XE131),
                                   (1.0, 0.0, 938.272), (10.0, 0.511, 0.511)])
def test_tmax_matches_eq1_and_brute_force(E, m, M):
    # [Bueno2013, Eq. (1)], against the reference and a brute-force scan of the CM angle.
    assert tmax_elastic(E, m, M) == pytest.approx(R.tmax(E, m, M), rel=1e-12)
    s = M * M + m * m + 2 * M * E
    p = math.sqrt((s - (m + M) ** 2) * (s - (m - M) ** 2)) / (2 * math.sqrt(s))
    cos = np.linspace(-1, 1, 20001)
    T = p * p * (1 - cos) / M  # -t/(2M) with t = -2 p^2 (1 - cos) for elastic scattering
    lo, hi = recoil_range(E, m, m, M)
    assert hi == pytest.approx(T.max(), rel=1e-12)
    assert lo == pytest.approx(0.0, abs=1e-15)


def test_recoil_range_inelastic_brute_force():
    # m1 -> m3 != m1 (upscattering): limits from the CM angle scan of t, no cancellation.
    E, m1, m3, M = 5.0, 0.0, 2.0, 20000.0
    s = M * M + m1 * m1 + 2 * M * E
    rs = math.sqrt(s)
    p1 = (s - M * M) / (2 * rs)
    E1 = (s + m1 * m1 - M * M) / (2 * rs)
    E3 = (s + m3 * m3 - M * M) / (2 * rs)
    p3 = math.sqrt(E3 * E3 - m3 * m3)
    cos = np.linspace(-1, 1, 200001)
    T = -(m1 * m1 + m3 * m3 - 2 * (E1 * E3 - p1 * p3 * cos)) / (2 * M)
    lo, hi = recoil_range(E, m1, m3, M)
    assert lo == pytest.approx(T.min(), rel=1e-6)
    assert hi == pytest.approx(T.max(), rel=1e-9)
    assert recoil_range(0.1, 0.0, 2.0, M) == (0.0, 0.0)  # closed below threshold


def test_emin_inverts_tmax():
    for T in [1e-3, 6.6e-3, 0.1]:
        E = emin_elastic(T, 10.0, M_XE131)
        assert tmax_elastic(E, 10.0, M_XE131) == pytest.approx(T, rel=1e-12)
        assert E == pytest.approx(R.threshold_energy(10.0, M_XE131, T), rel=1e-9)


@pytest.mark.parametrize("Z,A", [(11, 23), (14, 28), (32, 73), (54, 131)])
def test_form_factor_eq5(Z, A):
    # (points off the piece boundary q^2 = t0, where the two m_e literals may pick other sides)
    q2 = np.concatenate([np.geomspace(1e-3, 7.38 * M_ELECTRON**2, 30),
                         np.geomspace(7.4 * M_ELECTRON**2, 1e5, 30)])
    ours = np.array([ff2(FF_PAPER000, q, Z, A, M_ELECTRON) for q in q2])
    assert np.allclose(ours, [R.form_factor_sq(q, Z, A) for q in q2], rtol=1e-6)
    assert ff2(FF_NONE, 1e4, Z, A, M_ELECTRON) == 1.0
    # closed form at one point: d = 0.164 A^(-2/3) GeV^2, q^2 = d -> F^2 = 1/4
    d = 0.164e6 * A ** (-2 / 3)
    assert ff2(FF_PAPER000, d, Z, A, M_ELECTRON) == pytest.approx(0.25, rel=1e-12)


def _channel(source, detector, name, **kw):
    it = mcgen.DipoleNucleusElastic(kw.pop("mu", 1e-6), **kw)
    return next(c for c in it.channels(source, detector) if c.target.name == name)


def test_dsigma_dT_against_reference(dipole_source, xenon_detector):
    ch = _channel(dipole_source, xenon_detector, "Xe131")
    E = np.array([13.0, 15.0, 24.0, 100.0, 300.0])[:, None]
    T = np.geomspace(0.5e-3, 0.2, 40)[None, :]
    ours = T * ch.dsigma_dT(E, T) / cm2
    ref = np.vectorize(R.t_dsigma_dT)(E, T, 10.0, 1e-6, 54, 131, ch.target.mass)
    assert np.allclose(ours, ref, rtol=1e-6, atol=0)
    assert np.all(ours[T.repeat(5, 0) > np.vectorize(R.tmax)(E, 10.0, ch.target.mass)] == 0)


def test_fig2_scale_xe131():
    # [Bueno2013, Fig. 2]: T dsigma/dT of Xe131 at 100 MeV, low T, mu = 1e-6 mu_B is about
    # alpha Z^2 mu^2 = pi alpha^2 Z^2 (1e-6)^2 / m_e^2 (hbar c)^2 ~ 7.3e-34 cm^2
    # (the figure's axis spans 200-800e-36 cm^2).
    closed = math.pi * ALPHA**2 * 54**2 * 1e-12 / 0.51099895**2 * (197.3269804e-13) ** 2
    src = mcgen.AtmosphericDipoleSource(10.0)
    det = mcgen.Detector("xe", mcgen.Material("Xe"), mcgen.Point(), threshold_keV=0.01,
                         exposure_kg_day=1.0)
    ch = _channel(src, det, "Xe131", form_factor="none")
    T = 1e-4  # 0.1 keV: bracket 1 - T/(2M)(2EM - m^2)/(E^2 - m^2) = 1 - 1e-6 at 100 MeV
    assert T * ch.dsigma_dT(100.0, T) / cm2 == pytest.approx(closed * (1 - T / 100 * 100 / 99),
                                                             rel=1e-4)
    assert 200e-36 < closed < 800e-36


def test_massless_limit_is_magnetic_moment_formula():
    # m -> 0: dsigma/dT = pi alpha^2 kappa^2 Z^2 / m_e^2 (1/T - 1/E) (Vogel & Engel 1989).
    src = mcgen.MomentumPowerLawSource(0.0, 2.0, 1.0, 50.0, 1.0)
    det = mcgen.Detector("ge", mcgen.Material("Ge"), mcgen.Point(), threshold_keV=0.1,
                         exposure_kg_day=1.0)
    ch = _channel(src, det, "Ge72", mu=3e-11, form_factor="none")
    E, T = 10.0, np.array([1e-4, 1e-3, 1e-2])
    hbarc_cm = 197.3269804e-13
    closed = math.pi * ALPHA**2 * 9e-22 * 32**2 / 0.51099895**2 * (1 / T - 1 / E) * hbarc_cm**2
    assert np.allclose(ch.dsigma_dT(E, T) / cm2, closed, rtol=1e-6)


def test_sigma_visible_closed_form_without_form_factor(dipole_source, xenon_detector):
    # Eq. (4) with F = 1 integrates to alpha Z^2 mu^2 [ln(b/a) - k (b - a)],
    # k = (2EM - m^2) / (2M (E^2 - m^2)); the log approximation of Eq. (6) keeps ln(b/a) only.
    ch = _channel(dipole_source, xenon_detector, "Xe129", form_factor="none")
    M, m = ch.target.mass, 10.0
    for E in [22.0, 30.0, 60.0, 200.0]:
        a, b = 6e-3, min(30e-3, R.tmax(E, m, M))
        k = (2 * E * M - m * m) / (2 * M * (E * E - m * m))
        closed = R.alpha_mu2_cm2(1e-6) * 54**2 * (math.log(b / a) - k * (b - a))
        assert ch.sigma_visible(E) / cm2 == pytest.approx(closed, rel=1e-9)
    assert ch.sigma_visible(15.0) == 0.0  # below threshold


def test_sigma_visible_with_form_factor_against_quad(dipole_source, xenon_detector):
    ch = _channel(dipole_source, xenon_detector, "Xe136")
    for E in [25.0, 40.0, 150.0]:
        ref = R.sigma_visible(E, 10.0, 1e-6, 54, 136, ch.target.mass, 6e-3, 30e-3)
        assert ch.sigma_visible(E) / cm2 == pytest.approx(ref, rel=1e-7)


def test_bound_holds_everywhere(dipole_source, sodium_detector):
    # The proposal bound of T dsigma/dT must hold on a dense (E, T) grid.
    ch = _channel(dipole_source, sodium_detector, "Na23")
    edges = np.geomspace(6.7e-3, 0.06, 41)
    h = ch.t_dsigma_bound(edges)
    E = np.geomspace(10.01, 1000, 300)[:, None]
    for j in range(40):
        T = np.geomspace(edges[j], edges[j + 1], 25)[None, :]
        assert np.all(T * ch.dsigma_dT(E, T) <= h[j] * (1 + 1e-12))


def test_integral_of_reference_dsigma_matches_quad(dipole_source, sodium_detector):
    # Cross-check of the reference itself: its sigma_visible is the integral of its dsigma/dT.
    M = _channel(dipole_source, sodium_detector, "Na23").target.mass
    E = 40.0
    b = min(0.06, R.tmax(E, 10.0, M))
    val = integrate.quad(lambda T: R.t_dsigma_dT(E, T, 10.0, 1e-6, 11, 23, M) / T, 6.7e-3, b)[0]
    assert R.sigma_visible(E, 10.0, 1e-6, 11, 23, M, 6.7e-3, 0.06) == pytest.approx(val, rel=1e-8)
    assert keV == 1e-3
