"""Sampled distributions against the exact formula (independent reference integrals),
weights against the expected count, kinematics, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest
import reference_paper000 as R
from scipy import stats

import mcgen
from mcgen.errors import EnvelopeError
from mcgen.streams import BLOCK_EVENTS

P_MIN = 1e-4  # fixed seeds: a wrong shape gives p ~ 0 with 1e6 events


def _na_ref(T_lo, T_hi, E_lo=10.0, E_hi=1000.0):
    na = [t for t in R.nuclear_targets({"Na": 1, "I": 1}, 149.89423928) if t["symbol"] == "Na"]
    return R.expected_events(R.atmospheric_dipole_flux, na, 1000.0, 10.0, 1e-5, T_lo, T_hi,
                             E_lo, E_hi)


def _chi2_p(counts, expected):
    expected = expected * counts.sum() / expected.sum()
    return stats.chisquare(counts, expected).pvalue


def test_expected_count_matches_independent_integral(sodium_generator, xenon_generator):
    # sodium: 1000 kg d, T in [6.7, 60] keV; xenon: 1 t yr, [6, 30] keV ([Bueno2013, Fig. 4])
    assert sodium_generator.expected_events == pytest.approx(_na_ref(6.7e-3, 60e-3), rel=1e-4)
    xe = R.nuclear_targets({"Xe": 1}, R._element_molar_mass("Xe"))
    ref = R.expected_events(R.atmospheric_dipole_flux, xe, 365250.0, 10.0, 1e-5, 6e-3, 30e-3,
                            10.0, 1000.0)
    assert xenon_generator.expected_events == pytest.approx(ref, rel=1e-4)


def test_sum_of_weights_is_expected_count(sodium_generator, sodium_events):
    assert sodium_events["weight"].sum() == pytest.approx(_na_ref(6.7e-3, 60e-3), rel=1e-9 + 1e-4)
    assert np.all(sodium_events["weight"] == sodium_events["weight"][0])


def test_recoil_spectrum_chi2(sodium_events):
    edges = np.geomspace(6.7e-3, 45e-3, 13)  # MeV
    counts = np.histogram(sodium_events["T_recoil_keV"] * 1e-3, np.append(edges, 60e-3))[0]
    expected = np.array([_na_ref(a, b) for a, b in zip(edges, np.append(edges[1:], 60e-3))])
    assert _chi2_p(counts, expected) > P_MIN


def test_energy_spectrum_chi2(sodium_events):
    edges = np.array([10.0, 16.0, 20.0, 25.0, 30.0, 35.0, 40.0, 50.0, 65.0, 90.0, 150.0, 1000.0])
    counts = np.histogram(sodium_events["E_in_MeV"], edges)[0]
    expected = np.array([_na_ref(6.7e-3, 60e-3, a, b) for a, b in zip(edges[:-1], edges[1:])])
    assert _chi2_p(counts, expected) > P_MIN


def test_isotope_fractions_chi2(xenon_generator, xenon_events):
    xe = R.nuclear_targets({"Xe": 1}, R._element_molar_mass("Xe"))
    expected = np.array([R.expected_events(R.atmospheric_dipole_flux, [t], 365250.0, 10.0, 1e-5,
                                           6e-3, 30e-3, 10.0, 1000.0) for t in xe])
    pdg = np.array([1000540000 + 10 * t["A"] for t in xe])
    counts = np.array([(xenon_events["target_pdg"] == p).sum() for p in pdg])
    assert counts.sum() == xenon_events["event"].size
    assert _chi2_p(counts, expected) > P_MIN


def test_sampler_acceptance_estimate_agrees_with_quadrature(xenon_generator):
    xenon_generator.run(200_000, None, progress=False)
    mc, err = xenon_generator.acceptance_estimate()
    assert abs(mc - xenon_generator.expected_events) < 5 * err


def test_four_momentum_conservation(xenon_events):
    ev = xenon_events
    M = np.array([{t.pdg: t.mass for t in mcgen.Material("Xe").nuclei}[p]
                  for p in ev["target_pdg"][:20000]])
    n = M.size
    m = 10.0
    E1 = ev["E_in_MeV"][:n]
    p1 = np.sqrt(E1**2 - m**2)[:, None] * np.stack([ev[f"dir_in_{c}"][:n] for c in "xyz"], 1)
    p3 = np.stack([ev[f"p{c}_out_MeV"][:n] for c in "xyz"], 1)
    p4 = np.stack([ev[f"p{c}_recoil_MeV"][:n] for c in "xyz"], 1)
    T = ev["T_recoil_keV"][:n] * 1e-3
    assert np.max(np.abs(p1 - p3 - p4)) < 1e-10 * E1.max()
    # energy: E1 + M = E3 + M + T, and both outgoing particles on their mass shells
    assert np.max(np.abs(E1 - ev["E_out_MeV"][:n] - T)) < 1e-12 * E1.max()
    E3 = ev["E_out_MeV"][:n]
    assert np.allclose(np.sum(p3 * p3, 1), E3**2 - m**2, rtol=1e-9, atol=1e-9)
    assert np.allclose(np.sum(p4 * p4, 1), T * T + 2 * M * T, rtol=1e-9)


def test_vertices_and_directions(xenon_detector, xenon_events):
    v = np.stack([xenon_events[f"vtx_{c}_mm"] for c in "xyz"], 1)
    assert xenon_detector.fiducial.contains(v).all()
    r2 = (v[:, 0] ** 2 + v[:, 1] ** 2) / 123.6**2
    assert stats.kstest(r2, "uniform").pvalue > P_MIN  # uniform in the disc
    assert stats.kstest(v[:, 2] / 247.3 + 0.5, "uniform").pvalue > P_MIN
    uz = xenon_events["dir_in_z"]
    assert stats.kstest((uz + 1) / 2, "uniform").pvalue > P_MIN  # isotropic
    norm = xenon_events["dir_in_x"] ** 2 + xenon_events["dir_in_y"] ** 2 + uz**2
    assert np.allclose(norm, 1.0, atol=1e-12)


def test_same_seed_same_events_however_chunked(xenon_generator):
    n = 2 * BLOCK_EVENTS + 123
    whole = xenon_generator.sample(n)
    for chunk in (BLOCK_EVENTS, 3 * BLOCK_EVENTS, 10**9):
        parts = list(xenon_generator.iter_chunks(n, chunk))
        joined = {k: np.concatenate([p[k] for p in parts]) for k in whole}
        for k in whole:
            assert np.array_equal(joined[k], whole[k], equal_nan=True), (chunk, k)
    # a shorter run is a prefix of a longer one
    short = xenon_generator.sample(BLOCK_EVENTS + 7)
    assert np.array_equal(short["T_recoil_keV"], whole["T_recoil_keV"][: BLOCK_EVENTS + 7])


def test_threads_do_not_change_output(xenon_generator, tmp_path):
    import uproot

    arrays = []
    for threads in (1, 2):
        out = tmp_path / f"t{threads}.root"
        xenon_generator.run(3 * BLOCK_EVENTS, out, chunk_events=BLOCK_EVENTS, threads=threads,
                            progress=False)
        with uproot.open(out) as f:
            arrays.append(f["events"].arrays(library="np"))
    for k in arrays[0]:
        assert np.array_equal(arrays[0][k], arrays[1][k], equal_nan=True)


def test_other_seed_other_events(dipole_source, xenon_detector, xenon_events):
    gen = mcgen.Generator(dipole_source, xenon_detector, mcgen.DipoleNucleusElastic(1e-5),
                          seed=4)
    other = gen.sample(1000)
    assert not np.array_equal(other["T_recoil_keV"], xenon_events["T_recoil_keV"][:1000])


def test_broken_envelope_is_detected(dipole_source, sodium_detector, monkeypatch):
    it = mcgen.DipoleNucleusElastic(1e-5)
    original = type(it).t_dsigma_bound
    monkeypatch.setattr(type(it), "t_dsigma_bound",
                        lambda self, ch, edges: 0.5 * original(self, ch, edges))
    gen = mcgen.Generator(dipole_source, sodium_detector, it, seed=1)
    with pytest.raises(EnvelopeError, match="exceeded the envelope"):
        gen.sample(1000)


def test_source_energies_chi2(dipole_source):
    E = dipole_source.sample_energies(400_000, seed=5)
    edges = np.array([10.0, 15.0, 20.0, 30.0, 39.0, 41.0, 60.0, 100.0, 200.0, 1000.0])
    counts = np.histogram(E, edges)[0]
    expected = np.array([R.atmospheric_dipole_flux(np.linspace(a, b, 2001)).mean() * (b - a)
                         for a, b in zip(edges[:-1], edges[1:])])
    assert _chi2_p(counts, expected) > P_MIN
    assert E.min() >= 10.0 and E.max() <= 1000.0


def test_chi2_rejects_a_wrong_shape(sodium_events):
    # Power check: the same sample against Eq. (4) WITHOUT the Eq. (5) form factor (a ~10 %
    # distortion over the window) must be rejected, so the shape tests above can fail.
    edges = np.geomspace(6.7e-3, 45e-3, 13)
    hi = np.append(edges[1:], 60e-3)
    counts = np.histogram(sodium_events["T_recoil_keV"] * 1e-3, np.append(edges, 60e-3))[0]
    na = [t for t in R.nuclear_targets({"Na": 1, "I": 1}, 149.89423928) if t["symbol"] == "Na"]
    wrong = np.array([R.expected_events(R.atmospheric_dipole_flux, na, 1000.0, 10.0, 1e-5, a, b,
                                        10.0, 1000.0, form_factor=False)
                      for a, b in zip(edges, hi)])
    assert _chi2_p(counts, wrong) < 1e-6
