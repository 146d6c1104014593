"""mcgen.analysis.reweight: reweighted samples against regenerated ones (statistical tests),
exact identities, closed-form weight ratios, and the refusal of kinematic parameters."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

import mcgen
from mcgen.analysis.reweight import reweight
from mcgen.catalog import make_detector, make_source
from mcgen.errors import ConfigError

N = 60_000


def cr51_generator(mu=0.0, oscillation=None, seed=1):
    spec = {"name": "cr51"}
    if oscillation:
        spec["oscillation"] = oscillation
    det = make_detector({"name": "lxe_cr51", "threshold_keV": 1.0, "window_keV": [1.0, 700.0]})
    return mcgen.Generator(make_source(spec), det, mcgen.NuElectronElastic(mu), seed=seed)


@pytest.fixture(scope="module")
def sm_run():
    gen = cr51_generator(0.0, seed=11)
    return gen.sample(N), gen.metadata(N)


def compare(x_rw, w_rw, x_new, w_new, bins):
    """chi^2 p-value of two weighted histograms (variances sum w^2) and the pull of the sums."""
    h1, _ = np.histogram(x_rw, bins, weights=w_rw)
    v1, _ = np.histogram(x_rw, bins, weights=w_rw**2)
    h2, _ = np.histogram(x_new, bins, weights=w_new)
    v2, _ = np.histogram(x_new, bins, weights=w_new**2)
    ok = (v1 + v2) > 0
    chi2 = float(np.sum((h1 - h2)[ok] ** 2 / (v1 + v2)[ok]))
    return sps.chi2.sf(chi2, int(ok.sum()))


def sum_pull(w, expected):
    """(sum w - expected) / its standard error, sqrt(sum (w - mean)^2)."""
    return (w.sum() - expected) / np.sqrt(np.sum((w - w.mean()) ** 2))


def test_same_parameters_give_the_same_weights(sm_run):
    ev, md = sm_run
    for kw in ({"mu_muB": 0.0}, {"sin2_theta_w": md["interactions"][0]["sin2_theta_w"]},
               {"sin2_2theta": 0.0, "dm2_eV2": 1.0}, {"flux_scale": 1.0}, {}):
        np.testing.assert_array_equal(reweight(ev, md, **kw), ev["weight"])


def test_magnetic_moment_reweighting_matches_a_new_run(sm_run):
    # SM and magnetic terms add ([Coloma2014, Eq. 2.1]): the weight ratio varies per event
    ev, md = sm_run
    mu = 2e-11
    w = reweight(ev, md, mu_muB=mu)
    new = cr51_generator(mu, seed=12)
    assert abs(sum_pull(w, new.expected_events)) < 4
    ev2 = new.sample(N)
    bins = np.geomspace(1.0, 700.0, 30)
    assert compare(ev["T_recoil_keV"], w, ev2["T_recoil_keV"], ev2["weight"], bins) > 1e-3
    # and back: from the mu run to the SM
    back = reweight(ev2, new.metadata(N), mu_muB=0.0)
    assert abs(sum_pull(back, cr51_generator(0.0).expected_events)) < 4


def test_oscillation_reweighting_matches_a_new_run(sm_run):
    ev, md = sm_run
    osc = {"sin2_2theta": 0.3, "dm2_eV2": 1.0}
    w = reweight(ev, md, **osc)
    new = cr51_generator(0.0, osc, seed=13)
    assert abs(sum_pull(w, new.expected_events)) < 4
    ev2 = new.sample(N)
    bins = np.linspace(930.0, 2500.0, 40)  # baseline [mm]: the oscillation pattern
    assert compare(ev["baseline_mm"], w, ev2["baseline_mm"], ev2["weight"], bins) > 1e-3
    # from one oscillation to another equals from none to that one, event by event
    md2 = new.metadata(N)
    w_a = reweight(ev2, md2, sin2_2theta=0.1, dm2_eV2=2.0)
    p = lambda s, d: 1 - s * np.sin(1.26693 * d * ev2["baseline_mm"] / 1e3  # noqa: E731
                                    / ev2["E_in_MeV"]) ** 2
    np.testing.assert_allclose(w_a, ev2["weight"] * p(0.1, 2.0) / p(0.3, 1.0), rtol=1e-4)


def test_flux_scale_per_component(sm_run):
    ev, md = sm_run
    label = md["components"][0]
    w = reweight(ev, md, flux_scale={label: 2.0})
    first = ev["component"] == 0
    np.testing.assert_allclose(w[first], 2 * ev["weight"][first])
    np.testing.assert_allclose(w[~first], ev["weight"][~first])


def test_cevns_weak_mixing_ratio_is_the_weak_charge_squared():
    # CEvNS dsigma/dT is proportional to Q^2, Q = (1 - 4 s^2) Z / 2 - N / 2 ([Mustamin2024,
    # Eq. 9]): the weight ratio of every event is (Q_new / Q_old)^2 for its isotope.
    det = mcgen.Detector("ge", mcgen.Material("Ge", 5.323), mcgen.Cylinder(30.0, 60.0),
                         threshold_keV=0.5, exposure_kg_day=1.0)
    gen = mcgen.Generator(mcgen.ReactorSource(total_flux_cm2_s=1e13), det,
                          mcgen.interactions.CEvNS(), seed=3)
    ev, md = gen.sample(3000), gen.metadata(3000)
    s_old, s_new = md["interactions"][0]["sin2_theta_w"], 0.25
    Z = 32
    N_ = ev["target_pdg"] // 10 % 1000 - Z

    def Q(s2):
        return (1 - 4 * s2) * Z / 2 - N_ / 2

    np.testing.assert_allclose(reweight(ev, md, sin2_theta_w=s_new),
                               ev["weight"] * (Q(s_new) / Q(s_old)) ** 2, rtol=1e-12)


def test_kinematic_parameters_are_refused(sm_run):
    ev, md = sm_run
    with pytest.raises(ConfigError, match="kinematics.*new run"):
        reweight(ev, md, m_N_MeV=1.0)
    with pytest.raises(ConfigError, match="not a reweightable"):
        reweight(ev, md, colour=3)
    with pytest.raises(ConfigError, match="no interaction"):
        reweight(ev, md, form_factor="helm")


@pytest.mark.filterwarnings("ignore::mcgen.errors.ClosedChannelWarning")
def test_resolution_and_efficiency_reweighting():
    # the sharp end of the 750 keV line's recoil spectrum (Tmax = 561 keV) smeared with
    # sigma = a sqrt(T): the reweighted accepted histogram of the drawn E_obs must agree with
    # the exact expectation of the new response for the same events
    # (ObservedResponse.expected_counts integrates the Gaussian and the efficiency exactly)
    from mcgen.detectors.response import GaussianResolution, ObservedResponse, TabulatedEfficiency

    det = make_detector({"name": "lxe_cr51", "threshold_keV": 450.0, "window_keV": [450.0, 700.0],
                         "response": {"resolution": {"model": "gaussian", "a_sqrt_keV": 0.2},
                                      "window_obs_keV": [500.0, 620.0]}})
    gen = mcgen.Generator(make_source({"name": "cr51"}), det,
                          mcgen.NuElectronElastic(0.0, electrons="free"), seed=4)
    ev, md = gen.sample(40_000), gen.metadata(40_000)
    edges = np.linspace(530.0, 575.0, 31)
    acc = ev["accepted"]
    table = ([500.0, 560.0, 620.0], [0.2, 0.9, 0.5])
    cases = [({"resolution": {"model": "gaussian", "a_sqrt_keV": 0.27}},
              ObservedResponse(GaussianResolution(a_sqrt_keV=0.27),
                               window_obs_keV=[500.0, 620.0])),
             ({"efficiency": {"model": "table", "E_keV": table[0], "eff": table[1]}},
              ObservedResponse(GaussianResolution(a_sqrt_keV=0.20), TabulatedEfficiency(*table),
                               window_obs_keV=[500.0, 620.0]))]
    for kw, resp in cases:
        exact = resp.expected_counts(ev["E_vis_keVee"], ev["weight"], edges)
        pvals = []
        for w in (ev["weight"], reweight(ev, md, **kw)):
            h = np.histogram(ev["E_obs_keV"][acc], edges, weights=w[acc])[0]
            v = np.histogram(ev["E_obs_keV"][acc], edges, weights=w[acc] ** 2)[0]
            ok = v > 0
            pvals.append(sps.chi2.sf(np.sum((h - exact)[ok] ** 2 / v[ok]), int(ok.sum())))
        assert pvals[0] < 1e-6 < 1e-3 < pvals[1]  # the test sees the change; reweighting fixes it
    # the run's own response gives the weights back
    same = reweight(ev, md, resolution={"a_sqrt_keV": 0.20})
    np.testing.assert_allclose(same, ev["weight"], rtol=1e-12)


def test_cevns_form_factor_ratios_are_helm_squared():
    # Helm form factor written out independently (R. H. Helm 1956; constants of Lewin & Smith,
    # Astropart. Phys. 6 (1996) 87): F = 3 j1(q R1)/(q R1) exp(-q^2 s^2 / 2), q^2 = 2 M T
    import periodictable

    # 50 MeV neutrinos on xenon: recoils up to 40 keV, F^2 down to ~0.1
    det = mcgen.Detector("xe", mcgen.Material("Xe", 2.862), mcgen.Cylinder(30.0, 60.0),
                         threshold_keV=1.0, exposure_kg_day=1.0)
    src = mcgen.MonoenergeticSource(energy_MeV=50.0, flux_cm2_s=1e7)
    gen = mcgen.Generator(src, det, mcgen.interactions.CEvNS(form_factor="helm"), seed=5)
    ev, md = gen.sample(2000), gen.metadata(2000)
    A = ev["target_pdg"] // 10 % 1000
    M = np.array([periodictable.Xe[int(a)].mass for a in A]) * 931.49410242 - 54 * 0.51099895
    q = np.sqrt(2 * M * ev["T_recoil_keV"] * 1e-3) / 197.3269804  # fm^-1

    def helm2(scale):
        c = 1.23 * A ** (1 / 3) - 0.60
        R1 = scale * np.sqrt(c**2 + 7 / 3 * np.pi**2 * 0.52**2 - 5 * 0.9**2)
        x = q * R1
        return (3 * (np.sin(x) - x * np.cos(x)) / x**3 * np.exp(-0.5 * (q * 0.9) ** 2)) ** 2

    np.testing.assert_allclose(reweight(ev, md, form_factor="none"),
                               ev["weight"] / helm2(1.0), rtol=1e-6)
    np.testing.assert_allclose(reweight(ev, md, form_factor_radius_scale=1.1),
                               ev["weight"] * helm2(1.1) / helm2(1.0), rtol=1e-6)
