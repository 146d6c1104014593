#!/usr/bin/env python
"""Side by side with DarkNews 0.4.8: nu_mu C12 -> N C12 (coherent) through a transition magnetic
moment, N -> nu_mu gamma, on DarkNews' MiniBooNE flux. (a) Cross sections with the nuclear form
factor off: sigma(E) and dsigma/dQ^2 from both codes and their relative differences (and the
N -> nu gamma widths); (b) throughput: events per CPU-second and peak memory of DarkNews
generating N events and of mcgen generating N events into ROOT (end to end, plan included; and
sampling only), each in a fresh subprocess.

    python benchmarks/darknews/compare.py                       # both parts, 1e6 events
    python benchmarks/darknews/compare.py --events 1e5 --skip-xsec
    python benchmarks/darknews/compare.py --write-flux          # rewrite miniboone_numu_flux.csv

DarkNews is never imported here: it runs in its own virtual environment (--venv, default
~/.cache/mcgen-bench/darknews-venv; made with `python -m venv` and `pip install
DarkNews==0.4.8` when missing, reused when present) through dn_worker.py. The mcgen side is the
run card miniboone_c12.toml; its flux table miniboone_numu_flux.csv is DarkNews'
MiniBooNE_FHC.dat (nu_mu column) converted by --write-flux, and checked against it on every run.
CPU time is user + system time of the child process (os.wait4), or time.process_time inside it
for a phase; peak memory is the child's ru_maxrss (MB = 10^6 bytes).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
CARD = HERE / "miniboone_c12.toml"
FLUX_CSV = HERE / "miniboone_numu_flux.csv"
DN_EXPERIMENT = HERE / "miniboone_c12_darknews.txt"
WORKER = HERE / "dn_worker.py"
DN_VERSION = "0.4.8"
DEFAULT_VENV = Path.home() / ".cache" / "mcgen-bench" / "darknews-venv"

#: DarkNews' MiniBooNE experiment (include/detectors/miniboone_fhc.txt): energy range [GeV],
#: protons on target, the nu_mu column of MiniBooNE_FHC.dat (E, nue, numu, nutau, and bars).
E_RANGE_GEV = (0.1, 9.0)
POT = 18.75e20
NUMU_COLUMN = 2
LIVE_S = 86400.0  # the table is the flux of all the POT delivered in one day (card: 1 day)

#: Cross-section points: E_nu [GeV] x m_N [GeV], and where in [ln Q2min, ln Q2max] to compare
#: dsigma/dQ^2.
E_POINTS_GEV = (0.3, 0.5, 1.0, 2.0)
MN_POINTS_GEV = (0.01, 0.1, 0.3)
Q2_FRACTIONS = (0.1, 0.5, 0.9)


# -- DarkNews in its own environment ------------------------------------------------------
def ensure_venv(venv: Path) -> Path:
    """Python of a virtual environment with DarkNews==0.4.8: reused if present, else made."""
    py = venv / "bin" / "python"
    check = [str(py), "-c", "import DarkNews; print(DarkNews.__version__)"]
    if py.exists():
        r = subprocess.run(check, capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip() == DN_VERSION:
            return py
    print(f"creating {venv} with DarkNews=={DN_VERSION} (a few minutes) ...", flush=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", f"DarkNews=={DN_VERSION}"],
                   check=True)
    r = subprocess.run(check, capture_output=True, text=True, check=True)
    if r.stdout.strip() != DN_VERSION:
        sys.exit(f"{venv}: DarkNews {r.stdout.strip()} installed, need {DN_VERSION}")
    return py


def darknews(py: Path, request: dict) -> tuple[dict, dict]:
    """Run dn_worker.py with one request in a fresh process: (its JSON answer, rusage of the
    process: cpu_s, maxrss_MB, wall_s)."""
    return child([str(py), str(WORKER)], json.dumps(request))


def child(cmd: list[str], stdin: str = "") -> tuple[dict, dict]:
    """Run cmd in a fresh process; (JSON of its last stdout line, its own resource usage:
    cpu_s = user + system CPU seconds, maxrss_MB, wall_s), from os.wait4 on that process."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=fo, stderr=fe, text=True)
        p.stdin.write(stdin)
        p.stdin.close()
        _, status, ru = os.wait4(p.pid, 0)  # reaps it: Popen must not wait again
        p.returncode = code = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    if code != 0:
        sys.exit(f"{' '.join(cmd)} failed ({code}):\n{err[-3000:]}")
    usage = {"cpu_s": ru.ru_utime + ru.ru_stime, "maxrss_MB": ru.ru_maxrss * 1024 / 1e6,
             "wall_s": time.perf_counter() - t0}
    return json.loads(out.strip().splitlines()[-1]), usage


def darknews_flux_file(py: Path) -> Path:
    r = subprocess.run([str(py), "-c", "from importlib.resources import files; print(files("
                        "'DarkNews.include.fluxes').joinpath('MiniBooNE_FHC.dat'))"],
                       capture_output=True, text=True, check=True)
    return Path(r.stdout.strip())


# -- the flux table -----------------------------------------------------------------------
def converted_flux(dat: Path):
    """DarkNews' MiniBooNE nu_mu flux as mcgen's table: nodes at DarkNews' bin centres inside
    E_RANGE_GEV plus its two ends (DarkNews interpolates linearly between the centres, as
    mcgen does between the nodes: the same function), E [MeV] and dPhi/dE [cm^-2 s^-1
    MeV^-1] = DarkNews' [cm^-2 POT^-1 GeV^-1] x POT / 1000 / LIVE_S."""
    import numpy as np

    data = np.loadtxt(dat)
    E, phi = data[:, 0], data[:, NUMU_COLUMN]
    lo, hi = E_RANGE_GEV
    inside = (E > lo) & (E < hi)
    nodes = np.concatenate([[lo], E[inside], [hi]])
    values = np.interp(nodes, E, phi) * POT / 1000.0 / LIVE_S
    return nodes * 1000.0, values


def write_flux(py: Path) -> None:
    dat = darknews_flux_file(py)
    E, y = converted_flux(dat)
    head = (f"# DarkNews {DN_VERSION} include/fluxes/MiniBooNE_FHC.dat (A. A. Aguilar-Arevalo et "
            "al., PRD 79 (2009) 072002), nu_mu column,\n# restricted to DarkNews' miniboone_fhc "
            f"energy range {E_RANGE_GEV[0]}-{E_RANGE_GEV[1]} GeV (ends linearly interpolated), "
            f"times {POT:g} POT per {LIVE_S:g} s.\n# Written by benchmarks/darknews/compare.py "
            "--write-flux.\n# E [MeV], dPhi/dE [cm^-2 s^-1 MeV^-1]\n")
    FLUX_CSV.write_text(head + "".join(f"{e:.6f}, {v:.10e}\n" for e, v in zip(E, y)))
    print(f"wrote {FLUX_CSV} ({len(E)} rows) from {dat}")


def check_flux(py: Path) -> float:
    """Largest relative difference between miniboone_numu_flux.csv and DarkNews' file."""
    import numpy as np

    from mcgen.sources.neutrino import read_spectrum_csv

    E, y = read_spectrum_csv(FLUX_CSV)
    E_dn, y_dn = converted_flux(darknews_flux_file(py))
    if E.shape != E_dn.shape or np.max(np.abs(E - E_dn)) > 1e-6:
        sys.exit(f"{FLUX_CSV}: other energies than DarkNews' file; run --write-flux")
    scale = np.max(y_dn)
    return float(np.max(np.abs(y - y_dn)) / scale)


# -- mcgen side ---------------------------------------------------------------------------
def card_interaction() -> dict:
    with open(CARD, "rb") as f:
        return tomllib.load(f)["interaction"][0]


def mu_tr_GeV(mu_muB: float) -> float:
    """DarkNews' mu_tr [GeV^-1] of a moment in Bohr magnetons (mu_B = e / (2 m_e))."""
    from mcgen.constants import MU_BOHR, GeV

    return mu_muB * MU_BOHR * GeV


def mcgen_channel(m_N_GeV: float, spin: str, form_factor: str = "none"):
    """mcgen's C12 channel of the card's process at mass m_N (decay off: cross section only)."""
    from mcgen.catalog import load_card
    from mcgen.interactions.upscattering import DipolePortalNucleus

    card = load_card(CARD)
    spec = card_interaction()
    inter = DipolePortalNucleus(spec["mu_muB"], m_N_GeV * 1000.0, form_factor=form_factor,
                                spin=spin, flavours=spec["flavours"], decay=False)
    chans = [c for c in inter.channels(card.source, card.detector) if c.target.name == "C12"]
    return chans[0]


def compare_xsec(py: Path, vegas: bool) -> float:
    """Print sigma(E) and dsigma/dQ^2 of both codes (form factor off); return the largest
    relative difference (sigma and dsigma/dQ^2, mcgen spin 1/2 vs DarkNews HC + HF)."""
    from scipy import integrate

    from mcgen.constants import GeV, cm2

    spec = card_interaction()
    mu_tr = mu_tr_GeV(spec["mu_muB"])
    points = [(m, E) for m in MN_POINTS_GEV for E in E_POINTS_GEV]
    t0 = time.perf_counter()
    ans, _ = darknews(py, {"mode": "xsec", "mu_tr": mu_tr, "points": points,
                           "q2_fractions": list(Q2_FRACTIONS), "form_factor": False,
                           "vegas": vegas})
    print(f"\n(a) Cross sections, form factor off: mcgen (spin 1/2 current, form_factor = "
          f"\"none\") vs DarkNews {ans['darknews']} (helicity conserving + flipping, F1_EM = 1)"
          f"; mu_tr = {mu_tr:.6g} GeV^-1 (mu = {spec['mu_muB']:g} mu_B); DarkNews "
          f"{time.perf_counter() - t0:.0f} s")
    worst = 0.0
    print(f"{'m_N GeV':>7} {'E GeV':>5} {'sigma DN cm2':>13} {'sigma mcgen':>13} {'rel diff':>9}"
          f" {'HF share':>8} {'spin-0 diff':>11}" + (f" {'vegas diff':>10}" if vegas else ""))
    dq2_lines = []
    for row in ans["rows"]:
        m, E = row["m_N"], row["E"]
        half, zero = mcgen_channel(m, "1/2"), mcgen_channel(m, "0")
        M = half.target.mass  # MeV
        if "Q2min" not in row:  # below threshold for DarkNews
            print(f"{m:7.3g} {E:5.2g} below threshold (mcgen: sigma = "
                  f"{float(half.sigma_visible(E * GeV)):g})")
            continue
        dn_sigma = row["sigma_conserving"] + row["sigma_flipping"]
        mc = float(half.sigma_visible(E * GeV)) / cm2
        mc0 = float(zero.sigma_visible(E * GeV)) / cm2
        rel = mc / dn_sigma - 1.0
        worst = max(worst, abs(rel))
        line = (f"{m:7.3g} {E:5.2g} {dn_sigma:13.6e} {mc:13.6e} {rel:+9.1e} "
                f"{row['sigma_flipping'] / dn_sigma:8.5f} {mc0 / dn_sigma - 1:+11.1e}")
        if vegas:
            # DarkNews' total_xsec stops at Q = 2 GeV: compare with mcgen's integral up to there
            T_cap = 4.0 * GeV**2 / (2.0 * M)
            lo, hi = half.recoil_range(E * GeV)
            f = lambda lt: float(half.dsigma_dT(E * GeV, math.exp(lt))) * math.exp(lt)  # noqa
            capped = integrate.quad(f, math.log(lo), math.log(min(hi, T_cap)), epsrel=1e-10,
                                    limit=400)[0] / cm2
            line += f" {(row['vegas_conserving'] + row['vegas_flipping']) / capped - 1:+10.1e}"
        print(line)
        for q2, hc, hf in zip(row["Q2"], row["dsdq2_conserving"], row["dsdq2_flipping"]):
            T = q2 * GeV**2 / (2.0 * M)
            mc_q2 = float(half.dsigma_dT(E * GeV, T)) / (2.0 * M) * GeV**2 / cm2
            r = mc_q2 / (hc + hf) - 1.0
            worst = max(worst, abs(r))
            dq2_lines.append(f"{m:7.3g} {E:5.2g} {q2:11.4e} {hc + hf:14.6e} {mc_q2:14.6e} "
                             f"{r:+9.1e}")
    print(f"\ndsigma/dQ^2 [cm^2/GeV^2] at Q^2 = 10, 50, 90 % of the way from Q2min to Q2max "
          f"(log scale)\n{'m_N GeV':>7} {'E GeV':>5} {'Q2 GeV2':>11} {'DarkNews':>14} "
          f"{'mcgen':>14} {'rel diff':>9}")
    print("\n".join(dq2_lines))
    M_dn = ans["rows"][0]["M"] * GeV
    print(f"C12 nuclear mass: DarkNews {M_dn:.4f} MeV (AME2020 atomic - 6 m_e + electron "
          f"binding), mcgen {mcgen_channel(0.1, '1/2').target.mass:.4f} MeV (periodictable "
          "atomic - 6 m_e)")
    print(f"largest |relative difference| (sigma and dsigma/dQ^2): {worst:.1e} (goal 1e-4)")
    return worst


def compare_width(py: Path) -> None:
    """N -> nu_mu gamma width at the card's m_N, both natures."""
    from mcgen.interactions.upscattering import DipolePortalNucleus

    spec = card_interaction()
    m = spec["m_N_MeV"]
    dn, _ = darknews(py, {"mode": "width", "mu_tr": mu_tr_GeV(spec["mu_muB"]), "m_N": m / 1e3})
    print(f"\nN -> nu_mu gamma width at m_N = {m:g} MeV (not part of the event weights of "
          "either code; it sets the decay length):")
    for nature in ("dirac", "majorana"):
        w = DipolePortalNucleus(spec["mu_muB"], m, flavours=["mu"], nature=nature).width_MeV
        print(f"  {nature:<8} mcgen {w:.6e} MeV   DarkNews {dn[nature] * 1e3:.6e} MeV   "
              f"mcgen / DarkNews = {w / (dn[nature] * 1e3):.6f}")


# -- throughput ---------------------------------------------------------------------------
def mcgen_child(mode: str, n: int, out_dir: str, form_factor: str | None) -> dict:
    """Inside a fresh process: 'e2e' = card -> Generator -> run into ROOT (plan included,
    numba functions loaded from the disk cache, not compiled); 'gen' = after a warm-up run,
    plan, then sampling alone (nothing written)."""
    t0 = time.process_time()
    from mcgen.process import keep_freed_memory, skip_numba_extensions, start_up

    with start_up():  # as the `mcgen run` executable sets up its process (commands/run.py)
        from mcgen.catalog import load_card, make_interaction
        from mcgen.generator import Generator  # (`mcgen run` imports it here too)
        from mcgen.streams import BLOCK_EVENTS
        t_import = time.process_time() - t0
        keep_freed_memory()
        skip_numba_extensions()
        t0 = time.process_time()
        card = load_card(CARD)  # (numba starts here, as in `mcgen run`)
    t_card = time.process_time() - t0

    def generator():
        inter = card.interactions
        if form_factor is not None:
            inter = [make_interaction(card_interaction() | {"form_factor": form_factor})]
        return Generator(card.source, card.detector, inter, seed=card.run["seed"],
                         site=card.site)

    res = {"cpu_import": t_import}
    if mode == "gen":
        generator().run(2 * BLOCK_EVENTS, None, threads=1, progress=False)
        t_card = 0.0  # (the card is not part of sampling only)
    t0 = time.process_time()
    gen = generator()
    _ = gen.plan
    res["cpu_plan"] = t_card + time.process_time() - t0
    t1 = time.process_time()
    out = None if mode == "gen" else Path(out_dir) / "mcgen.root"
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    summary = gen.run(n, out, threads=1, progress=False)
    res["cpu_run"] = time.process_time() - t1
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    res["cpu_run_user"] = ru1.ru_utime - ru0.ru_utime
    res["cpu_run_system"] = ru1.ru_stime - ru0.ru_stime
    res["minflt_run"] = ru1.ru_minflt - ru0.ru_minflt
    res["minflt_before_run"] = ru0.ru_minflt
    res["cpu_phase"] = res["cpu_plan"] + res["cpu_run"]
    res["expected_events"] = summary.expected_events
    res["expected_by_channel"] = gen.expected_by_channel()
    res["acceptance"] = gen._accepted / gen._trials
    if out is not None:
        res["file_MB"] = out.stat().st_size / 1e6
    return res


def _median_run(cmd: list[str], repeat: int, key: str) -> tuple[dict, dict]:
    """The run of `repeat` fresh processes with the median CPU time res[key]."""
    runs = sorted((child(cmd) for _ in range(repeat)), key=lambda r: r[0][key])
    return runs[len(runs) // 2]


def throughput(py: Path, n: int, nints: list[int], form_factor: str | None, write_dn: bool,
               repeat: int) -> None:
    me = [sys.executable, str(Path(__file__).resolve())]
    ff = [] if form_factor is None else ["--form-factor", form_factor]
    spec = card_interaction()
    print(f"\n(b) Throughput, {n:.3g} events each, one core, each in a fresh process "
          f"(load average {os.getloadavg()[0]:.2f} at start; mcgen: median of {repeat})")
    rows = []  # (code, what, events, CPU s of the phase, effective events, rusage, result)
    with tempfile.TemporaryDirectory() as d:
        child(me + ["--child", "gen", "--events", str(2 ** 16), "--out", d] + ff)  # numba cache
        for mode, label, key in (("e2e", "card -> ROOT, plan incl.", "cpu_phase"),
                                 ("gen", "sampling only", "cpu_run")):
            res, ru = _median_run(me + ["--child", mode, "--events", str(n), "--out", d] + ff,
                                  repeat, key)
            rows.append(("mcgen", label, n, res[key], n, ru, res))
        for nint in nints:
            req = {"mode": "generate", "experiment": str(DN_EXPERIMENT),
                   "m_N": spec["m_N_MeV"] / 1e3, "mu_tr": mu_tr_GeV(spec["mu_muB"]),
                   "events": n, "nint": nint, "neval_warmup": 1000, "nint_warmup": 10,
                   "seed": 1, "write": write_dn, "path": d, "form_factor": form_factor != "none"}
            res, ru = darknews(py, req)
            rows.append(("DarkNews", f"nint = {nint}" + (", pickle" if write_dn else ""),
                         res["events"], res["cpu_setup"] + res["cpu_run"], res["ess"], ru, res))
    print(f"{'code':<9} {'what':<25} {'events':>8} {'CPU s':>6} {'events/CPU-s':>12} "
          f"{'eff. ev/CPU-s':>13} {'process CPU s':>13} {'peak RSS MB':>11}")
    for code, label, events, cpu, ess, ru, _ in rows:
        print(f"{code:<9} {label:<25} {events:>8} {cpu:6.2f} {events / cpu:12.3g} "
              f"{ess / cpu:13.3g} {ru['cpu_s']:13.2f} {ru['maxrss_MB']:11.0f}")
    e2e, gen = rows[0], rows[1]
    rate = lambda r: r[2] / r[3]  # noqa: E731
    for dn in rows[2:]:
        print(f"mcgen / DarkNews ({dn[1]}), events per CPU-second: end to end "
              f"{rate(e2e) / rate(dn):.0f}x, sampling only {rate(gen) / rate(dn):.0f}x (goal: "
              f"100x); effective events {(e2e[4] / e2e[3]) / (dn[4] / dn[3]):.0f}x and "
              f"{(gen[4] / gen[3]) / (dn[4] / dn[3]):.0f}x; whole processes "
              f"{(e2e[2] / e2e[5]['cpu_s']) / (dn[2] / dn[5]['cpu_s']):.0f}x")
    r_e2e, r_dn = e2e[6], rows[2][6]
    print(f"mcgen e2e: card + Generator + plan {r_e2e['cpu_plan']:.2f} s (numba start-up and "
          f"loading from the disk cache included), run {r_e2e['cpu_run']:.2f} s (user "
          f"{r_e2e['cpu_run_user']:.2f} s, system {r_e2e['cpu_run_system']:.2f} s), import "
          f"{r_e2e['cpu_import']:.2f} s, "
          f"acceptance {r_e2e['acceptance']:.3f}, file {r_e2e['file_MB']:.0f} MB; sampling-only "
          f"plan (warm) {gen[6]['cpu_plan']:.2f} s")
    print(f"DarkNews: import {r_dn['cpu_import']:.2f} s; vegas warm-up 10 x 1000, then nint "
          f"iterations of neval = {n // 2} per helicity case (2 cases), then the sample; weighted "
          f"events, effective sample size (sum w)^2 / sum w^2 = {r_dn['ess'] / r_dn['events']:.2f}"
          " of the events (eff. ev/CPU-s)")
    # expected C12 events per C12 nucleus: DarkNews counts all the carbon mass (818 t x 12/14)
    # as C12 nuclei; mcgen the C12 atoms (98.9 %) of 818 t of CH2
    from mcgen.catalog import load_card
    from mcgen.constants import kg

    c12 = next(t for t in load_card(CARD).detector.nuclei() if t.name == "C12")
    n_mcgen = c12.per_kg * kg * 818e3
    n_dn = 818.0 * 12 / 14 * 5.6095886031e29 / (c12.mass / 1000.0)  # t -> GeV, DarkNews' way
    mc_c12 = next(v for k, v in r_e2e["expected_by_channel"].items() if k.endswith(":C12"))
    err = r_dn["sum_w"] / math.sqrt(r_dn["ess"])
    print(f"expected C12 events ({POT:g} POT; mcgen scaled to DarkNews' {n_dn:.4g} C12 nuclei "
          f"from its {n_mcgen:.4g}): DarkNews {r_dn['sum_w']:.5g} +- {err:.2g} (its weights), "
          f"mcgen {mc_c12 * n_dn / n_mcgen:.5g} (quadrature); form factors: "
          + ("off in both" if form_factor == "none" else
             "DarkNews Fourier-Bessel, mcgen Klein-Nystrand"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    ap.add_argument("--events", type=float, default=1e6, help="events per code (default 1e6)")
    ap.add_argument("--venv", type=Path, default=DEFAULT_VENV,
                    help=f"DarkNews' virtual environment (default {DEFAULT_VENV})")
    ap.add_argument("--skip-xsec", action="store_true", help="only the throughput")
    ap.add_argument("--skip-throughput", action="store_true", help="only the cross sections")
    ap.add_argument("--dn-nint", type=int, nargs="+", default=[20, 1],
                    help="DarkNews vegas iterations, one run each (default: 20, GenLauncher's "
                         "default, and 1, its fastest)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="mcgen runs per row, the median is shown (default 3)")
    ap.add_argument("--dn-no-pickle", action="store_true",
                    help="DarkNews without writing its pandas pickle")
    ap.add_argument("--form-factor", choices=["none"], default=None,
                    help="throughput with the form factor off in both codes (default: each "
                         "code's own: mcgen Klein-Nystrand, DarkNews Fourier-Bessel)")
    ap.add_argument("--write-flux", action="store_true",
                    help="rewrite miniboone_numu_flux.csv from DarkNews' file and stop")
    ap.add_argument("--child", choices=["e2e", "gen"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    n = int(args.events)
    if args.child:
        print(json.dumps(mcgen_child(args.child, n, args.out, args.form_factor)))
        import gc

        gc.freeze()  # exit as the `mcgen` executable does (mcgen.cli.console_main)
        return 0
    py = ensure_venv(args.venv.expanduser())
    if args.write_flux:
        write_flux(py)
        return 0
    import warnings

    import mcgen
    warnings.simplefilter("ignore")
    print(f"mcgen {mcgen.__version__} vs DarkNews {DN_VERSION} ({py}); flux table vs "
          f"DarkNews' MiniBooNE_FHC.dat: largest difference {check_flux(py):.1e} of the peak")
    if not args.skip_xsec:
        compare_xsec(py, vegas=True)
        compare_width(py)
    if not args.skip_throughput:
        throughput(py, n, args.dn_nint, args.form_factor, not args.dn_no_pickle, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
