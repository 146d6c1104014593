"""Neutrino sources: electron capture (51Cr), reactor, Sun, atmosphere, stopped pions,
monoenergetic and user-tabulated fluxes.

Each class builds its ``components`` following the normalisation of mcgen.sources.base:
far sources (reactor, Sun, atmosphere, monoenergetic, tabulated) give the differential flux
at the detector per area per time per MeV (a line: per area per time); near sources
(electron capture, stopped pions) give the number of neutrinos emitted per MeV over the whole
run (a line: the number emitted) from a volume ``shape`` placed in the detector frame [mm].

Every argument is checked; bad input raises ConfigError naming the field, the value and what
is allowed. The class attribute ``name`` is the run-card ``kind``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import numpy as np
from particle import Particle

from ..constants import MeV, day, m, ns, s
from ..errors import ConfigError
from ..geometry import DirectionKind, Point, Shape
from ..physics import neutrino_spectra as nsp
from ..physics.oscillation import (
    NUFIT52_NO,
    nufit_angles,
    p_ee_msw_adiabatic,
    solar_flavour_fractions,
)
from ..physics.spectra import Spectrum, pack_line, pack_table_linear
from ..tolerances import FRACTION_SUM_SLACK, WINDOW_EDGE
from ..validation import (
    AMOUNT,
    AMOUNT_MAX,
    DAYS,
    DISTANCE_M,
    ENERGY_MEV,
    PARTICLE_MASS_MEV,
    amount,
    in_interval,
    in_range,
    is_finite,
    names,
    number_rows,
    one_of,
    pdg_id,
    probability,
    real,
    require,
    text,
    three_vector,
    zero_or_in_range,
)
from .base import (
    FLUX_UNIT,
    Component,
    Direction,
    Oscillation,
    Source,
    TimeModel,
    check_direction,
    check_shape,
)
from .dipole import fluka_table

#: PDG ids of the neutrino flavours, by the short names used in cards.
FLAVOUR_PDG = MappingProxyType({"nue": 12, "nuebar": -12, "numu": 14, "numubar": -14,
                                "nutau": 16, "nutaubar": -16})
_FLAVOUR_LABEL = {"nue": "nu_e", "nuebar": "nu_e-bar", "numu": "nu_mu",
                  "numubar": "nu_mu-bar", "nutau": "nu_tau", "nutaubar": "nu_tau-bar"}


def _line(label: str, pdg: int, energy: float, intensity: float, mass: float = 0.0,
          time: TimeModel | None = None, oscillates: bool = False) -> Component:
    """A monoenergetic component: Spectrum.LINE with params (intensity, E0)."""
    return Component(label, int(pdg), mass, Spectrum.LINE,
                     pack_line(intensity=intensity, energy=energy), np.array([energy]),
                     time or TimeModel(), oscillates)


def _table(label: str, pdg: int, E: np.ndarray, y: np.ndarray, mass: float = 0.0) -> Component:
    """A Spectrum.TABLE_LINEAR component on the points (E [MeV], y [internal units]). Every
    point is a node: a linear interpolation is monotone between consecutive points."""
    E = np.asarray(E, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    params = pack_table_linear(E, y)
    return Component(label, int(pdg), mass, Spectrum.TABLE_LINEAR, params, E.copy())


def _trapezoid(x: np.ndarray, y: np.ndarray) -> float:
    """Integral of the linear interpolation of (x, y): the trapezoid rule, exactly."""
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


def _check_oscillation(value) -> Oscillation | None:
    if value is None or isinstance(value, Oscillation):
        return value
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"sin2_2theta", "dm2_eV2"})
        missing = sorted({"sin2_2theta", "dm2_eV2"} - set(value))
        require("source.oscillation", dict(value), not unknown and not missing,
                "needs exactly the fields sin2_2theta and dm2_eV2")
        return Oscillation(value["sin2_2theta"], value["dm2_eV2"])  # it checks both
    raise ConfigError(f"source.oscillation = {value!r}: must be Oscillation(sin2_2theta, dm2_eV2)"
                      " or a table with sin2_2theta and dm2_eV2")


def _optional_distance(distance_m) -> float:
    """distance_m [m] or None -> internal length [mm] or NaN."""
    if distance_m is None:
        return math.nan
    return in_range("source.distance_m", distance_m, DISTANCE_M, "m", what="a distance") * m


def _per_isotope(field: str, values, bounds: tuple[float, float], *,
                 lo_open: bool = False) -> None:
    """Reactor numbers per fissioning isotope: a table isotope -> number (isotopes of
    nsp.REACTOR_ISOTOPES) or 4 numbers in that order, each in `bounds`."""
    isotopes = nsp.REACTOR_ISOTOPES
    allowed = (f"a table {{isotope = number}} of {list(isotopes)} or 4 numbers in that order, "
               f"each in {'(' if lo_open else '['}{bounds[0]:g}, {bounds[1]:g}]")
    if isinstance(values, Mapping):
        ok = set(values) <= set(isotopes)
        numbers = list(values.values())
    else:
        ok = isinstance(values, (list, tuple)) and len(values) == len(isotopes)
        numbers = list(values) if ok else []
    lo, hi = bounds
    ok = ok and all(real(v) is not None and (lo < real(v) if lo_open else lo <= real(v))
                    and real(v) <= hi for v in numbers)
    require(field, values if not isinstance(values, Mapping) else dict(values), ok,
            f"must be {allowed}")


def _names(field: str, value, options) -> list[str]:
    """A name or a non-empty list of distinct names from `options`."""
    return names(field, [value] if isinstance(value, str) else value, options)


# =============================================================================================
# Electron capture (51Cr)
# =============================================================================================


def decays_in_window(activity0_Bq: float, mean_life: float, t_start: float,
                     t_stop: float) -> float:
    """Decays between t_start and t_stop [internal time] of a source of activity activity0_Bq
    at t = 0 and mean life tau [internal time]: A0 tau (e^{-t1/tau} - e^{-t2/tau}); for the
    51Cr mean life this is mcgen.physics.neutrino_spectra.cr51_decays."""
    return activity0_Bq * (mean_life / s) * (math.exp(-t_start / mean_life)
                                             - math.exp(-t_stop / mean_life))


class ElectronCaptureSource(Source):
    """Electron-capture neutrino source (near): monoenergetic lines from a radioactive source
    placed at ``shape`` in the detector frame, emitting isotropically.

    activity_Ci or activity_Bq: activity at the start of each deployment (give one).
    lines: [(E_MeV, branching), ...] (neutrinos per decay of each line; they must sum to at
    most 1: a sum below 1 leaves the rest of the decays without a modelled neutrino line, e.g.
    a beta+ branch). Default: 51Cr, the two lines of [Coloma2014] (750 keV 90 %, 430 keV 10 %),
    mcgen.physics.neutrino_spectra.cr51_lines(); with ``k_fraction`` (K-capture share) the
    four K/L lines 747/752 keV (90.1 %) and 427/432 keV (9.9 %) of the data README.
    mean_life_days: 39.96 d for 51Cr ([Coloma2014, Sec. 1]; CR51_MEAN_LIFE).
    deployments: [(start_day, length_day), ...], increasing and not overlapping.

    Each deployment is taken to be a *fresh* source of the given activity at its start
    ([Coloma2014]: "five deployments, each identical in source strength and duration"), not one
    source decaying across all deployments. The number of decays is then
    N = sum_i A0 tau (1 - exp(-length_i / tau)) (5 MCi for 100 days: 5.86e23), each line has
    intensity branching x N, and each event gets an emission time drawn from the decay
    exponential truncated to its deployment (deployments chosen in proportion to their
    decays; TimeKind.DECAY_WINDOWS, times in ns from t = 0).
    oscillation: 3+1 short-baseline disappearance ([Coloma2014, Eq. 3.1]) of every line.
    """

    name = "electron_capture"

    def __init__(
        self, activity_Ci: float | None = None, activity_Bq: float | None = None, *,
        lines: Sequence[Sequence[float]] | None = None, k_fraction: float | None = None,
        mean_life_days: float = nsp.CR51_MEAN_LIFE / day,
        deployments: Sequence[Sequence[float]] = ((0.0, 100.0),),
        shape: Shape | None = None, pdg: int = 12, isotope: str = "51Cr",
        oscillation: Oscillation | Mapping | None = None,
    ):
        require("source.activity_Ci / activity_Bq", (activity_Ci, activity_Bq),
                (activity_Ci is None) != (activity_Bq is None), "give exactly one of the two")
        if activity_Ci is not None:
            A0 = amount("source.activity_Ci", activity_Ci, "Ci", what="an activity")
            A0 *= nsp.CURIE_BQ
        else:
            A0 = amount("source.activity_Bq", activity_Bq, "Bq", what="an activity")
        tau = in_range("source.mean_life_days", mean_life_days, DAYS, "days",
                       what="a mean life") * day
        pdg = pdg_id("source.pdg", pdg)
        text("source.isotope", isotope, allowed="a non-empty name (a label)")
        if lines is None:
            if k_fraction is not None:
                probability("source.k_fraction", k_fraction, what="a fraction")
            energies, branchings = nsp.cr51_lines(k_fraction)
        else:
            require("source.k_fraction", k_fraction, k_fraction is None,
                    "only with the default 51Cr lines (lines not given)")
            energies, branchings = self._check_lines(lines)
        windows = self._check_deployments(deployments)
        self.shape = check_shape("source.shape", shape if shape is not None else Point())
        self.oscillation = _check_oscillation(oscillation)
        self.activity_Bq = A0
        self.mean_life = tau
        self.isotope = isotope
        self.deployments = [(a / day, (b - a) / day) for a, b in windows]
        self.decays_per_deployment = np.array([decays_in_window(A0, tau, 0.0, b - a)
                                               for a, b in windows])
        self.decays = float(self.decays_per_deployment.sum())
        require("source.deployments", deployments, bool(np.all(self.decays_per_deployment > 0)),
                f"give each deployment decays: with mean_life_days = {mean_life_days} one is "
                "too short (length / mean life below 1e-15)")
        cum = np.cumsum(self.decays_per_deployment) / self.decays
        cum[-1] = 1.0
        time = TimeModel.decay_windows(tau, [a for a, _ in windows], [b for _, b in windows],
                                       cum.tolist())
        osc = self.oscillation is not None
        self.components = [
            _line(f"{isotope} {E / MeV * 1e3:.4g} keV", pdg, float(E), float(b) * self.decays,
                  time=time, oscillates=osc)
            for E, b in zip(energies, branchings)]

    @staticmethod
    def _check_lines(lines) -> tuple[np.ndarray, np.ndarray]:
        e_top, b_low = ENERGY_MEV[1], AMOUNT[0]
        allowed = (f"a non-empty list of [E_MeV, branching] pairs, 0 < E <= {e_top:g}, "
                   f"branching >= {b_low:g}")
        arr = number_rows("source.lines", lines, 2, allowed=allowed)
        ok = np.all((arr[:, 0] > 0) & (arr[:, 0] <= e_top) & (arr[:, 1] >= b_low))
        require("source.lines", lines, bool(ok), f"must be {allowed}")
        require("source.lines", lines, arr[:, 1].sum() <= 1.0 + FRACTION_SUM_SLACK,
                f"branchings sum to {arr[:, 1].sum():.6g}; at most 1 neutrino per decay")
        require("source.lines", lines, np.unique(arr[:, 0]).size == arr.shape[0],
                "line energies must be distinct")
        return arr[:, 0] * MeV, arr[:, 1]

    @staticmethod
    def _check_deployments(deployments) -> list[tuple[float, float]]:
        lo, hi = DAYS
        allowed = (f"a non-empty list of [start_day, length_day] pairs, 0 <= start <= {hi:g}, "
                   f"{lo:g} <= length <= {hi:g}, in increasing order and not overlapping")
        arr = number_rows("source.deployments", deployments, 2, allowed=allowed)
        ok = bool(np.all((arr[:, 0] >= 0) & (arr[:, 0] <= hi))
                  and np.all((arr[:, 1] >= lo) & (arr[:, 1] <= hi)))
        require("source.deployments", deployments, ok, f"must be {allowed}")
        starts, stops = arr[:, 0] * day, (arr[:, 0] + arr[:, 1]) * day
        require("source.deployments", deployments,
                bool(np.all(starts[1:] >= stops[:-1] * (1 - WINDOW_EDGE))), f"must be {allowed}")
        return list(zip(starts.tolist(), stops.tolist()))

    def describe(self) -> dict:
        return super().describe() | {
            "isotope": self.isotope, "activity_Bq": self.activity_Bq,
            "activity_Ci": self.activity_Bq / nsp.CURIE_BQ,
            "mean_life_days": self.mean_life / day,
            "deployments_days": [list(d) for d in self.deployments],
            "decays_per_deployment": self.decays_per_deployment.tolist(),
            "decays": self.decays,
            "lines": [{"E_MeV": c.E_min / MeV, "neutrinos": c.total()} for c in self.components],
            "deployment_model": "each deployment a fresh source at the given activity",
        }


# =============================================================================================
# Reactor
# =============================================================================================


class ReactorSource(Source):
    """Reactor electron antineutrinos (far, pdg -12): Huber-Mueller spectra per fission
    (2-8 MeV; Huber PRC 84 (2011) 024617, Mueller et al. PRC 83 (2011) 054615 for U238)
    joined at 2 MeV to Vogel-Engel below (PRD 39 (1989) 3378), weighted by the fission
    fractions (default typical PWR, PWR_FISSION_FRACTIONS) - the kernel
    mcgen.physics.neutrino_spectra.reactor_antinu, zero above 8 MeV.

    Normalisation, one of:
    - thermal_power_MW and distance_m: fissions per second P / sum_i f_i E_i (energies per
      fission, default Ma et al. PRC 88 (2013) 014605), spread over 4 pi L^2 (point reactor,
      reactor_flux_norm);
    - total_flux_cm2_s: the spectrum scaled so that its integral over [E_min_MeV, E_max_MeV]
      is this flux (e.g. [Wong2010]: 1e13 cm^-2 s^-1); distance_m then only sets the baseline.
    E_min_MeV (default 0: below ~1.8 MeV the Vogel-Engel fit is an extrapolation and the
    239U/239Np neutron-capture antineutrinos are not included) and E_max_MeV (<= 8).

    direction: flight direction at the detector; default Direction.fixed((1, 0, 0)): a
    horizontal flux along +x, i.e. the reactor on the -x side of the detector.
    oscillation: 3+1 disappearance ([Coloma2014, Eq. 3.1]) at the baseline distance_m.
    """

    name = "reactor"

    def __init__(
        self, thermal_power_MW: float | None = None, distance_m: float | None = None, *,
        fractions: Mapping | Sequence[float] | None = None,
        energies_per_fission_MeV: Mapping | Sequence[float] | None = None,
        total_flux_cm2_s: float | None = None, E_min_MeV: float = 0.0,
        E_max_MeV: float = nsp.REACTOR_E_MAX / MeV, direction: Direction | None = None,
        oscillation: Oscillation | Mapping | None = None,
    ):
        require("source.thermal_power_MW / total_flux_cm2_s", (thermal_power_MW,
                total_flux_cm2_s), (thermal_power_MW is None) != (total_flux_cm2_s is None),
                "give exactly one: thermal_power_MW (with distance_m) or total_flux_cm2_s")
        fractions = nsp.PWR_FISSION_FRACTIONS if fractions is None else fractions
        e_fis = (nsp.ENERGY_PER_FISSION_MEV if energies_per_fission_MeV is None
                 else energies_per_fission_MeV)
        e_top = nsp.REACTOR_E_MAX / MeV
        in_interval("source.E_min_MeV", E_min_MeV, 0.0, e_top, "MeV", hi_open=True,
                    what="an energy")
        require("source.E_max_MeV", E_max_MeV, is_finite(E_max_MeV)
                and E_min_MeV < E_max_MeV <= e_top,
                f"must be in (E_min_MeV = {E_min_MeV}, 8] MeV (Huber-Mueller fits end at 8 MeV)")
        _per_isotope("source.fractions", fractions, (0.0, 1.0))
        # ~200 MeV per fission (Ma et al.); anything in (0, 1000] MeV keeps the rate finite
        _per_isotope("source.energies_per_fission_MeV", e_fis, (0.0, 1000.0), lo_open=True)
        e_lo, e_hi = float(E_min_MeV) * MeV, float(E_max_MeV) * MeV
        self.distance = _optional_distance(distance_m)
        if thermal_power_MW is not None:
            amount("source.thermal_power_MW", thermal_power_MW, "MW", what="a power")
            require("source.distance_m", distance_m, distance_m is not None,
                    "needed with thermal_power_MW (distance from the reactor core, m)")
        try:
            shape_params = nsp.reactor_params(fractions, 1.0, e_lo, e_hi)
            self.fissions_per_s = (None if thermal_power_MW is None else
                                   nsp.reactor_fissions_per_second(float(thermal_power_MW),
                                                                   fractions, e_fis))
        except ConfigError as exc:
            raise ConfigError(f"source.{exc}") from None
        nodes = nsp.reactor_nodes(e_lo, e_hi)
        per_fission = Component("reactor nu_e-bar", -12, 0.0, Spectrum.REACTOR, shape_params,
                                nodes).total()
        self.neutrinos_per_fission = per_fission
        if thermal_power_MW is not None:
            norm = nsp.reactor_flux_norm(float(thermal_power_MW), fractions, e_fis,
                                         float(distance_m))
        else:
            total = amount("source.total_flux_cm2_s", total_flux_cm2_s, "per cm^2 s",
                           what="a flux")
            norm = total * FLUX_UNIT * MeV / per_fission
        self.thermal_power_MW = thermal_power_MW
        self.fractions = dict(zip(nsp.REACTOR_ISOTOPES, nsp.reactor_weights(shape_params).tolist()))
        # a plain copy: the default is a read-only module constant, which does not pickle
        self.energies_per_fission_MeV = (dict(e_fis) if isinstance(e_fis, Mapping)
                                         else list(e_fis))
        params = shape_params.copy()
        params[nsp.REA_NORM] = norm
        self.oscillation = _check_oscillation(oscillation)
        require("source.oscillation", oscillation, self.oscillation is None
                or distance_m is not None, "needs the baseline distance_m")
        self.components = [Component("reactor nu_e-bar", -12, 0.0, Spectrum.REACTOR, params,
                                     nodes, oscillates=self.oscillation is not None)]
        self.direction = check_direction(direction, Direction.fixed((1.0, 0.0, 0.0)))

    def describe(self) -> dict:
        return super().describe() | {
            "spectrum": "Huber-Mueller (>= 2 MeV) + Vogel-Engel (< 2 MeV)",
            "thermal_power_MW": self.thermal_power_MW,
            "fissions_per_s": self.fissions_per_s,
            "fission_fractions": self.fractions,
            "energies_per_fission_MeV": self.energies_per_fission_MeV,
            "neutrinos_per_fission": self.neutrinos_per_fission,
            "distance_mm": self.distance,
            "total_flux_cm2_s": self.total_flux / (FLUX_UNIT * MeV),
        }


# =============================================================================================
# Sun
# =============================================================================================

SOLAR_SPECIES = ("pp", "pep", "hep", "7Be", "8B", "13N", "15O", "17F")

#: Total solar neutrino fluxes at the Earth [cm^-2 s^-1] (data README):
#: BS05(OP): J. N. Bahcall, A. M. Serenelli, S. Basu, Astrophys. J. 621 (2005) L85;
#: B16 (GS98): N. Vinyoles et al., Astrophys. J. 835 (2017) 202.
SOLAR_FLUXES = MappingProxyType({
    "BS05": MappingProxyType({"pp": 5.991e10, "pep": 1.421e8, "hep": 7.930e3, "7Be": 4.844e9,
                              "8B": 5.691e6, "13N": 3.066e8, "15O": 2.331e8, "17F": 5.836e6}),
    "B16": MappingProxyType({"pp": 5.98e10, "pep": 1.44e8, "hep": 7.98e3, "7Be": 4.93e9,
                             "8B": 5.46e6, "13N": 2.78e8, "15O": 2.05e8, "17F": 5.28e6}),
})
_MODEL_ALIASES = {"BS05": "BS05", "BS05(OP)": "BS05", "B16": "B16", "B16-GS98": "B16"}

#: Solar neutrino lines [(E [MeV], branching)] (data README): 7Be 384.3 keV (10.4 %) and
#: 861.3 keV (89.6 %); pep 1.442 MeV (the shipped pep.csv rounds it to 1.44).
SOLAR_LINES = MappingProxyType({"7Be": ((0.3843 * MeV, 0.104), (0.8613 * MeV, 0.896)),
                                "pep": ((1.442 * MeV, 1.0),)})

#: Electron density at neutrino production [mol/cm^3 = N_A cm^-3] used by default for every
#: species: ~100 N_A cm^-3, the solar-centre value of standard solar models (J. N. Bahcall,
#: Neutrino Astrophysics (1989)). One density for all species is an approximation: pp and 7Be
#: are produced further out, where n_e is lower (see mcgen.physics.oscillation).
SOLAR_N_E_DEFAULT = 100.0

#: Mean Sun-Earth distance, 1 au = 149 597 870 700 m exactly (IAU 2012 Resolution B2).
ASTRONOMICAL_UNIT = 149_597_870_700.0 * m

_SOLAR_FLAVOURS = ("nue", "numu", "nutau")


def solar_table(species: str) -> tuple[np.ndarray, np.ndarray]:
    """Published spectral shape of a continuous solar species ('pp', 'hep', '8B', '13N', '15O',
    '17F'): (E [MeV], dN/dE [MeV^-1]) as shipped in mcgen/data/solar (see its README for the
    citations), rescaled so that its linear interpolation integrates to exactly 1 (the
    digitised tables integrate to 0.9973 (pp) ... 0.99999)."""
    allowed = tuple(k for k in SOLAR_SPECIES if k not in SOLAR_LINES)
    require("solar table", species, species in allowed, f"allowed are {allowed}")
    path = resources.files("mcgen") / "data" / "solar" / f"{species}.csv"
    data = np.loadtxt(str(path), delimiter=",")
    E, y = data[:, 0] * MeV, data[:, 1] / MeV
    return E, y / _trapezoid(E, y)


class SolarSource(Source):
    """Solar neutrinos (far): pp, pep, hep, 7Be (two lines), 8B, 13N, 15O, 17F.

    model: total fluxes "B16" (B16-GS98, default) or "BS05" (BS05(OP)), SOLAR_FLUXES.
    species: any subset of SOLAR_SPECIES (default all).
    flavours: subset of ("nue", "numu", "nutau") (default all three): one component per
    species and flavour, the flux times the flavour fraction at the Earth from the adiabatic
    MSW survival probability, [Mustamin2024, Eqs. (11)-(14)] (p_ee_msw_adiabatic,
    solar_flavour_fractions, NuFIT 5.2 normal ordering); or "nue-only": the unoscillated flux,
    all nu_e (P_ee = 1; for comparisons with calculations that ignore oscillations).
    n_e_mol_cm3: electron density at production [N_A cm^-3], one number for all species
    (default SOLAR_N_E_DEFAULT = 100, the solar centre: an approximation) or a mapping
    species -> density to override some.

    Continuous species are Spectrum.TABLE_LINEAR on the published table's own energies with
    values flux x shape(E_k) x fraction(E_k): the product is evaluated at the table nodes and
    interpolated linearly, like the published shape itself. Since the fractions at every node
    sum to 1, the flavours of a species add up exactly to its total flux. P_ee varies slowly:
    its linear interpolation between the nodes departs from the exact value by < 1e-6
    (absolute; at n_e = 100, largest for hep and 8B) on every table. Lines (7Be, pep) have
    intensity total x branching x fraction at the line energy.

    sun_direction: unit vector from the detector towards the Sun, detector frame (z up);
    default (0, 0, 1), the Sun at the zenith (neutrinos flying straight down). The real
    direction depends on site and time; a per-event solar position is not modelled yet.
    The baseline is 1 au (ASTRONOMICAL_UNIT). No Earth matter (day-night) effect.
    """

    name = "solar"

    def __init__(
        self, species: Sequence[str] = SOLAR_SPECIES, *, model: str = "B16",
        flavours: Sequence[str] | str = _SOLAR_FLAVOURS,
        n_e_mol_cm3: float | Mapping[str, float] = SOLAR_N_E_DEFAULT,
        sun_direction: Sequence[float] = (0.0, 0.0, 1.0),
    ):
        one_of("source.model", model, _MODEL_ALIASES, shown=sorted(_MODEL_ALIASES))
        self.model = _MODEL_ALIASES[model]
        species = _names("source.species", species, SOLAR_SPECIES)
        self.oscillated = not (isinstance(flavours, str) and flavours == "nue-only")
        if self.oscillated:
            flavours = names("source.flavours", [flavours] if isinstance(flavours, str)
                             else flavours, _SOLAR_FLAVOURS,
                             allowed=f"\"nue-only\" or a non-empty list of distinct names "
                                     f"from {list(_SOLAR_FLAVOURS)}")
        else:
            flavours = ["nue"]
        self.species, self.flavours = species, flavours
        self.n_e = self._densities(n_e_mol_cm3, species)
        three_vector("source.sun_direction", sun_direction, nonzero=True)
        self.sun_direction = Direction.fixed(sun_direction).vector
        self.direction = Direction.fixed([0.0 - c for c in self.sun_direction])
        self.distance = ASTRONOMICAL_UNIT
        th12, th13, th23 = nufit_angles(NUFIT52_NO)
        dm21 = NUFIT52_NO["dm21_eV2"]

        def fractions(E, sp):
            """(len(flavours), len(E)) fractions at the Earth."""
            E = np.atleast_1d(np.asarray(E, float))
            if not self.oscillated:
                return np.ones((1, E.size))
            fr = np.array([solar_flavour_fractions(
                p_ee_msw_adiabatic(e, self.n_e[sp], th12, th13, dm21), th23) for e in E]).T
            return fr[[_SOLAR_FLAVOURS.index(f) for f in flavours]]

        comps = []
        for sp in species:
            total = SOLAR_FLUXES[self.model][sp] * FLUX_UNIT * MeV
            if sp in SOLAR_LINES:
                for E0, br in SOLAR_LINES[sp]:
                    fr = fractions(E0, sp)[:, 0]
                    tag = f"{sp} {E0 / MeV * 1e3:.4g} keV" if sp == "7Be" else sp
                    comps += [_line(f"{tag} {_FLAVOUR_LABEL[f]}", FLAVOUR_PDG[f], E0,
                                    total * br * x) for f, x in zip(flavours, fr)]
            else:
                E, shape = solar_table(sp)
                fr = fractions(E, sp)
                comps += [_table(f"{sp} {_FLAVOUR_LABEL[f]}", FLAVOUR_PDG[f], E,
                                 total * shape * fr[k]) for k, f in enumerate(flavours)]
        self.components = comps

    @staticmethod
    def _densities(n_e, species) -> dict[str, float]:
        # up to 100 times the solar centre's ~100 N_A cm^-3 (keeps the MSW terms finite)
        top = 1e4
        allowed = (f"must be a density in [0, {top:g}] (N_A cm^-3) or a table species -> "
                   "density")
        if isinstance(n_e, Mapping):
            unknown = sorted(set(n_e) - set(SOLAR_SPECIES))
            require("source.n_e_mol_cm3", dict(n_e), not unknown,
                    f"unknown species {unknown}; allowed are {SOLAR_SPECIES}")
            out = {sp: n_e.get(sp, SOLAR_N_E_DEFAULT) for sp in species}
        else:
            out = {sp: n_e for sp in species}
        for v in out.values():
            require("source.n_e_mol_cm3", n_e, is_finite(v) and 0 <= float(v) <= top, allowed)
        return {k: float(v) for k, v in out.items()}

    def species_flux(self, species: str) -> float:
        """Sum of a species' components [cm^-2 s^-1] (all flavours: its total flux)."""
        return sum(c.total() for c in self.components
                   if c.label.split(" ")[0] == species) / (FLUX_UNIT * MeV)

    def describe(self) -> dict:
        return super().describe() | {
            "model": {"BS05": "BS05(OP)", "B16": "B16-GS98"}[self.model],
            "species": list(self.species),
            "flavours": "nue-only (no oscillation)" if not self.oscillated else self.flavours,
            "oscillation": "adiabatic MSW, [Mustamin2024, Eqs. (11)-(14)], NuFIT 5.2 NO"
            if self.oscillated else "none",
            "n_e_mol_cm3": self.n_e, "sun_direction": list(self.sun_direction),
            "distance_mm": self.distance,
        }


# =============================================================================================
# Atmosphere
# =============================================================================================


class AtmosphericNeutrinoSource(Source):
    """Atmospheric neutrinos (far): the FLUKA tables at Kamioka (13-982 MeV, all directions;
    G. Battistoni et al., Astropart. Phys. 23 (2005) 526, mcgen.sources.dipole.fluka_table),
    one Spectrum.TABLE_LINEAR component per flavour ("nue", "nuebar", "numu", "numubar" ->
    pdg 12, -12, 14, -14), isotropic.

    direction: isotropic (default) or ``Direction.zenith_table(cos, weights)``, a tabulated
    distribution in cos(zenith).
    """

    name = "atmospheric_neutrino"
    FLAVOURS = ("nue", "nuebar", "numu", "numubar")

    def __init__(self, flavours: Sequence[str] = FLAVOURS, *, direction: Direction | None = None):
        flavours = _names("source.flavours", flavours, self.FLAVOURS)
        direction = check_direction(direction)
        require("source.direction", direction.describe(), direction.kind != DirectionKind.FIXED,
                "an atmospheric flux needs isotropic or zenith-table directions")
        self.flavours = flavours
        comps = []
        for f in flavours:
            E, y = fluka_table(f)
            comps.append(_table(f"atmospheric {_FLAVOUR_LABEL[f]}", FLAVOUR_PDG[f], E * MeV,
                                y * FLUX_UNIT))
        self.components = comps
        self.direction = direction

    def describe(self) -> dict:
        return super().describe() | {
            "spectrum": "FLUKA, Kamioka (Battistoni et al., Astropart. Phys. 23 (2005) 526)",
            "flavours": self.flavours, "zenith": "isotropic"}


# =============================================================================================
# Stopped pions
# =============================================================================================

#: pi+ and mu+ mean lives [ns], PDG via the `particle` package (26.03 ns, 2196.98 ns).
TAU_PION = Particle.from_pdgid(211).lifetime * ns
TAU_MUON = Particle.from_pdgid(13).lifetime * ns


class StoppedPionSource(Source):
    """pi+ decay at rest (near): per stopped pi+, one prompt nu_mu (line at
    PION_PROMPT_NUMU_ENERGY = 29.79 MeV, pi+ -> mu+ nu_mu), one nu_e and one nu_mu-bar with
    the Michel spectra of mu+ -> e+ nu_e nu_mu-bar (michel_nue, michel_numubar).

    Rate: nu_per_flavour_per_s (= stopped pi+ per second), or protons_on_target_per_s times
    nu_per_proton (both given by the user); number emitted of each flavour = rate x run_days.
    Emission times [ns] are counted from the stop of each pion (the beam's time structure is
    not modelled): prompt exponential(tau_pi) (TimeKind.PION_PROMPT), delayed exponential(tau_pi)
    + exponential(tau_mu) (TimeKind.PION_DELAYED), lifetimes from the PDG (TAU_PION, TAU_MUON).
    shape: where the pions stop (default a point at the origin: place it outside the detector).
    """

    name = "stopped_pion"

    def __init__(
        self, nu_per_flavour_per_s: float | None = None, run_days: float | None = None, *,
        protons_on_target_per_s: float | None = None, nu_per_proton: float | None = None,
        shape: Shape | None = None,
    ):
        by_protons = protons_on_target_per_s is not None or nu_per_proton is not None
        require("source.nu_per_flavour_per_s", nu_per_flavour_per_s,
                (nu_per_flavour_per_s is None) == by_protons,
                "give nu_per_flavour_per_s, or protons_on_target_per_s with nu_per_proton")
        if by_protons:
            pot = amount("source.protons_on_target_per_s", protons_on_target_per_s,
                         "protons per s", what="a rate")
            # neutrinos of each flavour per proton: ~0.1 at 1 GeV; at most 1e3
            rate = pot * in_interval("source.nu_per_proton", nu_per_proton, AMOUNT[0], 1e3,
                                     "neutrinos of each flavour per proton")
            require("source.nu_per_proton", nu_per_proton, AMOUNT[0] <= rate <= AMOUNT[1],
                    f"times protons_on_target_per_s must be in [{AMOUNT[0]:g}, {AMOUNT[1]:g}] "
                    "per s")
        else:
            rate = amount("source.nu_per_flavour_per_s", nu_per_flavour_per_s, "per s",
                          what="a rate")
        require("source.run_days", run_days, run_days is not None, "needed (run length, days)")
        days = in_range("source.run_days", run_days, DAYS, "days", what="a duration")
        self.rate_per_s, self.run_days = rate, days
        self.protons_on_target_per_s, self.nu_per_proton = protons_on_target_per_s, nu_per_proton
        N = rate * days * (day / s)
        self.neutrinos_per_flavour = N
        self.shape = check_shape("source.shape", shape if shape is not None else Point())
        prompt = TimeModel.pion_prompt(TAU_PION)
        delayed = TimeModel.pion_delayed(TAU_PION, TAU_MUON)
        p = nsp.michel_params(N)
        self.components = [
            _line("prompt nu_mu", 14, nsp.PION_PROMPT_NUMU_ENERGY, N, time=prompt),
            Component("delayed nu_e", 12, 0.0, Spectrum.MICHEL_NUE, p, nsp.michel_nue_nodes(),
                      delayed),
            Component("delayed nu_mu-bar", -14, 0.0, Spectrum.MICHEL_NUMUBAR, p.copy(),
                      nsp.michel_numubar_nodes(), delayed),
        ]

    def describe(self) -> dict:
        return super().describe() | {
            "nu_per_flavour_per_s": self.rate_per_s, "run_days": self.run_days,
            "protons_on_target_per_s": self.protons_on_target_per_s,
            "nu_per_proton": self.nu_per_proton,
            "neutrinos_per_flavour": self.neutrinos_per_flavour,
            "tau_pi_ns": TAU_PION / ns, "tau_mu_ns": TAU_MUON / ns,
            "times": "from each pion's stop; beam time structure not modelled"}


# =============================================================================================
# Monoenergetic and tabulated
# =============================================================================================


class MonoenergeticSource(Source):
    """One line (far): energy_MeV (total energy) with flux_cm2_s [cm^-2 s^-1] at the
    detector; pdg (default 12), mass_MeV (default 0), direction (default isotropic),
    distance_m (optional baseline)."""

    name = "monoenergetic"

    def __init__(self, energy_MeV: float, flux_cm2_s: float, *, pdg: int = 12,
                 mass_MeV: float = 0.0, direction: Direction | None = None,
                 distance_m: float | None = None):
        mass = zero_or_in_range("source.mass_MeV", mass_MeV, PARTICLE_MASS_MEV, "MeV") * MeV
        E = in_range("source.energy_MeV", energy_MeV, ENERGY_MEV, "MeV", what="an energy",
                     lo_open=True) * MeV
        require("source.energy_MeV", energy_MeV, E > mass,
                f"must exceed the mass (mass_MeV = {mass_MeV} MeV)")
        flux = amount("source.flux_cm2_s", flux_cm2_s, "per cm^2 s", what="a flux")
        pdg = pdg_id("source.pdg", pdg)
        self.components = [_line(f"line {E / MeV:.6g} MeV", pdg, E, flux * FLUX_UNIT * MeV,
                                 mass=mass)]
        self.direction = check_direction(direction, Direction.isotropic())
        self.distance = _optional_distance(distance_m)

    def describe(self) -> dict:
        return super().describe() | {"flux_cm2_s": self.total_flux / (FLUX_UNIT * MeV),
                                     "distance_mm": self.distance}


def read_spectrum_csv(path) -> tuple[np.ndarray, np.ndarray]:
    """Read and check a user spectrum: two columns (comma- or blank-separated) E [MeV],
    dPhi/dE [cm^-2 s^-1 MeV^-1]; '#' starts a comment; blank lines are skipped. Needs >= 2
    rows, E finite, >= 0 and strictly increasing, values finite and >= 0, not all zero.
    Each failure is a ConfigError naming the file and the row (line number in the file)."""
    where = f"source.path = {str(path)!r}"
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{where}: file not found")
    try:
        text = p.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot be read as text ({exc})") from None
    E, y, rows = [], [], []
    for row, line in enumerate(text.splitlines(), 1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        cols = [c.strip() for c in body.split(",")] if "," in body else body.split()
        at = f"{where}, row {row} ({line.strip()!r})"
        if len(cols) != 2:
            raise ConfigError(f"{at}: {len(cols)} columns; need 2: E [MeV], dPhi/dE "
                              "[cm^-2 s^-1 MeV^-1]")
        try:
            e, v = float(cols[0]), float(cols[1])
        except ValueError:
            raise ConfigError(f"{at}: not two numbers") from None
        if not (math.isfinite(e) and 0 <= e <= ENERGY_MEV[1]):
            raise ConfigError(f"{at}: energy must be finite and >= 0 MeV, at most "
                              f"{ENERGY_MEV[1]:g}")
        if not (math.isfinite(v) and 0 <= v <= AMOUNT_MAX):
            raise ConfigError(f"{at}: flux must be finite and >= 0, at most {AMOUNT_MAX:g}")
        if E and e <= E[-1]:
            raise ConfigError(f"{at}: energies must increase strictly (previous row "
                              f"{rows[-1]} has E = {E[-1]:g} MeV)")
        E.append(e)
        y.append(v)
        rows.append(row)
    if len(E) < 2:
        raise ConfigError(f"{where}: {len(E)} data row(s); need at least 2")
    if not any(v > 0 for v in y):
        raise ConfigError(f"{where}: every flux value is zero")
    return np.array(E), np.array(y)


class TabulatedSource(Source):
    """A user-tabulated flux (far): CSV file ``path`` with E [MeV] (total energy) and
    dPhi/dE [cm^-2 s^-1 MeV^-1] (checked by read_spectrum_csv), interpolated linearly and zero
    outside the table. total_flux_cm2_s: if given, the table is rescaled so that its
    integral (trapezoid = integral of the linear interpolation) is this flux. pdg (default
    12), mass_MeV (default 0; the table must start at E >= mass), direction (default
    isotropic), distance_m (optional baseline). In a run card a relative path is taken
    relative to the card's directory."""

    name = "tabulated"

    def __init__(self, path: str | Path, *, pdg: int = 12, mass_MeV: float = 0.0,
                 direction: Direction | None = None, total_flux_cm2_s: float | None = None,
                 distance_m: float | None = None):
        require("source.path", path, isinstance(path, Path) or (isinstance(path, str) and path
                and "\0" not in path), "must be a file path")
        mass = zero_or_in_range("source.mass_MeV", mass_MeV, PARTICLE_MASS_MEV, "MeV") * MeV
        E, y = read_spectrum_csv(path)
        require("source.path", str(path), E[0] * MeV >= mass,
                f"table starts at E = {E[0]:g} MeV, below the mass (mass_MeV = {mass_MeV} MeV)")
        self.path = str(path)
        self.table_flux_cm2_s = _trapezoid(E, y)
        require("source.path", str(path), 1 / AMOUNT_MAX <= self.table_flux_cm2_s <= AMOUNT_MAX,
                f"the table integrates to {self.table_flux_cm2_s:g} per cm^2 s; allowed are "
                f"[{1 / AMOUNT_MAX:g}, {AMOUNT_MAX:g}]")
        if total_flux_cm2_s is not None:
            total = amount("source.total_flux_cm2_s", total_flux_cm2_s, "per cm^2 s",
                           what="a flux")
            y = y * (total / self.table_flux_cm2_s)
        pdg = pdg_id("source.pdg", pdg)
        self.components = [_table(f"tabulated {Path(path).name}", pdg, E * MeV, y * FLUX_UNIT,
                                  mass=mass)]
        self.direction = check_direction(direction, Direction.isotropic())
        self.distance = _optional_distance(distance_m)

    def describe(self) -> dict:
        return super().describe() | {
            "path": self.path, "table_flux_cm2_s": self.table_flux_cm2_s,
            "flux_cm2_s": _trapezoid(self.components[0].nodes,
                                     self.components[0].flux(self.components[0].nodes))
            / FLUX_UNIT / MeV,
            "distance_mm": self.distance}


__all__ = [
    "ASTRONOMICAL_UNIT", "AtmosphericNeutrinoSource", "ElectronCaptureSource", "FLAVOUR_PDG",
    "MonoenergeticSource", "ReactorSource", "SOLAR_FLUXES", "SOLAR_LINES", "SOLAR_N_E_DEFAULT",
    "SOLAR_SPECIES", "SolarSource", "StoppedPionSource", "TAU_MUON", "TAU_PION",
    "TabulatedSource", "decays_in_window", "read_spectrum_csv", "solar_table",
]
