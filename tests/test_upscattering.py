"""Dipole-portal upscattering nu A -> N A and nu e -> N e ([Mustamin2024, Eqs. 4 and 6]) against
independent numbers: an explicit Dirac trace of the amplitude, the ordinary magnetic-moment
limit, brute-force kinematics, scipy quadrature, sampled spectra and four-momenta."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import uproot
from scipy import integrate, special, stats

import mcgen
from mcgen.cli import main
from mcgen.errors import ClosedChannelWarning
from mcgen.interactions import DipolePortalElectron, DipolePortalNucleus

ALPHA = 7.2973525693e-3  # CODATA 2018
ME = 0.51099895  # MeV, PDG
HBARC_FM = 197.3269804  # MeV fm
HC2 = (197.3269804e-13) ** 2  # MeV^2 cm^2
MU_B = math.sqrt(4 * math.pi * ALPHA) / (2 * ME)  # e / (2 m_e), MeV^-1
CM2 = mcgen.constants.cm2


# -- independent references ------------------------------------------------------------------
def kn_ff2(T, M, A):
    """Klein-Nystrand F^2 at q^2 = 2 M T: [3 j1(qR)/(qR) / (1 + q^2 a^2)]^2, R = 1.2 A^(1/3) fm,
    a = 0.7 fm."""
    q = np.sqrt(2 * M * np.asarray(T, float)) / HBARC_FM  # fm^-1
    x = q * 1.2 * A ** (1 / 3)
    g = np.where(x > 1e-3, 3 * special.spherical_jn(1, np.maximum(x, 1e-3)) / np.maximum(x, 1e-3),
                 1.0)
    return (g / (1 + q * q * 0.7**2)) ** 2


def bracket(E, T, m, M, spin):
    """[Mustamin2024]: bracket of Eq. (4) (spin 1/2) or Eq. (6) (spin 0), as printed."""
    b = (1 / T - 1 / E - m**2 / (2 * T * E * M) * (1 - T / (2 * E) + M / (2 * E))
         - m**4 / (8 * M * T**2 * E**2) * (1 - T / M))
    if spin == 0:
        b = b + T / (4 * E**2) - m**2 / (8 * M * E**2) * (1 + m**2 / (M * T))
    return b


def cm_scan(E, m, M, n=200001):
    """Recoil kinetic energies over a scan of the CM scattering angle (massless projectile)."""
    s = M * M + 2 * M * E
    rs = math.sqrt(s)
    p1 = (s - M * M) / (2 * rs)
    E3 = (s + m * m - M * M) / (2 * rs)
    p3 = math.sqrt(E3 * E3 - m * m)
    cos = np.linspace(-1, 1, n)
    return -(m * m - 2 * (p1 * E3 - p1 * p3 * cos)) / (2 * M)


def emin_paper002(T, m, M):
    """[Mustamin2024] (event-rate slide), sterile case: (m^2 + 2 M T) / (2 (sqrt(T(T+2M)) - T))."""
    return (m * m + 2 * M * T) / (2 * (math.sqrt(T * (T + 2 * M)) - T))


def ref_dsigma(E, T, m, M, Z, mu_muB, spin, F2=1.0):
    """dsigma/dT [cm^2/MeV]: (pi alpha^2/m_e^2) (mu/mu_B)^2 Z^2 F^2 x bracket, zero outside the
    exact kinematic region E >= E_min(T) of [Mustamin2024]."""
    if T <= 0 or E < emin_paper002(T, m, M) * (1 - 1e-12):
        return 0.0
    return math.pi * ALPHA**2 / ME**2 * mu_muB**2 * Z**2 * F2 * max(bracket(E, T, m, M, spin),
                                                                   0.0) * HC2


def spin_of(target):
    """0 for even-even nuclei (0+ ground states), 1/2 otherwise (treated with Eq. 4)."""
    Z, N = target.Z, target.A - target.Z
    return 0 if Z % 2 == 0 and N % 2 == 0 else 0.5


def iso_dsigma(E, T, m, target, mu_muB):
    """ref_dsigma on a nuclear target with the Klein-Nystrand form factor [cm^2/MeV]."""
    M = target.mass
    return ref_dsigma(E, T, m, M, target.Z, mu_muB, spin_of(target),
                      float(kn_ff2(T, M, target.A)))


# Dirac matrices (Dirac representation) for the explicit trace
_I2, _Z2 = np.eye(2), np.zeros((2, 2))
_PAULI = [np.array([[0, 1], [1, 0]], complex), np.array([[0, -1j], [1j, 0]]),
          np.array([[1, 0], [0, -1]], complex)]
GAM = [np.block([[_I2, _Z2], [_Z2, -_I2]]).astype(complex)] + [
    np.block([[_Z2, s], [-s, _Z2]]) for s in _PAULI]
G5 = 1j * GAM[0] @ GAM[1] @ GAM[2] @ GAM[3]
ETA = np.diag([1.0, -1.0, -1.0, -1.0])
PL, PR = (np.eye(4) - G5) / 2, (np.eye(4) + G5) / 2
SIG = [[0.5j * (GAM[a] @ GAM[b] - GAM[b] @ GAM[a]) for b in range(4)] for a in range(4)]


def _slash(p):
    return sum(ETA[a, a] * p[a] * GAM[a] for a in range(4))


def trace_dsigma(E, T, m, M, Z, mu_muB, spin):
    """dsigma/dT [cm^2/MeV] from the amplitude of [Mustamin2024, Eqs. (2)-(3)],
    mu [u_N sigma^{mu nu} q_nu P_L u_nu] (1/q^2) e Z [u_A gamma_mu u_A] (spin 1/2) or
    e Z (p_A + p_A')_mu (spin 0), squared by explicit traces (left-handed neutrino, target
    spin averaged): dsigma/dT = |M|^2 / (32 pi M E^2). F = 1."""
    P = math.sqrt(T * T + 2 * M * T)
    c = (2 * T * (E + M) + m * m) / (2 * E * P)  # recoil angle from energy-momentum conservation
    assert c <= 1.0
    p1 = np.array([E, 0, 0, E])
    p2 = np.array([M, 0, 0, 0.0])
    p4 = np.array([M + T, P * math.sqrt(1 - c * c), 0, P * c])
    p3 = p1 + p2 - p4
    q = p1 - p3
    ql = ETA @ q
    gam_q = [sum(SIG[a][b] * ql[b] for b in range(4)) for a in range(4)]
    lep = np.array([[np.trace((_slash(p3) + m * np.eye(4)) @ gam_q[a] @ PL @ _slash(p1) @ PR
                              @ gam_q[b]) for b in range(4)] for a in range(4)])
    g_low = [sum(ETA[a, b] * GAM[b] for b in range(4)) for a in range(4)]
    if spin == 0:
        k = ETA @ (p2 + p4)
        had = np.outer(k, k)
    else:
        had = np.array([[0.5 * np.trace((_slash(p4) + M * np.eye(4)) @ g_low[a]
                                        @ (_slash(p2) + M * np.eye(4)) @ g_low[b])
                         for b in range(4)] for a in range(4)])
    q2 = q @ ETA @ q
    amp2 = 4 * math.pi * ALPHA * Z**2 * (mu_muB * MU_B) ** 2 * np.sum(lep * had).real / q2**2
    return amp2 / (32 * math.pi * M * E * E) * HC2


# -- fixtures and helpers ------------------------------------------------------------------
def _det(formula="Xe", density=2.862, threshold_keV=1.0, window=None, exposure=1000.0, **kw):
    return mcgen.Detector("d", mcgen.Material(formula, density), mcgen.Cylinder(100.0, 100.0),
                          threshold_keV=threshold_keV, window_keV=window,
                          exposure_kg_day=exposure, **kw)


def _line(E, pdg=12):
    return mcgen.MonoenergeticSource(energy_MeV=E, flux_cm2_s=1e10, pdg=pdg)


def _channel(it, E, det, name):
    return next(c for c in it.channels(_line(E), det) if c.target.name == name)


# -- the cross section -----------------------------------------------------------------------
@pytest.mark.parametrize("name,m,points", [
    ("Xe131", 0.0, [(10.0, 1e-3), (2.0, 5e-5)]),  # spin 1/2 (odd A)
    ("Xe132", 0.0, [(10.0, 1e-3)]),  # spin 0 (even-even)
    ("Xe131", 2.0, [(10.0, 1e-3), (30.0, 4e-3)]),
    ("Xe132", 5.0, [(30.0, 1e-2), (50.0, 2e-2)]),
    ("C12", 8.0, [(40.0, 0.1), (60.0, 0.5)]),
    ("He4", 10.0, [(50.0, 1.0), (50.0, 0.05)]),  # light spin-0: the Eq. (6) terms are 1e-4
    ("H1", 10.0, [(50.0, 2.0), (30.0, 0.2)]),
])
def test_eq4_eq6_match_the_dirac_trace(name, m, points):
    it = DipolePortalNucleus(3e-10, m, form_factor="none")
    det = _det({"C12": "CH4", "H1": "CH4", "He4": "He"}.get(name, "Xe"), threshold_keV=0.01)
    ch = _channel(it, points[0][0], det, name)
    M, Z, spin = ch.target.mass, ch.target.Z, spin_of(ch.target)
    for E, T in points:
        ours = ch.dsigma_dT(E, T) / CM2
        assert ours > 0
        assert ours == pytest.approx(trace_dsigma(E, T, m, M, Z, 3e-10, spin), rel=1e-9)


@pytest.mark.parametrize("m,points", [(0.0, [(1.0, 0.3)]), (0.5, [(3.0, 2.0), (3.0, 0.01)]),
                                      (3.0, [(30.0, 12.0), (30.0, 0.5)])])
def test_electron_cross_section_matches_the_dirac_trace(m, points):
    ch = DipolePortalElectron(2e-11, m, electrons="free").channels(
        _line(points[0][0]), _det(threshold_keV=1.0))[0]
    for E, T in points:
        assert ch.dsigma_dT(E, T) / CM2 == pytest.approx(
            trace_dsigma(E, T, m, ME, 1, 2e-11, 0.5), rel=1e-9)


def test_massless_limit_is_the_magnetic_moment_formula():
    # nuclei: alpha Z^2 mu^2 (1/T - 1/E) F^2 (Vogel & Engel 1989), + T/(4E^2) for spin 0
    det = _det(threshold_keV=0.1)
    E = 15.0
    T = np.geomspace(1e-4, 2e-3, 9)
    for name, extra in [("Xe131", 0.0), ("Xe132", 1.0)]:
        ch = _channel(DipolePortalNucleus(1e-10, 0.0), E, det, name)
        M, A = ch.target.mass, ch.target.A
        mu2 = (1e-10 * MU_B) ** 2
        expect = ALPHA * 54**2 * mu2 * (1 / T - 1 / E + extra * T / (4 * E**2)) * kn_ff2(T, M, A)
        assert np.allclose(ch.dsigma_dT(E, T) / CM2, expect * HC2, rtol=1e-9)
        # and continuously: m_N = 1e-4 MeV changes it by < 1e-6
        ch_small = _channel(DipolePortalNucleus(1e-10, 1e-4), E, det, name)
        assert np.allclose(ch_small.dsigma_dT(E, T), ch.dsigma_dT(E, T), rtol=1e-6)
    # electrons: [Coloma2014, Eq. (2.1)], (pi alpha^2 / m_e^2) (1/T - 1/E) kappa^2
    E, kappa = 0.75, 5e-11
    ch = DipolePortalElectron(kappa, 0.0, electrons="free").channels(_line(E), det)[0]
    T = np.geomspace(1e-3, 0.5, 7)
    expect = math.pi * ALPHA**2 / ME**2 * (1 / T - 1 / E) * kappa**2 * HC2
    assert np.allclose(ch.dsigma_dT(E, T) / CM2, expect, rtol=1e-9)
    # same as the magnetic term of nu_electron_elastic
    sm = mcgen.NuElectronElastic(0.0, electrons="free").channels(_line(E), det)[0]
    mm = mcgen.NuElectronElastic(kappa, electrons="free").channels(_line(E), det)[0]
    assert np.allclose(ch.dsigma_dT(E, T), mm.dsigma_dT(E, T) - sm.dsigma_dT(E, T), rtol=1e-9)


# -- kinematics ------------------------------------------------------------------------------
@pytest.mark.parametrize("E,m,M", [(10.0, 2.0, 122000.0), (10.0, 9.0, 122000.0),
                                   (5.0, 1.0, ME), (40.0, 4.0, ME), (20.0, 15.0, 11175.0)])
def test_recoil_range_and_minimum_energy(E, m, M):
    from mcgen.physics.upscattering import emin_upscatter

    scan = cm_scan(E, m, M)
    lo, hi = mcgen.physics.kinematics.recoil_range(E, 0.0, m, M)
    assert lo == pytest.approx(scan.min(), rel=1e-6)
    assert hi == pytest.approx(scan.max(), rel=1e-9)
    assert lo > 0
    # [Mustamin2024]'s minimum energy gives back both ends of the range, and the exact threshold
    for T in (lo, hi, math.sqrt(lo * hi)):
        assert emin_paper002(T, m, M) <= E * (1 + 1e-8)
        assert emin_upscatter(T, m, M) == pytest.approx(emin_paper002(T, m, M), rel=1e-9)
    assert emin_paper002(lo, m, M) == pytest.approx(E, rel=1e-6)
    assert emin_paper002(hi, m, M) == pytest.approx(E, rel=1e-9)
    e_thr = ((m + M) ** 2 - M * M) / (2 * M)  # sqrt(s) = m_N + M
    T_grid = np.geomspace(1e-9, 10.0, 20001) * m * m / M
    assert min(emin_paper002(t, m, M) for t in T_grid) == pytest.approx(e_thr, rel=1e-6)
    assert mcgen.physics.kinematics.recoil_range(e_thr * (1 - 1e-9), 0.0, m, M) == (0.0, 0.0)
    # [Mustamin2024, Eq. (5)] is the T << M approximation of the same condition: close on nuclei
    if M > 1000:
        T = math.sqrt(lo * hi)
        eq5 = (m * m / (2 * M * T) + 1) * math.sqrt(M * T / 2)  # Eq. (5) solved for E
        assert eq5 == pytest.approx(emin_paper002(T, m, M), rel=1e-3)


def test_channel_energy_for_recoil_and_breaks():
    det = _det(threshold_keV=1.0, window=[1.0, 20.0])
    ch = _channel(DipolePortalNucleus(1e-10, 3.0), 20.0, det, "Xe131")
    M = ch.target.mass
    assert ch.energy_for_recoil(0.004, 20.0) == pytest.approx(emin_paper002(0.004, 3.0, M),
                                                              rel=1e-9)
    # below the window's top the lower kinematic end Tmin(E) crosses 20 keV at E_min(20 keV)
    # only if that recoil lies below the threshold recoil T*; here T* = 36.8 eV: no Tmin kink,
    # but the threshold itself is a break
    breaks = ch.energy_breaks(1.0, 20.0)
    assert any(b == pytest.approx(3.0 + 9.0 / (2 * M), rel=1e-12) for b in breaks)
    # electrons, m_N = 2 MeV: T* = 1.59 MeV, Tmin(E) crosses the window top 600 keV
    edet = _det(threshold_keV=10.0, window=[10.0, 600.0])
    ech = DipolePortalElectron(1e-10, 2.0, electrons="free").channels(_line(30.0), edet)[0]
    e_cross = emin_paper002(0.6, 2.0, ME)
    assert any(b == pytest.approx(e_cross, rel=1e-9) for b in ech.energy_breaks(1.0, 30.0))
    assert ech.recoil_range(e_cross)[0] == pytest.approx(0.6, rel=1e-6)
    # the accepted range starts at Tmin(E_max): no smaller recoil is reachable
    assert ech.T_lo == 0.01  # Tmin(30 MeV) = 5.0 keV is below the threshold
    ech = DipolePortalElectron(1e-10, 2.0, electrons="free").channels(_line(12.0), edet)[0]
    assert ech.T_lo == pytest.approx(ech.recoil_range(12.0)[0], rel=1e-12)  # 41.4 keV


# -- integrated cross sections and expected events -------------------------------------------
@pytest.mark.parametrize("name,m,E,window", [("Xe131", 2.0, 10.0, [1.0, 100.0]),
                                             ("Xe132", 4.0, 30.0, [0.5, 50.0]),
                                             ("Ge73", 1.0, 14.0, [0.2, 3.0])])
def test_visible_cross_section_against_quad(name, m, E, window):
    formula = "Ge" if name.startswith("Ge") else "Xe"
    det = _det(formula, 5.3, threshold_keV=window[0], window=window)
    ch = _channel(DipolePortalNucleus(1e-10, m), E, det, name)
    scan = cm_scan(E, m, ch.target.mass, 2001)
    lo = max(window[0] * 1e-3, scan.min() * (1 + 1e-6))
    hi = min(window[1] * 1e-3, scan.max() * (1 - 1e-9))
    val = integrate.quad(lambda T: iso_dsigma(E, T, m, ch.target, 1e-10), lo, hi,
                         epsrel=1e-11, limit=200)[0]
    assert ch.sigma_visible(E) / CM2 == pytest.approx(val, rel=1e-6)


@pytest.mark.parametrize("m,E,electrons", [(0.5, 3.0, "free"), (1.0, 10.0, "stepping")])
def test_electron_visible_cross_section_against_quad(m, E, electrons):
    det = _det(threshold_keV=2.0, window=[2.0, 2000.0])
    ch = DipolePortalElectron(1e-11, m, electrons=electrons).channels(_line(E), det)[0]
    scan = cm_scan(E, m, ME)
    lo, hi = max(2e-3, scan.min()), min(2.0, scan.max())
    # Xe shells above 2 keV: L (5.453, 5.107, 4.786 keV) and K (34.561 keV); 54 electrons
    steps = [(4.786e-3, 4), (5.107e-3, 2), (5.453e-3, 2), (34.561e-3, 2)]

    def frac(T):
        if electrons == "free":
            return 1.0
        return (54 - sum(n for b, n in steps if T <= b)) / 54

    pts = [b for b, _ in steps if lo < b < hi]
    val = integrate.quad(lambda T: ref_dsigma(E, T, m, ME, 1, 1e-11, 0.5) * frac(T), lo, hi,
                         points=pts or None, epsrel=1e-11, limit=200)[0]
    assert ch.sigma_visible(E) / CM2 == pytest.approx(val, rel=2e-6)


def test_expected_events_of_a_line():
    # N = exposure x sum_isotopes n_i sigma_vis,i(E) x flux
    E, m, flux = 12.0, 3.0, 1e10
    det = _det(threshold_keV=1.0, window=[1.0, 40.0], exposure=365.25)
    gen = mcgen.Generator(_line(E), det, DipolePortalNucleus(1e-10, m), seed=1)
    total = 0.0
    for ch in gen.channels:
        scan = cm_scan(E, m, ch.target.mass, 2001)
        lo, hi = max(1e-3, scan.min() * (1 + 1e-6)), min(0.04, scan.max() * (1 - 1e-9))
        sig = integrate.quad(lambda T, t=ch.target: iso_dsigma(E, T, m, t, 1e-10), lo, hi,
                             epsrel=1e-10)[0]
        n_per_kg = ch.target.per_kg * mcgen.constants.kg
        total += n_per_kg * sig
    expect = total * 365.25 * 86400 * flux
    assert gen.expected_events == pytest.approx(expect, rel=1e-6)


# -- closed channels -------------------------------------------------------------------------
def test_closed_channel_gives_zero_and_a_warning():
    det = _det(threshold_keV=1.0, window=[1.0, 100.0])
    # m_N above the source energy: below threshold everywhere
    with pytest.warns(ClosedChannelWarning):
        gen = mcgen.Generator(_line(5.0), det, DipolePortalNucleus(1e-10, 10.0), seed=1)
        assert gen.expected_events == 0.0
    ch = gen.channels[0]
    assert ch.recoil_range(5.0) == (0.0, 0.0)
    vals = ch.dsigma_dT(np.array([0.1, 5.0, 10.0, 10.0006]), np.array([1e-3, 1e-3, 1e-3, 0.0]))
    assert np.all(vals == 0.0)
    assert ch.sigma_visible(np.array([5.0])) == 0.0
    # open, but every recoil is below the window (Tmax(E) < 1 keV at m_N = 9.5 MeV, E = 10)
    with pytest.warns(ClosedChannelWarning):
        assert mcgen.Generator(_line(10.0), det, DipolePortalNucleus(1e-10, 9.5)
                               ).expected_events == 0.0
    # open, but every recoil is above the window: Tmin(E_max) = 556 keV > 300 keV on electrons
    edet = _det(threshold_keV=10.0, window=[10.0, 300.0])
    with pytest.warns(ClosedChannelWarning) as rec:
        gen = mcgen.Generator(_line(6.0), edet, DipolePortalElectron(1e-10, 2.0))
        assert gen.expected_events == 0.0
    assert any("smallest recoil reachable" in str(w.message) for w in rec)
    assert gen.channels[0].recoil_range(6.0)[0] > 0.3


def test_config_errors_and_flavours():
    for bad in [0.0, -1e-10, "x", float("nan")]:
        with pytest.raises(mcgen.ConfigError, match="mu_muB"):
            DipolePortalNucleus(bad, 1.0)
    for bad in [-1.0, "x", float("inf")]:
        with pytest.raises(mcgen.ConfigError, match="m_N_MeV"):
            DipolePortalElectron(1e-10, bad)
    with pytest.raises(mcgen.ConfigError, match="spin"):
        DipolePortalNucleus(1e-10, 1.0, spin="3/2")
    with pytest.raises(mcgen.ConfigError, match="form_factor"):
        DipolePortalNucleus(1e-10, 1.0, form_factor="paper000")
    with pytest.raises(mcgen.ConfigError, match="electrons"):
        DipolePortalElectron(1e-10, 1.0, electrons="bound")
    with pytest.raises(mcgen.ConfigError, match="flavours"):
        DipolePortalElectron(1e-10, 1.0, flavours=["sterile"])
    det = _det()
    assert DipolePortalNucleus(1e-10, 1.0, flavours=["mu"]).channels(_line(10.0), det) == []
    assert len(DipolePortalNucleus(1e-10, 1.0, flavours=["e"]).channels(_line(10.0), det)) == 9
    assert DipolePortalNucleus(1e-10, 1.0, spin=0).spin == "0"
    # massive incoming particles (e.g. a dipole source) do not couple
    assert DipolePortalNucleus(1e-10, 1.0).channels(mcgen.AtmosphericDipoleSource(10.0),
                                                    det) == []


# -- the sampler's bound and the sampled events ---------------------------------------------
@pytest.mark.parametrize("it,formula,E_max", [
    (DipolePortalNucleus(1.0, 4.0), "Xe", 30.0),
    (DipolePortalNucleus(1.0, 0.0, spin="0", form_factor="helm"), "Ge", 50.0),
    (DipolePortalNucleus(1.0, 15.0), "C", 60.0),
    (DipolePortalElectron(1.0, 1.0), "Xe", 20.0),
    (DipolePortalElectron(1.0, 0.05, electrons="free"), "Xe", 1.0),
])
def test_bound_holds_everywhere(it, formula, E_max):
    from mcgen.sampling.plan import t_envelope

    det = _det(formula, 2.0, threshold_keV=0.05)
    for ch in it.channels(_line(E_max), det)[::3]:
        _, m, M = ch.masses
        T_top = ch.recoil_range(E_max)[1]
        env = t_envelope(ch, T_top)
        edges, h = np.exp(env.ln_edges), env.h
        e_thr = m + m * m / (2 * M)
        E = np.concatenate([np.geomspace(max(e_thr, 1e-3) * (1 + 1e-12), E_max, 300),
                            E_max * (1 - np.geomspace(1e-12, 1e-3, 10))])[:, None]
        for j in range(h.size):
            T = np.geomspace(edges[j], edges[j + 1], 25)[None, :]
            assert np.all(T * ch.dsigma_dT(E, T) <= h[j] * (1 + 1e-12))


def _check_four_momenta(ev, m, M_by_pdg, pdg_out):
    E_in = ev["E_in_MeV"]
    pin = np.stack([ev[f"dir_in_{c}"] for c in "xyz"], 1) * E_in[:, None]
    pout = np.stack([ev[f"p{c}_out_MeV"] for c in "xyz"], 1)
    prec = np.stack([ev[f"p{c}_recoil_MeV"] for c in "xyz"], 1)
    T = ev["T_recoil_keV"] * 1e-3
    M = np.array([M_by_pdg[p] for p in ev["target_pdg"]])
    assert np.allclose(pout + prec, pin, rtol=0, atol=1e-9 * E_in.max())
    assert np.allclose(ev["E_out_MeV"] + T, E_in, rtol=1e-12)
    mass2 = ev["E_out_MeV"] ** 2 - np.sum(pout * pout, 1)
    assert np.allclose(mass2, m * m, rtol=0, atol=1e-8 * E_in.max() ** 2)
    assert np.allclose(np.sum(prec * prec, 1), T * T + 2 * M * T, rtol=1e-9)
    assert set(np.unique(ev["pdg_out"])) == {pdg_out}


def test_sampled_xenon_spectrum_and_kinematics():
    E, m = 12.0, 3.0
    det = _det(threshold_keV=1.0, window=[1.0, 40.0])
    gen = mcgen.Generator(_line(E), det, DipolePortalNucleus(1e-10, m), seed=5)
    ev = gen.sample(200_000)
    T = ev["T_recoil_keV"] * 1e-3
    edges = np.geomspace(1e-3, T.max() * (1 + 1e-9), 21)
    counts = np.histogram(T, edges)[0]
    expected = np.zeros(20)
    for ch in gen.channels:
        expected += ch.target.per_kg * np.array(
            [integrate.quad(lambda T, t=ch.target: iso_dsigma(E, T, m, t, 1.0), a, b)[0]
             for a, b in zip(edges[:-1], edges[1:])])
    expected *= counts.sum() / expected.sum()
    assert stats.chisquare(counts, expected).pvalue > 1e-4
    M_by_pdg = {ch.target.pdg: ch.target.mass for ch in gen.channels}
    _check_four_momenta(ev, m, M_by_pdg, mcgen.constants.PDG_STERILE)
    assert gen._trials < 1.5 * gen._accepted  # a tight envelope for a line


def test_sampled_electron_spectrum_antineutrinos():
    E, m = 3.0, 0.8
    det = _det(threshold_keV=2.0, window=[2.0, 3000.0])
    src = _line(E, pdg=-14)
    gen = mcgen.Generator(src, det, DipolePortalElectron(1e-10, m, electrons="free"), seed=9)
    ev = gen.sample(200_000)
    T = ev["T_recoil_keV"] * 1e-3
    scan = cm_scan(E, m, ME)
    edges = np.geomspace(max(2e-3, scan.min()), scan.max(), 21)
    counts = np.histogram(T, edges)[0]
    assert counts.sum() == T.size
    expected = np.array([integrate.quad(lambda t: ref_dsigma(E, t, m, ME, 1, 1.0, 0.5), a, b)[0]
                         for a, b in zip(edges[:-1], edges[1:])])
    expected *= counts.sum() / expected.sum()
    assert stats.chisquare(counts, expected).pvalue > 1e-4
    _check_four_momenta(ev, m, {11: ME}, -mcgen.constants.PDG_STERILE)
    assert set(np.unique(ev["pdg_in"])) == {-14}


def test_run_card(tmp_path):
    card = tmp_path / "portal.toml"
    out = tmp_path / "portal.root"
    card.write_text(f"""
[run]
events = 2000
seed = 4
output = "{out}"
[source]
kind = "monoenergetic"
energy_MeV = 15.0
flux_cm2_s = 1e10
[detector]
name = "xe-test"
threshold_keV = 1.0
window_keV = [1.0, 50.0]
exposure_kg_day = 1000.0
material = {{ formula = "Xe", density_g_cm3 = 2.862 }}
fiducial = {{ shape = "cylinder", radius_mm = 100.0, height_mm = 100.0 }}
[[interaction]]
process = "dipole_portal_nucleus"
mu_muB = 1e-10
m_N_MeV = 4.0
spin = "auto"
[[interaction]]
process = "dipole_portal_electron"
mu_muB = 1e-10
m_N_MeV = 1.0
electrons = "stepping"
""")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClosedChannelWarning)
        assert main(["run", str(card), "-q"]) == 0
    with uproot.open(out) as f:
        ev = f["events"].arrays(library="np")
    assert ev["event"].size == 2000
    assert set(np.unique(ev["process"])) == {4, 5}
    assert set(np.unique(ev["pdg_out"])) == {mcgen.constants.PDG_STERILE}
    mass2 = ev["E_out_MeV"] ** 2 - (ev["px_out_MeV"] ** 2 + ev["py_out_MeV"] ** 2
                                    + ev["pz_out_MeV"] ** 2)
    m_N = np.where(ev["process"] == 4, 4.0, 1.0)
    assert np.allclose(mass2, m_N**2, atol=1e-6)


@pytest.mark.parametrize("it,formula,window", [
    (DipolePortalNucleus(1e-9, 10.0), "Ge", [0.2, 3.0]),
    (DipolePortalElectron(1e-9, 1.0), "Xe", [1.0, 30.0]),
])
def test_continuous_spectrum_rate_quadrature_vs_sampler(it, formula, window):
    # solar 8B + hep: the channel opens inside the spectrum and Tmin(E) crosses the window;
    # the quadrature rate and the sampler's acceptance estimate of it must agree
    det = _det(formula, 5.0, threshold_keV=window[0], window=window)
    gen = mcgen.Generator(mcgen.SolarSource(["8B", "hep"]), det, it, seed=2)
    n = gen.expected_events
    assert n > 0
    gen.sample(300_000)
    acc = gen._accepted / gen._trials
    mc = gen.plan.envelope_total * acc
    err = mc * math.sqrt((1 - acc) / gen._accepted)
    assert abs(mc - n) < 4 * err + 1e-4 * n
