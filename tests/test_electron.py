"""Neutrino-electron scattering against closed forms: integrated cross sections, limits,
flavour couplings, the stepping approximation, sampled recoil spectra and kinematics."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

import mcgen
from mcgen.physics.spectra import Spectrum
from mcgen.sources import Component

GF = 1.1663788e-11  # MeV^-2 (PDG)
ME = 0.51099895
ALPHA = 7.2973525693e-3
HC2 = (197.3269804e-13) ** 2  # MeV^2 cm^2
S2W = 0.23857


class LineSource(mcgen.Source):
    """A far monoenergetic flux of one neutrino species (1 per cm^2 s)."""

    def __init__(self, E, pdg=12):
        self.components = [Component("line", pdg, 0.0, Spectrum.LINE,
                                     np.array([1.0 / (100.0 * 1e9), E]), np.array([E]))]
        self.direction = mcgen.Direction.fixed([0, 0, -1])


def _det(threshold_keV=1e-3, window=None, formula="Xe"):
    return mcgen.Detector("d", mcgen.Material(formula, 3.0), mcgen.Cylinder(100.0, 100.0),
                          threshold_keV=threshold_keV, window_keV=window, exposure_kg_day=1.0)


def _channel(E, pdg=12, mu=0.0, electrons="free", **kw):
    it = mcgen.NuElectronElastic(mu, electrons=electrons)
    return it.channels(LineSource(E, pdg), _det(**kw))[0]


def _closed_sm(E, gl, gr, a, b):
    """Integral over T in [a, b] of (2 G_F^2 m_e/pi)[gL^2 + gR^2 (1-T/E)^2 - gL gR m_e T/E^2]."""
    prim = lambda T: (gl**2 * T - gr**2 * E / 3 * (1 - T / E) ** 3  # noqa: E731
                      - gl * gr * ME * T**2 / (2 * E**2))
    return 2 * GF**2 * ME / math.pi * (prim(b) - prim(a)) * HC2


@pytest.mark.parametrize("pdg,gl,gr", [(12, 0.5 + S2W, S2W), (14, -0.5 + S2W, S2W),
                                       (-12, S2W, 0.5 + S2W), (-16, S2W, -0.5 + S2W)])
def test_total_cross_section_closed_form(pdg, gl, gr):
    for E in [0.3, 0.75, 5.0]:
        ch = _channel(E, pdg)
        tmax = 2 * E * E / (ME + 2 * E)
        assert ch.recoil_range(E)[1] == pytest.approx(tmax, rel=1e-8)  # m_e: PDG vs CODATA
        assert ch.sigma_visible(E) / mcgen.constants.cm2 == pytest.approx(
            _closed_sm(E, gl, gr, 1e-6, tmax), rel=1e-7)


def test_high_energy_slope():
    # E >> m_e: sigma(nu_e e) -> (2 G_F^2 m_e E / pi)(g_L^2 + g_R^2/3) ~ 9.7e-45 cm^2 E/MeV
    # (PDG neutrino cross-section review quotes 9.5e-45 with radiative corrections)
    E = 1000.0
    sig = _channel(E).sigma_visible(E) / mcgen.constants.cm2
    slope = 2 * GF**2 * ME / math.pi * ((0.5 + S2W) ** 2 + S2W**2 / 3) * HC2
    assert sig / E == pytest.approx(slope, rel=2e-3)
    assert 9.0e-45 < sig / E < 1.0e-44


def test_magnetic_moment_term_closed_form():
    E, kappa, a = 0.75, 5e-11, 1e-3
    ch_mm = _channel(E, mu=kappa, threshold_keV=1.0)
    ch_sm = _channel(E, mu=0.0, threshold_keV=1.0)
    tmax = 2 * E * E / (ME + 2 * E)
    closed = math.pi * ALPHA**2 / ME**2 * kappa**2 * (math.log(tmax / a) - (tmax - a) / E) * HC2
    diff = (ch_mm.sigma_visible(E) - ch_sm.sigma_visible(E)) / mcgen.constants.cm2
    assert diff == pytest.approx(closed, rel=1e-7)
    # the two terms add: no interference ([Coloma2014, Eq. 2.1])
    T = np.geomspace(1e-3, 0.5, 7)
    mm_only = math.pi * ALPHA**2 / ME**2 * kappa**2 * (1 / T - 1 / E) * HC2
    assert np.allclose((ch_mm.dsigma_dT(E, T) - ch_sm.dsigma_dT(E, T)) / mcgen.constants.cm2,
                       mm_only, rtol=1e-9)


def test_stepping_counts_only_unbound_shells():
    # Xe: a recoil between the L1 (5.453 keV) and K (34.561 keV) edges sees 52 of 54 electrons
    E = 0.75
    free = _channel(E, electrons="free", threshold_keV=6.0, window=[6.0, 30.0])
    step = _channel(E, electrons="stepping", threshold_keV=6.0, window=[6.0, 30.0])
    assert step.sigma_visible(E) / free.sigma_visible(E) == pytest.approx(52 / 54, rel=1e-12)
    # below the lowest edges (12.1 eV, O3) no electron counts; between 1.1487 keV (M1) and
    # 4.786 keV (L3) the K and L shells (10 electrons) are excluded
    f = step.dsigma_dT(E, np.array([5e-6, 2e-3])) / free.dsigma_dT(E, np.array([5e-6, 2e-3]))
    assert f.tolist() == pytest.approx([0.0, 44 / 54])
    # electrons per kg: Z per atom (IUPAC atomic weight of Xe 131.293)
    assert step.target.per_kg * mcgen.constants.kg == pytest.approx(54 * 6.02214076e26 / 131.293)


def test_sampled_recoil_spectrum_and_kinematics():
    E = 0.75
    det = _det(threshold_keV=2.0, window=[2.0, 600.0])
    gen = mcgen.Generator(LineSource(E), det, mcgen.NuElectronElastic(3e-11), seed=11)
    ev = gen.sample(300_000)
    ch = gen.channels[0]
    edges = np.geomspace(2e-3, ch.recoil_range(E)[1], 15)
    counts = np.histogram(ev["T_recoil_keV"] * 1e-3, edges)[0]
    expected = np.array([integrate.quad(lambda T: ch.dsigma_dT(E, T), a, b)[0]
                         for a, b in zip(edges[:-1], edges[1:])])
    expected *= counts.sum() / expected.sum()
    assert stats.chisquare(counts, expected).pvalue > 1e-4
    # energy-momentum conservation with the electron as recoil, incoming along -z
    p3 = np.stack([ev[f"p{c}_out_MeV"] for c in "xyz"], 1)
    p4 = np.stack([ev[f"p{c}_recoil_MeV"] for c in "xyz"], 1)
    assert np.allclose(p3 + p4, [0.0, 0.0, -E], atol=1e-12)
    T = ev["T_recoil_keV"] * 1e-3
    assert np.allclose(np.sum(p4 * p4, 1), T * T + 2 * ME * T, rtol=1e-9)
    assert np.allclose(np.sum(p3 * p3, 1), ev["E_out_MeV"] ** 2, rtol=1e-9)
    assert set(np.unique(ev["target_pdg"])) == {11}


def test_not_applicable_to_massive_or_other_particles():
    it = mcgen.NuElectronElastic()
    assert it.channels(mcgen.AtmosphericDipoleSource(10.0), _det()) == []
    with pytest.raises(mcgen.ConfigError, match="interaction.electrons = 'bound'"):
        mcgen.NuElectronElastic(electrons="bound")
    with pytest.raises(mcgen.ConfigError, match="interaction.mu_muB = -1"):
        mcgen.NuElectronElastic(-1)
