"""Transport of atmospheric dipoles through rock ([Bueno2013, Sec. 4, Eq. 22])."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import mcgen
from mcgen.catalog import make_detector
from mcgen.geometry import EARTH_RADIUS, Site
from mcgen.physics.energy_loss import STANDARD_ROCK, propagate_dipole_array
from mcgen.physics.propagation import rock_path, transport

R = 6371e6  # mm


def test_rock_path_geometry():
    D = 1.4e6
    assert rock_path(1.0, R, D) == pytest.approx(D, rel=1e-12)
    assert rock_path(-1.0, R, D) == pytest.approx(2 * R - D, rel=1e-12)
    # law of cosines: the surface point at distance s satisfies R^2 = r^2 + s^2 + 2 r s cos
    for c in [0.9, 0.3, 0.0, -0.5]:
        s, r = rock_path(c, R, D), R - D
        assert r * r + s * s + 2 * r * s * c == pytest.approx(R * R, rel=1e-12)
    # flat-overburden limit near the vertical
    assert rock_path(0.8, R, D) == pytest.approx(D / 0.8, rel=1e-3)
    assert EARTH_RADIUS == R


def test_site_validation():
    assert Site("a", depth_mwe=3710.0).depth == pytest.approx(3710.0 / 2.65 * 1000)
    with pytest.raises(mcgen.ConfigError, match="exactly one of depth_m, depth_mwe, slant_table"):
        Site("b")
    with pytest.raises(mcgen.ConfigError, match="depth_m = -5"):
        Site("c", depth_m=-5)


def test_transport_limits():
    site = Site("s", depth_m=1400).params()
    # negligible loss and survival exp(-s m / (p c tau)) for a 1e-9 mu_B dipole
    E0, m, ctau = 50.0, 10.0, 2e8  # ctau = 200 km
    E1, path, surv = transport(E0, 1.0, m, 1e-9, site, ctau)
    assert E1 == pytest.approx(E0, rel=1e-12) and path == pytest.approx(1.4e6)
    p = math.sqrt(E0**2 - m**2)
    assert surv == pytest.approx(math.exp(-1.4e6 * m / p / ctau), rel=1e-9)
    # a 1e-2 mu_B dipole ranges out in 1.4 km (range < 300 m: energy_loss tests)
    assert transport(100.0, 1.0, m, 1e-2, site, math.inf)[2] == 0.0


@pytest.fixture(scope="module")
def rock_generator():
    det = make_detector({"name": "xenon100", "exposure_kg_day": 365250.0,
                         "threshold_keV": 6.0})
    return mcgen.Generator(mcgen.AtmosphericDipoleSource(10.0), det,
                           mcgen.DipoleNucleusElastic(1e-3), seed=5,
                           site=Site("lngs", depth_m=1400))


def test_sampler_agrees_with_quadrature(rock_generator):
    rock_generator.run(100_000, None, progress=False, threads=1)
    mc, err = rock_generator.acceptance_estimate()
    assert abs(mc - rock_generator.expected_events) < 5 * err + 2e-3 * mc


def test_each_event_energy_is_its_transport(rock_generator):
    ev = rock_generator.sample(20_000)
    X = 2.65 * ev["path_rock_mm"] / 10.0  # g/cm^2
    E_det = propagate_dipole_array(ev["E_surface_MeV"], X, 10.0, 1e-3, STANDARD_ROCK)
    assert np.allclose(ev["E_in_MeV"], E_det, rtol=1e-9)
    assert np.all(ev["cos_zenith"] > 0)  # up-going dipoles range out in the Earth
    assert np.allclose(ev["path_rock_mm"], [rock_path(c, R, 1.4e6) for c in ev["cos_zenith"]])
    assert np.allclose(ev["cos_zenith"], -ev["dir_in_z"])


def test_negligible_loss_keeps_isotropy():
    det = make_detector({"name": "cdms_si"})
    gen = mcgen.Generator(mcgen.AtmosphericDipoleSource(10.0), det,
                          mcgen.DipoleNucleusElastic(1e-6), seed=2,
                          site=Site("s", depth_m=1000))
    ev = gen.sample(50_000)
    assert stats.kstest((ev["cos_zenith"] + 1) / 2, "uniform").pvalue > 1e-4
    # from above (< 14 km of rock) the loss is negligible; up-going dipoles cross up to
    # 12,700 km of rock, where slow ones (beta gamma < 1) lose more
    down = ev["cos_zenith"] > 0.1
    assert np.allclose(ev["E_in_MeV"][down], ev["E_surface_MeV"][down], rtol=1e-4)
    assert np.all(ev["E_in_MeV"] <= ev["E_surface_MeV"])
    no_rock = mcgen.Generator(mcgen.AtmosphericDipoleSource(10.0), det,
                              mcgen.DipoleNucleusElastic(1e-6))
    assert gen.expected_events == pytest.approx(no_rock.expected_events, rel=5e-3)


def test_propagation_needs_one_dipole_interaction():
    det = make_detector({"name": "cdms_si"})
    gen = mcgen.Generator(mcgen.AtmosphericDipoleSource(10.0), det,
                          [mcgen.DipoleNucleusElastic(1e-6), mcgen.DipoleNucleusElastic(1e-5)],
                          site=Site("s", depth_m=1000))
    with pytest.raises(mcgen.ConfigError, match="different magnetic moments"):
        _ = gen.expected_events


def test_zenith_table_directions_follow_the_table():
    # a piecewise-linear pdf in cos(zenith): events' directions must follow its exact CDF
    table = mcgen.Direction.zenith_table([-0.2, 0.3, 1.0], [0.0, 2.0, 0.5])
    src = mcgen.AtmosphericDipoleSource(10.0, direction=table)
    det = make_detector({"name": "cdms_si"})
    gen = mcgen.Generator(src, det, mcgen.DipoleNucleusElastic(1e-6), seed=8)
    ev = gen.sample(100_000)
    c = np.array([-0.2, 0.3, 1.0])
    w = np.array([0.0, 2.0, 0.5]) / np.trapezoid([0.0, 2.0, 0.5], c)

    def cdf(x):  # integral of the linear interpolant, exact
        x = np.asarray(x, float)
        out = np.zeros_like(x)
        acc = 0.0
        for k in range(2):
            a, b = c[k], c[k + 1]
            t = np.clip(x, a, b) - a
            slope = (w[k + 1] - w[k]) / (b - a)
            out += np.where(x > a, w[k] * t + 0.5 * slope * t * t, 0.0)
            acc += 0.5 * (w[k] + w[k + 1]) * (b - a)
        return out / acc

    assert stats.kstest(ev["cos_zenith"], cdf).pvalue > 1e-4
    # the direction does not change the rate of a far flux integrated over directions
    iso = mcgen.Generator(mcgen.AtmosphericDipoleSource(10.0), det,
                          mcgen.DipoleNucleusElastic(1e-6))
    assert gen.expected_events == pytest.approx(iso.expected_events, rel=1e-12)
    mc, err = gen.acceptance_estimate()
    assert abs(mc - gen.expected_events) < 5 * err


def test_slant_table_site():
    # a flat 1400 m overburden written as a slant table must reproduce the chord geometry
    # near the vertical (D / cos) and, transported, the same energies
    cos = np.linspace(0.2, 1.0, 81)
    mwe = 1400.0 * 2.65 / cos  # flat rock: slant depth = vertical / cos
    table = Site("t", slant_table=(cos, mwe))
    flat = Site("f", depth_m=1400.0)
    assert table.depth == pytest.approx(flat.depth)
    for c in [1.0, 0.77, 0.41]:
        E_t, path_t, _ = transport(40.0, c, 10.0, 1e-3, table.params(), math.inf)
        assert path_t == pytest.approx(1.4e6 / c, rel=1e-3)  # linear interpolation of 1/cos
        E_f, path_f, _ = transport(40.0, c, 10.0, 1e-3, flat.params(), math.inf)
        assert E_t == pytest.approx(E_f, rel=2e-3)
    # below the table the Earth chord takes over
    assert transport(40.0, -0.5, 10.0, 1e-9, table.params(), math.inf)[1] == pytest.approx(
        rock_path(-0.5, R, 1.4e6))
    with pytest.raises(mcgen.ConfigError, match="slant_table"):
        Site("bad", slant_table=([0.0, 0.5], [1.0, 2.0]))  # does not reach cos = 1
    det = make_detector({"name": "xenon100", "threshold_keV": 6.0, "exposure_kg_day": 365250.0})
    gen = mcgen.Generator(mcgen.AtmosphericDipoleSource(10.0), det,
                          mcgen.DipoleNucleusElastic(1e-3), seed=3, site=table)
    gen.run(50_000, None, progress=False, threads=1)
    mc, err = gen.acceptance_estimate()
    assert abs(mc - gen.expected_events) < 5 * err + 2e-3 * mc


def test_decay_in_flight_reweighting():
    # Expected events with a finite lifetime = events without it, each weighted by its
    # survival exp(-path m / (p c tau)) (negligible energy loss at 1e-9 mu_B): two routes.
    det = make_detector({"name": "cdms_si"})
    site = Site("s", depth_m=1000)
    stable = mcgen.Generator(mcgen.AtmosphericDipoleSource(10.0), det,
                             mcgen.DipoleNucleusElastic(1e-9), seed=6, site=site)
    ev = stable.sample(200_000)
    ctau = 1e-5 * 2.99792458e11  # 1e-5 s in mm
    p = np.sqrt(ev["E_surface_MeV"] ** 2 - 100.0)
    expected = np.sum(ev["weight"] * np.exp(-ev["path_rock_mm"] * 10.0 / p / ctau))
    decaying = mcgen.Generator(mcgen.AtmosphericDipoleSource(10.0, lifetime_s=1e-5), det,
                               mcgen.DipoleNucleusElastic(1e-9), site=site)
    assert decaying.expected_events == pytest.approx(expected, rel=5e-3)
    assert decaying.expected_events < 0.9 * stable.expected_events


@pytest.mark.parametrize("with_rock", [False, True])
def test_a_narrow_zenith_table_samples_efficiently(with_rock):
    # a table 1e-4 wide: each cos(zenith) cell is bounded by the density it covers, so the cell
    # just outside the table's end nodes costs nothing (it used to take the table's peak
    # 1e4 as its bound, and the acceptance fell to ~0.002)
    lo, hi = 0.5, 0.5001
    table = mcgen.Direction.zenith_table([lo, hi], [1.0, 1.0])
    src = mcgen.AtmosphericDipoleSource(10.0, direction=table)
    det = make_detector({"name": "cdms_si"})
    site = Site("s", depth_m=100) if with_rock else None
    gen = mcgen.Generator(src, det, mcgen.DipoleNucleusElastic(1e-6), seed=4, site=site)
    ev = gen.sample(20_000)
    assert gen._accepted / gen._trials > 0.3
    cz = -ev["dir_in_z"]
    assert cz.min() >= lo and cz.max() <= hi
    assert stats.kstest(cz, stats.uniform(lo, hi - lo).cdf).pvalue > 1e-4
    mc, err = gen.acceptance_estimate()
    assert abs(mc - gen.expected_events) < 5 * err
