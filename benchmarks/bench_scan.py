#!/usr/bin/env python
"""CPU seconds of a 40 x 40 scan of (m_N, mu) for one exposure ([Mustamin2024] set-up).

    python benchmarks/bench_scan.py [--masses 40] [--moments 40] [--statistic gauss|poisson]
                                    [--spectra mcgen|macro]

Solar 8B + hep on germanium, 150 kg yr at 1 keVnr (macros/paper002.py): one quadrature of the
dipole-portal spectrum per mass (20 bins; `--spectra mcgen`, the default: mcgen's own
`mcgen.analysis.expected_counts` on a Generator per mass, rates and all; `--spectra macro`:
the macro's lean `paper002.binned_counts`), then the moment axis is a
rescale (the rate is mu^2 x spectrum(m_N)): `mcgen.analysis.stats.scan_rescaled` with the two
flux pulls of [Mustamin2024, Eq. (21)] profiled at every grid point. Prints the CPU time
(time.process_time) of the spectra, of the chi^2 grid and of the total; the numba caches are
warmed first (one mass), so no compilation is counted.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "macros"))
import paper002  # noqa: E402

import mcgen  # noqa: E402
from mcgen.analysis import expected_counts, stats  # noqa: E402


def mcgen_spectra(m_N_MeV: float, threshold_keV: float, src) -> dict[str, np.ndarray]:
    """paper002.spectra_for_mass by mcgen.analysis.expected_counts: counts per bin and source
    component at paper002.MU_REF, per kg yr."""
    portal = mcgen.DipolePortalNucleus(paper002.MU_REF, m_N_MeV, decay=False)
    gen = mcgen.Generator(src, paper002.detector(threshold_keV), [portal], seed=1)
    return expected_counts(gen, "T", paper002.edges_keV(threshold_keV), by="component")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--masses", type=int, default=40)
    ap.add_argument("--moments", type=int, default=40)
    ap.add_argument("--statistic", default="gauss", choices=stats.STATISTICS)
    ap.add_argument("--spectra", default="mcgen", choices=("mcgen", "macro"))
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    exposure, thr = paper002.PROJECTIONS["150 kg yr, 1 keVnr"]
    src = paper002.source()
    spectra_for_mass = mcgen_spectra if args.spectra == "mcgen" else paper002.spectra_for_mass
    spectra_for_mass(1.0, thr, src)  # warm the numba caches
    masses = np.geomspace(0.01, 20.0, args.masses)
    mus = np.geomspace(1e-11, 1e-7, args.moments)

    t0 = time.process_time()
    sm = paper002.select(paper002.sm_spectra(thr, src), tuple(paper002.FLUX_SIGMA),
                         ("e", "mu", "tau"))
    spectra = {m: paper002.select(spectra_for_mass(m, thr, src),
                                  tuple(paper002.FLUX_SIGMA), ("e", "mu", "tau"))
               for m in masses}
    t1 = time.process_time()
    species = list(paper002.FLUX_SIGMA)
    bkgs = [exposure * sm[sp] for sp in species]
    data = np.sum(bkgs, axis=0)
    grid = stats.scan_rescaled(
        lambda m: [exposure * spectra[m][sp] for sp in species], masses,
        (mus / paper002.MU_REF) ** 2, observed=data, background_components=bkgs,
        sigmas=[paper002.FLUX_SIGMA[sp] for sp in species], statistic=args.statistic,
        variance=np.maximum(data, 1e-12) if args.statistic == "gauss" else None,
        progress=False)
    t2 = time.process_time()
    excluded = grid > paper002.CL_DELTA
    print(f"scan {args.masses} masses x {args.moments} moments ({args.statistic}), "
          f"150 kg yr at 1 keVnr: {excluded.mean():.0%} of the grid excluded at 90 % CL")
    print(f"spectra ({args.spectra}, one quadrature per mass): {t1 - t0:.2f} s CPU")
    print(f"chi^2 grid (pulls profiled):      {t2 - t1:.2f} s CPU")
    print(f"total:                            {t2 - t0:.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
