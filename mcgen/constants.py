"""Physical constants and units: the one place where numbers from outside come in.

Internal unit system: hepunits (MeV, mm, ns). Multiply a value by a unit to bring it in,
divide by the unit to take it out: ``T = 5 * keV``; ``T / keV``.
"""

from __future__ import annotations

import math

from hepunits import constants as _hc
from hepunits import units as _u
from particle import Particle

# Units re-exported so that the rest of the package imports them from here only.
MeV = _u.MeV
keV = _u.keV
GeV = _u.GeV
eV = _u.eV
mm = _u.mm
cm = _u.cm
m = _u.m
km = _u.km
cm2 = _u.cm2
ns = _u.ns
s = _u.s
day = _u.day
year = 365.25 * day  # Julian year
kg = _u.kg
g = _u.g
fm = _u.fm

#: Fine-structure constant, CODATA 2018 (E. Tiesinga et al., RMP 93 (2021) 025010).
ALPHA = 7.2973525693e-3
#: hbar c [MeV mm], CODATA 2018 exact value (hepunits.constants.hbarc).
HBARC = _hc.hbarc
#: (hbar c)^2 [MeV^2 mm^2]: converts a cross section in MeV^-2 to mm^2.
HBARC2 = HBARC * HBARC
#: Speed of light [mm/ns], SI exact (hepunits.constants.c_light).
C_LIGHT = _hc.c_light
#: Avogadro constant [1/mol], SI 2019 exact.
N_AVOGADRO = _hc.Avogadro * _u.mole
#: Electron mass [MeV], PDG (via the `particle` package).
M_ELECTRON = Particle.from_pdgid(11).mass * MeV
#: Muon mass [MeV], PDG (via the `particle` package).
M_MUON = Particle.from_pdgid(13).mass * MeV
#: Atomic mass unit [MeV], CODATA 2018.
AMU = 931.49410242 * MeV
#: Bohr magneton in natural units [MeV^-1]: mu_B = e / (2 m_e) with e = sqrt(4 pi alpha).
MU_BOHR = math.sqrt(4.0 * math.pi * ALPHA) / (2.0 * M_ELECTRON)

#: Fermi constant [MeV^-2], PDG 2022: G_F / (hbar c)^3 = 1.1663788(6)e-5 GeV^-2.
G_FERMI = 1.1663788e-5 / (_u.GeV * _u.GeV)
#: Weak mixing angle at low momentum transfer, MS-bar scheme at Q -> 0: 0.23857(5)
#: (PDG 2022, Electroweak model review; J. Erler, R. Ferro-Hernandez, JHEP 03 (2018) 196).
SIN2_THETA_W = 0.23857

#: PDG id given to a heavy sterile neutrino / neutral dipole particle. There is no PDG number
#: for it; we follow the Pythia 8 convention for a heavy neutral lepton (nu_R of the
#: left-right model, id 9900014 for the muon-flavour partner), documented in README.md.
PDG_STERILE = 9900014
#: PDG id of a lighter sterile state N' (N -> N' gamma, [Bueno2013, Eq. 17]): Pythia 8's 9900016.
PDG_STERILE_PARTNER = 9900016

__all__ = [
    "ALPHA", "AMU", "C_LIGHT", "G_FERMI", "HBARC", "HBARC2", "M_ELECTRON", "M_MUON", "MU_BOHR",
    "N_AVOGADRO", "PDG_STERILE", "PDG_STERILE_PARTNER", "SIN2_THETA_W", "GeV", "MeV", "cm",
    "cm2", "day", "eV", "fm", "g", "keV", "kg", "km", "m", "mm", "ns", "s", "year",
]
