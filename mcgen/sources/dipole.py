"""Fluxes of a massive neutral dipole particle ([Bueno2013])."""

from __future__ import annotations

import math
import warnings
from importlib import resources

import numpy as np
from hepunits.constants import c_light
from scipy import integrate

from ..constants import PDG_STERILE, MeV, s
from ..physics.spectra import Spectrum, pack_broken_power_law, pack_momentum_power_law
from ..tolerances import POWER_INDEX_LOG, QUAD_EPSREL
from ..validation import (
    AMOUNT,
    ENERGY_MEV,
    PARTICLE_MASS_MEV,
    amount,
    in_interval,
    in_range,
    one_of,
    pdg_id,
    require,
    zero_or_in_range,
)
from .base import FLUX_UNIT, Component, Direction, Source, check_direction

#: Proper mean lives of a dipole particle [s]: c tau from 0.3 um to 3e38 mm (finite).
LIFETIME_S = (1e-15, 1e30)
#: Largest |gamma| of the momentum power law (E^2 - m^2)^-gamma: [Bueno2013, Eq. 11] needs
#: gamma ~ 10; with |gamma| <= 50 and E <= 1 TeV, (E^2 - m^2)^-gamma is a finite double
#: unless E_min lies within a hair of m (refused after the normalisation integral).
GAMMA_MAX = 50.0


def fluka_table(name: str) -> tuple[np.ndarray, np.ndarray]:
    """FLUKA atmospheric flux at Kamioka, one of 'nue', 'nuebar', 'numu', 'numubar':
    (E [MeV], dPhi/dE [MeV^-1 cm^-2 s^-1]). G. Battistoni, A. Ferrari, T. Montaruli,
    P. R. Sala, Astropart. Phys. 23 (2005) 526 (tables carried by cajohare/NeutrinoFog, MIT)."""
    allowed = ("nue", "nuebar", "numu", "numubar")
    one_of("fluka table", name, allowed, shown=allowed)
    path = resources.files("mcgen") / "data" / "atmospheric" / f"fluka_kamioka_{name}.csv"
    data = np.loadtxt(str(path), delimiter=",")
    return data[:, 0], data[:, 1]


def fluka_integral(name: str) -> float:
    """Trapezoid integral of a FLUKA table [cm^-2 s^-1] (the tables' own points)."""
    x, y = fluka_table(name)
    return float(np.trapezoid(y, x))


def _power_integral(g: float, a: float, b: float) -> float:
    """Integral of E^g from a to b."""
    if b <= a:
        return 0.0
    if abs(g + 1.0) < POWER_INDEX_LOG:
        return float(np.log(b / a))
    return (b ** (g + 1.0) - a ** (g + 1.0)) / (g + 1.0)


class AtmosphericDipoleSource(Source):
    """Atmospheric flux of a dipole particle of mass m, [Bueno2013, Eq. (21)]:
    dPhi/dE ∝ E for m <= E < E_break (40 MeV), ∝ E^-index (2.7) above, continuous at E_break,
    up to E_max. Normalised so that the total flux is ``fraction`` ([Bueno2013, Sec. 4]: 0.5 %) of
    the FLUKA nu_mu + nu_mu-bar flux integrated over its table (13-982 MeV, Kamioka).
    ``lifetime_s``: proper mean life (stable if None); it matters with a site, where dipoles
    may decay in flight through the rock.
    """

    name = "atmospheric_dipole"

    def __init__(
        self, mass_MeV: float = 10.0, *, fraction: float = 0.005, E_max_MeV: float = 1000.0,
        E_break_MeV: float = 40.0, index: float = 2.7, direction: Direction | None = None,
        pdg: int = PDG_STERILE, lifetime_s: float | None = None,
    ):
        in_range("source.mass_MeV", mass_MeV, PARTICLE_MASS_MEV, "MeV", what="a mass")
        in_interval("source.fraction", fraction, AMOUNT[0], 1.0)
        in_range("source.E_max_MeV", E_max_MeV, ENERGY_MEV, "MeV", what="an energy")
        require("source.E_max_MeV", E_max_MeV, E_max_MeV > mass_MeV,
                f"must exceed the mass (mass_MeV = {mass_MeV} MeV)")
        in_range("source.E_break_MeV", E_break_MeV, ENERGY_MEV, "MeV", what="an energy",
                 lo_open=True)
        # index <= 20 keeps E_break^(1 + index) finite for every E_break <= 1 TeV
        in_interval("source.index", index, 1.0, 20.0, lo_open=True)
        if lifetime_s is not None:
            in_range("source.lifetime_s", lifetime_s, LIFETIME_S, "s",
                     what="a proper mean life")
        pdg = pdg_id("source.pdg", pdg)
        direction = check_direction(direction)
        self.fraction = fraction
        self.index = index
        e_min, e_max = mass_MeV * MeV, E_max_MeV * MeV
        e_b = min(max(E_break_MeV * MeV, e_min), e_max)
        self.E_break = e_b
        shape_integral = _power_integral(1.0, e_min, e_b) + e_b ** (1.0 + index) * (
            _power_integral(-index, e_b, e_max)
        )
        total = fraction * (fluka_integral("numu") + fluka_integral("numubar")) * FLUX_UNIT * MeV
        params = pack_broken_power_law(norm=total / shape_integral, E_lo=e_min, E_hi=e_max,
                                       E_break=e_b, g1=1.0, g2=-index)
        ctau = math.inf if lifetime_s is None else lifetime_s * s * c_light
        self.components = [Component("dipole", int(pdg), e_min,
                                     Spectrum.BROKEN_POWER_LAW, params,
                                     np.unique([e_min, e_b, e_max]), lifetime=ctau)]
        self.direction = direction

    def describe(self) -> dict:
        return super().describe() | {
            "spectrum": "[Bueno2013, Eq. (21)]", "fraction_of_fluka_numu": self.fraction,
            "E_break_MeV": self.E_break / MeV, "index": self.index,
        }


class MomentumPowerLawSource(Source):
    """Power law in momentum, [Bueno2013, Eq. (11)]: dPhi/dE ∝ (E^2 - m^2)^-gamma on
    [E_min, E_max] (E_min > m), normalised to ``total_flux_cm2_s`` [cm^-2 s^-1]."""

    name = "momentum_power_law"

    def __init__(
        self, mass_MeV: float, gamma: float, E_min_MeV: float, E_max_MeV: float,
        total_flux_cm2_s: float, *, direction: Direction | None = None, pdg: int = PDG_STERILE,
    ):
        zero_or_in_range("source.mass_MeV", mass_MeV, PARTICLE_MASS_MEV, "MeV")
        in_interval("source.gamma", gamma, -GAMMA_MAX, GAMMA_MAX)
        in_range("source.E_min_MeV", E_min_MeV, ENERGY_MEV, "MeV", what="an energy")
        require("source.E_min_MeV", E_min_MeV, E_min_MeV > mass_MeV,
                f"must exceed the mass (mass_MeV = {mass_MeV} MeV; the flux diverges at E = m)")
        in_range("source.E_max_MeV", E_max_MeV, ENERGY_MEV, "MeV", what="an energy")
        require("source.E_max_MeV", E_max_MeV, E_max_MeV > E_min_MeV,
                f"must exceed E_min_MeV = {E_min_MeV}")
        amount("source.total_flux_cm2_s", total_flux_cm2_s, "per cm^2 s", what="a flux")
        pdg = pdg_id("source.pdg", pdg)
        direction = check_direction(direction)
        self.gamma = gamma
        m = mass_MeV * MeV
        e_min, e_max = E_min_MeV * MeV, E_max_MeV * MeV
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a non-finite integral is refused just below
            shape = integrate.quad(lambda e: (e * e - m * m) ** (-gamma), e_min, e_max,
                                   limit=200, epsrel=QUAD_EPSREL)[0]
        ends = [(e * e - m * m) ** (-gamma) for e in (e_min, e_max)]
        require("source.gamma", gamma, 0.0 < shape < math.inf and all(map(math.isfinite, ends)),
                f"gives (E^2 - m^2)^-gamma over [E_min_MeV, E_max_MeV] = [{E_min_MeV}, "
                f"{E_max_MeV}] MeV that is not a finite positive number in double precision; "
                "take a smaller |gamma| or E_min_MeV further above mass_MeV")
        params = pack_momentum_power_law(norm=total_flux_cm2_s * FLUX_UNIT * MeV / shape,
                                         E_lo=e_min, E_hi=e_max, m=m, gamma=gamma)
        self.components = [Component("dipole", int(pdg), m,
                                     Spectrum.MOMENTUM_POWER_LAW, params,
                                     np.array([e_min, e_max]))]
        self.direction = direction

    def describe(self) -> dict:
        return super().describe() | {"spectrum": "[Bueno2013, Eq. (11)]", "gamma": self.gamma}
