"""Neutrino oscillation probabilities: 3+1 short-baseline disappearance ([Coloma2014]) and the
adiabatic MSW survival probability of solar neutrinos with its flavour split ([Mustamin2024]).

Internal units (hepunits): E in MeV, L in mm. Mass splittings are passed as plain numbers in
eV^2 (the way they are quoted), angles in radians, electron densities in mol/cm^3
(= N_A electrons per cm^3, the usual solar-model unit).
"""

from __future__ import annotations

import math
from types import MappingProxyType

from numba import njit

from ..constants import G_FERMI, HBARC, N_AVOGADRO, MeV, cm, eV, m

#: Oscillation phase Delta m^2 L / (4 E) (natural units) for Delta m^2 = 1 eV^2, L = 1 m,
#: E = 1 MeV: (1 eV)^2 (1 m) / (4 (1 MeV) hbar c) = 1.26693 (the familiar "1.267"), derived
#: from the CODATA hbar c of mcgen.constants.
OSC_PHASE_EV2_M_PER_MEV = eV * eV * m / (4.0 * MeV * HBARC)

#: Matter term A = 2 sqrt(2) G_F n_e E in eV^2 for n_e = 1 mol/cm^3 and E = 1 MeV
#: (n_e converted to natural units with (hbar c)^3): 1.526e-7 eV^2, as in the PDG review
#: "Neutrino masses, mixing and oscillations": A = 1.52e-4 eV^2 Y_e rho[g/cm^3] E[GeV].
MSW_A_EV2_PER_MOLCM3_MEV = (2.0 * math.sqrt(2.0) * G_FERMI * (N_AVOGADRO / cm**3) * HBARC**3
                            * MeV / (eV * eV))


#: NuFIT 5.2 (2022) best fit, normal ordering (with SK atmospheric data): I. Esteban,
#: M. C. Gonzalez-Garcia, M. Maltoni, T. Schwetz, A. Zhou, JHEP 09 (2020) 178 and the 5.2
#: update at www.nu-fit.org ([Esteban2020]). Mixing as sin^2,
#: theta_23 in degrees, splittings in eV^2; ``nufit_angles`` gives the angles in radians.
NUFIT52_NO = MappingProxyType({
    "sin2_th12": 0.303,
    "sin2_th13": 0.0220,
    "th23_deg": 49.1,
    "dm21_eV2": 7.41e-5,
    "dm31_eV2": 2.511e-3,
})


def nufit_angles(params=NUFIT52_NO) -> tuple[float, float, float]:
    """(theta_12, theta_13, theta_23) [rad] from a NUFIT52_NO-like mapping."""
    return (math.asin(math.sqrt(params["sin2_th12"])), math.asin(math.sqrt(params["sin2_th13"])),
            math.radians(params["th23_deg"]))


# No table of production-averaged solar electron densities is given here: no citable
# per-source values (e.g. from the BS05 production profiles) were at hand, so the electron
# density at production is a required argument of p_ee_msw_adiabatic. For orientation only
# (order of magnitude, not a cited value): n_e is of order 100 mol/cm^3 at the solar centre
# and falls outwards, so sources produced further out (pp, 7Be) see less than 8B.


# ---------------------------------------------------------------------------------------------
# 3+1 short-baseline disappearance
# ---------------------------------------------------------------------------------------------


@njit(cache=True)
def osc_phase(E: float, L: float, dm2_eV2: float) -> float:
    """Oscillation phase Delta m^2 L / (4 E) in natural units, E [MeV], L [mm], Delta m^2 [eV^2]:
    phase = Delta m^2 L / (4 E hbar c) = 1.26693 Delta m^2[eV^2] L[m] / E[MeV]."""
    return dm2_eV2 * eV * eV * L / (4.0 * E * HBARC)


@njit(cache=True)
def p_ee_3plus1(E: float, L: float, sin2_2theta: float, dm2_eV2: float) -> float:
    """nu_e survival probability in the 3+1 framework, [Coloma2014, Eq. (3.1)]:
    P_ee = 1 - sin^2(2 theta_ee) sin^2(Delta m_41^2 L / (4 E)).
    E [MeV] > 0, L [mm] (source to interaction point), Delta m_41^2 [eV^2]."""
    s = math.sin(osc_phase(E, L, dm2_eV2))
    return 1.0 - sin2_2theta * s * s


@njit(cache=True)
def oscillation_length(E: float, dm2_eV2: float) -> float:
    """Full period in L [mm] of [Coloma2014, Eq. (3.1)]: L_osc = 4 pi E hbar c / Delta m^2
    = 2.48 m E[MeV] / Delta m^2[eV^2]."""
    return 4.0 * math.pi * E * HBARC / (dm2_eV2 * eV * eV)


@njit(cache=True)
def first_minimum_distance(E: float, dm2_eV2: float) -> float:
    """Distance [mm] of the first minimum of P_ee (phase pi/2), L_osc / 2 = 2 pi E / Delta m^2.
    For the 51Cr 0.75 MeV line at 1 eV^2 this is 0.93 m: the "oscillation length ~90 cm" of
    [Coloma2014] (Sec. 3) is this distance, i.e. half the full period L_osc = 1.86 m."""
    return 0.5 * oscillation_length(E, dm2_eV2)


# ---------------------------------------------------------------------------------------------
# Solar neutrinos: adiabatic MSW
# ---------------------------------------------------------------------------------------------


@njit(cache=True)
def msw_beta(E: float, n_e_mol_cm3: float, th13: float, dm21_eV2: float) -> float:
    """Ratio of the matter term to the vacuum splitting in the effective (1,2) system,
    beta = 2 sqrt(2) G_F n_e E c13^2 / Delta m_21^2, E [MeV], n_e [mol/cm^3], Delta m_21^2 [eV^2].
    The c13^2 factor: in three flavours the (1,2) sub-system sees the potential V c13^2
    (PDG review "Neutrino masses, mixing and oscillations", three-flavour solar survival
    probability; see also the c13 factors of [Mustamin2024, Eq. (14)])."""
    c13 = math.cos(th13)
    return MSW_A_EV2_PER_MOLCM3_MEV * n_e_mol_cm3 * E * c13 * c13 / dm21_eV2


@njit(cache=True)
def cos2_theta12_matter(E: float, n_e_mol_cm3: float, th12: float, th13: float,
                        dm21_eV2: float) -> float:
    """cos 2 theta_12^m at production: (cos 2th12 - beta) / sqrt((cos 2th12 - beta)^2 +
    sin^2 2th12), beta from msw_beta (standard two-flavour matter angle, e.g. PDG review)."""
    beta = msw_beta(E, n_e_mol_cm3, th13, dm21_eV2)
    c2 = math.cos(2.0 * th12)
    s2 = math.sin(2.0 * th12)
    d = c2 - beta
    return d / math.sqrt(d * d + s2 * s2)


@njit(cache=True)
def p_ee_msw_adiabatic(E: float, n_e_mol_cm3: float, th12: float, th13: float,
                       dm21_eV2: float) -> float:
    """Solar nu_e survival probability, adiabatic MSW, averaged over the Sun-Earth oscillations:
    P_ee = c13^4 (1/2 + 1/2 cos 2th12^m cos 2th12) + s13^4,
    [Mustamin2024, Eq. (14)] with theta_13^m = theta_13: the matter correction raises s13^2 by about
    2 A / Delta m_31^2 ~ 10 % for 8B at 10 MeV, which moves P_ee by < 0.3 %, and is neglected.
    Standard form e.g. J. N. Bahcall,
    Neutrino Astrophysics (1989); S. J. Parke, PRL 57 (1986) 1275 (adiabatic limit), PDG review.

    Note: [Mustamin2024, Eq. (14)] as transcribed reads "1/2 - 1/2 cos 2th12^m cos 2th12", a sign
    typo: with that sign P_ee would exceed 1/2 at high energy, contrary to the measured 8B
    deficit. The standard "+" is used here. No Earth (day-night) effect.

    E [MeV], n_e [mol/cm^3] = electron density at the production point, angles [rad],
    Delta m_21^2 [eV^2]."""
    c13 = math.cos(th13)
    s13 = math.sin(th13)
    c2m = cos2_theta12_matter(E, n_e_mol_cm3, th12, th13, dm21_eV2)
    c13_4 = c13 * c13 * c13 * c13
    return c13_4 * (0.5 + 0.5 * c2m * math.cos(2.0 * th12)) + s13 * s13 * s13 * s13


@njit(cache=True)
def solar_flavour_fractions(p_ee: float, th23: float) -> tuple[float, float, float]:
    """(nu_e, nu_mu, nu_tau) fractions at Earth of a solar nu_e flux,
    [Mustamin2024, Eqs. (11)-(13)]: P_ee, (1 - P_ee) cos^2 th23, (1 - P_ee) sin^2 th23
    (th23 [rad]); they sum to 1."""
    c = math.cos(th23)
    s = math.sin(th23)
    return p_ee, (1.0 - p_ee) * c * c, (1.0 - p_ee) * s * s


__all__ = [
    "G_FERMI", "MSW_A_EV2_PER_MOLCM3_MEV", "NUFIT52_NO", "OSC_PHASE_EV2_M_PER_MEV",
    "cos2_theta12_matter", "first_minimum_distance", "msw_beta", "nufit_angles",
    "osc_phase", "oscillation_length", "p_ee_3plus1", "p_ee_msw_adiabatic",
    "solar_flavour_fractions",
]
