#!/usr/bin/env python
"""The DarkNews side of benchmarks/darknews/compare.py. Runs inside DarkNews' own virtual
environment (never imports mcgen; mcgen never imports DarkNews). Reads one JSON request from
stdin, prints one JSON answer as the last line of stdout. DarkNews units: GeV, cm^2.

Requests ({"mode": ...}):
- "xsec": nu_mu C12 -> N C12 (coherent) through the transition moment mu_tr_mu4 [GeV^-1],
  Dirac N, for each (m_N [GeV], E [GeV]) in "points": dsigma/dQ^2 [cm^2/GeV^2] at the "Q2"
  values [GeV^2] and the total sigma [cm^2] as the integral of DarkNews' amplitude
  (DarkNews.amplitudes.upscattering_dxsec_dQ2, the function its generator samples) over the
  whole physical Q^2 range by scipy quad in ln Q^2, per helicity of N (conserving, flipping);
  with "vegas": also DarkNews' own UpscatteringProcess.total_xsec (vegas, which stops at
  Q = 2 GeV in the coherent regime). "form_factor": false sets the nuclear form factor to 1.
- "width": N -> nu_mu gamma width [GeV] (DarkNews.decay_rates.gamma_Ni_to_Nj_gamma) for
  "m_N" [GeV], Dirac and Majorana.
- "generate": DarkNews' GenLauncher on the experiment file "experiment" with "events" weighted
  events (neval = events / 2: one case per helicity of N), photon decay, nu_mu only, coherent on
  C12 only; CPU seconds of GenLauncher(...) and .run() (with the pandas pickle written when
  "write" is true), number of events, sum of weights, effective sample size.

Form factor: DarkNews 0.4.8 has no switch for the nuclear form factor; it is the function
NuclearTarget.F1_EM (Fourier-Bessel fit for C12, nuclear_tools.assign_form_factors), replaced here
by 1 when asked. Coherent-only is GenLauncher(nopelastic=True) (include_nelastic is off by
default); the experiment file lists C12 as the only target.
"""

from __future__ import annotations

import json
import sys
import time


def _model(m_N: float, mu_tr: float, nature: str = "dirac"):
    import DarkNews as dn

    # GenericHNLModel: every coupling but the transition moment is zero (the default
    # ThreePortalModel also has Z' and Z couplings of N: Umu4 = 1e-3, epsilon = 1e-3).
    return dn.model.GenericHNLModel(m4=m_N, mu_tr_mu4=mu_tr, HNLtype=nature)


def _no_form_factor(target) -> None:
    import numpy as np

    one = lambda Q2: np.ones_like(np.asarray(Q2, dtype=float))  # noqa: E731
    target.F1_EM = one
    target.F1_NC = one


def _dsigma_dQ2(ups, E: float, Q2):
    """DarkNews' dsigma/dQ^2 [cm^2/GeV^2] at E [GeV] and Q2 [GeV^2] (array), built as its
    integrands do (u with m_N^2; UpscatteringProcess.diff_xsec_Q2 puts m_N instead of m_N^2
    into u, module README)."""
    import numpy as np
    from DarkNews import amplitudes

    Q2 = np.atleast_1d(np.asarray(Q2, dtype=float))
    M, m = ups.MA, ups.m_ups
    s = M * M + 2.0 * E * M
    t = -Q2
    u = 2.0 * M * M + m * m - s - t
    return amplitudes.upscattering_dxsec_dQ2([s, t, u], ups, diagrams=["total"])


def xsec(req: dict) -> dict:
    import DarkNews as dn
    import numpy as np
    from DarkNews import pdg
    from DarkNews import phase_space as ps
    from DarkNews.nuclear_tools import NuclearTarget
    from DarkNews.processes import UpscatteringProcess
    from scipy import integrate

    out = []
    for m_N, E in req["points"]:
        target = NuclearTarget("C12")
        if not req.get("form_factor", False):
            _no_form_factor(target)
        model = _model(m_N, req["mu_tr"])
        row = {"m_N": m_N, "E": E, "M": target.mass}
        if E <= m_N + m_N**2 / (2.0 * target.mass):  # below threshold: no cross section
            out.append(row)
            continue
        row |= {"Q2min": float(ps.upscattering_Q2min(E, m_N, target.mass)),
               "Q2max": float(ps.upscattering_Q2max(E, m_N, target.mass))}
        lo, hi = np.log(row["Q2min"]), np.log(row["Q2max"])
        q2 = np.exp(lo + (hi - lo) * np.asarray(req["q2_fractions"]))
        row["Q2"] = q2.tolist()
        for h in ("conserving", "flipping"):
            ups = UpscatteringProcess(nu_projectile=pdg.numu, nu_upscattered=pdg.neutrino4,
                                      nuclear_target=target, scattering_regime="coherent",
                                      TheoryModel=model, helicity=h)
            row[f"dsdq2_{h}"] = _dsigma_dQ2(ups, E, q2).tolist()
            def f(lq, ups=ups, E=E):
                return float(_dsigma_dQ2(ups, E, np.exp(lq))[0] * np.exp(lq))

            sig, err = integrate.quad(f, lo, hi, epsabs=0.0, epsrel=1e-10, limit=500)
            row[f"sigma_{h}"], row[f"sigma_err_{h}"] = sig, err
            if req.get("vegas"):
                np.random.seed(1)
                row[f"vegas_{h}"] = float(ups.total_xsec(E))
        out.append(row)
    return {"darknews": dn.__version__, "rows": out}


def width(req: dict) -> dict:
    from DarkNews import decay_rates

    d = req["mu_tr"] / 2.0  # DarkNews' dipole vertex: t_aj = mu_tr / 2 (model.py)
    return {nature: decay_rates.gamma_Ni_to_Nj_gamma(d, req["m_N"], 0.0, HNLtype=nature)
            for nature in ("dirac", "majorana")}


def generate(req: dict) -> dict:
    import resource

    import numpy as np

    t0 = time.process_time()
    import DarkNews as dn
    from DarkNews import nuclear_tools
    t_import = time.process_time() - t0

    if not req.get("form_factor", True):
        original = nuclear_tools.assign_form_factors

        def assign_without(target):
            original(target)
            if target.is_nucleus:
                _no_form_factor(target)

        nuclear_tools.assign_form_factors = assign_without
    n_cases = 2  # helicity conserving and flipping, coherent on C12
    t0 = time.process_time()
    gen = dn.GenLauncher(
        experiment=req["experiment"], m4=req["m_N"], mu_tr_mu4=req["mu_tr"],
        d_mu4=0.0,  # a generic-model argument: GenLauncher then builds GenericHNLModel
        HNLtype="dirac", decay_product="photon", nu_flavors=["nu_mu"], nopelastic=True,
        neval=max(1, int(req["events"]) // n_cases), nint=req["nint"],
        neval_warmup=req["neval_warmup"], nint_warmup=req["nint_warmup"], seed=req["seed"],
        pandas=bool(req["write"]), path=req["path"], loglevel="ERROR")
    t_setup = time.process_time() - t0
    t0 = time.process_time()
    df = gen.run()
    t_run = time.process_time() - t0
    w = df["w_event_rate"].to_numpy(dtype=float).ravel()
    return {"darknews": dn.__version__, "events": int(len(df)), "cpu_import": t_import,
            "cpu_setup": t_setup, "cpu_run": t_run, "sum_w": float(w.sum()),
            "ess": float(w.sum() ** 2 / np.sum(w * w)),
            "maxrss_MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> int:
    import warnings

    warnings.simplefilter("ignore")  # scipy's roundoff notes at 1e-10; DarkNews' own
    req = json.loads(sys.stdin.read())
    answer = {"xsec": xsec, "width": width, "generate": generate}[req["mode"]](req)
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
