"""Binned statistics for sensitivities and limits: likelihoods, pulls, limits, contours, scans.

Everything works on plain numpy arrays of expected counts per bin (from
mcgen.analysis.spectra, from weighted events, or from anything else), so the statistics do
not depend on how the spectra were made.

Test statistics (all "-2 ln L"-like, so that differences are Delta chi^2):

- ``"poisson"``: the Poisson likelihood ratio of S. Baker, R. D. Cousins, NIM 221 (1984) 437,
  chi^2 = 2 sum_i [mu_i - n_i + n_i ln(n_i / mu_i)] (the [Coloma2014, Sec. 2] "Poissonian
  chi^2");
- ``"pearson"``: sum_i (n_i - mu_i)^2 / mu_i (variance from the model);
- ``"gauss"``: sum_i (n_i - mu_i)^2 / Delta_i^2 with fixed Delta_i^2 (default: the observed
  counts, Neyman), the form of the pull chi^2 of [Mustamin2024, Eq. (21)] and of the
  "binned Gaussian chi^2" of [Coloma2014, Sec. 3].

Nuisance parameters (the "pull" approach, G. L. Fogli et al., PRD 66 (2002) 053010, as in
[Mustamin2024, Eq. (21)]): the expectation is mu_i = sum_j (1 + xi_j) c_ji over components j
(signal, each flux, each background), each pull xi_j with a Gaussian penalty (xi_j / sigma_j)^2;
sigma_j = None or 0 keeps a component fixed (xi_j = 0), sigma_j = inf leaves its normalisation
free (no penalty; [Coloma2014, Sec. 3] "left completely free"). The pulls are minimised with
iminuit (MIGRAD); for ``"gauss"`` the minimum is also known in closed form (a linear least
squares problem), which `profile_chi2` uses unless asked for iminuit (the two agree:
tests/test_stats.py). NB: [Mustamin2024, Eq. (21)] prints the penalty as sum_j xi_j, a typo
for sum_j (xi_j / sigma_j)^2 (the pull form of Fogli et al.).

Confidence levels (`delta_chi2`): an upper limit on a non-negative quantity (a squared moment,
a signal strength) is one-sided: Delta chi^2 = 2.71 at 95 % CL (= 1.645^2); a two-sided
interval of one parameter: 3.84; a region of two parameters: 5.99 ([Coloma2014, Fig. 2]:
"95 % CL (2 d.o.f.)"). Exact small-count limits: `poisson_upper_limit` (classical Neyman or
CLs; zero events, no background: -ln(0.05) = 2.996 events at 95 % CL).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats
from tqdm import tqdm

from ..errors import ConfigError

STATISTICS = ("poisson", "pearson", "gauss")

#: Smallest expectation per bin used in logarithms and divisions: a bin with mu = 0 and
#: n > 0 is then a huge (finite) penalty instead of inf/NaN, which minimisers handle.
TINY = 1e-300


# ---------------------------------------------------------------------------------------------
# confidence levels
# ---------------------------------------------------------------------------------------------


def delta_chi2(cl: float = 0.95, dof: int = 1, *, one_sided: bool = False) -> float:
    """Delta chi^2 of a confidence level: chi^2_dof quantile (two-sided for dof = 1), or for
    a one-sided 1-parameter limit the squared normal quantile ((1.645)^2 = 2.706 at 95 %).
    95 %: one-sided 2.706, 1 dof 3.841, 2 dof 5.991."""
    if not 0.0 < cl < 1.0:
        raise ConfigError(f"cl = {cl!r}: must be a confidence level in (0, 1)")
    if one_sided:
        if dof != 1:
            raise ConfigError(f"dof = {dof!r}: a one-sided limit has one parameter (dof = 1)")
        return float(stats.norm.ppf(cl) ** 2)
    if int(dof) != dof or dof < 1:
        raise ConfigError(f"dof = {dof!r}: must be a whole number >= 1")
    return float(stats.chi2.ppf(cl, int(dof)))


def poisson_upper_limit(n_observed: int, background: float = 0.0, cl: float = 0.95, *,
                        method: str = "classical") -> float:
    """Upper limit [events] on a Poisson signal s with known background b after observing n:
    "classical" (Neyman): P(N <= n | s + b) = 1 - cl; "cls" (A. L. Read, J. Phys. G 28 (2002)
    2693): P(N <= n | s + b) / P(N <= n | b) = 1 - cl. n = 0, b = 0: -ln(1 - cl) (2.996 at 95 %)
    for both. The classical limit is 0 when b alone is already excluded."""
    if int(n_observed) != n_observed or n_observed < 0:
        raise ConfigError(f"n_observed = {n_observed!r}: must be a whole number >= 0")
    if not background >= 0 or not math.isfinite(background):
        raise ConfigError(f"background = {background!r}: must be a finite number >= 0")
    if method not in ("classical", "cls"):
        raise ConfigError(f"method = {method!r}: allowed are 'classical', 'cls'")
    n, b, alpha = int(n_observed), float(background), 1.0 - cl
    norm = stats.poisson.cdf(n, b) if method == "cls" else 1.0
    f = lambda s: stats.poisson.cdf(n, s + b) / norm - alpha  # noqa: E731 (decreasing in s)
    if f(0.0) <= 0.0:
        return 0.0
    hi = max(10.0, 2.0 * (n + 1))
    while f(hi) > 0.0:
        hi *= 2.0
    return float(optimize.brentq(f, 0.0, hi, xtol=1e-12, rtol=1e-12))


# ---------------------------------------------------------------------------------------------
# test statistics
# ---------------------------------------------------------------------------------------------


def poisson_deviance(observed, expected) -> float:
    """Baker-Cousins chi^2 = 2 sum [mu - n + n ln(n / mu)] (0 where n = mu; bins with n = 0
    give 2 mu)."""
    n = np.asarray(observed, float)
    mu = np.maximum(np.asarray(expected, float), TINY)
    log_term = np.where(n > 0, n * np.log(np.where(n > 0, n, 1.0) / mu), 0.0)
    return float(2.0 * np.sum(mu - n + log_term))


def pearson_chi2(observed, expected) -> float:
    """Pearson chi^2 = sum (n - mu)^2 / mu (bins with mu = 0 must have n = 0)."""
    n = np.asarray(observed, float)
    mu = np.asarray(expected, float)
    return float(np.sum((n - mu) ** 2 / np.maximum(mu, TINY)))


def gauss_chi2(observed, expected, variance) -> float:
    """sum (n - mu)^2 / variance, with a fixed variance per bin."""
    n = np.asarray(observed, float)
    return float(np.sum((n - np.asarray(expected, float)) ** 2 / np.asarray(variance, float)))


def chi2(observed, expected, statistic: str = "poisson", variance=None) -> float:
    """The chosen statistic (module docstring) of observed vs expected counts per bin."""
    _check_statistic(statistic)
    if statistic == "poisson":
        return poisson_deviance(observed, expected)
    if statistic == "pearson":
        return pearson_chi2(observed, expected)
    return gauss_chi2(observed, expected, _variance(observed, variance))


def _check_statistic(statistic: str) -> None:
    if statistic not in STATISTICS:
        raise ConfigError(f"statistic = {statistic!r}: allowed are {list(STATISTICS)}")


def _variance(observed, variance) -> np.ndarray:
    """Fixed Gaussian variance per bin: the given one, else the observed counts (>= 1 where
    a bin is empty, so that it stays finite)."""
    if variance is not None:
        v = np.asarray(variance, float)
        if not np.all(v > 0):
            raise ConfigError("variance: must be > 0 in every bin (drop empty bins, or give "
                              "statistic='poisson')")
        return v
    return np.maximum(np.asarray(observed, float), 1.0)


# ---------------------------------------------------------------------------------------------
# pull chi^2 with nuisance normalisations
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """Result of profiling the nuisance pulls: the minimum chi^2, the pulls xi_j (0 for fixed
    components) and whether the minimiser converged."""

    chi2: float
    pulls: np.ndarray
    valid: bool = True


def profile_chi2(observed, components: Sequence, sigmas: Sequence[float | None], *,
                 statistic: str = "poisson", variance=None, minimizer: str = "auto") -> Fit:
    """min over the pulls xi of chi^2(observed, sum_j (1 + xi_j) components[j]) +
    sum_j (xi_j / sigma_j)^2 ([Mustamin2024, Eq. (21)]; module docstring for sigma = None/0
    (fixed) and inf (free)). components: arrays of expected counts per bin (same shape as
    observed). minimizer: "auto" (closed form for "gauss", iminuit otherwise), "iminuit"."""
    _check_statistic(statistic)
    n = np.asarray(observed, float).ravel()
    comps = np.array([np.asarray(c, float).ravel() for c in components])
    if comps.ndim != 2 or comps.shape[1] != n.size:
        raise ConfigError(f"components: {len(components)} arrays of {n.size} bins expected "
                          f"(got shape {comps.shape})")
    if len(sigmas) != len(comps):
        raise ConfigError(f"sigmas = {list(sigmas)!r}: one per component ({len(comps)})")
    if minimizer not in ("auto", "iminuit"):
        raise ConfigError(f"minimizer = {minimizer!r}: allowed are 'auto', 'iminuit'")
    if any(s is not None and not s >= 0 for s in sigmas):
        raise ConfigError(f"sigmas = {list(sigmas)!r}: each None, 0 (fixed), > 0 or inf (free)")
    free = [j for j, s in enumerate(sigmas) if s is not None and s != 0]
    inv_s2 = np.array([0.0 if math.isinf(sigmas[j]) else 1.0 / sigmas[j] ** 2 for j in free])
    fixed_total = comps.sum(axis=0)
    var = _variance(n, variance) if statistic == "gauss" else None
    if not free:
        return Fit(chi2(n, fixed_total, statistic, var), np.zeros(len(comps)))
    C = comps[free]
    xi0 = _linear_pulls(n - fixed_total, C, var if var is not None else
                        np.maximum(fixed_total, 1.0), inv_s2)
    if statistic == "gauss" and minimizer == "auto":
        mu = fixed_total + xi0 @ C
        value = gauss_chi2(n, mu, var) + float(np.sum(inv_s2 * xi0**2))
        return Fit(value, _scatter(xi0, free, len(comps)))
    fit = _minuit_pulls(n, fixed_total, C, inv_s2, statistic, var, xi0)
    return Fit(fit.chi2, _scatter(fit.pulls, free, len(comps)), fit.valid)


def _scatter(values: np.ndarray, where: list[int], size: int) -> np.ndarray:
    out = np.zeros(size)
    out[where] = values
    return out


def _linear_pulls(residual: np.ndarray, C: np.ndarray, variance: np.ndarray,
                  inv_s2: np.ndarray) -> np.ndarray:
    """Pulls minimising sum (r - xi C)^2 / var + sum xi^2 / s^2 (normal equations; exact for
    the Gaussian statistic, a starting point for the others)."""
    Cw = C / variance
    A = Cw @ C.T + np.diag(inv_s2)
    return np.linalg.lstsq(A, Cw @ residual, rcond=None)[0]


def _minuit_pulls(n, fixed_total, C, inv_s2, statistic, var, xi0) -> Fit:
    from iminuit import Minuit  # heavy import, only when a fit is made

    def cost(xi):
        mu = fixed_total + xi @ C
        return chi2(n, mu, statistic, var) + float(np.sum(inv_s2 * xi * xi))

    def grad(xi):
        mu = np.maximum(fixed_total + xi @ C, TINY)
        if statistic == "poisson":
            d = 2.0 * (1.0 - n / mu)
        elif statistic == "pearson":
            d = 1.0 - n * n / (mu * mu)
        else:
            d = -2.0 * (n - mu) / var
        return C @ d + 2.0 * inv_s2 * xi

    # a pull below -1 would make a component negative: keep every expectation positive
    start = np.maximum(xi0, -0.99)
    m = Minuit(cost, start, grad=grad)
    m.errordef = Minuit.LEAST_SQUARES
    m.limits = [(-1.0, None)] * len(start)
    m.print_level = 0
    m.migrad()
    return Fit(float(m.fval), np.array(m.values), bool(m.valid))


# ---------------------------------------------------------------------------------------------
# limits
# ---------------------------------------------------------------------------------------------


def crossing(fn: Callable[[float], float], level: float, lo: float, hi: float, *,
             grow: float = 2.0, max_grow: int = 60, xtol: float = 1e-10) -> float:
    """The x in [lo, hi] where fn(x) = level, fn increasing through it (e.g. Delta chi^2 of
    a signal strength); hi is enlarged (x grow) until fn(hi) > level."""
    f_lo = fn(lo) - level
    if f_lo > 0:
        raise ConfigError(f"crossing: fn(lo = {lo:g}) = {f_lo + level:g} is already above "
                          f"the level {level:g}")
    for _ in range(max_grow):
        if fn(hi) > level:
            break
        lo, hi = hi, hi * grow
    else:
        raise ConfigError(f"crossing: fn stays below {level:g} up to {hi:g}")
    return float(optimize.brentq(lambda x: fn(x) - level, lo, hi, xtol=xtol * abs(hi),
                                 rtol=1e-10))


def signal_strength_limit(signal, background_components: Sequence, sigmas: Sequence, *,
                          observed=None, cl: float = 0.95, one_sided: bool = True,
                          statistic: str = "poisson", variance=None,
                          signal_sigma: float | None = None) -> float:
    """Upper limit on the scale s of a signal (expected counts s x signal + backgrounds) at
    confidence level cl. observed: the data (default Asimov: the backgrounds alone, s = 0).
    Delta chi^2(s) = chi^2(s) - min over s' >= 0 of chi^2(s'), pulls profiled at each s
    (`profile_chi2`); signal_sigma: a normalisation uncertainty of the signal itself.
    A magnetic moment with signal(mu) = (mu / mu0)^2 signal(mu0) has mu_up = mu0 sqrt(s_up)."""
    signal = np.asarray(signal, float)
    bkgs = [np.asarray(b, float) for b in background_components]
    data = np.sum(bkgs, axis=0) if observed is None else np.asarray(observed, float)
    comps_sigmas = [signal_sigma] + list(sigmas)

    def chi(s: float) -> float:
        return profile_chi2(data, [s * signal] + bkgs, comps_sigmas, statistic=statistic,
                            variance=variance).chi2

    level = delta_chi2(cl, 1, one_sided=one_sided)
    hint = _scale_hint(data, signal, bkgs)
    best = 0.0
    if observed is not None:  # the best fit need not be s = 0: search up to well past the excess
        excess = (float(np.sum(data)) - float(np.sum(bkgs))) / max(float(np.sum(signal)), TINY)
        top = max(excess, 0.0) + 10.0 * hint
        res = optimize.minimize_scalar(chi, bounds=(0.0, top), method="bounded",
                                       options={"xatol": 1e-10 * top})
        best = float(res.x) if res.fun < chi(0.0) else 0.0
    c_min = chi(best)
    return crossing(lambda s: chi(s) - c_min, level, best, best + hint)


def _scale_hint(data, signal, bkgs) -> float:
    """A signal scale of order the 1-sigma counting limit (a bracket to start from)."""
    s_tot = max(float(np.sum(signal)), TINY)
    return max(1.0, math.sqrt(max(float(np.sum(bkgs)), 1.0))) / s_tot


# ---------------------------------------------------------------------------------------------
# scans and contours
# ---------------------------------------------------------------------------------------------


def scan(fn: Callable[..., float], *axes, progress: bool = True, desc: str = "scan"
         ) -> np.ndarray:
    """fn evaluated on the grid of the given axes (one or two 1-D arrays), with a tqdm
    progress bar: out[i] = fn(x[i]) or out[i, j] = fn(x[i], y[j])."""
    axes = [np.asarray(a, float) for a in axes]
    if len(axes) not in (1, 2):
        raise ConfigError(f"scan: one or two axes, got {len(axes)}")
    shape = tuple(a.size for a in axes)
    out = np.empty(shape)
    for idx in tqdm(np.ndindex(*shape), total=int(np.prod(shape)), desc=desc,
                    disable=None if progress else True, leave=False):
        out[idx] = fn(*(a[i] for a, i in zip(axes, idx)))
    return out


def scan_rescaled(spectrum: Callable[[float], np.ndarray], xs, scales, *, observed,
                  background_components: Sequence, sigmas: Sequence,
                  statistic: str = "poisson", variance=None,
                  signal_sigma: float | None = None, progress: bool = True,
                  desc: str = "scan") -> np.ndarray:
    """Delta chi^2 on a grid (x, scale) where the signal is scale x spectrum(x): one spectrum
    per x (e.g. a quadrature per sterile mass m_N), the scale axis (e.g. (mu / mu0)^2) is
    then a rescale. spectrum(x) returns one array (the signal: its own component, pull
    signal_sigma) or a list of arrays, one per background component, added to it (sharing
    its pull: e.g. the new-physics rate of each flux with that flux's normalisation).
    Returns chi^2(x, scale) - chi^2(observed | backgrounds only), profiled over the pulls at
    each point; shape (len(xs), len(scales))."""
    xs = np.asarray(xs, float)
    scales = np.asarray(scales, float)
    bkgs = [np.asarray(b, float) for b in background_components]
    ref = profile_chi2(observed, bkgs, list(sigmas), statistic=statistic,
                       variance=variance).chi2
    out = np.empty((xs.size, scales.size))
    bar = tqdm(total=out.size, desc=desc, disable=None if progress else True, leave=False)
    for i, x in enumerate(xs):
        sig = spectrum(float(x))
        shared = isinstance(sig, (list, tuple))
        for j, s in enumerate(scales):
            if shared:
                comps = [b + s * np.asarray(g, float) for b, g in zip(bkgs, sig)]
                sigmas_ij = list(sigmas)
            else:
                comps = [s * np.asarray(sig, float)] + bkgs
                sigmas_ij = [signal_sigma] + list(sigmas)
            out[i, j] = profile_chi2(observed, comps, sigmas_ij, statistic=statistic,
                                     variance=variance).chi2 - ref
            bar.update(1)
    bar.close()
    return out


def contour_points(x, y, values, level: float) -> np.ndarray:
    """Points (x, y) where a grid of values (shape (len(x), len(y))) crosses `level`, by linear
    interpolation along both grid directions; an (n, 2) array (unordered). For a Delta chi^2
    grid and level = delta_chi2(cl, 2): the 2-D confidence contour."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    v = np.asarray(values, float) - level
    pts = []
    for axis in (0, 1):
        a = v if axis == 0 else v.T
        grid_along = x if axis == 0 else y
        other = y if axis == 0 else x
        lo, hi = a[:-1], a[1:]
        i, j = np.nonzero(np.signbit(lo) != np.signbit(hi))
        t = lo[i, j] / (lo[i, j] - hi[i, j])
        along = grid_along[i] + t * (grid_along[i + 1] - grid_along[i])
        pts.append(np.column_stack([along, other[j]] if axis == 0 else [other[j], along]))
    return np.concatenate(pts) if pts else np.zeros((0, 2))


def first_crossing(x, values, level: float) -> float:
    """The smallest x where values (increasing beyond it) first rises through `level`, by
    linear interpolation (NaN if it never does): e.g. the reach in sin^2 2theta at one
    Delta m^2 of a Delta chi^2 row."""
    x = np.asarray(x, float)
    v = np.asarray(values, float) - level
    up = np.nonzero((v[:-1] < 0) & (v[1:] >= 0))[0]
    if up.size == 0:
        return math.nan
    k = up[0]
    return float(x[k] + v[k] / (v[k] - v[k + 1]) * (x[k + 1] - x[k]))


__all__ = ["Fit", "STATISTICS", "chi2", "contour_points", "crossing", "delta_chi2",
           "first_crossing", "gauss_chi2", "pearson_chi2", "poisson_deviance",
           "poisson_upper_limit", "profile_chi2", "scan", "scan_rescaled",
           "signal_strength_limit"]
