"""Shared fixtures. Physics references come from tests/reference_paper000.py, an independent
plain numpy/scipy implementation of [Bueno2013] written without looking at mcgen."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import mcgen
from mcgen.constants import MeV

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
sys.path.insert(0, str(TESTS))

DEFAULT_CARD = ROOT / "macros" / "atmospheric_dipole_xenon100.toml"
#: the `reference` fixture of the production tests (test_parallel.py, test_resume.py)
pytest_plugins = ["production_helpers"]


@pytest.fixture(scope="session")
def dipole_source():
    return mcgen.AtmosphericDipoleSource(10.0)


@pytest.fixture(scope="session")
def sodium_detector():
    """One nuclear species (Na23, 100 % abundant): shape tests against 1-d integrals."""
    return mcgen.Detector("na", mcgen.Material("NaI", 3.67), mcgen.Box(100.0, 100.0, 100.0),
                          threshold_keV=6.7, window_keV=[0.0, 60.0], exposure_kg_day=1000.0,
                          elements=["Na"])


@pytest.fixture(scope="session")
def xenon_detector():
    return mcgen.Detector("xe", mcgen.Material("Xe", 2.862), mcgen.Cylinder(123.6, 247.3),
                          threshold_keV=6.0, window_keV=[6.0, 30.0], exposure_kg_day=365250.0)


@pytest.fixture(scope="session")
def sodium_generator(dipole_source, sodium_detector):
    return mcgen.Generator(dipole_source, sodium_detector, mcgen.DipoleNucleusElastic(1e-5),
                           seed=7)


@pytest.fixture(scope="session")
def xenon_generator(dipole_source, xenon_detector):
    return mcgen.Generator(dipole_source, xenon_detector, mcgen.DipoleNucleusElastic(1e-5),
                           seed=3)


@pytest.fixture(scope="session")
def sodium_events(sodium_generator):
    return sodium_generator.sample(1_000_000)


@pytest.fixture(scope="session")
def xenon_events(xenon_generator):
    return xenon_generator.sample(400_000)

__all__ = ["DEFAULT_CARD", "MeV", "ROOT"]
