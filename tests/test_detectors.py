"""Materials, targets, detectors against independent numbers (IUPAC weights, AME masses)."""

from __future__ import annotations

import math

import pytest

import mcgen
from mcgen.constants import N_AVOGADRO, kg
from mcgen.errors import ConfigWarning

AMU, ME = 931.49410242, 0.51099895  # CODATA 2018


def test_xenon_isotopes_per_kg():
    xe = mcgen.Material("Xe").nuclei
    assert [t.A for t in xe] == [124, 126, 128, 129, 130, 131, 132, 134, 136]
    # IUPAC standard atomic weight of Xe: 131.293 g/mol -> nuclei per kg
    assert sum(t.per_kg for t in xe) * kg == pytest.approx(6.02214076e26 / 131.293, rel=1e-9)
    xe131 = next(t for t in xe if t.A == 131)
    # AME2020 atomic mass of 131Xe, 130.905084128 u, minus 54 electrons
    assert xe131.mass == pytest.approx(130.905084128 * AMU - 54 * ME, rel=1e-9)
    assert xe131.per_kg / sum(t.per_kg for t in xe) == pytest.approx(0.21232, abs=2e-4)
    assert xe131.pdg == 1000541310


def test_compound_counts_each_element():
    nai = mcgen.Material("NaI", 3.67)
    na = [t for t in nai.nuclei if t.Z == 11]
    i = [t for t in nai.nuclei if t.Z == 53]
    per_formula_unit = 6.02214076e26 / (22.98976928 + 126.90447)
    assert sum(t.per_kg for t in na) * kg == pytest.approx(per_formula_unit, rel=1e-6)
    assert sum(t.per_kg for t in i) * kg == pytest.approx(per_formula_unit, rel=1e-6)
    assert nai.electrons_per_kg * kg == pytest.approx(64 * per_formula_unit, rel=1e-6)
    assert N_AVOGADRO == 6.02214076e23


def test_exposure_from_density_and_volume():
    det = mcgen.Detector("d", mcgen.Material("Ge", 5.323), mcgen.Cylinder(21.45, 42.9),
                         threshold_keV=2.0, live_days=56.0)
    mass_kg = 5.323e-3 * math.pi * 21.45**2 * 42.9  # g/mm^3 * mm^3 -> g ... /1000 below
    assert det.exposure_kg_day == pytest.approx(mass_kg / 1000 * 56.0, rel=1e-12)
    assert det.exposure_kg_day == pytest.approx(18.48, rel=0.01)  # CoGeNT, [Bueno2013, Table 1]


def test_window_and_threshold():
    with pytest.warns(ConfigWarning, match=r"threshold_keV = 6.6 cuts into window"):
        det = mcgen.Detector("d", mcgen.Material("Xe"), mcgen.Point(), threshold_keV=6.6,
                             window_keV=[6, 30], exposure_kg_day=1)
    assert det.T_min == pytest.approx(6.6e-3) and det.T_max == pytest.approx(30e-3)


@pytest.mark.parametrize("kw,match", [
    ({"threshold_keV": -1}, "threshold_keV = -1"),
    ({"threshold_keV": 40, "window_keV": [6, 30]}, "not below the window"),
    ({"window_keV": [30, 6]}, r"window_keV = \[30, 6\]"),
    ({"window_keV": [1, 2, 3]}, "window_keV"),
    ({"exposure_kg_day": -5}, "exposure_kg_day = -5"),
    ({"elements": ["Ar"]}, r"elements = \['Ar'\]: allowed are elements of 'Xe'"),
])
def test_detector_bad_input(kw, match):
    args = dict(threshold_keV=6.0, exposure_kg_day=1.0) | kw
    with pytest.raises(mcgen.ConfigError, match=match):
        mcgen.Detector("d", mcgen.Material("Xe"), mcgen.Point(), **args)


def test_far_source_needs_exposure(dipole_source):
    det = mcgen.Detector("d", mcgen.Material("Xe"), mcgen.Point(), threshold_keV=6.0)
    gen = mcgen.Generator(dipole_source, det, mcgen.DipoleNucleusElastic(1e-5))
    with pytest.raises(mcgen.ConfigError, match="detector d: no exposure"):
        _ = gen.expected_events


@pytest.mark.parametrize("formula", ["Xx", "", "123"])
def test_bad_formula(formula):
    with pytest.raises(mcgen.ConfigError, match="material.formula"):
        mcgen.Material(formula)
