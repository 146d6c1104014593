#!/usr/bin/env python
"""[Bolton2021] (radiative upscattering nu A -> N A, N -> nu gamma / N' gamma at a reactor CEvNS
experiment): the photon energy and angle distributions for a Dirac and a Majorana N.

    python macros/paper004.py [--out-dir DIR] [--events 200000] [--m-N 2.0] [--no-plot]

Set-up: the run card macros/radiative_reactor_nucleus.toml (Chooz B antineutrinos on the
NUCLEUS CaWO4 array, m_N = 2 MeV, N -> N' gamma with N' massless), once with nature = "dirac"
and once "majorana". Prints, for each, the expected upscattering events, the lifetime, the
fraction decaying inside the array, and the photon spectrum: mean energy, the fraction harder
than half the N energy (the centre of each N's photon spectrum, E_N / 2 for a massless
daughter), the mean rest-frame cosine with the N direction, and the share of hard photons
(above the Majorana median energy) among those within 25 degrees of the neutrino beam.
Plots (``paper004_photons.png`` in DIR) the photon energy and cos(angle to the beam).

[Bolton2021] gives no numbers, only shapes (Sec. 4): "the Majorana sterile state case presents a
symmetric distribution in the outgoing photon energy with almost equal events over and below a
central energy of outgoing photon. On the other hand, the Dirac case presents an asymmetric
distribution in outgoing photon energy with a clear preference towards low outgoing photon
energy", and more events "for higher outgoing photon energy in Majorana case as compared to the
Dirac case for small outgoing photon angles". Both are printed as checks. Why (mcgen.physics.
decay): the N is produced right-handed (helicity flip of the dipole vertex) and a Dirac N emits
its photon against its spin, i.e. backwards; a Majorana N emits isotropically.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

import mcgen
from mcgen.catalog import make_detector, make_interaction, make_source, read_toml

CARD = Path(__file__).with_name("radiative_reactor_nucleus.toml")


def run(nature: str, n: int, m_N: float) -> tuple[mcgen.Generator, dict]:
    card = read_toml(CARD)
    spec = dict(card["interaction"][0], nature=nature, m_N_MeV=m_N)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gen = mcgen.Generator(make_source(card["source"]), make_detector(card["detector"]),
                              [make_interaction(spec)], seed=card["run"]["seed"])
        return gen, gen.sample(n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-dir", default=".", type=Path)
    ap.add_argument("--events", default=200_000, type=int)
    ap.add_argument("--m-N", default=2.0, type=float, help="sterile mass [MeV]")
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args(argv)

    res = {nat: run(nat, args.events, args.m_N) for nat in ("dirac", "majorana")}
    Eg = {k: ev["E_gamma_MeV"] for k, (_, ev) in res.items()}
    cos_beam = {k: (ev["px_gamma_MeV"] * ev["dir_in_x"] + ev["py_gamma_MeV"] * ev["dir_in_y"]
                    + ev["pz_gamma_MeV"] * ev["dir_in_z"]) / ev["E_gamma_MeV"]
                for k, (_, ev) in res.items()}
    e_mid = float(np.median(Eg["majorana"]))
    half = {k: ev["E_out_MeV"] / 2 for k, (_, ev) in res.items()}
    print(f"radiative upscattering, {CARD.name}, m_N = {args.m_N:g} MeV; "
          f"central photon energy (Majorana median) {e_mid:.3f} MeV")
    print(f"{'':10s} {'events':>9s} {'tau [s]':>9s} {'inside':>7s} {'<E_g>':>7s} "
          f"{'>E_N/2':>6s} {'<cos*>':>7s} {'hard|fwd':>8s}")
    for k, (gen, ev) in res.items():
        it = gen.interactions[0]
        fwd = cos_beam[k] > np.cos(np.radians(25.0))
        print(f"{k:10s} {gen.expected_events:9.4g} {it.lifetime_s:9.3g} "
              f"{ev['decay_inside'].mean():7.4f} {Eg[k].mean():7.3f} "
              f"{np.mean(Eg[k] > half[k]):6.3f} {ev['cos_gamma_rest'].mean():7.3f} "
              f"{np.mean(Eg[k][fwd] > e_mid):8.3f}")
    ok_sym = abs(np.mean(Eg["majorana"] > half["majorana"]) - 0.5) < 0.01
    ok_soft = np.mean(Eg["dirac"] > half["dirac"]) < 0.45
    fwd_hard = {k: np.mean(Eg[k][cos_beam[k] > np.cos(np.radians(25.0))] > e_mid) for k in Eg}
    print(f"[Bolton2021]: Majorana symmetric about the central energy: {ok_sym}; Dirac prefers "
          f"low photon energies: {ok_soft}; more hard forward photons for Majorana: "
          f"{fwd_hard['majorana'] > fwd_hard['dirac']}")

    if not args.no_plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(1, 2, figsize=(10, 4))
        for k, (_, ev) in res.items():
            w = ev["weight"]
            ax[0].hist(Eg[k], bins=60, weights=w, histtype="step", label=k)
            ax[1].hist(cos_beam[k], bins=60, range=(-1, 1), weights=w, histtype="step", label=k)
        ax[0].set_xlabel("photon energy [MeV]")
        ax[1].set_xlabel("cos(photon, neutrino beam)")
        for a in ax:
            a.set_ylabel("events / bin (1 yr)")
            a.legend()
        fig.suptitle(f"[Bolton2021]: radiative upscattering at NUCLEUS, m_N = {args.m_N:g} MeV")
        fig.tight_layout()
        out = args.out_dir / "paper004_photons.png"
        fig.savefig(out, dpi=120)
        print(f"plot: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
