"""Oscillation probabilities (mcgen.physics.oscillation) against independent numbers:
constants from scipy.constants, closed-form limits, measured solar survival probabilities."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import constants as sc

from mcgen.constants import MeV, cm, m
from mcgen.physics import oscillation as osc

TH12, TH13, TH23 = osc.nufit_angles()
DM21 = osc.NUFIT52_NO["dm21_eV2"]


def _phase_scipy(E_MeV, L_m, dm2_eV2):
    """Delta m^2 L / (4 E) with hbar c [eV m] from scipy.constants (CODATA)."""
    hbarc_eV_m = sc.hbar * sc.c / sc.e
    return dm2_eV2 * L_m / (4.0 * E_MeV * 1e6 * hbarc_eV_m)


def test_phase_constant_is_1267():
    # Derived from hbar c, it must reproduce the textbook 1.267 (and 1.26693 to 5 digits).
    assert osc.OSC_PHASE_EV2_M_PER_MEV == pytest.approx(1.267, abs=5e-4)
    assert osc.OSC_PHASE_EV2_M_PER_MEV == pytest.approx(_phase_scipy(1.0, 1.0, 1.0), rel=1e-9)
    assert osc.osc_phase(1.0 * MeV, 1.0 * m, 1.0) == pytest.approx(1.26693, rel=1e-5)


@pytest.mark.parametrize("E,L_m,s22,dm2", [(0.75, 1.0, 0.1, 1.0), (0.43, 0.37, 0.3, 2.5),
                                           (3.0, 20.0, 0.05, 0.8), (0.75, 1e-3, 1.0, 1.0)])
def test_p_ee_3plus1_eq31_direct(E, L_m, s22, dm2):
    # [Coloma2014, Eq. (3.1)] evaluated directly with scipy constants; L passed in mm internally.
    expected = 1.0 - s22 * math.sin(_phase_scipy(E, L_m, dm2)) ** 2
    got = osc.p_ee_3plus1(E * MeV, L_m * m, s22, dm2)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-14)
    assert 1.0 - s22 <= got <= 1.0


def test_first_minimum_51cr_paper001():
    # 51Cr 0.75 MeV line, Delta m^2 = 1 eV^2. First minimum (phase pi/2):
    # L = pi E / (2 * 1.267 Delta m^2) [m]; [Coloma2014, Sec. 3] calls it the "oscillation length
    # ~90 cm". The full period L_osc = 4 pi E / Delta m^2 = 2.48 m E/MeV is twice that (1.86 m).
    E, dm2 = 0.75, 1.0
    L_min = math.pi * E / (2.0 * 1.267 * dm2)  # [m], textbook constant
    assert L_min == pytest.approx(0.93, abs=0.005)
    assert osc.first_minimum_distance(E * MeV, dm2) / m == pytest.approx(L_min, rel=5e-4)
    assert osc.first_minimum_distance(E * MeV, dm2) / cm == pytest.approx(90.0, rel=0.10)
    assert osc.oscillation_length(E * MeV, dm2) / m == pytest.approx(2.48 * E, rel=2e-3)
    # P_ee is minimal there, equal to 1 - sin^2 2theta, and back to 1 after a full period.
    s22 = 0.1
    L = np.linspace(0.5, 1.4, 9001) * m
    P = np.array([osc.p_ee_3plus1(E * MeV, x, s22, dm2) for x in L])
    assert L[np.argmin(P)] / m == pytest.approx(L_min, abs=2e-4)
    assert P.min() == pytest.approx(1.0 - s22, abs=1e-9)
    L_osc = osc.oscillation_length(E * MeV, dm2)
    assert osc.p_ee_3plus1(E * MeV, L_osc, s22, dm2) == pytest.approx(1.0, abs=1e-12)


def test_matter_coefficient_independent():
    # 2 sqrt(2) G_F n_e E with G_F = 1.1663788e-5 GeV^-2 (PDG), N_A and hbar c from scipy.
    hbarc_MeV_cm = sc.hbar * sc.c / sc.e * 1e-6 * 1e2
    A = 2 * math.sqrt(2) * 1.1663788e-11 * sc.N_A * hbarc_MeV_cm**3 * 1e12  # eV^2 at 1 MeV
    assert osc.MSW_A_EV2_PER_MOLCM3_MEV == pytest.approx(A, rel=1e-9)
    assert A == pytest.approx(1.52e-7, rel=0.01)  # PDG review: 1.52e-4 eV^2 Y_e rho E/GeV


def test_msw_low_energy_limit_is_vacuum_average():
    # beta -> 0: P_ee -> c13^4 (1 - sin^2(2 th12) / 2) + s13^4 (averaged vacuum oscillations).
    c13, s13 = math.cos(TH13), math.sin(TH13)
    vac = c13**4 * (1.0 - 0.5 * math.sin(2 * TH12) ** 2) + s13**4
    assert osc.p_ee_msw_adiabatic(1e-3, 100.0, TH12, TH13, DM21) == pytest.approx(vac, rel=1e-4)
    assert osc.p_ee_msw_adiabatic(5.0, 0.0, TH12, TH13, DM21) == pytest.approx(vac, rel=1e-12)


def test_msw_high_energy_limit():
    # beta >> 1: theta_12^m -> pi/2, P_ee -> c13^4 sin^2 th12 + s13^4.
    c13, s13 = math.cos(TH13), math.sin(TH13)
    lim = c13**4 * math.sin(TH12) ** 2 + s13**4
    assert osc.p_ee_msw_adiabatic(1e4, 100.0, TH12, TH13, DM21) == pytest.approx(lim, rel=1e-4)
    assert lim == pytest.approx(0.290, abs=0.002)


def test_msw_beta_has_c13_squared():
    b0 = osc.msw_beta(10.0, 100.0, 0.0, DM21)
    assert osc.msw_beta(10.0, 100.0, TH13, DM21) == pytest.approx(b0 * math.cos(TH13) ** 2)
    # matter angle from its definition
    c2, s2 = math.cos(2 * TH12), math.sin(2 * TH12)
    b = osc.msw_beta(10.0, 100.0, TH13, DM21)
    assert osc.cos2_theta12_matter(10.0, 100.0, TH12, TH13, DM21) == pytest.approx(
        (c2 - b) / math.hypot(c2 - b, s2))


def test_msw_known_values():
    # With n_e = 100 mol/cm^3 (order of the solar-core value where 8B is made):
    # 8B at 10 MeV: P_ee ~ 0.3; SNO, PRC 88 (2013) 025501 fit P_ee(10 MeV) = 0.317 +- 0.016.
    p8 = osc.p_ee_msw_adiabatic(10.0, 100.0, TH12, TH13, DM21)
    assert p8 == pytest.approx(0.30, rel=0.06)
    assert abs(p8 - 0.317) < 0.03
    # pp at 0.3 MeV: ~0.55, insensitive to the density (vacuum-dominated); Borexino,
    # Nature 562 (2018) 505: P_ee(pp) = 0.57 +- 0.09.
    for n_e in (0.0, 30.0, 60.0, 100.0, 150.0):
        ppp = osc.p_ee_msw_adiabatic(0.3, n_e, TH12, TH13, DM21)
        assert ppp == pytest.approx(0.55, rel=0.03)
        assert abs(ppp - 0.57) < 0.09
    # Borexino (same paper) 8B above 3 MeV, mean 8.1 MeV: P_ee = 0.37 +- 0.08; within 1 sigma
    # for any density from 50 to 150 mol/cm^3.
    for n_e in (50.0, 100.0, 150.0):
        assert abs(osc.p_ee_msw_adiabatic(8.1, n_e, TH12, TH13, DM21) - 0.37) < 0.08


def test_msw_monotone_in_energy():
    E = np.geomspace(0.1, 20.0, 200)
    P = np.array([osc.p_ee_msw_adiabatic(x, 100.0, TH12, TH13, DM21) for x in E])
    assert np.all(np.diff(P) < 0)
    assert np.all((P > 0) & (P < 1))


def test_flavour_fractions_sum_to_one():
    assert TH23 == pytest.approx(math.radians(49.1))
    for E in (0.3, 0.862, 10.0):
        pee = osc.p_ee_msw_adiabatic(E, 100.0, TH12, TH13, DM21)
        fe, fmu, ftau = osc.solar_flavour_fractions(pee, TH23)
        assert fe == pee
        assert fe + fmu + ftau == pytest.approx(1.0, abs=1e-15)
        # [Mustamin2024, Eqs. (12)-(13)]
        assert fmu == pytest.approx((1 - pee) * math.cos(TH23) ** 2)
        assert ftau / fmu == pytest.approx(math.tan(TH23) ** 2)


def test_nufit52_values():
    p = osc.NUFIT52_NO
    assert (p["sin2_th12"], p["sin2_th13"], p["th23_deg"]) == (0.303, 0.0220, 49.1)
    assert (p["dm21_eV2"], p["dm31_eV2"]) == (7.41e-5, 2.511e-3)
    assert math.sin(TH12) ** 2 == pytest.approx(0.303)
    assert math.sin(TH13) ** 2 == pytest.approx(0.0220)
    with pytest.raises(TypeError):
        p["dm21_eV2"] = 1.0  # read-only
