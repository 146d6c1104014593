"""Radiative upscattering nu A -> N A, N -> nu gamma / N' gamma ([Bolton2021]) through the event
sampler: decay lengths, decay points and inside flags against independent geometry, photon
rest-frame and lab distributions against the exact conditional shapes (probability integral
transforms), the marginal photon spectrum against a quadrature, four-momentum conservation in
the final state, branching fractions, and Dirac vs Majorana: the same production, a halved
lifetime, an isotropic vs a polarised photon. The decay physics itself (widths, polarisation,
rest-frame distribution) is checked against explicit Dirac spinors in test_decay_physics.py.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import uproot
from scipy import integrate, stats

import mcgen
from mcgen.cli import main
from mcgen.constants import PDG_STERILE, PDG_STERILE_PARTNER
from mcgen.errors import ConfigError
from mcgen.interactions import DipolePortalElectron, DipolePortalNucleus
from mcgen.physics.decay import production_polarization

ALPHA = 7.2973525693e-3  # CODATA 2018
ME = 0.51099895  # MeV, PDG
HBAR_MEV_S = 6.582119569e-22  # MeV s, CODATA 2018
C_MM_NS = 299.792458


def width_closed_form(kappa, m, m_f=0.0):
    """Dirac width [MeV] for a moment kappa mu_B: kappa^2 alpha (m^2 - m_f^2)^3 / (16 m_e^2 m^3)
    (= mu^2 (m^2 - m_f^2)^3 / (16 pi m^3) with mu = kappa e / (2 m_e), e^2 = 4 pi alpha)."""
    return kappa**2 * ALPHA * (m * m - m_f * m_f) ** 3 / (16 * ME * ME * m**3)


def _det(formula="He", density=0.125, shape=None, threshold_keV=1.0, window=None):
    return mcgen.Detector("d", mcgen.Material(formula, density),
                          shape or mcgen.Cylinder(200.0, 300.0), threshold_keV=threshold_keV,
                          window_keV=window, exposure_kg_day=100.0)


def _line(E, pdg=12):
    return mcgen.MonoenergeticSource(energy_MeV=E, flux_cm2_s=1e12, pdg=pdg)


def _sample(it, src, det, n, seed=3):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gen = mcgen.Generator(src, det, it, seed=seed)
        return gen, gen.sample(n)


def _n_momentum(ev):
    p = np.stack([ev["px_out_MeV"], ev["py_out_MeV"], ev["pz_out_MeV"]], 1)
    return ev["E_out_MeV"], p


def _s_parallel(ev, m, M_of, spin_half=frozenset()):
    """Longitudinal rest-frame polarisation of N per event (neutrino formula), from the event's
    kinematics (production_polarization is checked against explicit spinors elsewhere).
    spin_half: target_pdg of the spin-1/2 targets."""
    E_N, p = _n_momentum(ev)
    e = p / np.linalg.norm(p, axis=1)[:, None]
    out = np.empty(E_N.size)
    for i in range(E_N.size):
        tp = ev["target_pdg"][i]
        S = production_polarization(
            ev["E_in_MeV"][i], ev["dir_in_x"][i], ev["dir_in_y"][i], ev["dir_in_z"][i],
            M_of[tp], ev["T_recoil_keV"][i] * 1e-3, ev["px_recoil_MeV"][i],
            ev["py_recoil_MeV"][i], ev["pz_recoil_MeV"][i], m, tp in spin_half)
        out[i] = np.dot(S, e[i])
    return out


def _linear_cdf(c, b):
    """CDF of the density (1 + b c) / 2 on [-1, 1]."""
    return (c + 1) / 2 + b * (c * c - 1) / 4


# -- the interaction: widths, lifetimes, options ---------------------------------------------
def test_lifetime_sums_the_flavours_and_majorana_halves_it():
    it = DipolePortalNucleus(2e-7, 4.0, flavours=("e", "mu"))
    gamma = 2 * width_closed_form(2e-7, 4.0)
    assert it.width_MeV == pytest.approx(gamma, rel=1e-9)
    assert it.lifetime_s == pytest.approx(HBAR_MEV_S / gamma, rel=1e-8)
    maj = DipolePortalNucleus(2e-7, 4.0, flavours=("e", "mu"), nature="majorana")
    assert maj.lifetime_s == pytest.approx(it.lifetime_s / 2, rel=1e-12)
    partner = DipolePortalElectron(2e-7, 4.0, flavours="e", partner_mass_MeV=1.0,
                                   partner_moment_muB=1e-6)
    assert partner.width_MeV == pytest.approx(
        width_closed_form(2e-7, 4.0) + width_closed_form(1e-6, 4.0, 1.0), rel=1e-9)
    # decay on by default for m_N > 0 only
    assert DipolePortalNucleus(1e-9, 0.0).decay is False
    assert DipolePortalNucleus(1e-9, 0.0).lifetime_s == math.inf
    assert DipolePortalNucleus(1e-9, 1.0, decay=False).decay is False


@pytest.mark.parametrize("kw,field", [
    ({"nature": "dirak"}, "interaction.nature"),
    ({"decay": "yes"}, "interaction.decay"),
    ({"m_N_MeV": 0.0, "decay": True}, "interaction.decay"),
    ({"partner_mass_MeV": 2.0, "partner_moment_muB": 1e-6}, "interaction.partner_mass_MeV"),
    ({"partner_mass_MeV": 0.5}, "partner_moment_muB"),
    ({"partner_mass_MeV": 0.5, "partner_moment_muB": -1.0}, "partner_moment_muB = -1.0"),
])
def test_bad_decay_options(kw, field):
    args = {"mu_muB": 1e-9, "m_N_MeV": 2.0, **kw}
    with pytest.raises(ConfigError, match=field):
        DipolePortalNucleus(**args)


def test_production_is_the_same_for_dirac_and_majorana():
    """The upscattering rate does not depend on the nature of N ([Bolton2021, Sec. 2])."""
    det = _det()
    rates = [mcgen.Generator(_line(9.0), det, DipolePortalNucleus(1e-9, 2.0, nature=n)
                             ).expected_events for n in ("dirac", "majorana")]
    assert rates[0] > 0 and rates[0] == rates[1]
    stable = mcgen.Generator(_line(9.0), det, DipolePortalNucleus(1e-9, 2.0, decay=False))
    assert stable.expected_events == rates[0]
    assert "E_gamma_MeV" not in stable.branch_names()


# -- decay in flight ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [mcgen.Cylinder(200.0, 300.0), mcgen.Box(300.0, 100.0, 250.0),
                                   mcgen.Sphere(150.0)])
def test_decay_lengths_points_and_inside_flags(shape):
    kappa, m = 3e-6, 3.0  # c tau ~ 1 m: decays inside and outside
    it = DipolePortalNucleus(kappa, m, flavours="e")
    det = _det(shape=shape)
    gen, ev = _sample(it, _line(9.0), det, 20_000)
    ctau = HBAR_MEV_S / width_closed_form(kappa, m) * C_MM_NS * 1e9  # mm
    E_N, p = _n_momentum(ev)
    pn = np.linalg.norm(p, axis=1)
    lam = pn / m * ctau
    vtx = np.stack([ev["vtx_x_mm"], ev["vtx_y_mm"], ev["vtx_z_mm"]], 1)
    dec = np.stack([ev["decay_x_mm"], ev["decay_y_mm"], ev["decay_z_mm"]], 1)
    step = dec - vtx
    dist = np.linalg.norm(step, axis=1)
    # along the N direction, exponential with the lab decay length beta gamma c tau
    np.testing.assert_allclose(step, dist[:, None] * p / pn[:, None], atol=1e-6 * dist.max())
    assert stats.kstest(-np.expm1(-dist / lam), "uniform").pvalue > 1e-3
    np.testing.assert_allclose(ev["decay_dt_ns"], dist * E_N / (pn * C_MM_NS), rtol=1e-9)
    # inside flag = the fiducial shape's own containment test of the decay point
    inside = shape.contains(dec)
    assert 0.05 < inside.mean() < 0.95
    np.testing.assert_array_equal(ev["decay_inside"], inside)
    # p_inside = 1 - exp(-L_exit / lambda), L_exit by bisection on the containment test
    sel = np.arange(0, ev["event"].size, 97)
    e = p[sel] / pn[sel, None]
    lo, hi = np.zeros(sel.size), np.full(sel.size, 2000.0)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        ok = shape.contains(vtx[sel] + mid[:, None] * e)
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    np.testing.assert_allclose(ev["decay_p_inside"][sel], -np.expm1(-lo / lam[sel]),
                               rtol=1e-7, atol=1e-12)
    # the flag's mean is the mean probability (binomial error)
    n = inside.size
    p_mean = ev["decay_p_inside"].mean()
    assert abs(inside.mean() - p_mean) < 5 * math.sqrt(p_mean * (1 - p_mean) / n)


def test_photon_and_daughter_kinematics_and_branching():
    m, m_p = 4.0, 1.5
    it = DipolePortalElectron(3e-7, m, flavours=("e", "mu"), electrons="free",
                              partner_mass_MeV=m_p, partner_moment_muB=4e-7)
    det = _det("Ar", 1.4, threshold_keV=10.0)
    gen, ev = _sample(it, _line(20.0, pdg=-14), det, 20_000)
    assert set(np.unique(ev["pdg_out"])) == {-PDG_STERILE}
    pdg = ev["pdg_decay"]
    assert set(np.unique(pdg)) == {-12, -14, -PDG_STERILE_PARTNER}  # Dirac: antiparticles
    # branching to N' gamma = Gamma(N') / Gamma (closed forms), binomial test
    g_nu, g_p = width_closed_form(3e-7, m), width_closed_form(4e-7, m, m_p)
    br = g_p / (2 * g_nu + g_p)
    assert stats.binomtest(int(np.sum(pdg == -PDG_STERILE_PARTNER)), pdg.size, br).pvalue > 1e-3
    # photon massless, daughter mass 0 or m_N', rest-frame photon energy (m^2 - m_f^2) / 2m
    E_N, p = _n_momentum(ev)
    g = np.stack([ev["px_gamma_MeV"], ev["py_gamma_MeV"], ev["pz_gamma_MeV"]], 1)
    Eg = ev["E_gamma_MeV"]
    np.testing.assert_allclose(np.linalg.norm(g, axis=1), Eg, rtol=1e-9)
    m_f = np.where(np.abs(pdg) == PDG_STERILE_PARTNER, m_p, 0.0)
    d2 = (E_N - Eg) ** 2 - np.sum((p - g) ** 2, axis=1)
    np.testing.assert_allclose(d2, m_f**2, atol=1e-8 * E_N.max() ** 2)
    E_star = (E_N * Eg - np.sum(p * g, axis=1)) / m  # photon energy in the N rest frame
    np.testing.assert_allclose(E_star, (m * m - m_f**2) / (2 * m), rtol=1e-8)
    # cos_gamma_rest is the rest-frame angle: E_gamma = gamma E* (1 + beta cos)
    pn = np.linalg.norm(p, axis=1)
    np.testing.assert_allclose(Eg, E_star * (E_N + pn * ev["cos_gamma_rest"]) / m, rtol=1e-8)


def test_final_state_conserves_four_momentum_and_places_the_daughters(tmp_path):
    m = 3.0
    it = DipolePortalNucleus(3e-6, m, flavours="mu")
    det = _det("Ar", 1.4, threshold_keV=1.0)
    det_mass = {ch.target.pdg: ch.target.mass for ch in it.channels(_line(12.0, 14), det)}
    gen = mcgen.Generator(_line(12.0, pdg=14), det, it, seed=8)
    out = tmp_path / "rad.root"
    gen.run(3000, out, final_state=True)
    t = uproot.open(out)["events"].arrays()
    assert np.all(t["nfs"] == 3)
    assert np.all(t["fs_pdg"][:, 0] == 14) and np.all(t["fs_pdg"][:, 1] == 22)
    assert np.all(t["fs_vertex"][:, 0] == 1) and np.all(t["fs_vertex"][:, 1] == 1)
    assert np.all(t["fs_vertex"][:, 2] == 0)
    M = np.array([det_mass[k] for k in t["target_pdg"]])
    E_in = np.asarray(t["E_in_MeV"])
    for comp, initial in (("E_MeV", E_in + M), ("px_MeV", E_in * t["dir_in_x"]),
                          ("py_MeV", E_in * t["dir_in_y"]), ("pz_MeV", E_in * t["dir_in_z"])):
        total = np.asarray(np.sum(t["fs_" + comp], axis=1))
        np.testing.assert_allclose(total, initial, rtol=1e-12, atol=1e-9)
    assert t.fields.count("decay_inside") == 1 and t["decay_inside"].type.content.primitive \
        == "bool"


# -- photon distributions: Dirac vs Majorana -------------------------------------------------
@pytest.mark.parametrize("nature,pdg,proc", [("dirac", 12, "nucleus"), ("dirac", -12, "nucleus"),
                                             ("majorana", 12, "nucleus"),
                                             ("dirac", 14, "electron")])
def test_photon_rest_and_lab_distributions_are_exact(nature, pdg, proc):
    """Conditional on each event's N momentum and polarisation S (test_decay_physics checks
    S against explicit spinors), the rest-frame cosine c of the photon with the N direction has
    the density (1 + b c) / 2 with b = -S_par (Dirac, for N and Nbar alike: CP) or
    b = -+S_par for a nu / nubar daughter (Majorana); the probability integral transform
    F(c; b) must be uniform. The lab energy gives the same c through E = gamma E* (1 + beta c)."""
    m = 2.0
    if proc == "nucleus":
        it = DipolePortalNucleus(1e-6, m, nature=nature, flavours="e")
        det = _det("Ar", 1.4, threshold_keV=1.0)  # Ar36/38/40: spin 0
        M_of = {ch.target.pdg: ch.target.mass for ch in it.channels(_line(8.0, pdg), det)}
        spin_half = frozenset()
    else:
        it = DipolePortalElectron(1e-6, m, nature=nature, flavours="mu", electrons="free")
        det = _det("Ar", 1.4, threshold_keV=5.0)
        M_of, spin_half = {11: ME}, frozenset({11})
    gen, ev = _sample(it, _line(8.0, pdg), det, 8000)
    s_par = _s_parallel(ev, m, M_of, spin_half)
    assert np.all(np.abs(s_par) <= 1 + 1e-9)
    sign = np.sign(ev["pdg_in"]) * np.sign(ev["pdg_decay"])
    if nature == "dirac":
        assert np.all(sign == 1)
    else:
        assert 0.45 < np.mean(sign == 1) < 0.55
    b = -sign * s_par
    c = ev["cos_gamma_rest"]
    assert stats.kstest(_linear_cdf(c, b), "uniform").pvalue > 1e-3
    E_N, p = _n_momentum(ev)
    pn = np.linalg.norm(p, axis=1)
    E_star = m / 2
    c_lab = (ev["E_gamma_MeV"] * m / (E_star * E_N) - 1) * E_N / pn
    np.testing.assert_allclose(c_lab, c, atol=1e-7)
    # power: the opposite sign is rejected when N is strongly polarised
    if nature == "dirac" and np.mean(np.abs(s_par)) > 0.5:
        assert stats.kstest(_linear_cdf(c, -b), "uniform").pvalue < 1e-6
    if nature == "majorana":  # isotropic when the daughters are summed
        assert stats.kstest((c + 1) / 2, "uniform").pvalue > 1e-3


def test_marginal_photon_spectrum_against_quadrature():
    """The photon energy spectrum of a line source on argon (spin 0), against
    int dT dsigma/dT x the linear lab-energy density of a polarised decay, by quadrature; and
    the [Bolton2021] statement: the Dirac spectrum is pulled to low photon energies, the Majorana
    one symmetric about the middle of its range."""
    m, E = 2.0, 8.0
    det = _det("Ar", 1.4, threshold_keV=1.0)
    means = {}
    for nature in ("dirac", "majorana"):
        it = DipolePortalNucleus(1e-6, m, nature=nature, flavours="e")
        gen, ev = _sample(it, _line(E), det, 40_000, seed=11)
        Eg = ev["E_gamma_MeV"]
        edges = np.linspace(0.0, E, 33)
        counts = np.histogram(Eg, edges)[0]
        expected = np.zeros(edges.size - 1)
        for ch, rate in zip(gen.channels, gen.plan.rates):
            M = ch.target.mass
            T_lo, T_hi = ch.T_lo, min(ch.T_hi, ch.recoil_range(E)[1])
            x, w = np.polynomial.legendre.leggauss(200)
            lnT = 0.5 * (np.log(T_hi) - np.log(T_lo)) * x + 0.5 * (np.log(T_hi) + np.log(T_lo))
            T = np.exp(lnT)
            dens = ch.dsigma_dT(E, T) * T * w  # dT = T dlnT
            dens *= rate / dens.sum()
            for Ti, di in zip(T, dens):
                ct = mcgen.physics.kinematics.recoil_cos_theta(E, 0.0, m, M, Ti)
                P = math.sqrt(Ti * Ti + 2 * M * Ti)
                r = P * np.array([math.sqrt(1 - ct * ct), 0.0, ct])
                S = production_polarization(E, 0.0, 0.0, 1.0, M, Ti, *r, m, False)
                pN = np.array([0, 0, E]) - r
                EN = E - Ti
                b = -np.dot(S, pN / np.linalg.norm(pN)) if nature == "dirac" else 0.0
                gam, bg = EN / m, np.linalg.norm(pN) / m
                lo, hi = m / 2 * (gam - bg), m / 2 * (gam + bg)
                # density of c = (E_g / (gamma E*) - 1) / beta is (1 + b c) / 2
                c_edges = np.clip((edges / (m / 2) - gam) / bg, -1, 1)
                expected += di * np.diff(_linear_cdf(c_edges, b))
                assert lo < hi
        expected *= counts.sum() / expected.sum()
        keep = expected > 5
        assert stats.chisquare(counts[keep], expected[keep] * counts[keep].sum()
                               / expected[keep].sum()).pvalue > 1e-4
        means[nature] = (Eg.mean(), np.mean(ev["cos_gamma_rest"]))
        # no difference in the recoil: the same quadrature shape for both natures
        T_edges = np.geomspace(1e-3, ev["T_recoil_keV"].max() * 1e-3 * (1 + 1e-9), 16)
        t_counts = np.histogram(ev["T_recoil_keV"] * 1e-3, T_edges)[0]
        t_exp = np.zeros(T_edges.size - 1)
        for ch in gen.channels:
            t_exp += ch.target.per_kg * np.array([integrate.quad(
                lambda T, c=ch: float(c.dsigma_dT(E, T)), a, b_)[0]
                for a, b_ in zip(T_edges[:-1], T_edges[1:])])
        t_exp *= t_counts.sum() / t_exp.sum()
        assert stats.chisquare(t_counts, t_exp).pvalue > 1e-4
    assert means["dirac"][0] < 0.9 * means["majorana"][0]
    assert means["dirac"][1] < -0.2 and abs(means["majorana"][1]) < 0.03


def test_run_card_with_decay(tmp_path):
    card = tmp_path / "radiative.toml"
    out = tmp_path / "radiative.root"
    card.write_text(f"""
[run]
events = 2000
seed = 4
output = "{out.name}"

[source]
kind = "monoenergetic"
energy_MeV = 6.0
flux_cm2_s = 1e12
pdg = -12

[detector]
name = "ge_next_generation"

[[interaction]]
process = "dipole_portal_nucleus"
mu_muB = 1e-8
m_N_MeV = 1.5
nature = "majorana"
partner_mass_MeV = 0.0
partner_moment_muB = 1e-5
""")
    assert main(["run", str(card), "-o", str(out)]) == 0
    f = uproot.open(out)
    t = f["events"].arrays(["pdg_decay", "E_gamma_MeV", "decay_p_inside"])
    assert set(np.unique(np.abs(t["pdg_decay"]))) <= {12, 14, 16, PDG_STERILE_PARTNER}
    assert np.mean(np.abs(t["pdg_decay"]) == PDG_STERILE_PARTNER) > 0.99  # 1e-5 >> 1e-8
    import json
    meta = json.loads(str(f["metadata"]))
    inter = meta["interactions"][0] if "interactions" in meta else None
    assert inter is not None and inter["nature"] == "majorana" and inter["lifetime_s"] > 0
    card.write_text(card.read_text().replace('nature = "majorana"', 'nature = "both"'))
    assert main(["run", str(card), "-o", str(out)]) == 2


def test_rate_with_decay_matches_quadrature():
    """Decays do not change the production rate: the sampler's acceptance estimate of the
    expected count still equals the quadrature (rate of the line x integral of dsigma/dT)."""
    it = DipolePortalNucleus(1e-6, 2.0, flavours="e")
    det = _det("Ar", 1.4, threshold_keV=1.0)
    gen, _ = _sample(it, _line(8.0), det, 50_000)
    expected = 0.0
    for ch in gen.channels:
        T_hi = min(ch.T_hi, ch.recoil_range(8.0)[1])
        sigma = integrate.quad(lambda T, c=ch: float(c.dsigma_dT(8.0, T)), ch.T_lo, T_hi,
                               limit=200, epsrel=1e-10)[0]  # mm^2
        expected += ch.target.per_kg * mcgen.constants.kg * sigma / mcgen.constants.cm2
    expected *= 1e12 * 100 * 86400  # flux [/cm^2/s] x 100 kg day
    assert gen.expected_events == pytest.approx(expected, rel=1e-6)
    est, err = gen.acceptance_estimate()
    assert abs(est - expected) < 5 * err
