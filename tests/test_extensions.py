"""A new process and a new source kind need their own classes only: both are defined and
registered in this file, without touching mcgen, and then work from a run card, appear in
`mcgen list` and in the file's metadata, and give the rate of an independent integral."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import uproot
from scipy import integrate

from mcgen.cli import main
from mcgen.constants import ALPHA, G_FERMI, HBARC2, M_ELECTRON, MeV, cm2, keV, s
from mcgen.geometry import Direction
from mcgen.interactions import PROCESSES, Channel, Interaction
from mcgen.physics import electron as nue
from mcgen.physics.dispatch import CrossSection
from mcgen.physics.spectra import Spectrum
from mcgen.sources import SOURCE_KINDS, Component, Source

E1, E2, FLUX = 1.0, 3.0, 1e12  # MeV, MeV, cm^-2 s^-1
MU = 1e-10  # mu_B


class ToyFlatSource(Source):
    """nu_e with a flat spectrum between E_min_MeV and E_max_MeV, total flux_cm2_s."""

    name = "toy_flat"

    def __init__(self, E_min_MeV: float = E1, E_max_MeV: float = E2,
                 flux_cm2_s: float = FLUX):
        y = flux_cm2_s / (E_max_MeV - E_min_MeV) / (cm2 * s * MeV)
        params = np.array([2.0, E_min_MeV, E_max_MeV, y, y])  # Spectrum.TABLE_LINEAR layout
        self.components = [Component("toy nu_e", 12, 0.0, Spectrum.TABLE_LINEAR, params,
                                     np.array([E_min_MeV, E_max_MeV]))]
        self.direction = Direction.isotropic()


class ToyMagneticElectron(Interaction):
    """The magnetic-moment term of nu e -> nu e alone on free electrons: a new process that
    reuses an existing cross-section kernel (the SM couplings set to zero)."""

    name = "toy_magnetic_electron"
    kernel = CrossSection.NU_ELECTRON
    code = 101

    def __init__(self, mu_muB: float = MU):
        self.mu_muB = mu_muB

    def component_channels(self, component, detector):
        out = []
        for t in detector.electron_targets():
            p = np.zeros(nue.NUE_SHELLS)
            p[:4] = 0.0, 0.0, M_ELECTRON, HBARC2
            p[nue.NUE_GF], p[nue.NUE_KAPPA] = G_FERMI, self.mu_muB
            p[nue.NUE_ALPHA], p[nue.NUE_M_E], p[nue.NUE_Z] = ALPHA, M_ELECTRON, t.Z
            out.append(Channel(self, component, t, p, component.pdg, detector.T_min,
                               detector.T_max, np.zeros(0)))
        return out

    def t_dsigma_bound(self, channel, T_edges):
        # T dsigma/dT = (pi alpha^2 / m_e^2) kappa^2 (1 - T/E) <= (pi alpha^2 / m_e^2) kappa^2
        bound = HBARC2 * math.pi * ALPHA**2 / M_ELECTRON**2 * self.mu_muB**2
        return np.full(len(T_edges) - 1, bound)

    def describe(self):
        return {"process": self.name, "code": self.code, "mu_muB": self.mu_muB}


CARD = f"""
[run]
events = 3000
seed = 5
[source]
kind = "toy_flat"
[detector]
name = "xenon100"
threshold_keV = 10.0
window_keV = [10, 300]
exposure_kg_day = 1000.0
[[interaction]]
process = "toy_magnetic_electron"
mu_muB = {MU}
"""


def test_the_toys_are_registered_by_their_definition():
    assert SOURCE_KINDS["toy_flat"] is ToyFlatSource
    assert PROCESSES["toy_magnetic_electron"] is ToyMagneticElectron


def test_mcgen_list_shows_them(capsys):
    assert main(["list"]) == 0
    lines = dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines())
    assert "toy_flat" in lines["source kinds"].split(", ")
    assert "toy_magnetic_electron" in lines["processes"].split(", ")


def _expected_events(detector_exposure_kg_day: float, electrons_per_kg_day: float) -> float:
    """Closed-form magnetic cross section integrated over T (scipy quad over E): the rate the
    generator must give, computed without mcgen's quadrature."""
    T_lo, T_hi = 10 * keV, 300 * keV
    pref = math.pi * ALPHA**2 / M_ELECTRON**2 * MU**2 * HBARC2  # mm^2 MeV

    def sigma(E):
        Tb = min(T_hi, 2 * E * E / (M_ELECTRON + 2 * E))
        return pref * (math.log(Tb / T_lo) - (Tb - T_lo) / E) if Tb > T_lo else 0.0

    phi = FLUX / (E2 - E1) / (cm2 * s * MeV)
    E_open = (T_lo + math.sqrt(T_lo**2 + 2 * M_ELECTRON * T_lo)) / 2  # Tmax(E) = T_lo
    integral = integrate.quad(lambda E: phi * sigma(E), E1, E2, points=[E_open], epsrel=1e-10)[0]
    return integral * electrons_per_kg_day * detector_exposure_kg_day


def test_a_card_with_the_toys_runs_and_gives_the_integral(tmp_path):
    card = tmp_path / "toy.toml"
    card.write_text(CARD)
    out = tmp_path / "toy.root"
    assert main(["run", str(card), "-o", str(out), "-q"]) == 0
    with uproot.open(out) as f:
        ev = f["events"].arrays(["process", "weight", "T_recoil_keV"], library="np")
        meta = json.loads(str(f["metadata"]))
    assert set(ev["process"]) == {101}
    assert meta["process_codes"]["101"] == "toy_magnetic_electron"
    assert meta["source"]["name"] == "toy_flat"
    assert ev["T_recoil_keV"].min() >= 10 and ev["T_recoil_keV"].max() <= 300
    from mcgen.catalog import make_detector
    from mcgen.constants import day, kg
    det = make_detector({"name": "xenon100"})
    per_kg_day = det.material.electrons_per_kg * kg * day / day  # electrons per kg
    expected = _expected_events(1000.0 * day, per_kg_day)
    assert ev["weight"].sum() == pytest.approx(expected, rel=1e-6)


def test_a_taken_code_or_name_is_refused():
    with pytest.raises(ValueError, match="process code 101 is taken by 'toy_magnetic_electron'"):
        type("Clash", (ToyMagneticElectron,), {"name": "toy_clash", "code": 101})
    # without a code of its own, a process takes its kernel's, here nu_electron_elastic's
    with pytest.raises(ValueError, match="process code 2 is taken by 'nu_electron_elastic'"):
        type("Clash", (ToyMagneticElectron,), {"name": "toy_clash"})
    with pytest.raises(ValueError, match="'cevns' is registered twice"):
        type("Clash", (ToyMagneticElectron,), {"name": "cevns", "code": 102})
    assert "toy_clash" not in PROCESSES
