"""mcgen.analysis: expected spectra (quadrature) against sampled events, closed forms and an
independent Lindhard yield; histograms of files read in chunks; ROOT output; the commands."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
import uproot
from conftest import ROOT
from scipy import stats

import mcgen
from mcgen.analysis.histograms import histogram, read_root, write_root
from mcgen.analysis.spectra import (
    as_generator,
    background_spectrum,
    expected_counts,
    expected_spectrum,
)
from mcgen.cli import main
from mcgen.constants import G_FERMI, HBARC2, M_ELECTRON, MeV, cm, day, kg, s
from mcgen.errors import ClosedChannelWarning, ConfigError

QUENCHED_CARD = """
[run]
seed = 11
[source]
name = "sun"
[detector]
name = "ge_next_generation"
quenching = "lindhard"
lindhard_k = 0.16
threshold_keVee = 0.3
[[interaction]]
process = "cevns"
"""


def _quiet(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClosedChannelWarning)  # solar pp etc. below threshold
        gen = make()
        _ = gen.plan
    return gen


@pytest.fixture(scope="module")
def solar_ge_quenched(tmp_path_factory):
    path = tmp_path_factory.mktemp("cards") / "solar_ge_q.toml"
    path.write_text(QUENCHED_CARD)
    return _quiet(lambda: as_generator(path))


@pytest.fixture(scope="module")
def cr51():
    return _quiet(lambda: as_generator(ROOT / "macros" / "cr51_lxe.toml"))


@pytest.fixture(scope="module")
def rock():
    return _quiet(lambda: as_generator(ROOT / "macros" / "atmospheric_dipole_rock_xenon100.toml"))


@pytest.fixture(scope="module")
def solar_sample(solar_ge_quenched):
    return solar_ge_quenched.sample(30_000)


@pytest.fixture(scope="module")
def cr51_sample(cr51):
    return cr51.sample(30_000)


@pytest.fixture(scope="module")
def cr51_file(cr51, tmp_path_factory):
    path = tmp_path_factory.mktemp("runs") / "cr51.root"
    cr51.run(70_000, path, progress=False)  # three 32768-event blocks
    return path


def _pvalue(observed: np.ndarray, expected: np.ndarray) -> float:
    """Pearson chi-square p-value of multinomial counts; categories expecting < 5 are merged
    into the largest one."""
    small = expected < 5
    obs = np.append(observed[~small], 0.0)
    exp = np.append(expected[~small], 0.0)
    big = np.argmax(exp)
    obs[big] += observed[small].sum()
    exp[big] += expected[small].sum()
    obs, exp = obs[:-1], exp[:-1]
    chi2 = float(((obs - exp) ** 2 / exp).sum())
    return float(stats.chi2.sf(chi2, obs.size - 1))


def _sample_vs_spectrum(gen, ev, variable, edges, selection=None) -> float:
    """p-value of the events `ev` (gen.sample) in the bins (flows and, with a selection, the
    events it rejects as extra categories) against expected_spectrum."""
    n = ev["event"].size
    h = expected_spectrum(gen, variable, edges)
    branch = h.axes[0].name
    mc = histogram(ev, branch, edges, weight=None, selection=selection)
    observed = mc.values(flow=True)
    p = h.values(flow=True) / gen.expected_events
    observed, p = np.append(observed, n - observed.sum()), np.append(p, 1.0 - p.sum())
    assert p.min() >= -1e-12
    return _pvalue(observed, n * np.clip(p, 0.0, None))


# -- (a) sampled events agree with the quadrature spectra ----------------------------------------
def test_quenched_solar_cevns_visible_spectrum_matches_sample(solar_ge_quenched, solar_sample):
    gen, ev = solar_ge_quenched, solar_sample
    assert _sample_vs_spectrum(gen, ev, "E_vis", np.linspace(0.3, 1.5, 25)) > 1e-3  # keVee
    assert _sample_vs_spectrum(gen, ev, "T", np.linspace(1.0, 6.0, 21)) > 1e-3


def test_cr51_observed_and_recoil_spectra_match_sample(cr51, cr51_sample):
    # observed energy after [Coloma2014]'s sigma = 0.20 sqrt(T), window 2-140 keV
    edges = np.linspace(2.0, 140.0, 24)
    assert _sample_vs_spectrum(cr51, cr51_sample, "E_obs", edges, selection="accepted") > 1e-3
    assert _sample_vs_spectrum(cr51, cr51_sample, "T", np.linspace(1.0, 155.0, 15)) > 1e-3


# -- (b) the spectrum's integral is the rate quadrature -------------------------------------------
@pytest.mark.parametrize("name", ["solar_ge_quenched", "cr51", "rock"])
def test_spectrum_integral_is_expected_events(name, request):
    gen = request.getfixturevalue(name)  # quenched, near with oscillation, through rock
    for variable in ("T", "E_vis") if name != "rock" else ("T",):
        h = expected_spectrum(gen, variable, bins=17)  # the channels' whole range
        assert h.sum().value == pytest.approx(gen.expected_events, rel=1e-3)
        assert np.all(h.variances(flow=True) == 0)
    by = expected_spectrum(gen, "T", bins=7, by="channel")
    rates = gen.expected_by_channel()
    for i, label in enumerate(by.axes[0]):
        assert by[i, ...].sum(flow=True).value == pytest.approx(rates[label], rel=1e-3,
                                                                abs=1e-12)
    if name == "rock":
        return  # (slow tables) the rest is the same code as for the others
    # a part of the range: the flow bins hold the rest
    lo, hi = h.axes[0].edges[3], h.axes[0].edges[9]
    part = expected_spectrum(gen, "T", np.linspace(lo, hi, 5))
    assert part.sum(flow=True).value == pytest.approx(gen.expected_events, rel=1e-3)
    assert part.sum().value < gen.expected_events


def test_cr51_background_is_the_papers_count(cr51):
    # [Coloma2014, Sec. 2]: 3,450 background events in 2-140 keV in the 100-day run (the
    # detector's flat rate; exposure: fiducial mass x the deployment's 100 days)
    bkg = background_spectrum(cr51, np.linspace(2.0, 140.0, 7))
    assert bkg.sum().value == pytest.approx(3450.0, rel=1e-3)
    assert bkg.axes[0].name == "E_obs_keV"


def test_free_electron_spectrum_against_closed_form():
    # SM nu_e e scattering on free electrons, a 1 MeV line: the bins integrate 't Hooft's
    # dsigma/dT = (2 G_F^2 m_e / pi)[g_L^2 + g_R^2 (1 - T/E)^2 - g_L g_R m_e T / E^2]
    # (P. Vogel, J. Engel, PRD 39 (1989) 3378, Eq. 1) in closed form.
    E, flux, s2w = 1.0, 1e10, 0.23857
    det = mcgen.Detector("xe", mcgen.Material("Xe", 2.862), mcgen.Point(), threshold_keV=5.0,
                         window_keV=[5.0, 600.0], exposure_kg_day=1000.0)
    src = mcgen.MonoenergeticSource(E, flux)
    gen = mcgen.Generator(src, det, mcgen.NuElectronElastic(electrons="free",
                                                            sin2_theta_w=s2w))
    edges = np.array([5.0, 50.0, 200.0, 400.0, 600.0])
    got = expected_counts(gen, "T", edges)
    gl, gr, me = -0.5 + s2w + 1.0, s2w, M_ELECTRON / MeV
    T_max = 2 * E * E / (me + 2 * E)

    def primitive(T):  # integral of the bracket dT, T in MeV
        return gl**2 * T - gr**2 * E * (1 - T / E) ** 3 / 3 - gl * gr * me * T**2 / (2 * E**2)

    T = np.minimum(edges / 1e3, T_max)
    pref = 2 * (G_FERMI * MeV**2) ** 2 * me / np.pi * HBARC2 / (MeV**2)  # mm^2 / MeV^2 x MeV
    sigma_mm2 = pref * np.diff(primitive(T)) * MeV  # integral over T in MeV -> mm^2
    n_e = gen.channels[0].target.per_kg * kg  # electrons per kg
    want = flux / (cm**2 * s) * sigma_mm2 * n_e * 1000.0 * day
    np.testing.assert_allclose(got, want, rtol=1e-6)


# -- (c) dR/dE_vis is dR/dT over the Jacobian of the Lindhard yield -------------------------------
def _ee(T_keV, Z, A, k):
    # T_ee = Y(T) T with [Mustamin2024, Eqs. (16)-(17)], written out independently
    eps = 11.5 * T_keV * Z ** (-7 / 3)
    g = 3 * eps**0.15 + 0.7 * eps**0.6 + eps
    return k * g / (1 + k * g) * T_keV


def test_visible_spectrum_is_recoil_spectrum_over_jacobian():
    # one isotope (Ge74) so that dR/dE_vis = dR/dT / (dE_vis/dT) [Mustamin2024, Eq. (20)]
    src = mcgen.MonoenergeticSource(30.0, 1e8)
    det = mcgen.Detector("ge", mcgen.Material("Ge74", 5.323), mcgen.Point(), threshold_keV=0.5,
                         exposure_kg_day=100.0, quenching="lindhard", lindhard_k=0.16)
    gen = mcgen.Generator(src, det, mcgen.CEvNS())
    Z, A, k = 32, 74, 0.16
    for T0 in (1.0, 4.0, 12.0):
        dT = 1e-3 * T0
        rate_T = expected_counts(gen, "T", [T0 - dT, T0 + dT])[0] / (2 * dT)
        jac = (_ee(T0 + 1e-5, Z, A, k) - _ee(T0 - 1e-5, Z, A, k)) / 2e-5
        E0 = _ee(T0, Z, A, k)
        dE = 1e-3 * E0
        rate_E = expected_counts(gen, "E_vis", [E0 - dE, E0 + dE])[0] / (2 * dE)
        assert rate_E == pytest.approx(rate_T / jac, rel=1e-4)


# -- (d) ROOT output ------------------------------------------------------------------------------
def test_th1d_round_trip(cr51, cr51_file, tmp_path):
    spec = expected_spectrum(cr51, "E_obs", bins=12, range_keV=(2.0, 140.0))
    ev = histogram(cr51_file, "E_obs_keV", 12, (2.0, 140.0), selection="accepted")
    two = histogram(cr51_file, ["T_recoil_keV", "baseline_mm"], (6, 4))
    by = expected_spectrum(cr51, "T", bins=5, by="component")
    write_root(cr51_file, {"spec": spec, "h_obs": ev, "h2": two, "by": by})  # next to events
    out = tmp_path / "new.root"
    write_root(out, {"spec": spec})
    with uproot.open(cr51_file) as f:
        assert f["events"].num_entries == 70_000
        for key, h in {"spec": spec, "h_obs": ev, "h2": two}.items():
            assert f[key].classname == ("TH2D" if key == "h2" else "TH1D")
            np.testing.assert_allclose(f[key].values(flow=True), h.values(flow=True),
                                       rtol=1e-15)
            np.testing.assert_allclose(f[key].variances(flow=True), h.variances(flow=True),
                                       rtol=1e-15)
            np.testing.assert_allclose(f[key].axis(0).edges(), h.axes[0].edges, rtol=1e-14)
        assert f["spec"].axis().member("fTitle") == "E_obs [keV]"
        label = str(by.axes[0][1])
        key = "by_by_component/" + "".join(c if c.isalnum() or c in "_-+." else "_"
                                           for c in label)
        np.testing.assert_allclose(f[key].values(flow=True), by[1, ...].values(flow=True))
    write_root(cr51_file, {"spec": spec * 2})  # replaced, not a second cycle
    with uproot.open(cr51_file) as f:
        assert [k for k in f.keys() if k.startswith("spec;")] == ["spec;1"]
    np.testing.assert_allclose(read_root(cr51_file, "spec").values(), 2 * spec.values())
    np.testing.assert_allclose(read_root(out, "spec").values(), spec.values())


def test_th1d_read_by_pyroot(cr51, cr51_sample, tmp_path):
    ROOTlib = pytest.importorskip("ROOT")  # pip install root (the `root` extra)
    spec = expected_spectrum(cr51, "T", bins=8)
    ev = histogram(cr51_sample, "T_recoil_keV", spec.axes[0].edges)
    two = histogram(cr51_sample, ["T_recoil_keV", "baseline_mm"], (4, 3))
    path = tmp_path / "h.root"
    write_root(path, {"spec": spec, "ev": ev, "two": two})
    f = ROOTlib.TFile.Open(str(path))
    for key, h in {"spec": spec, "ev": ev}.items():
        th = f.Get(key)
        assert th.ClassName() == "TH1D" and th.GetNbinsX() == 8
        assert th.GetXaxis().GetTitle() == "T_recoil [keV]"
        assert th.GetXaxis().GetBinLowEdge(1) == pytest.approx(spec.axes[0].edges[0], rel=1e-15)
        for i, (v, var) in enumerate(zip(h.values(), h.variances()), start=1):
            assert th.GetBinContent(i) == pytest.approx(v, rel=1e-12)
            assert th.GetBinError(i) ** 2 == pytest.approx(var, rel=1e-12, abs=0)
    th2 = f.Get("two")
    assert th2.ClassName() == "TH2D"
    for i in range(4):
        for j in range(3):
            assert th2.GetBinContent(i + 1, j + 1) == pytest.approx(two.values()[i, j], rel=1e-12)
    assert th2.Integral() == pytest.approx(two.values().sum(), rel=1e-12)
    f.Close()


# -- (e) chunked reading ------------------------------------------------------------------------
def test_chunked_histogram_equals_numpy(cr51_file):
    with uproot.open(cr51_file) as f:
        ev = f["events"].arrays(["T_recoil_keV", "baseline_mm", "weight", "accepted",
                                 "E_obs_keV"], library="np")
    edges = np.linspace(0.0, 160.0, 33)
    h = histogram(cr51_file, "T_recoil_keV", edges, step_size=5000)
    want, _ = np.histogram(ev["T_recoil_keV"], edges, weights=ev["weight"])
    want2, _ = np.histogram(ev["T_recoil_keV"], edges, weights=ev["weight"] ** 2)
    np.testing.assert_allclose(h.values(), want, rtol=1e-12)
    np.testing.assert_allclose(h.variances(), want2, rtol=1e-9)  # sums in another order
    cut = histogram(cr51_file, "E_obs_keV", 10, (2.0, 140.0), weight="none", step_size=7000,
                    selection="accepted & (E_obs_keV > 50)")
    sel = ev["accepted"] & (ev["E_obs_keV"] > 50)
    np.testing.assert_array_equal(cut.values(), np.histogram(ev["E_obs_keV"][sel], 10,
                                                             (2.0, 140.0))[0])
    two = histogram(cr51_file, ["T_recoil_keV", "baseline_mm"], (8, 5),
                    ((0.0, 160.0), (900.0, 2600.0)), step_size=9000)
    want2d, _, _ = np.histogram2d(ev["T_recoil_keV"], ev["baseline_mm"], (8, 5),
                                  ((0.0, 160.0), (900.0, 2600.0)), weights=ev["weight"])
    np.testing.assert_allclose(two.values(), want2d, rtol=1e-12)
    auto = histogram(cr51_file, "baseline_mm", 20, step_size=5000)  # range from the data
    assert auto.sum().value == pytest.approx(ev["weight"].sum(), rel=1e-12)


def test_bad_histogram_inputs(cr51_file, tmp_path):
    with pytest.raises(ConfigError, match="'E_nope': not in .*branches are"):
        histogram(cr51_file, "E_nope")
    with pytest.raises(ConfigError, match="not found"):
        histogram(tmp_path / "missing.root", "T_recoil_keV")
    with pytest.raises(ConfigError, match=r"bins \(T_recoil_keV\) = 0"):
        histogram(cr51_file, "T_recoil_keV", 0)
    with pytest.raises(ConfigError, match=r"\[3.0, 2.0\]"):
        histogram(cr51_file, "T_recoil_keV", [3.0, 2.0])
    with pytest.raises(ConfigError, match="variable = 'E'"):
        expected_spectrum(ROOT / "macros" / "cr51_lxe.toml", "E")


# -- (f) commands ---------------------------------------------------------------------------------
def test_commands(cr51_file, tmp_path, capsys):
    out, png = tmp_path / "spec.root", tmp_path / "spec.png"
    r = subprocess.run([sys.executable, "-m", "mcgen.cli", "spectrum", "cr51_lxe", "--variable",
                        "E_obs", "--bins", "10", "--range", "2", "140", "-o", str(out),
                        "--plot", str(png)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "expected events" in r.stdout and "[         2,       15.8)" in r.stdout
    with uproot.open(out) as f:
        accepted = f["spectrum_E_obs"].values().sum()
    assert f"in the bins       : {accepted:.6g}" in r.stdout
    assert png.stat().st_size > 1000
    assert main(["hist", str(cr51_file), "T_recoil_keV", "--bins", "5", "--weight",
                 "none"]) == 0
    assert "entries           : 70000" in capsys.readouterr().out
    bad = {("hist", str(cr51_file), "E_nope"): "branch 'E_nope': not in",
           ("hist", str(cr51_file), "T_recoil_keV", "--bins", "x"): "--bins = 'x'",
           ("hist", str(tmp_path / "none.root"), "T_recoil_keV"): "not found",
           ("spectrum", "cr51_lxe", "--variable", "X"): "--variable = 'X': allowed are",
           ("spectrum", "cr51_lxe", "--edges", "5", "3"): "edges_keV = [5.0, 3.0]"}
    for argv, message in bad.items():
        assert main(list(argv)) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("mcgen: error: ") and message in err[0]
