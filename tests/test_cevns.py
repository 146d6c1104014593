"""CEvNS ([Mustamin2024, Eqs. 8-10]) and Lindhard quenching (Eqs. 16-20) against independent
numbers: closed-form cross sections, form factors from scipy's spherical Bessel functions, published
quenching values, sampled recoil spectra, expected counts and a run card."""

from __future__ import annotations

import math

import numpy as np
import periodictable
import pytest
import uproot
from scipy import integrate, optimize, special, stats

import mcgen
from mcgen.cli import main
from mcgen.errors import ClosedChannelWarning
from mcgen.interactions import CEvNS
from mcgen.physics import cevns, quenching

# Independent constants (typed here, not imported from mcgen)
GF = 1.1663788e-11  # MeV^-2 (PDG)
HC = 197.3269804  # MeV fm
HC2_CM2 = (HC * 1e-13) ** 2  # MeV^2 cm^2
S2W = 0.23857
AMU = 931.49410242  # MeV (CODATA 2018)
ME = 0.51099895  # MeV
NA = 6.02214076e23


def _det(formula="Xe", threshold_keV=1.0, window=(1.0, 20.0), elements=None, exposure=1000.0):
    return mcgen.Detector("d", mcgen.Material(formula, 3.0), mcgen.Cylinder(100.0, 100.0),
                          threshold_keV=threshold_keV, window_keV=window,
                          exposure_kg_day=exposure, elements=elements)


def _line(E, pdg=14, flux=1.0e7, mass=0.0):
    return mcgen.MonoenergeticSource(energy_MeV=E, flux_cm2_s=flux, pdg=pdg, mass_MeV=mass,
                                     direction=mcgen.Direction.fixed([0.0, 0.0, -1.0]))


def _qw(Z, N, s2w=S2W):
    """Weak charge Q_W = N - (1 - 4 sin^2 theta_W) Z (the COHERENT convention)."""
    return N - (1 - 4 * s2w) * Z


def _helm_ref(q_fm, A):
    """Helm form factor with Lewin & Smith's constants, scipy's spherical j1 (q in fm^-1)."""
    c = 1.23 * A ** (1 / 3) - 0.60
    r1 = math.sqrt(c * c + 7 / 3 * math.pi**2 * 0.52**2 - 5 * 0.9**2)
    x = q_fm * r1
    return 3 * special.spherical_jn(1, x) / x * np.exp(-0.5 * (q_fm * 0.9) ** 2)


def _kn_ref(q_fm, A):
    """Klein-Nystrand form factor (R_A = 1.2 A^(1/3) fm, a_k = 0.7 fm), scipy's j1."""
    x = q_fm * 1.2 * A ** (1 / 3)
    return 3 * special.spherical_jn(1, x) / x / (1 + (q_fm * 0.7) ** 2)


# -- form factors -------------------------------------------------------------------------
@pytest.mark.parametrize("A", [23, 73, 127, 133])
def test_form_factors_against_scipy(A):
    q = np.concatenate([np.geomspace(1e-3, 0.09, 7), np.linspace(0.05, 3.0, 40)])  # fm^-1
    r1, s = cevns.helm_radii_fm(A)
    ra, ak = cevns.klein_nystrand_radii_fm(A)
    helm = np.array([cevns.helm_ff(x, r1, s) for x in q])
    kn = np.array([cevns.klein_nystrand_ff(x, ra, ak) for x in q])
    assert helm == pytest.approx(_helm_ref(q, A), rel=1e-9, abs=1e-14)
    assert kn == pytest.approx(_kn_ref(q, A), rel=1e-9, abs=1e-14)
    # F(0) = 1, continuous across the Taylor / closed-form switch at x = 0.1
    assert cevns.helm_ff(0.0, r1, s) == 1.0 and cevns.klein_nystrand_ff(0.0, ra, ak) == 1.0
    assert cevns.sphere_ff(0.1 - 1e-12) == pytest.approx(cevns.sphere_ff(0.1 + 1e-12), rel=1e-13)
    # first zero at q R = 4.4934 (tan x = x)
    for f, r in [(lambda x: cevns.helm_ff(x, r1, s), r1),
                 (lambda x: cevns.klein_nystrand_ff(x, ra, ak), ra)]:
        z = optimize.brentq(f, 3.0 / r, 5.5 / r, xtol=1e-14)
        assert z * r == pytest.approx(4.493409457909064, rel=1e-10)


def test_j2_zeros_and_the_form_factor_sup():
    """The zeros of j2 (the extrema of 3 j1(x)/x) against tabulated values (5.7634591969,
    9.0950113305, 12.3229409706; Abramowitz and Stegun, ch. 10, zeros of spherical Bessel
    functions) and scipy's root finder on scipy's j2 up to x = 400; and ff2_sup bounds a dense
    scan of F^2 over random q^2 intervals."""
    from mcgen.physics import nuclear_form_factors as nff

    z = nff._j2_zeros.__wrapped__(400.0)
    assert z[:3] == pytest.approx([5.7634591969, 9.0950113305, 12.3229409706], abs=1e-9)
    grid = np.arange(5.0, 400.25, 0.25)
    j2 = special.spherical_jn(2, grid)
    ref = [optimize.brentq(lambda x: special.spherical_jn(2, x), a, b, xtol=1e-14)
           for a, b, fa, fb in zip(grid[:-1], grid[1:], j2[:-1], j2[1:]) if fa * fb < 0]
    assert z == pytest.approx(ref, rel=1e-14, abs=1e-13)
    rng = np.random.default_rng(11)
    R, s = 15.0, 3.5  # [MeV^-1]
    for kind in (nff.FF_KLEIN_NYSTRAND, nff.FF_HELM):
        lo = np.sort(rng.uniform(0.0, 40.0, (2, 30)) ** 2 / R**2, axis=0)
        sup = nff.ff2_sup(kind, lo[0], lo[1], R, s)
        for k in range(30):
            scan = max(nff.ff2(kind, q2, R, s) for q2 in np.linspace(lo[0, k], lo[1, k], 4001))
            assert scan <= sup[k]


def test_form_factor_low_q_limit_is_the_rms_radius():
    # F = 1 - q^2 <r^2> / 6 + ...: Helm <r^2> = 3/5 R1^2 + 3 s^2; KN <r^2> = 3/5 R_A^2 + 6 a_k^2
    A, q = 131, 1e-3
    r1, s = cevns.helm_radii_fm(A)
    ra, ak = cevns.klein_nystrand_radii_fm(A)
    assert (1 - cevns.helm_ff(q, r1, s)) / q**2 == pytest.approx(
        (0.6 * r1**2 + 3 * s**2) / 6, rel=1e-5)
    assert (1 - cevns.klein_nystrand_ff(q, ra, ak)) / q**2 == pytest.approx(
        (0.6 * ra**2 + 6 * ak**2) / 6, rel=1e-5)
    # Lewin & Smith Helm radius of 131Xe, by hand: c = 1.23 * 131^(1/3) - 0.6 = 5.64694 fm,
    # R1 = sqrt(c^2 + 6.22843 - 4.05) = 5.8365 fm
    assert r1 == pytest.approx(5.8365, abs=1e-4) and s == 0.9


# -- cross section ------------------------------------------------------------------------
def _cs_channel(ff="none", **kw):
    """The 133Cs channel (CsI, Cs only: one isotope) for a 10 MeV nu_mu line."""
    it = CEvNS(form_factor=ff, **kw)
    (ch,) = it.channels(_line(10.0), _det("CsI", threshold_keV=1e-6, window=None,
                                          elements=["Cs"]))
    return ch


def test_total_cross_section_closed_form():
    ch = _cs_channel("none")
    # 133Cs nuclear mass from its atomic mass (AME 2016: 132.905451961 u)
    assert ch.target.mass == pytest.approx(132.905451961 * AMU - 55 * ME, rel=1e-9)
    M = ch.target.mass
    a = 1e-9  # MeV (the 1e-6 keV threshold)
    for E in [1.0, 10.0, 50.0, 300.0]:
        tmax = 2 * E * E / (M + 2 * E)
        assert ch.recoil_range(E)[1] == pytest.approx(tmax, rel=1e-10)
        # integral of (1 - T/E - M T/(2E^2)) from a to Tmax, analytic
        c = 1 / E + M / (2 * E * E)
        closed = GF**2 * M / (4 * math.pi) * _qw(55, 78) ** 2 * (
            (tmax - a) - c * (tmax**2 - a * a) / 2) * HC2_CM2
        assert ch.sigma_visible(E) / mcgen.constants.cm2 == pytest.approx(closed, rel=1e-9)
        # the bracket integrates to Tmax / 2 exactly: sigma = G_F^2 M Q_W^2 E^2 / (4 pi (M + 2E))
        assert closed == pytest.approx(GF**2 * _qw(55, 78) ** 2 * E * E / (4 * math.pi)
                                       * M / (M + 2 * E) * HC2_CM2, rel=1e-8)
    # Drukier & Stodolsky, PRD 30 (1984) 2295: sigma ~ 0.42e-44 N^2 (E/MeV)^2 cm^2 for
    # Q_W = N (sin^2 theta_W = 1/4) and E << M
    ch25 = _cs_channel("none", sin2_theta_w=0.25)
    assert ch25.sigma_visible(10.0) / mcgen.constants.cm2 == pytest.approx(
        0.42e-44 * 78**2 * 100, rel=0.01)
    # SM value for 10 MeV on 133Cs: 2.40e-39 cm^2 (Q_W = 75.49)
    assert ch.sigma_visible(10.0) / mcgen.constants.cm2 == pytest.approx(2.40e-39, rel=3e-3)


def test_differential_cross_section_limits_and_form_factor():
    E = 30.0
    ch_none, ch_helm, ch_kn = (_cs_channel(ff) for ff in ("none", "helm", "klein_nystrand"))
    M = ch_none.target.mass
    plateau = GF**2 * M * _qw(55, 78) ** 2 / (4 * math.pi) * HC2_CM2  # T -> 0
    assert ch_helm.dsigma_dT(E, 1e-10) / mcgen.constants.cm2 == pytest.approx(plateau, rel=1e-7)
    T = np.linspace(1e-4, 2 * E * E / (M + 2 * E), 25)[:-1]
    bracket = 1 - T / E - M * T / (2 * E * E)
    q = np.sqrt(2 * M * T) / HC  # fm^-1, q^2 = 2 M T
    for ch, F in [(ch_none, 1.0), (ch_helm, _helm_ref(q, 133)), (ch_kn, _kn_ref(q, 133))]:
        assert ch.dsigma_dT(E, T) / mcgen.constants.cm2 == pytest.approx(
            plateau * bracket * F**2, rel=1e-9)
    # zero (never NaN) beyond Tmax, at T <= 0 and at E <= 0
    tmax = ch_helm.recoil_range(E)[1]
    out = ch_helm.dsigma_dT(np.array([E, E, E, 0.0, -1.0]),
                            np.array([tmax * (1 + 1e-9), 0.0, -1e-3, 1e-3, 1e-3]))
    assert out.tolist() == [0.0] * 5
    # every neutrino flavour and antineutrino: the same cross section; others: no channel
    det = _det("CsI", elements=["Cs"])
    ref = ch_helm.dsigma_dT(E, T)
    for pdg in (12, -12, 14, -14, 16, -16):
        (ch,) = CEvNS().channels(_line(E, pdg), det)
        assert ch.pdg_out == pdg and ch.target.pdg == 1000551330
        assert np.array_equal(ch.dsigma_dT(E, T), ref)
    assert CEvNS().channels(_line(E, 11), det) == []
    assert CEvNS().channels(_line(E, 14, mass=1.0), det) == []
    assert CEvNS().channels(mcgen.AtmosphericDipoleSource(10.0), det) == []
    assert len(CEvNS().channels(_line(E), _det("Xe"))) == 9  # one per Xe isotope


@pytest.mark.parametrize("ff", ["helm", "klein_nystrand", "none"])
@pytest.mark.parametrize("formula", ["Xe", "NaI"])
def test_envelope_bounds_t_dsigma_for_every_energy(ff, formula):
    det = _det(formula, threshold_keV=0.1, window=None)
    edges = np.geomspace(1e-4, 50.0, 81)  # MeV: past several form-factor zeros
    for ch in CEvNS(form_factor=ff).channels(_line(10.0), det)[:3]:
        bound = ch.t_dsigma_bound(edges)
        for E in np.geomspace(1.0, 3000.0, 12):
            T = np.geomspace(edges[0], edges[-1], 8000)
            val = T * ch.dsigma_dT(E, T)
            k = np.clip(np.searchsorted(edges, T, side="right") - 1, 0, bound.size - 1)
            assert np.all(val <= bound[k])
        # tight at low q: within the bin's T ratio of the true supremum
        lo = ch.dsigma_dT(1e4, edges[1]) * edges[1]
        assert bound[0] == pytest.approx(lo, rel=0.2)


# -- sampling and rates -------------------------------------------------------------------
def test_sampled_spectrum_and_expected_count():
    E, flux, exposure = 30.0, 1.0e7, 1000.0
    det = _det("Xe", threshold_keV=1.0, window=(1.0, 20.0), exposure=exposure)
    gen = mcgen.Generator(_line(E, 14, flux), det, CEvNS(form_factor="helm"), seed=5)
    # expected count: exposure x sum_isotopes n/kg x flux x integral dsigma/dT, all by hand
    el = periodictable.elements.symbol("Xe")
    isos = [iso for iso in el if iso.abundance > 0]
    total_ab = sum(iso.abundance for iso in isos)
    expected = 0.0
    for iso in isos:
        M = iso.mass * AMU - 54 * ME
        tmax = 2 * E * E / (M + 2 * E)
        qw = _qw(54, iso.isotope - 54)

        def ds(T, M=M, qw=qw, A=iso.isotope):
            return (GF**2 * M * qw**2 / (4 * math.pi) * (1 - T / E - M * T / (2 * E * E))
                    * _helm_ref(math.sqrt(2 * M * T) / HC, A) ** 2 * HC2_CM2)

        sigma = integrate.quad(ds, 1e-3, min(tmax, 20e-3), epsabs=0, epsrel=1e-12)[0]
        per_kg = NA * 1000.0 / el.mass * iso.abundance / total_ab
        expected += exposure * 86400.0 * per_kg * flux * sigma
    assert expected == pytest.approx(56.50, rel=2e-3)  # recorded value, 30 MeV nu_mu on Xe
    assert gen.expected_events == pytest.approx(expected, rel=1e-8)
    # sampled T spectrum against the exact shape (sum over isotopes)
    ev = gen.sample(200_000)
    assert ev["weight"].sum() == pytest.approx(gen.expected_events, rel=1e-12)
    assert set(np.unique(ev["process"])) == {3} and set(np.unique(ev["pdg_in"])) == {14}
    T = ev["T_recoil_keV"] * 1e-3
    edges = np.linspace(1e-3, 15.2e-3, 21)
    counts = np.histogram(T, edges)[0]
    assert counts.sum() == T.size
    shape = np.zeros(edges.size - 1)
    for ch in gen.channels:
        tmax = ch.recoil_range(E)[1]
        for j, (a, b) in enumerate(zip(edges[:-1], edges[1:])):
            if a < tmax:
                shape[j] += ch.target.per_kg * integrate.quad(
                    lambda t, ch=ch: ch.dsigma_dT(E, t), a, min(b, tmax), epsrel=1e-10)[0]
    assert stats.chisquare(counts, shape * counts.sum() / shape.sum()).pvalue > 1e-4
    # isotope fractions follow the per-channel rates
    rates = gen.plan.rates
    n_by = np.array([(ev["target_pdg"] == ch.target.pdg).sum() for ch in gen.channels])
    keep = rates > 0.01 * rates.sum()
    obs = n_by[keep]
    assert stats.chisquare(obs, rates[keep] / rates[keep].sum() * obs.sum()).pvalue > 1e-4
    # kinematics: the recoil momentum and the outgoing neutrino balance the beam
    p3 = np.stack([ev[f"p{c}_out_MeV"] for c in "xyz"], 1)
    p4 = np.stack([ev[f"p{c}_recoil_MeV"] for c in "xyz"], 1)
    assert np.allclose(p3 + p4, [0.0, 0.0, -E], atol=1e-9)


def test_closed_channel_gives_zero_with_a_warning():
    # 10 MeV on Xe: Tmax(124Xe) = 1.73 keV < 5 keV threshold
    det = _det("Xe", threshold_keV=5.0, window=(5.0, 30.0))
    gen = mcgen.Generator(_line(10.0), det, CEvNS())
    with pytest.warns(ClosedChannelWarning, match="contributes? no events"):
        assert gen.expected_events == 0.0
    ch = gen.channels[0]
    assert ch.sigma_visible(10.0) == 0.0 and ch.dsigma_dT(10.0, 5e-3) == 0.0
    with pytest.raises(mcgen.ConfigError, match="no events possible"):
        gen.sample(10)
    # partly closed: Na open, I closed for a 10 MeV line and a 5 keV threshold
    gen = mcgen.Generator(_line(10.0), _det("NaI", threshold_keV=5.0, window=None), CEvNS())
    with pytest.warns(ClosedChannelWarning, match="I127 is closed"):
        rates = gen.expected_by_channel()
    assert rates["cevns:line 10 MeV:I127"] == 0.0 and rates["cevns:line 10 MeV:Na23"] > 0
    assert set(np.unique(gen.sample(1000)["target_pdg"])) == {1000110230}


# -- configuration ------------------------------------------------------------------------
def test_validation_and_describe():
    with pytest.raises(mcgen.ConfigError, match="interaction.form_factor = 'woods_saxon': "
                                                "allowed are \\['helm', 'klein_nystrand'"):
        CEvNS(form_factor="woods_saxon")
    for bad in (1.5, 0.0, "x", None, True):
        with pytest.raises(mcgen.ConfigError, match="interaction.sin2_theta_w = "):
            CEvNS(sin2_theta_w=bad)
    d = CEvNS(form_factor="klein_nystrand").describe()
    assert d["process"] == "cevns" and d["code"] == 3 and d["form_factor"] == "klein_nystrand"
    assert d["sin2_theta_w"] == S2W
    # Eq. (9): Q_SM = g_V^p Z + g_V^n N = -Q_W / 2
    assert cevns.weak_charge(55, 78, S2W) == pytest.approx(-_qw(55, 78) / 2, rel=1e-15)


CARD = """
[run]
seed = 3
[source]
kind = "monoenergetic"
energy_MeV = 30.0
flux_cm2_s = 1.0e7
pdg = 14
[detector]
name = "lxe"
threshold_keV = 1.0
window_keV = [1.0, 20.0]
exposure_kg_day = 1000.0
material = {{ formula = "Xe", density_g_cm3 = 2.862 }}
fiducial = {{ shape = "cylinder", radius_mm = 100.0, height_mm = 100.0 }}
[[interaction]]
process = "cevns"
form_factor = "{ff}"
"""


def test_run_card(tmp_path, capsys):
    card, out = tmp_path / "cevns.toml", tmp_path / "cevns.root"
    card.write_text(CARD.format(ff="klein_nystrand"))
    assert main(["run", str(card), "-n", "2000", "-o", str(out), "-q"]) == 0
    with uproot.open(out) as f:
        t = f["events"]
        assert t.num_entries == 2000
        b = t.arrays(["process", "T_recoil_keV", "weight"], library="np")
    assert set(np.unique(b["process"])) == {3}
    assert b["T_recoil_keV"].min() >= 1.0 and b["T_recoil_keV"].max() < 15.0
    assert b["weight"].sum() == pytest.approx(55.07, rel=1e-3)  # quadrature, KN
    card.write_text(CARD.format(ff="woods_saxon"))
    assert main(["run", str(card), "-o", str(tmp_path / "x.root"), "-q"]) == 2
    assert "interaction.form_factor = 'woods_saxon': allowed are" in capsys.readouterr().err


# -- quenching ----------------------------------------------------------------------------
def _lindhard_ref(T, Z, k):
    eps = 11.5 * T * Z ** (-7 / 3)
    g = 3 * eps**0.15 + 0.7 * eps**0.6 + eps
    return k * g / (1 + k * g)


@pytest.mark.parametrize("Z,A", [(32, 72.63), (54, 131.293), (14, 28.085), (11, 22.99)])
def test_lindhard_yield_formula(Z, A):
    T = np.geomspace(0.05, 200.0, 30)
    k0 = 0.133 * Z ** (2 / 3) / math.sqrt(A)
    assert quenching.lindhard_k(Z, A) == pytest.approx(k0, rel=1e-15)
    assert quenching.lindhard_yield(T, Z, A) == pytest.approx(_lindhard_ref(T, Z, k0),
                                                              rel=1e-13)
    assert quenching.lindhard_yield(T, Z, A, k=0.16) == pytest.approx(
        _lindhard_ref(T, Z, 0.16), rel=1e-13)
    y = quenching.lindhard_yield(T, Z, A)
    assert np.all(np.diff(y) > 0) and np.all((0 < y) & (y < 1))
    assert quenching.lindhard_yield(0.0, Z, A) == 0.0
    assert isinstance(quenching.lindhard_yield(1.0, Z, A), float)
    with pytest.raises(mcgen.ConfigError, match="quenching k = -0.1: must be a number > 0"):
        quenching.lindhard_yield(T, Z, A, k=-0.1)


def test_lindhard_published_values():
    # Lindhard's k for Ge: 0.157
    assert quenching.lindhard_k(32, 72.63) == pytest.approx(0.1573, abs=1e-4)
    # B. J. Scholz et al., PRD 94 (2016) 122003 (arXiv:1608.03588): k = 0.179 gives a Ge
    # quenching factor of 25.3 % at 8.5 keV_nr (their sub-keV values include an adiabatic
    # correction, so only the upper end is pure Lindhard)
    assert quenching.lindhard_yield(8.5, 32, 72.63, k=0.179) == pytest.approx(0.253, abs=5e-4)
    # A. Bonhomme et al. (CONUS), EPJC 82 (2022) 815: k = 0.162 +- 0.004; quenching factors
    # "between 0.16 and 0.23" for 0.4-6.3 keV_nr
    y = quenching.lindhard_yield(np.array([0.4, 6.3]), 32, 72.63, k=0.162)
    assert y == pytest.approx([0.16, 0.23], abs=6e-3)
    # [Mustamin2024, Eq. (18)]: Ge below 0.254 keV, T in eV in the formula
    assert quenching.germanium_low_energy_yield(0.015) == 0.0
    assert quenching.germanium_low_energy_yield(0.254) == pytest.approx(
        0.18 * (1 - math.exp(-239 / 71.03)), rel=1e-12)


def test_lindhard_inverse_and_jacobian():
    Z, A = 32, 72.63
    T = np.geomspace(1e-3, 1e3, 61)
    for k in (None, 0.16):
        Tee = quenching.electron_equivalent(T, Z, A, k)
        assert Tee == pytest.approx(_lindhard_ref(T, Z, quenching.lindhard_k(Z, A)
                                                  if k is None else k) * T, rel=1e-13)
        back = quenching.nuclear_recoil_energy(Tee, Z, A, k)
        assert back == pytest.approx(T, rel=1e-11)
    assert quenching.nuclear_recoil_energy(0.0, Z, A) == 0.0
    assert quenching.nuclear_recoil_energy(1.0, 54, 131.293) == pytest.approx(
        optimize.brentq(lambda t: _lindhard_ref(t, 54, quenching.lindhard_k(54, 131.293)) * t
                        - 1.0, 1.0, 100.0, xtol=1e-14), rel=1e-11)
    # Eq. (20): dT_ee/dT_nr against a central difference of T Y(T)
    h = T * 1e-6
    num = (quenching.electron_equivalent(T + h, Z, A) - quenching.electron_equivalent(T - h, Z, A)
           ) / (2 * h)
    assert quenching.dTee_dTnr(T, Z, A) == pytest.approx(num, rel=1e-7)
    # the transformed spectrum keeps the number of events: int dR/dT_ee dT_ee over the image
    # of [1, 10] keV_nr equals int dR/dT_nr over [1, 10] (toy dR/dT_nr = exp(-T/3))
    a, b = quenching.electron_equivalent(np.array([1.0, 10.0]), Z, A)

    def dr_dtee(tee):
        tnr = quenching.nuclear_recoil_energy(tee, Z, A)
        return math.exp(-tnr / 3) / quenching.dTee_dTnr(tnr, Z, A)

    assert integrate.quad(dr_dtee, a, b, epsrel=1e-10)[0] == pytest.approx(
        3 * (math.exp(-1 / 3) - math.exp(-10 / 3)), rel=1e-8)
