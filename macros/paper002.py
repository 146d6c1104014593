#!/usr/bin/env python
"""[Mustamin2024] projected exclusion curves in (m_4, mu_nu_l4) from solar 8B and hep neutrinos
up-scattering on germanium (nu_l A -> nu_4 A through a transition magnetic moment).

    python macros/paper002.py [--out-dir DIR] [--fast]

What the paper gives ([Mustamin2024], "Analysis and Results"): the pull chi^2 of Eq. (21), solar
fluxes of BS05(OP) with their uncertainties as pulls, three projections - 150 kg yr at
1 keVnr ("next generation"), 1.5 t yr at 1 keVnr and 1.5 t yr at 0.1 keVnr - and the
single-flux (8B, hep), flavour (mu_e4, mu_mu4, mu_tau4) and effective (all flavours, one mu)
cases. The CDEX-10 data points were obtained privately by the authors and are not public, so
the CDEX-10 curve is not reproduced; the projections need no data (Asimov: the observed rate is
the SM CEvNS expectation). The paper prints no numbers for its curves (they are in figures
only), so this macro provides curves and a table of limits, not a comparison.

Assumptions (the paper leaves them open; stated, not fitted): 20 bins of nuclear recoil energy,
logarithmic from the threshold to 15 keVnr (CDEX-10 has 20 points); Delta^i of Eq. (21) the
statistical error sqrt(R_obs^i); no background B (not given for the projections); flux pulls
8B 16 %, hep 15.5 % (BS05(OP), J. N. Bahcall, A. M. Serenelli, S. Basu, ApJ 621 (2005) L85),
each scaling the SM and new-physics rates of its flux; 90 % CL with Delta chi^2 = 2.71 per
mass (the paper does not state its CL); Klein-Nystrand form factor (Eq. 10), spin by nucleus
(Eq. 4 / Eq. 6), N decay off (the upscattering rate does not depend on it); flavour content
of the adiabatic MSW survival probability with NuFIT 5.2 (the paper: NuFIT 5.3, with day-night
effects, which mcgen does not model).

The spectra are a direct quadrature (`binned_counts`): per channel, Gauss-Legendre in ln T
inside each bin and in ln E from the smallest energy reaching T to the end of the spectrum;
tests/test_macro_paper002.py checks it against mcgen.analysis.spectra.expected_counts. mu
enters as mu^2 x spectrum(m_4): one quadrature per mass, the moment is a rescale.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from pathlib import Path

import numpy as np

import mcgen
from mcgen.analysis import stats
from mcgen.constants import keV
from mcgen.interactions import CEvNS
from mcgen.physics.layout import P_M_OUT, P_M_TARGET
from mcgen.physics.upscattering import emin_upscatter
from mcgen.sources import SOURCE_KINDS

MU_REF = 1e-9  # mu_B: spectra at this moment, scaled by (mu / MU_REF)^2
#: BS05(OP) relative flux uncertainties (Bahcall, Serenelli, Basu 2005, Table 1).
FLUX_SIGMA = {"8B": 0.16, "hep": 0.155}
KG_YR = 365.25  # kg day per kg yr
#: [Mustamin2024] projections: label -> (exposure [kg yr], threshold [keVnr]).
PROJECTIONS = {"150 kg yr, 1 keVnr": (150.0, 1.0), "1.5 t yr, 1 keVnr": (1500.0, 1.0),
               "1.5 t yr, 0.1 keVnr": (1500.0, 0.1)}
T_MAX_KEV = 15.0
N_BINS = 20
#: Cases: label -> (species, flavours).
CASES = {"8B only (all flavours)": (("8B",), ("e", "mu", "tau")),
         "hep only (all flavours)": (("hep",), ("e", "mu", "tau")),
         "mu_e4 (8B + hep)": (("8B", "hep"), ("e",)),
         "mu_mu4 (8B + hep)": (("8B", "hep"), ("mu",)),
         "mu_tau4 (8B + hep)": (("8B", "hep"), ("tau",)),
         "effective (all flavours, 8B + hep)": (("8B", "hep"), ("e", "mu", "tau"))}
FLAVOUR_OF_PDG = {12: "e", 14: "mu", 16: "tau"}
#: 90 % CL for one parameter (mu at a fixed mass): Delta chi^2 = 2.706 (assumed, not stated).
CL_DELTA = stats.delta_chi2(0.90, 1)


def source():
    """8B and hep, BS05(OP) fluxes, nu_e / nu_mu / nu_tau at the Earth (adiabatic MSW)."""
    return SOURCE_KINDS["solar"](["8B", "hep"], model="BS05")


def detector(threshold_keV: float, exposure_kg_yr: float = 1.0) -> mcgen.Detector:
    """Germanium (natural), nuclear-recoil window [threshold, 15 keVnr]."""
    return mcgen.Detector("ge", mcgen.Material("Ge", 5.323), mcgen.Cylinder(66.9, 133.8),
                          threshold_keV=threshold_keV, window_keV=[threshold_keV, T_MAX_KEV],
                          exposure_kg_day=exposure_kg_yr * KG_YR,
                          reference="[Mustamin2024] Ge projections")


def edges_keV(threshold_keV: float) -> np.ndarray:
    return np.geomspace(threshold_keV, T_MAX_KEV, N_BINS + 1)


def binned_counts(interaction, src, det, edges: np.ndarray, n_T: int = 4, n_E: int = 48
                  ) -> dict[str, np.ndarray]:
    """Expected events per T bin [keV edges] for each source component (label -> array): sum
    over the component's channels of targets x exposure x integral over the bin and over E of
    flux(E) dsigma/dT(E, T); Gauss-Legendre with n_T nodes per bin in ln T and n_E nodes in
    ln E from E_min(T) (exact, physics.upscattering.emin_upscatter) to the spectrum's end."""
    xT, wT = np.polynomial.legendre.leggauss(n_T)
    xE, wE = np.polynomial.legendre.leggauss(n_E)
    lo, hi = np.log(edges[:-1] * keV)[:, None], np.log(edges[1:] * keV)[:, None]
    lnT = 0.5 * (lo + hi) + 0.5 * (hi - lo) * xT
    T = np.exp(lnT).ravel()
    w_T = (0.5 * (hi - lo) * wT * np.exp(lnT)).ravel()
    out: dict[str, np.ndarray] = {}
    for ch in interaction.channels(src, det):
        comp = ch.component
        m, M = ch.params[P_M_OUT], ch.params[P_M_TARGET]
        e_lo = np.maximum([emin_upscatter(t, m, M) for t in T], comp.E_min)
        ok = e_lo < comp.E_max
        a, b = np.log(np.where(ok, e_lo, comp.E_max))[:, None], math.log(comp.E_max)
        lnE = 0.5 * (a + b) + 0.5 * (b - a) * xE
        E = np.exp(lnE)
        wEE = 0.5 * (b - a) * wE * E
        f = comp.flux(E) * ch.dsigma_dT(E, np.broadcast_to(T[:, None], E.shape))
        per_T = np.where(ok, np.sum(wEE * f, axis=1), 0.0)
        counts = (w_T * per_T).reshape(-1, n_T).sum(axis=1)
        counts *= ch.target.per_kg * det.exposure
        out[comp.label] = out.get(comp.label, 0.0) + counts
    return out


def select(by_component: dict, species, flavours) -> dict[str, np.ndarray]:
    """Sum of the components of each species (8B, hep) whose flavour is in `flavours`."""
    out = {}
    for sp in species:
        parts = [v for k, v in by_component.items()
                 if k.split()[0] == sp and _flavour(k) in flavours]
        out[sp] = np.sum(parts, axis=0) if parts else 0.0
    return out


def _flavour(label: str) -> str:
    return {"nu_e": "e", "nu_mu": "mu", "nu_tau": "tau"}[label.split()[1]]


def spectra_for_mass(m_N_MeV: float, threshold_keV: float, src=None) -> dict[str, np.ndarray]:
    """Dipole-portal counts per bin and component at MU_REF, per kg yr."""
    src = src or source()
    det = detector(threshold_keV)
    portal = mcgen.DipolePortalNucleus(MU_REF, m_N_MeV, decay=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # closed channels at large m_N: zero counts
        return binned_counts(portal, src, det, edges_keV(threshold_keV))


def sm_spectra(threshold_keV: float, src=None) -> dict[str, np.ndarray]:
    """SM CEvNS counts per bin and component (Klein-Nystrand), per kg yr."""
    src = src or source()
    cevns = CEvNS(form_factor="klein_nystrand")
    return binned_counts(cevns, src, detector(threshold_keV), edges_keV(threshold_keV))


def chi2_function(sm: dict, signal: dict, exposure: float, statistic: str = "gauss"):
    """Delta chi^2(s) of Eq. (21) for the signal scale s = (mu / MU_REF)^2: Asimov data (the
    SM CEvNS of 8B and hep), Delta^i = sqrt(data) ("gauss") or the Poisson likelihood ratio
    ("poisson"), one flux pull per species scaling its SM and signal rates."""
    species = list(FLUX_SIGMA)
    sm_sp = [exposure * sm[sp] for sp in species]
    sig_sp = [exposure * np.asarray(signal.get(sp, 0.0)) for sp in species]
    data = np.sum(sm_sp, axis=0)
    sigmas = [FLUX_SIGMA[sp] for sp in species]
    variance = np.maximum(data, 1e-12) if statistic == "gauss" else None

    def chi(s: float) -> float:
        comps = [a + s * b for a, b in zip(sm_sp, sig_sp)]
        return stats.profile_chi2(data, comps, sigmas, statistic=statistic,
                                  variance=variance).chi2
    return chi


def mu_limit(sm: dict, signal: dict, exposure: float, statistic: str = "gauss") -> float:
    """Upper limit on mu [mu_B] at one mass (inf if the signal is empty)."""
    total = sum(float(np.sum(v)) for v in signal.values())
    if not total > 0:
        return math.inf
    chi = chi2_function(sm, signal, exposure, statistic)
    n_sm = sum(float(np.sum(v)) for v in sm.values()) * exposure
    hint = math.sqrt(max(n_sm, 1.0)) / (total * exposure)
    return MU_REF * math.sqrt(stats.crossing(chi, CL_DELTA, 0.0, hint))


def exclusion_curves(masses, projections=PROJECTIONS, cases=CASES, progress=False,
                     statistics=("gauss",)) -> dict:
    """mu limits [mu_B] per (projection, case) over the masses [MeV]; with "poisson" in
    statistics also (projection, case, "poisson")."""
    from tqdm import tqdm

    src = source()
    thresholds = sorted({thr for _, thr in projections.values()})
    sm = {thr: sm_spectra(thr, src) for thr in thresholds}
    sig = {thr: [spectra_for_mass(m, thr, src) for m in
                 tqdm(masses, desc=f"spectra {thr} keVnr", disable=None if progress else True)]
           for thr in thresholds}
    out = {"masses": np.asarray(masses, float)}
    for label, (exposure, thr) in projections.items():
        sm_all = select(sm[thr], tuple(FLUX_SIGMA), ("e", "mu", "tau"))
        for case, (species, flavours) in cases.items():
            for stat in statistics:
                key = (label, case) if stat == "gauss" else (label, case, stat)
                out[key] = np.array([mu_limit(sm_all, select(s, species, flavours), exposure,
                                              stat) for s in sig[thr]])
    return out


def report(res: dict) -> list[str]:
    masses = res["masses"]
    show = [m for m in (0.01, 0.1, 1.0, 5.0, 10.0) if masses[0] <= m <= masses[-1]]
    lines = ["# [Mustamin2024] projected 90 % CL limits on mu_nu_l4 [mu_B] (Asimov, Eq. 21 pulls)",
             f"{'projection':<22} {'case':<36} " + " ".join(f"m4={m:g}".rjust(10)
                                                           for m in show)]
    for key in [k for k in res if isinstance(k, tuple)]:
        vals = np.exp(np.interp(np.log(show), np.log(masses), np.log(res[key])))
        case = key[1] if len(key) == 2 else f"{key[1][:26]} [{key[2]}]"
        lines.append(f"{key[0]:<22} {case:<36} " + " ".join(f"{v:10.3g}" for v in vals))
    lines.append("# CDEX-10 data: not public (obtained privately by the authors), not reproduced")
    return lines


def plot(res: dict, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5), sharey=True)
    groups = [("single flux", ["8B only (all flavours)", "hep only (all flavours)"]),
              ("flavour", ["mu_e4 (8B + hep)", "mu_mu4 (8B + hep)", "mu_tau4 (8B + hep)"]),
              ("effective", ["effective (all flavours, 8B + hep)"])]
    styles = {lab: ls for lab, ls in zip(PROJECTIONS, ["-", "--", ":"])}
    for ax, (title, cases) in zip(axes, groups):
        for ci, case in enumerate(cases):
            for lab in PROJECTIONS:
                if (lab, case) in res:
                    ax.loglog(res["masses"], res[(lab, case)], styles[lab], color=f"C{ci}",
                              label=f"{case}, {lab}")
        ax.set_xlabel("$m_4$ [MeV]")
        ax.set_title(f"[Mustamin2024] {title} (90 % CL, Asimov)", fontsize=9)
        ax.legend(fontsize=6)
    axes[0].set_ylabel("$\\mu_{\\nu_\\ell 4}$ [$\\mu_B$]")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", default=".")
    ap.add_argument("--fast", action="store_true", help="12 masses instead of 40")
    args = ap.parse_args(argv)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    masses = np.geomspace(0.01, 20.0, 12 if args.fast else 40)
    res = exclusion_curves(masses, progress=True)
    effective = {k: v for k, v in CASES.items() if k.startswith("effective")}
    poisson = exclusion_curves(masses, cases=effective, statistics=("poisson",))
    res.update({k: v for k, v in poisson.items() if isinstance(k, tuple)})
    print("\n".join(report(res)))
    print(f"wrote {plot(res, out / 'paper002_limits.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
