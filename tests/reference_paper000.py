"""Independent reference implementation of [Bueno2013] (atmospheric magnetic dipoles:
an atmospherically produced neutral fermion with a magnetic dipole moment faking
dark-matter nuclear recoils), Sections 2-4.

Written from the paper text ([Bueno2013], A. Bueno et al., arXiv:1308.0011) and
mcgen/data/README.md only, with plain numpy/scipy (+ ``periodictable`` for
isotope masses/abundances).  It deliberately does NOT import anything from ``mcgen``.

Conventions
-----------
* all energies / masses in MeV, recoil energies T in MeV (1 keV = 1e-3 MeV);
* cross sections in cm^2, fluxes in cm^-2 s^-1 MeV^-1;
* magnetic moments are given in Bohr magnetons (``mu_muB``);
* exposures in kg day.

Nothing heavy happens at import time (only constants are defined); the FLUKA tables
and ``periodictable`` are read lazily.
"""

import math
import os

import numpy as np
from scipy import integrate, optimize

# ----------------------------------------------------------------------------------
# Physical constants (CODATA 2018 literal values; scipy.constants not needed)
# ----------------------------------------------------------------------------------
ALPHA = 7.2973525693e-3          # fine-structure constant, CODATA 2018
M_E = 0.51099895                 # electron mass [MeV], CODATA 2018
HBARC_MEV_FM = 197.3269804       # hbar*c [MeV fm], CODATA 2018
FM2_TO_CM2 = 1.0e-26             # 1 fm^2 = 1e-26 cm^2
HBARC2_CM2 = HBARC_MEV_FM ** 2 * FM2_TO_CM2   # (hbar c)^2: 1 MeV^-2 -> cm^2 (=3.8938e-22)
AMU_MEV = 931.49410242           # atomic mass unit [MeV], CODATA 2018
N_A = 6.02214076e23              # Avogadro constant [mol^-1], exact (SI 2019)
SECONDS_PER_DAY = 86400.0
KEV = 1.0e-3                     # keV in MeV

# Eq. (21): break of the dipole spectrum at 40 MeV
E_BREAK_EQ21 = 40.0
GAMMA_EQ21 = 2.7

# The FLUKA tables as shipped (input data, mcgen/data/atmospheric, [Battistoni2005])
ATMOS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mcgen", "data", "atmospheric")

# Table 1 of the paper (threshold keV, exposure kg d, number of events)
TABLE1 = {
    "DAMA/NaI":   dict(threshold_keV=6.7, exposure_kg_day=109500.0, material="NaI", target="Na", events=4300.0),
    "DAMA/LIBRA": dict(threshold_keV=6.7, exposure_kg_day=317697.0, material="NaI", target="Na", events=12400.0),
    "CoGeNT":     dict(threshold_keV=2.0, exposure_kg_day=18.48, material="Ge", target="Ge", events=(7.0, 13.0)),
    "CDMS/Si":    dict(threshold_keV=7.0, exposure_kg_day=140.2, material="Si", target="Si", events=3.0),
    "CDMS/Ge":    dict(threshold_keV=10.0, exposure_kg_day=612.0, material="Ge", target="Ge", events=0.0),
    "XENON100":   dict(threshold_keV=6.6, exposure_kg_day=7636.4, material="Xe", target="Xe", events=0.0),
}


# ----------------------------------------------------------------------------------
# Kinematics and cross section (Section 2 and 3)
# ----------------------------------------------------------------------------------
def tmax(E, m, M):
    """Maximum nuclear recoil kinetic energy [MeV], paper Eq. (1):
    T_max = 2 M (E^2 - m^2) / (M^2 + 2 M E + m^2).
    Returns 0 for E <= m (no physical momentum)."""
    E = np.asarray(E, dtype=float)
    p2 = np.maximum(E * E - m * m, 0.0)
    out = 2.0 * M * p2 / (M * M + 2.0 * M * E + m * m)   # Eq. (1)
    return float(out) if out.ndim == 0 else out


def _ff_a(Z):
    """Eq. (5): a = 111.7 Z^(-1/3) / m_e  [MeV^-1]."""
    return 111.7 * Z ** (-1.0 / 3.0) / M_E


def _ff_d(A):
    """Eq. (5): d = 0.164 A^(-2/3) GeV^2 = 164000 A^(-2/3) MeV^2."""
    return 0.164e6 * A ** (-2.0 / 3.0)


T0_EQ5 = 7.39 * M_E ** 2        # Eq. (5): t0 = 7.39 m_e^2 [MeV^2]


def form_factor_sq(q2, Z, A):
    """Squared form factor F_Z^2(q^2) of paper Eq. (5) (ref. [16]), exactly as written:
        F^2 = a^4 q^4 / (1 + a^2 q^2)^2   for q^2 <= t0 = 7.39 m_e^2   (atomic screening)
        F^2 = 1 / (1 + q^2/d)^2           for q^2 >  t0                (nuclear)
    with a = 111.7 Z^(-1/3)/m_e [MeV^-1] and d = 0.164 A^(-2/3) GeV^2.  q2 in MeV^2."""
    q2 = np.asarray(q2, dtype=float)
    a2q2 = _ff_a(Z) ** 2 * q2
    low = a2q2 ** 2 / (1.0 + a2q2) ** 2                # Eq. (5), q^2 <= t0
    high = 1.0 / (1.0 + q2 / _ff_d(A)) ** 2            # Eq. (5), q^2 >  t0
    out = np.where(q2 <= T0_EQ5, low, high)
    return float(out) if out.ndim == 0 else out


def alpha_mu2_cm2(mu_muB):
    """alpha * mu^2 in cm^2 for mu = mu_muB * mu_B (used in Eqs. 4, 6, 7).
    mu_B = e/(2 m_e), e^2 = 4 pi alpha (natural Heaviside-Lorentz units)
    => alpha mu^2 = pi alpha^2 kappa^2 / m_e^2 [MeV^-2]; times (hbar c)^2 -> cm^2."""
    return math.pi * ALPHA ** 2 * mu_muB ** 2 / M_E ** 2 * HBARC2_CM2


def t_dsigma_dT(E, T, m, mu_muB, Z, A, M, form_factor=True):
    """T dsigma/dT [cm^2] for dipole-nucleus elastic scattering, paper Eq. (4):
        T dsigma/dT = alpha Z^2 mu^2 F_Z^2(q^2) (1 - T/(2M) (2EM - m^2)/(E^2 - m^2)),
    with q^2 = 2 M T (Sec. 2, below Eq. 1) and F_Z^2 from Eq. (5).
    Zero outside 0 < T <= T_max(E) (Eq. 1).  Vectorised in T (and E)."""
    E = np.asarray(E, dtype=float)
    T = np.asarray(T, dtype=float)
    E, T = np.broadcast_arrays(E, T)
    p2 = E * E - m * m
    tm = tmax(np.maximum(E, m), m, M)
    ok = (p2 > 0.0) & (T > 0.0) & (T <= tm)
    p2s = np.where(ok, p2, 1.0)
    Ts = np.where(ok, T, 0.0)
    kin = 1.0 - Ts / (2.0 * M) * (2.0 * E * M - m * m) / p2s      # Eq. (4) bracket
    val = alpha_mu2_cm2(mu_muB) * Z * Z * kin                      # Eq. (4) prefactor
    if form_factor:
        val = val * form_factor_sq(2.0 * M * Ts, Z, A)             # q^2 = 2 M T, Eq. (5)
    out = np.where(ok, val, 0.0)
    return float(out) if out.ndim == 0 else out


def sigma_visible(E, m, mu_muB, Z, A, M, T_lo, T_hi=np.inf, form_factor=True):
    """Visible cross section [cm^2]: integral of dsigma/dT (Eq. 4) over
    T in [T_lo, min(T_hi, T_max(E))] (the exact version of Eq. 6).
    Integrated in ln T:  int dsigma/dT dT = int (T dsigma/dT) d ln T.
    The Eq. (5) breakpoint T = t0/(2M) is passed to quad if inside.  0 if range closed."""
    upper = min(T_hi, tmax(E, m, M))
    if not (T_lo > 0.0) or not (upper > T_lo):
        return 0.0
    lo, hi = math.log(T_lo), math.log(upper)

    def f(lnT):
        return t_dsigma_dT(E, math.exp(lnT), m, mu_muB, Z, A, M, form_factor)

    pts = None
    if form_factor:
        tb = T0_EQ5 / (2.0 * M)              # Eq. (5) piecewise switch, q^2 = 2MT = t0
        if T_lo < tb < upper:
            pts = [math.log(tb)]
    val, _ = integrate.quad(f, lo, hi, points=pts, limit=200, epsabs=0.0, epsrel=1e-10)
    return val


# ----------------------------------------------------------------------------------
# Targets
# ----------------------------------------------------------------------------------
def nuclear_targets(symbols_counts, molar_mass_g):
    """Natural-isotope nuclear targets for a compound.

    symbols_counts : dict element symbol -> atoms per formula unit, e.g. {"Xe": 1},
                     {"Na": 1, "I": 1}
    molar_mass_g   : molar mass of the formula unit [g/mol]
    Returns a list of dicts with keys
        Z, A, M_MeV  (nuclear mass = atomic mass[u]*931.49410242 - Z*0.51099895 MeV),
        per_kg       (nuclei per kg of material = 1000/molar_mass * N_A * count * abundance),
        symbol, abundance (fraction, normalised per element to sum 1).
    Isotope masses/abundances from the ``periodictable`` package."""
    import periodictable as pt

    out = []
    for sym, count in symbols_counts.items():
        el = getattr(pt, sym)
        isos = [iso for iso in el if iso.abundance and iso.abundance > 0.0]
        tot = sum(iso.abundance for iso in isos)
        for iso in isos:
            frac = iso.abundance / tot
            out.append(dict(
                symbol=sym,
                Z=int(el.number),
                A=int(iso.isotope),
                M_MeV=float(iso.mass) * AMU_MEV - el.number * M_E,
                per_kg=1000.0 / molar_mass_g * N_A * count * frac,
                abundance=frac,
            ))
    return out


def _isotope_nuclear_mass(sym, A):
    import periodictable as pt
    el = getattr(pt, sym)
    return float(el[A].mass) * AMU_MEV - el.number * M_E


def _element_molar_mass(sym):
    import periodictable as pt
    return float(getattr(pt, sym).mass)


# ----------------------------------------------------------------------------------
# Fluxes (Section 4)
# ----------------------------------------------------------------------------------
_FLUKA_CACHE = {}


def _fluka_path(name):
    if os.path.sep in name or name.endswith(".csv"):
        return name
    key = name.lower().replace("_", "").replace("-", "")
    if not key.startswith("flukakamioka"):
        key = "fluka_kamioka_" + key
    else:
        key = "fluka_kamioka_" + key[len("flukakamioka"):]
    return os.path.join(ATMOS_DIR, key + ".csv")


def fluka_table(name):
    """(E [MeV], flux [MeV^-1 cm^-2 s^-1]) of a FLUKA Kamioka table
    (Battistoni et al., Astropart. Phys. 23 (2005) 526), name e.g. 'numu', 'numubar'."""
    path = _fluka_path(name)
    if path not in _FLUKA_CACHE:
        d = np.loadtxt(path, delimiter=",", ndmin=2)
        _FLUKA_CACHE[path] = (d[:, 0].copy(), d[:, 1].copy())
    return _FLUKA_CACHE[path]


def fluka_integral(name):
    """Trapezoid-rule integral [cm^-2 s^-1] of one FLUKA table over its own points.
    Checked: numu -> 3.5216, numubar -> 3.5303 (also nue 1.8406, nuebar 1.6534),
    reproducing the data README values 3.52 / 3.53 (1.84 / 1.65) cm^-2 s^-1."""
    E, phi = fluka_table(name)
    return float(np.sum(0.5 * (phi[1:] + phi[:-1]) * np.diff(E)))


def _eq21_shape(E, m):
    """Unnormalised Eq. (21) shape: E for m <= E < 40 MeV, 40^3.7 E^-2.7 for E >= 40 MeV
    (constant chosen so the shape is continuous at 40 MeV)."""
    E = np.asarray(E, dtype=float)
    low = E
    high = E_BREAK_EQ21 ** (1.0 + GAMMA_EQ21) * np.power(np.maximum(E, 1e-300), -GAMMA_EQ21)
    return np.where(E < E_BREAK_EQ21, low, high)


def _eq21_shape_integral(a, b):
    """Analytic integral of _eq21_shape over [a, b]."""
    if b <= a:
        return 0.0
    tot = 0.0
    lo1, hi1 = a, min(b, E_BREAK_EQ21)
    if hi1 > lo1:
        tot += 0.5 * (hi1 ** 2 - lo1 ** 2)
    lo2, hi2 = max(a, E_BREAK_EQ21), b
    if hi2 > lo2:
        c = E_BREAK_EQ21 ** (1.0 + GAMMA_EQ21)
        tot += c / (GAMMA_EQ21 - 1.0) * (lo2 ** (1.0 - GAMMA_EQ21) - hi2 ** (1.0 - GAMMA_EQ21))
    return tot


def atmospheric_dipole_flux(E, m=10., fraction=0.005, E_max=1000.):
    """Differential flux of the heavy dipole nu_h' [cm^-2 s^-1 MeV^-1], paper Eq. (21):
        Phi(E) propto E (m <= E < 40 MeV), propto E^-2.7 (E >= 40 MeV), continuous,
    normalised (Sec. 4: "0.5% that of muon neutrinos", flux from [34] = FLUKA) so that
        int_m^E_max Phi dE = fraction * (I_trapz(numu) + I_trapz(numubar)).
    Zero outside [m, E_max]."""
    total = fraction * (fluka_integral("numu") + fluka_integral("numubar"))
    norm = total / _eq21_shape_integral(m, E_max)
    E = np.asarray(E, dtype=float)
    out = np.where((E >= m) & (E <= E_max), norm * _eq21_shape(E, m), 0.0)
    return float(out) if out.ndim == 0 else out


# ----------------------------------------------------------------------------------
# Event rates
# ----------------------------------------------------------------------------------
def threshold_energy(m, M, T_lo):
    """Incident energy E at which T_max(E) (Eq. 1) equals T_lo, found with brentq."""
    f = lambda E: tmax(E, m, M) - T_lo
    hi = 2.0 * m + 10.0
    while f(hi) <= 0.0:
        hi *= 2.0
    return optimize.brentq(f, m, hi, xtol=1e-14, rtol=1e-14, maxiter=500)


def expected_events(flux, targets, exposure_kg_day, m, mu_muB, T_lo, T_hi, E_lo, E_hi,
                    form_factor=True):
    """Expected number of events:
        N = sum_targets per_kg * exposure[kg s] * int_{E_lo}^{E_hi} dE Phi(E) sigma_vis(E),
    sigma_vis from Eq. (4)(+5) integrated over T in [T_lo, T_hi] (sigma_visible).
    flux: callable Phi(E) [cm^-2 s^-1 MeV^-1]; targets: list from nuclear_targets().
    quad over E with breakpoints at 40 MeV (Eq. 21 break) and at the target threshold
    energy where T_max(E) = T_lo (brentq), limit=200."""
    exposure_kg_s = exposure_kg_day * SECONDS_PER_DAY
    total = 0.0
    for t in targets:
        Z, A, M = t["Z"], t["A"], t["M_MeV"]
        E_thr = threshold_energy(m, M, T_lo)
        lo = max(E_lo, m)
        if E_hi <= lo or E_hi <= E_thr:
            continue
        pts = [p for p in (E_thr, E_BREAK_EQ21) if lo < p < E_hi]

        def integrand(E):
            return float(flux(E)) * sigma_visible(E, m, mu_muB, Z, A, M, T_lo, T_hi, form_factor)

        val, _ = integrate.quad(integrand, lo, E_hi, points=sorted(pts) or None, limit=200,
                                epsabs=0.0, epsrel=1e-8)
        total += t["per_kg"] * exposure_kg_s * val
    return total


# ----------------------------------------------------------------------------------
# Log approximation, Eqs. (6)-(12)
# ----------------------------------------------------------------------------------
def eq6_sigma_log(E, m, mu_muB, Z, M, T_thr):
    """Eq. (6): sigma(E) ~ alpha Z^2 mu^2 ln(T_max(E)/T_thres) [cm^2] (0 below threshold)."""
    tm = tmax(E, m, M)
    if not tm > T_thr:
        return 0.0
    return alpha_mu2_cm2(mu_muB) * Z * Z * math.log(tm / T_thr)


def eq7_log_approx_events(E, dE, flux_value, Z, exposure_kg_day, molar_mass_g, m, mu_muB, M, T_thr):
    """Eq. (7): N_events ~ alpha Z^2 mu^2 X/m_mat N(E) ln(T_max(E)/T_thres),
    N(E) = Phi(E) dE [cm^-2 s^-1], X = exposure (kg d -> kg s), m_mat = molar_mass/N_A
    (atomic or molecular mass, one target nucleus per formula unit), sigma from Eq. (6)."""
    n_per_kg = 1000.0 / molar_mass_g * N_A            # 1/m_mat [kg^-1]
    X_kg_s = exposure_kg_day * SECONDS_PER_DAY
    return eq6_sigma_log(E, m, mu_muB, Z, M, T_thr) * X_kg_s * n_per_kg * flux_value * dE


def _table1_setup(name):
    """(Z, M, molar mass of material, threshold MeV, exposure kg d) for the Table-1 targets
    as used in Eqs. (8)-(9): DAMA -> Na23 in NaI, CoGeNT -> Ge73 in natural Ge,
    CDMS/Si -> Si28 in natural Si."""
    row = TABLE1[name]
    if name.startswith("DAMA"):
        Z, M = 11, _isotope_nuclear_mass("Na", 23)
        mm = _element_molar_mass("Na") + _element_molar_mass("I")
    elif name == "CoGeNT":
        Z, M = 32, _isotope_nuclear_mass("Ge", 73)
        mm = _element_molar_mass("Ge")
    elif name == "CDMS/Si":
        Z, M = 14, _isotope_nuclear_mass("Si", 28)
        mm = _element_molar_mass("Si")
    else:
        raise ValueError(name)
    return Z, M, mm, row["threshold_keV"] * KEV, row["exposure_kg_day"]


def _eq7_events_unit(name, E, m):
    Z, M, mm, Tthr, X = _table1_setup(name)
    # unit flux/bin and unit mu: ratios are independent of both (Eq. 8, 9)
    return eq7_log_approx_events(E, 1.0, 1.0, Z, X, mm, m, 1.0, M, Tthr)


def eq8_ratio(E=13.5, m=10.):
    """Eq. (8): N_DAMA/LIBRA / N_CoGeNT for the 13-14 MeV bin (E = 13.5 MeV, m = 10 MeV),
    using Eq. (7) and Table 1 (paper quotes ~700)."""
    return _eq7_events_unit("DAMA/LIBRA", E, m) / _eq7_events_unit("CoGeNT", E, m)


def eq9_flux_ratio(E1=13.5, E2=14.5, m=10., N_dama=12400., N_cdms=3.):
    """Eq. (9): Phi(14.5)/Phi(13.5) from N_CDMS/Si(14.5 MeV) = 3 and
    N_DAMA/LIBRA(13.5 MeV) = 12400 via Eq. (7) (paper quotes ~0.045)."""
    return (N_cdms / N_dama) * _eq7_events_unit("DAMA/LIBRA", E1, m) / _eq7_events_unit("CDMS/Si", E2, m)


def eq11_gamma(ratio=None, E1=13.5, E2=14.5, m=10.):
    """Eq. (11): Phi propto (E^2 - m^2)^-gamma, gamma = -ln(ratio)/ln((E2^2-m^2)/(E1^2-m^2)),
    with ratio = Phi(E2)/Phi(E1) from Eq. (9) by default (paper quotes gamma ~ 10)."""
    if ratio is None:
        ratio = eq9_flux_ratio(E1, E2, m)
    return -math.log(ratio) / math.log((E2 * E2 - m * m) / (E1 * E1 - m * m))


def section4_events(mu_muB=1e-5, m=10., form_factor=True):
    """Section 4 / Fig. 4: events per year and ton for the Eq. (21) flux over [m, 1000] MeV:
    XENON100 (natural Xe, T in [6, 30] keV), CDMS/Si (natural Si, T in [7, 100] keV).
    Paper quotes 171 and 208 for mu = 1e-5 mu_B."""
    exposure = 365.25 * 1000.0
    flux = lambda E: atmospheric_dipole_flux(E, m=m, fraction=0.005, E_max=1000.)
    xe = nuclear_targets({"Xe": 1}, _element_molar_mass("Xe"))
    si = nuclear_targets({"Si": 1}, _element_molar_mass("Si"))
    n_xe = expected_events(flux, xe, exposure, m, mu_muB, 6 * KEV, 30 * KEV, m, 1000., form_factor)
    n_si = expected_events(flux, si, exposure, m, mu_muB, 7 * KEV, 100 * KEV, m, 1000., form_factor)
    return n_xe, n_si


if __name__ == "__main__":
    for n in ("nue", "nuebar", "numu", "numubar"):
        print(f"FLUKA integral {n:8s}: {fluka_integral(n):.4f} cm^-2 s^-1")
    r8 = eq8_ratio()
    r9 = eq9_flux_ratio()
    print(f"Eq. (8)  N_DAMA/LIBRA / N_CoGeNT      = {r8:.1f}   (paper ~700)")
    print(f"Eq. (9)  Phi(14.5)/Phi(13.5)          = {r9:.4g}  (paper ~0.045)")
    print(f"Eq. (11) gamma from Eq. (9)           = {eq11_gamma():.2f}   (paper ~10)")
    print(f"Eq. (11) gamma from paper's 0.045     = {eq11_gamma(0.045):.2f}")
    n_xe, n_si = section4_events()
    print(f"Sec. 4, mu=1e-5 muB: XENON100 {n_xe:.1f} /yr/ton (paper 171), "
          f"CDMS/Si {n_si:.1f} /yr/ton (paper 208)")
