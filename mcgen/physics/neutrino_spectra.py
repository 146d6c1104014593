"""Neutrino source spectra: reactor antineutrinos, stopped-pion decay at rest, 51Cr lines.

Spectral kernels follow mcgen.physics.spectra: ``kernel(E, p)`` with E the neutrino energy
[MeV] and p a float64 parameter array, returning the differential flux (its first value,
REA_NORM / MICHEL_NORM, is the overall normalisation). Each kernel is monotone between the
nodes given by its ``*_nodes`` function, which is what the sampler's envelope needs. Lines
(pion prompt nu_mu, 51Cr) are given as (energies, branchings) and are not kernels.

The plain-Python helpers (``*_params``, ``*_nodes``, flux normalisations) only pack numbers;
the numbers themselves are module-level constants with their citations.

Parameter layouts (named offsets below; ``pack_reactor``, ``pack_michel``):
- reactor_antinu: REA_NORM, REA_E_LO, REA_E_HI, REA_E_JOIN, REA_N_ISO (number of isotopes),
  then from REA_ISOTOPES one block of REA_STRIDE values per isotope: at REA_WEIGHT its fission
  fraction, from REA_HM its 6 Huber-Mueller coefficients a_0..a_5, from REA_VE its 3
  Vogel-Engel coefficients a_0..a_2;
- michel_nue, michel_numubar: MICHEL_NORM, MICHEL_M_MU.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
from numba import njit
from particle import Particle

from ..constants import M_MUON, MeV, day, keV, m, s
from ..errors import ConfigError
from ..validation import non_negative_finite, positive_finite, probability
from .layout import at_offsets

# ---------------------------------------------------------------------------------------------
# Reactor antineutrinos
# ---------------------------------------------------------------------------------------------

#: Fissioning isotopes, in the order used by the parameter arrays.
REACTOR_ISOTOPES = ("U235", "U238", "Pu239", "Pu241")

#: Huber-Mueller spectra per fission, dN/dE = exp(sum_k a_k E^k) [MeV^-1], k = 0..5, valid
#: 2-8 MeV: P. Huber, PRC 84 (2011) 024617 (U235, Pu239, Pu241); Th. A. Mueller et al.,
#: PRC 83 (2011) 054615 (U238).
HUBER_MUELLER_COEFFS = MappingProxyType({
    "U235": (4.367, -4.577, 2.100, -5.294e-1, 6.186e-2, -2.777e-3),
    "U238": (0.4833, 0.1927, -0.1283, -6.762e-3, 2.233e-3, -1.536e-4),
    "Pu239": (4.757, -5.392, 2.563, -6.596e-1, 7.820e-2, -3.536e-3),
    "Pu241": (2.990, -2.882, 1.278, -3.343e-1, 3.905e-2, -1.754e-3),
})

#: Vogel-Engel spectra per fission, dN/dE = exp(a0 + a1 E + a2 E^2) [MeV^-1], used below 2 MeV:
#: P. Vogel, J. Engel, PRD 39 (1989) 3378.
VOGEL_ENGEL_COEFFS = MappingProxyType({
    "U235": (0.870, -0.160, -0.0910),
    "U238": (0.976, -0.162, -0.0790),
    "Pu239": (0.896, -0.239, -0.0981),
    "Pu241": (0.793, -0.080, -0.1085),
})

#: Typical PWR fission fractions (Daya Bay average effective fractions, as commonly quoted).
PWR_FISSION_FRACTIONS = MappingProxyType({"U235": 0.564, "U238": 0.076, "Pu239": 0.304,
                                          "Pu241": 0.056})

#: Energy released per fission [MeV]: X. B. Ma et al., PRC 88 (2013) 014605.
ENERGY_PER_FISSION_MEV = MappingProxyType({"U235": 202.36, "U238": 205.99, "Pu239": 211.12,
                                           "Pu241": 214.26})

#: Join of the two parameterisations [MeV]: Vogel-Engel below, Huber-Mueller at and above.
REACTOR_E_JOIN = 2.0 * MeV
#: Upper end of the Huber-Mueller fits [MeV]. The spectrum is set to zero above it (no
#: extrapolation): the fits are not valid there, and the tail is tiny (at 8 MeV the fits are
#: (1-3)e-3 of their 2 MeV values).
REACTOR_E_MAX = 8.0 * MeV

#: 1 MeV in joule: elementary charge 1.602176634e-19 C (SI 2019, exact) times 1e6 V.
MEV_IN_JOULE = 1.602176634e-13

# At the 2 MeV join the two fits differ (Huber-Mueller / Vogel-Engel at 2 MeV): U235 +9.7 %,
# U238 -0.4 %, Pu239 +6.3 %, Pu241 +3.4 %; +7.5 % for the PWR fractions. The spectrum is
# therefore discontinuous at 2 MeV (a step up for every isotope but U238); 2 MeV is a node of
# reactor_nodes so the sampler's envelope sees both sides. Both pieces decrease monotonically:
# a1, a2 < 0 in every Vogel-Engel fit, and every Huber-Mueller fit decreases on [2, 8] MeV.

REA_NORM, REA_E_LO, REA_E_HI, REA_E_JOIN, REA_N_ISO = range(5)
REA_ISOTOPES = 5  # first isotope block
REA_WEIGHT, REA_HM, REA_VE = 0, 1, 7  # inside a block: weight, 6 Huber-Mueller, 3 Vogel-Engel
REA_STRIDE = 10  # values per isotope block
_REACTOR_HEADER = REA_ISOTOPES  # older names
_REACTOR_STRIDE = REA_STRIDE


def pack_reactor(*, norm: float, E_lo: float, E_hi: float, E_join: float, isotopes
                 ) -> np.ndarray:
    """Parameter array of `reactor_antinu` (module docstring); isotopes: (fission fraction,
    6 Huber-Mueller coefficients, 3 Vogel-Engel coefficients) of each isotope."""
    head = at_offsets({REA_NORM: norm, REA_E_LO: E_lo, REA_E_HI: E_hi, REA_E_JOIN: E_join,
                       REA_N_ISO: len(isotopes)}, size=REA_ISOTOPES)
    blocks = []
    for weight, hm, ve in isotopes:
        block = np.empty(REA_STRIDE, dtype=np.float64)
        block[REA_WEIGHT] = weight
        block[REA_HM:REA_HM + 6] = hm
        block[REA_VE:REA_VE + 3] = ve
        blocks.append(block)
    return np.concatenate([head, *blocks])


def reactor_weights(p: np.ndarray) -> np.ndarray:
    """The fission fractions in a parameter array of `reactor_antinu`."""
    return p[REA_ISOTOPES + REA_WEIGHT::REA_STRIDE]


@njit(cache=True)
def reactor_antinu(E: float, p: np.ndarray) -> float:
    """Reactor antineutrino spectrum, p from reactor_params:
    norm sum_i f_i S_i(E) for E_lo <= E <= E_hi, zero outside, with the per-fission spectrum
    S_i = exp(a0 + a1 E + a2 E^2) below E_join (Vogel-Engel, PRD 39 (1989) 3378) and
    S_i = exp(sum_{k=0}^5 a_k E^k) from E_join (Huber, PRC 84 (2011) 024617; Mueller et al.,
    PRC 83 (2011) 054615 for U238). With norm = fissions per area per time this is dPhi/dE."""
    norm, e_lo, e_hi, e_join = p[REA_NORM], p[REA_E_LO], p[REA_E_HI], p[REA_E_JOIN]
    if E < e_lo or E > e_hi:
        return 0.0
    n = int(p[REA_N_ISO])
    total = 0.0
    for i in range(n):
        b = REA_ISOTOPES + REA_STRIDE * i
        if E >= e_join:
            h = b + REA_HM  # Horner: a_5 E^5 + ... + a_0
            x = p[h + 5]
            for k in range(4, -1, -1):
                x = x * E + p[h + k]
        else:
            v = b + REA_VE
            x = p[v] + E * (p[v + 1] + E * p[v + 2])
        total += p[b + REA_WEIGHT] * math.exp(x)
    return norm * total


def _per_isotope(name: str, values) -> np.ndarray:
    """Mapping {isotope: value} or a sequence in REACTOR_ISOTOPES order -> array of 4."""
    if isinstance(values, Mapping):
        unknown = set(values) - set(REACTOR_ISOTOPES)
        if unknown:
            raise ConfigError(f"{name} = {dict(values)!r}: unknown isotopes {sorted(unknown)}; "
                              f"allowed are {REACTOR_ISOTOPES}")
        out = np.array([float(values.get(k, 0.0)) for k in REACTOR_ISOTOPES])
    else:
        out = np.asarray(values, dtype=np.float64)
        if out.shape != (len(REACTOR_ISOTOPES),):
            raise ConfigError(f"{name} = {values!r}: give 4 values in the order "
                              f"{REACTOR_ISOTOPES} or a mapping isotope -> value")
    if not np.all(np.isfinite(out)):
        raise ConfigError(f"{name} = {values!r}: values must be finite")
    return out


def _fractions(fractions) -> np.ndarray:
    f = _per_isotope("fractions", fractions)
    if np.any(f < 0) or abs(f.sum() - 1.0) > 1e-2:
        raise ConfigError(f"fractions = {fractions!r}: fission fractions must be >= 0 and sum "
                          f"to 1 (sum is {f.sum():.4g})")
    return f


def reactor_params(fractions=PWR_FISSION_FRACTIONS, norm: float = 1.0, E_lo: float = 0.0,
                   E_hi: float = REACTOR_E_MAX, E_join: float = REACTOR_E_JOIN) -> np.ndarray:
    """Parameter array of reactor_antinu for the given fission fractions (mapping isotope ->
    fraction, or 4 numbers in REACTOR_ISOTOPES order; they must sum to 1).

    norm = 1 gives antineutrinos per fission per MeV; norm = reactor_flux_norm(...) gives the
    flux. E_lo [MeV] >= 0 (default 0: below ~1.8 MeV the Vogel-Engel fit is an extrapolation
    and the antineutrinos from neutron capture, 239U/239Np, are not included); E_hi <= 8 MeV
    (end of the Huber-Mueller fits; zero above). E_join: where Vogel-Engel hands over to
    Huber-Mueller (2 MeV; E_join >= E_hi gives the pure Vogel-Engel spectrum)."""
    f = _fractions(fractions)
    non_negative_finite("norm", norm)
    if not (0.0 <= E_lo < E_hi <= REACTOR_E_MAX):
        raise ConfigError(f"E_lo, E_hi = {E_lo!r}, {E_hi!r}: need 0 <= E_lo < E_hi <= "
                          f"{REACTOR_E_MAX / MeV:g} MeV (the Huber-Mueller fits end at 8 MeV)")
    return pack_reactor(norm=norm, E_lo=E_lo, E_hi=E_hi, E_join=E_join, isotopes=[
        (w, HUBER_MUELLER_COEFFS[iso], VOGEL_ENGEL_COEFFS[iso])
        for w, iso in zip(f, REACTOR_ISOTOPES)])


def reactor_nodes(E_lo: float = 0.0, E_hi: float = REACTOR_E_MAX,
                  E_join: float = REACTOR_E_JOIN) -> np.ndarray:
    """Energies [MeV] between which reactor_antinu is monotone: E_lo, the join (2 MeV, where
    it jumps) if inside, E_hi."""
    pts = [E_lo, E_hi] + ([E_join] if E_lo < E_join < E_hi else [])
    return np.array(sorted(pts), dtype=np.float64)


def reactor_fissions_per_second(thermal_power_MW: float, fractions,
                                energies_per_fission_MeV) -> float:
    """Fission rate [1/s] = P / sum_i f_i E_i, P thermal power [MW], E_i energy released per
    fission [MeV] (e.g. ENERGY_PER_FISSION_MEV, Ma et al. PRC 88 (2013) 014605)."""
    f = _fractions(fractions)
    e = _per_isotope("energies_per_fission_MeV", energies_per_fission_MeV)
    non_negative_finite("thermal_power_MW", thermal_power_MW, "MW")
    if np.any(e <= 0):
        raise ConfigError(f"energies_per_fission_MeV = {energies_per_fission_MeV!r}: must be > 0")
    return thermal_power_MW * 1e6 / (float(f @ e) * MEV_IN_JOULE)


def reactor_flux_norm(thermal_power_MW: float, fractions, energies_per_fission_MeV,
                      distance_m: float) -> float:
    """Fissions per unit area per unit time at distance L from an isotropic point reactor,
    rate / (4 pi L^2), in internal units (multiply by cm2 * s for cm^-2 s^-1). Use as the norm
    of reactor_params: then reactor_antinu is dPhi/dE in internal units."""
    positive_finite("distance_m", distance_m, "m")
    rate = reactor_fissions_per_second(thermal_power_MW, fractions, energies_per_fission_MeV)
    L = distance_m * m
    return rate / s / (4.0 * math.pi * L * L)


# ---------------------------------------------------------------------------------------------
# Stopped pi+ decay at rest: pi+ -> mu+ nu_mu (prompt line), mu+ -> e+ nu_e nu_mu-bar (Michel)
# ---------------------------------------------------------------------------------------------

#: Charged-pion mass [MeV], PDG (via the `particle` package).
M_PION_CHARGED = Particle.from_pdgid(211).mass * MeV

#: Prompt nu_mu energy from pi+ -> mu+ nu_mu at rest, (m_pi^2 - m_mu^2) / (2 m_pi) = 29.79 MeV.
PION_PROMPT_NUMU_ENERGY = (M_PION_CHARGED**2 - M_MUON**2) / (2.0 * M_PION_CHARGED)

MICHEL_NORM, MICHEL_M_MU = 0, 1


def pack_michel(*, norm: float, m_mu: float) -> np.ndarray:
    """Parameter array of michel_nue / michel_numubar (module docstring)."""
    return at_offsets({MICHEL_NORM: norm, MICHEL_M_MU: m_mu})


@njit(cache=True)
def michel_nue(E: float, p: np.ndarray) -> float:
    """nu_e from mu+ decay at rest, p = (norm, m_mu): norm (192 / m_mu) y^2 (1/2 - y),
    y = E / m_mu in [0, 1/2] (data README; massless e+, no radiative corrections); unit integral
    for norm = 1, mean energy 0.3 m_mu. Rises to its maximum at y = 1/3, then falls."""
    norm, mmu = p[MICHEL_NORM], p[MICHEL_M_MU]
    y = E / mmu
    if y < 0.0 or y > 0.5:
        return 0.0
    return norm * 192.0 / mmu * y * y * (0.5 - y)


@njit(cache=True)
def michel_numubar(E: float, p: np.ndarray) -> float:
    """nu_mu-bar from mu+ decay at rest, p = (norm, m_mu): norm (64 / m_mu) y^2 (3/4 - y),
    y = E / m_mu in [0, 1/2] (data README); unit integral for norm = 1, mean energy
    0.35 m_mu. Increasing on the whole range."""
    norm, mmu = p[MICHEL_NORM], p[MICHEL_M_MU]
    y = E / mmu
    if y < 0.0 or y > 0.5:
        return 0.0
    return norm * 64.0 / mmu * y * y * (0.75 - y)


def michel_params(norm: float = 1.0, m_mu: float = M_MUON) -> np.ndarray:
    """Parameter array (norm, m_mu) of michel_nue / michel_numubar; norm = neutrinos of that
    flavour per unit area per unit time (one of each per stopped pi+)."""
    return pack_michel(norm=norm, m_mu=m_mu)


def michel_nue_nodes(m_mu: float = M_MUON) -> np.ndarray:
    """Monotonicity nodes of michel_nue: 0, m_mu/3 (maximum), m_mu/2."""
    return np.array([0.0, m_mu / 3.0, m_mu / 2.0])


def michel_numubar_nodes(m_mu: float = M_MUON) -> np.ndarray:
    """Monotonicity nodes of michel_numubar: 0, m_mu/2."""
    return np.array([0.0, m_mu / 2.0])


def pion_prompt_line() -> tuple[np.ndarray, np.ndarray]:
    """(energies [MeV], branchings) of the prompt nu_mu: one line at PION_PROMPT_NUMU_ENERGY."""
    return np.array([PION_PROMPT_NUMU_ENERGY]), np.array([1.0])


# ---------------------------------------------------------------------------------------------
# 51Cr electron-capture source
# ---------------------------------------------------------------------------------------------

#: 51Cr electron-capture Q value [MeV] (data README).
CR51_Q_EC = 752.4 * keV
#: 51Cr mean life ([Coloma2014, Sec. 1]; data README): 39.96 d.
CR51_MEAN_LIFE = 39.96 * day
#: Branching to the 51V ground state and to its 320 keV level (data README).
CR51_BRANCH_GROUND = 0.901
CR51_BRANCH_320 = 0.099
#: Line energies [MeV] (data README): capture to the ground state from the K shell (747 keV)
#: and from the L and outer shells (752 keV); to the 320 keV level: 427 and 432 keV.
CR51_LINES_KL = (747.0 * keV, 752.0 * keV, 427.0 * keV, 432.0 * keV)
#: Two-line version of [Coloma2014] (Sec. 1): 750 keV (90 %) and 430 keV (10 %).
CR51_LINES_PAPER001 = ((750.0 * keV, 0.90), (430.0 * keV, 0.10))
#: One curie in becquerel (exact by definition).
CURIE_BQ = 3.7e10


def cr51_lines(k_fraction: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(energies [MeV], branchings) of the 51Cr neutrino lines; branchings sum to 1.

    Default (k_fraction None): the two lines of [Coloma2014], 750 keV (90 %) and 430 keV (10 %).
    The data README does not give the split between K capture and capture from the L (and
    outer) shells, and no cited value was at hand, so the four-line version needs it given:
    k_fraction = K-capture share, the same for both nuclear branches; lines 747 / 752 keV
    (ground state, 90.1 %) and 427 / 432 keV (320 keV level, 9.9 %)."""
    if k_fraction is None:
        e, b = zip(*CR51_LINES_PAPER001)
        return np.array(e), np.array(b)
    probability("k_fraction", k_fraction, what="a fraction")
    g, x, k = CR51_BRANCH_GROUND, CR51_BRANCH_320, k_fraction
    b = np.array([g * k, g * (1.0 - k), x * k, x * (1.0 - k)])
    return np.array(CR51_LINES_KL), b / b.sum()


def cr51_decays(activity0_Bq: float, t_start: float, t_stop: float) -> float:
    """Number of 51Cr decays (= neutrinos) between t_start and t_stop [internal time units,
    e.g. 100 * day] for an activity activity0_Bq at t = 0: A0 tau (e^{-t1/tau} - e^{-t2/tau}),
    tau = CR51_MEAN_LIFE."""
    tau_s = CR51_MEAN_LIFE / s
    return activity0_Bq * tau_s * (math.exp(-t_start / CR51_MEAN_LIFE)
                                   - math.exp(-t_stop / CR51_MEAN_LIFE))


__all__ = [
    "CR51_BRANCH_320", "CR51_BRANCH_GROUND", "CR51_LINES_KL", "CR51_LINES_PAPER001",
    "CR51_MEAN_LIFE", "CR51_Q_EC", "CURIE_BQ", "ENERGY_PER_FISSION_MEV", "HUBER_MUELLER_COEFFS",
    "MEV_IN_JOULE", "M_PION_CHARGED", "PION_PROMPT_NUMU_ENERGY", "PWR_FISSION_FRACTIONS",
    "REACTOR_E_JOIN", "REACTOR_E_MAX", "REACTOR_ISOTOPES", "VOGEL_ENGEL_COEFFS",
    "cr51_decays", "cr51_lines", "michel_nue", "michel_nue_nodes", "michel_numubar",
    "michel_numubar_nodes", "michel_params", "pion_prompt_line", "reactor_antinu",
    "reactor_flux_norm", "reactor_fissions_per_second", "reactor_nodes", "reactor_params",
    "MICHEL_M_MU", "MICHEL_NORM", "REA_E_HI", "REA_E_JOIN", "REA_E_LO", "REA_HM", "REA_ISOTOPES",
    "REA_NORM", "REA_N_ISO", "REA_STRIDE", "REA_VE", "REA_WEIGHT", "pack_michel", "pack_reactor",
    "reactor_weights",
]
