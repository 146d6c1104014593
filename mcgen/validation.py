"""Checks of user input, in one place. Each helper returns the checked value (a float, an int, a
tuple or arrays) or raises ConfigError with one line naming the field, the value and what is
allowed, in the project's style ``f"{field} = {value!r}: must be ..."``.

A number is a real number that is neither a bool nor a string (int, float, numpy integer and
floating scalars); NaN and inf are refused wherever a finite number is asked for. The default
description is ``what`` (e.g. "a moment", default "a finite number") and the condition, with
``unit`` in parentheses: "must be a moment > 0 (mu_B)"; ``allowed`` replaces the whole text
after "must be" (to keep a message users or tests know, e.g. "a positive finite length (mm)").

Physical parameters are checked against the ranges defined below (MOMENT_MUB, ENERGY_MEV,
DENSITY_G_CM3 ...; `in_range`, `amount`): wide enough for any physical use, narrow enough that
every product the planner forms stays a finite, non-zero double.

API arguments of the wrong type (a string where a Detector is needed): `instance_of`,
`instances_of`, whose message names the type received (``... (got str)``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection
from numbers import Real
from typing import NoReturn

import numpy as np

from .errors import ConfigError


def fail(field: str, value, allowed: str) -> NoReturn:
    """Raise ConfigError ``f"{field} = {value!r}: must be {allowed}"``."""
    raise ConfigError(f"{field} = {value!r}: must be {allowed}")


def require(field: str, value, ok: bool, allowed: str) -> None:
    """The general form: ConfigError ``f"{field} = {value!r}: {allowed}"`` unless ok (`allowed`
    says in full what is wrong or allowed, e.g. "must exceed the mass 10 MeV")."""
    if not ok:
        raise ConfigError(f"{field} = {value!r}: {allowed}")


def real(value) -> float | None:
    """value as a float if it is a real number (not a bool, not a string), else None."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        return None
    try:
        return float(value)
    except OverflowError:  # an int too large for a float
        return math.inf if value > 0 else -math.inf


def is_finite(value) -> bool:
    """Whether value is a finite real number (not a bool, not a string)."""
    v = real(value)
    return v is not None and math.isfinite(v)


def _with_unit(text: str, unit: str) -> str:
    return f"{text} ({unit})" if unit else text


def number(field: str, value, unit: str = "", *, what: str = "a finite number",
           allowed: str | None = None) -> float:
    """A finite real number."""
    v = real(value)
    if v is None or not math.isfinite(v):
        fail(field, value, allowed or _with_unit(what, unit))
    return v


def positive_finite(field: str, value, unit: str = "", *, what: str = "a finite number",
                    allowed: str | None = None) -> float:
    """A finite real number > 0."""
    v = real(value)
    if v is None or not (math.isfinite(v) and v > 0.0):
        fail(field, value, allowed or _with_unit(f"{what} > 0", unit))
    return v


def non_negative_finite(field: str, value, unit: str = "", *, what: str = "a finite number",
                        allowed: str | None = None) -> float:
    """A finite real number >= 0."""
    v = real(value)
    if v is None or not (math.isfinite(v) and v >= 0.0):
        fail(field, value, allowed or _with_unit(f"{what} >= 0", unit))
    return v


def in_interval(field: str, value, lo: float, hi: float, unit: str = "", *,
                lo_open: bool = False, hi_open: bool = False, what: str = "a number",
                allowed: str | None = None) -> float:
    """A real number in the interval from lo to hi (finite ends), closed unless lo_open /
    hi_open: [lo, hi], (lo, hi], [lo, hi) or (lo, hi)."""
    v = real(value)
    ok = v is not None and (lo < v if lo_open else lo <= v) and (v < hi if hi_open else v <= hi)
    if not ok:
        text = f"{what} in {'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
        fail(field, value, allowed or _with_unit(text, unit))
    return v


def in_open_interval(field: str, value, lo: float, hi: float, unit: str = "", *,
                     what: str = "a number", allowed: str | None = None) -> float:
    """A real number in the open interval (lo, hi)."""
    return in_interval(field, value, lo, hi, unit, lo_open=True, hi_open=True, what=what,
                       allowed=allowed)


def probability(field: str, value, *, what: str = "a probability",
                allowed: str | None = None) -> float:
    """A real number in [0, 1]."""
    return in_interval(field, value, 0.0, 1.0, what=what, allowed=allowed)


def whole_number(field: str, value, low: int = 0, *, what: str = "a whole number",
                 high: int | None = None) -> int:
    """An integer >= low (and <= high if given; Python or numpy integer, not a bool, not a
    float)."""
    if (isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer))
            or value < low or (high is not None and value > high)):
        fail(field, value, f"{what} >= {low}" + ("" if high is None else f" and <= {high}"))
    return int(value)


def nonzero_integer(field: str, value, *, allowed: str | None = None) -> int:
    """An integer (int or numpy integer, not a bool) other than 0."""
    ok = (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
          and value != 0)
    if not ok:
        fail(field, value, allowed or "a non-zero integer")
    return int(value)


def one_of(field: str, value, options: Collection, *, shown=None):
    """One of `options` (compared with ==, a bool only with a bool; a value that cannot be
    compared is refused). Message: ``f"{field} = {value!r}: allowed are {shown}"`` (shown:
    default list(options))."""
    try:
        boolish = isinstance(value, (bool, np.bool_))
        ok = any(bool(o == value) and isinstance(o, (bool, np.bool_)) == boolish
                 for o in options)
    except (TypeError, ValueError):  # e.g. an array compared with a string
        ok = False
    if not ok:
        raise ConfigError(f"{field} = {value!r}: allowed are "
                          f"{list(options) if shown is None else shown}")
    return value


def _floats(value) -> np.ndarray | None:
    """A flat sequence of real numbers (not bools, not strings) as a float64 array, else None."""
    if isinstance(value, (str, bytes)):
        return None
    try:
        items = list(value)
    except TypeError:
        return None
    vals = [real(v) for v in items]
    if any(v is None for v in vals):
        return None
    return np.array(vals, dtype=np.float64)


def finite_numbers(field: str, value, *, size: int | None = None,
                   allowed: str | None = None) -> np.ndarray:
    """A flat list of finite real numbers (exactly `size` of them if given), as a float64
    array."""
    v = _floats(value)
    ok = v is not None and bool(np.all(np.isfinite(v))) and (size is None or v.size == size)
    if not ok:
        fail(field, value, allowed or (f"a list of {size} finite numbers" if size is not None
                                       else "a list of finite numbers"))
    return v


def number_rows(field: str, value, width: int, *, allowed: str | None = None) -> np.ndarray:
    """A non-empty list of rows of `width` finite real numbers each (e.g. [[E, branching],
    ...]), as a float64 array of shape (rows, width)."""
    try:
        rows = [_floats(row) for row in value] if not isinstance(value, (str, bytes)) else None
    except TypeError:
        rows = None
    ok = bool(rows) and all(r is not None and r.size == width and bool(np.all(np.isfinite(r)))
                            for r in rows)
    if not ok:
        fail(field, value, allowed or f"a non-empty list of rows of {width} finite numbers")
    return np.array(rows, dtype=np.float64)


def three_vector(field: str, value, *, nonzero: bool = False,
                 allowed: str | None = None) -> tuple[float, float, float]:
    """Three finite real numbers [x, y, z] (and not all zero with nonzero=True)."""
    v = _floats(value)
    ok = v is not None and v.size == 3 and bool(np.all(np.isfinite(v)))
    if ok and nonzero:
        ok = bool(np.any(v != 0.0))
    if not ok:
        fail(field, value, allowed or ("a non-zero 3-vector [x, y, z]" if nonzero
                                       else "a 3-vector [x, y, z] of finite numbers"))
    return float(v[0]), float(v[1]), float(v[2])


def number_table(field: str, x, y, *, min_size: int = 2,
                 allowed: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two columns of finite real numbers of equal length >= min_size, as float64 arrays. The
    value in the message is the pair (x, y)."""
    xa, ya = _floats(x), _floats(y)
    ok = (xa is not None and ya is not None and xa.size == ya.size and xa.size >= min_size
          and bool(np.all(np.isfinite(xa))) and bool(np.all(np.isfinite(ya))))
    if not ok:
        fail(field, (x, y), allowed or f"two lists of finite numbers of equal length "
                                       f">= {min_size}")
    return xa, ya


def strictly_increasing(field: str, value, *, lo: float = -math.inf, hi: float = math.inf,
                        min_size: int = 1, allowed: str | None = None) -> np.ndarray:
    """At least min_size finite real numbers, strictly increasing, inside [lo, hi]; as a
    float64 array."""
    v = _floats(value)
    ok = (v is not None and v.size >= min_size and bool(np.all(np.isfinite(v)))
          and bool(np.all(np.diff(v) > 0)) and (v.size == 0 or (v[0] >= lo and v[-1] <= hi)))
    if not ok:
        where = "" if (lo, hi) == (-math.inf, math.inf) else f" within [{lo:g}, {hi:g}]"
        fail(field, value, allowed or f"a list of >= {min_size} finite numbers, strictly "
                                      f"increasing{where}")
    return v


def table(field: str, value, *, allowed: str = "a table") -> dict:
    """A TOML table (a dict), e.g. [detector.material]."""
    if not isinstance(value, dict):
        fail(field, value, allowed)
    return value


def text(field: str, value, *, allowed: str = "a non-empty string") -> str:
    """A non-empty string without NUL characters (a name, a label, a file name)."""
    if not (isinstance(value, str) and value and "\0" not in value):
        fail(field, value, allowed)
    return value


def names(field: str, value, options: Collection | None = None, *,
          allowed: str | None = None) -> list[str]:
    """A non-empty list of distinct strings (each one of `options` if given)."""
    ok = (isinstance(value, (list, tuple)) and len(value) > 0
          and all(isinstance(v, str) for v in value) and len(set(value)) == len(value)
          and (options is None or all(v in options for v in value)))
    if not ok:
        fail(field, value, allowed or ("a non-empty list of distinct names" if options is None
                                       else f"a non-empty list of distinct names from "
                                            f"{list(options)}"))
    return list(value)


def pdg_id(field: str, value) -> int:
    """A PDG particle id: a non-zero integer that fits the int32 output branches."""
    ok = (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
          and value != 0 and -(2**31) < value < 2**31)
    if not ok:
        fail(field, value, "a non-zero integer PDG id within int32 (e.g. 12 for nu_e)")
    return int(value)


# -- physical ranges -----------------------------------------------------------------------
# Every range below is wide enough for any physical use and narrow enough that each product
# the planner forms (flux x cross section x targets x time, decay widths and lengths, 1/L^2,
# E^2) stays a normal double, far from overflow and underflow: with all inputs inside them
# the expected counts and event weights are finite and > 0. `in_range` says the range in its
# message, with the reason.

#: Magnetic and transition moments [mu_B]. Lower end: far below the Standard-Model moment of
#: a Dirac neutrino, 3.2e-19 mu_B (m_nu / 1 eV) (K. Fujikawa, R. E. Shrock, PRL 45 (1980)
#: 963), so that too can be simulated; upper end: mu_B, the electron's own moment ([Bueno2013,
#: Sec. 4] needs at most 1e-2 mu_B; every bound on a neutral particle's moment is far below).
#: Inside it mu^2 (cross sections, [Bueno2013, Eq. 4]; widths, mu^2 m^3) is a normal double.
MOMENT_MUB = (1e-25, 1.0)
#: Sterile-neutrino masses [MeV] when not 0: 1 eV (lighter N are active-like: give m_N = 0)
#: to 10 GeV (beyond the energies of every source of mcgen). With MOMENT_MUB the decay length
#: c tau gamma stays below 1e80 mm.
STERILE_MASS_MEV = (1e-6, 1e4)
#: Energies and masses of source particles [MeV]: up to 1 TeV (mcgen is a low-energy
#: generator; the FLUKA atmospheric tables end at 982 MeV).
ENERGY_MEV = (0.0, 1e6)
#: Masses of source particles [MeV] when not 0: 1 eV to 1 TeV (the boost E / m of a lighter
#: massive particle, in decay lengths and the energy loss in rock, would pass 1e12).
PARTICLE_MASS_MEV = (1e-6, 1e6)
#: Recoil thresholds and window edges [keV or keVee]: 1 meV (below any phonon or ionisation
#: threshold) to 1 TeV.
RECOIL_KEV = (1e-6, 1e9)
#: Material densities [g/cm^3]: from a rarefied gas to beyond osmium (22.6 g/cm^3, the
#: densest element).
DENSITY_G_CM3 = (1e-9, 100.0)
#: Exposures [kg day]: 1 microgram-day to 2.7 gigatonne-years.
EXPOSURE_KG_DAY = (1e-9, 1e15)
#: Detector masses [kg]: 1 microgram to 10 gigatonnes (IceCube's km^3 of ice is 1 Gt).
MASS_KG = (1e-9, 1e13)
#: Durations and times [days]: 1e-9 d (86 us) to 1e7 d (27,000 years).
DAYS = (1e-9, 1e7)
#: Sizes of volumes and vertex resolutions [mm]: 1 nm to 1000 km; positions are within
#: +-LENGTH_MM[1] (a near source further away is a far source).
LENGTH_MM = (1e-6, 1e9)
#: Baselines of far sources [m]: 1 mm to 1e13 m (70 au; the Sun is at 1 au).
DISTANCE_M = (1e-3, 1e13)
#: Rates, fluxes, activities, powers and fractions of a flux (per second, per cm^2 s, Bq, Ci,
#: MW, 1): 1e-30 to 1e30, more than 1e15 times beyond any real source either way. With the
#: other ranges the expected count stays between ~1e-90 and ~1e60: finite, and far above the
#: underflow (near 1e-300 the sampler's proposal underflows and it would never accept).
AMOUNT = (1e-30, 1e30)
AMOUNT_MAX = AMOUNT[1]
#: Smallest gap between a near source's volume and the fiducial volume, as a fraction of the
#: fiducial volume's size (mcgen.geometry.placement): the 1/L^2 vertex density peaks at the
#: source and the sampler needs ~(size / gap)^2 / 1e4 proposals per event (~100 at this bound,
#: 1e6 at 1e-5).
NEAR_GAP_MIN = 1e-3


def in_range(field: str, value, bounds: tuple[float, float], unit: str = "", *,
             what: str = "a number", lo_open: bool = False) -> float:
    """A real number inside one of the physical ranges above (closed, or open at the lower
    end with lo_open): message ``must be <what> in [lo, hi] (<unit>)``."""
    lo, hi = bounds
    return in_interval(field, value, lo, hi, unit, lo_open=lo_open, what=what)


def amount(field: str, value, unit: str = "", *, what: str = "a number") -> float:
    """A rate, flux, activity or power: a number in AMOUNT."""
    return in_range(field, value, AMOUNT, unit, what=what)


def amounts(field: str, values, unit: str = "", *, what: str = "a number",
            zero: bool = False) -> np.ndarray:
    """Finite real numbers each in AMOUNT (or 0 with zero=True), e.g. a tabulated rate, as
    a float64 array. The message names the first value refused, ``f"{field}[i] = ..."``."""
    v = finite_numbers(field, values)
    for i, x in enumerate(v.tolist()):
        if not (zero and x == 0.0):
            in_range(f"{field}[{i}]", x, AMOUNT, unit,
                     what=f"0 or {what}" if zero else what)
    return v


def zero_or_amount(field: str, value, unit: str = "", *, what: str = "a number") -> float:
    """0, or a rate, flux or activity in AMOUNT (e.g. a background that may be switched off)."""
    return zero_or_in_range(field, value, AMOUNT, unit, what=what)


def energy_window(field: str, value, unit: str = "keV", top: float = RECOIL_KEV[1]
                  ) -> tuple[float, float]:
    """An energy window [low, high] (keV, keVee): 0 <= low < high, low <= top and high <= top
    or inf (no upper edge); as (low, high) floats."""
    vals = [real(x) for x in value] if isinstance(value, (list, tuple)) else None
    if not vals or len(vals) != 2 or any(x is None for x in vals):
        fail(field, value, f"[low, high] in {unit}")
    lo, hi = vals
    require(field, list(value), 0 <= lo < hi, f"need 0 <= low < high ({unit}; high may be inf)")
    require(field, list(value), lo <= top and (hi <= top or hi == math.inf),
            f"must be [low, high] in {unit}, 0 <= low < high <= {top:g} (or inf)")
    return lo, hi


def _short(value, limit: int = 80) -> str:
    """repr(value) on one line, cut at `limit` characters (for objects of any type)."""
    r = " ".join(repr(value).split())
    return r if len(r) <= limit else r[:limit - 3] + "..."


def instance_of(field: str, value, cls: type | tuple[type, ...], *,
                allowed: str | None = None):
    """An instance of cls (an API argument: a Source, a Detector ...). The message names the
    type received."""
    if not isinstance(value, cls):
        name = cls.__name__ if isinstance(cls, type) else " or ".join(c.__name__ for c in cls)
        raise ConfigError(f"{field} = {_short(value)}: must be {allowed or 'a ' + name} "
                          f"(got {type(value).__name__})")
    return value


def instances_of(field: str, value, cls: type) -> list:
    """A non-empty list or tuple of instances of cls (or one instance, returned as a list)."""
    if isinstance(value, cls):
        return [value]
    if not isinstance(value, (list, tuple)) or not value:
        raise ConfigError(f"{field} = {_short(value)}: must be one {cls.__name__} or a non-empty "
                          f"list of them (got {type(value).__name__})")
    for i, item in enumerate(value):
        instance_of(f"{field}[{i}]", item, cls)
    return list(value)


def placed_volume(field: str, shape) -> None:
    """A shape (a dataclass with ``center`` and its dimensions in mm, mcgen.geometry.shapes)
    whose dimensions lie in LENGTH_MM and whose centre lies within +-LENGTH_MM[1]: its volume,
    quadrature nodes and distances are then finite and > 0."""
    far = LENGTH_MM[1]
    center = three_vector(f"{field}.center", getattr(shape, "center", None))
    require(f"{field}.center", list(center), max(abs(c) for c in center) <= far,
            f"must be [x, y, z] in mm, each within +-{far:g}")
    for f in dataclasses.fields(shape):
        if f.name != "center":
            in_range(f"{field}.{f.name}", getattr(shape, f.name), LENGTH_MM, "mm",
                     what="a length")


def zero_or_in_range(field: str, value, bounds: tuple[float, float], unit: str = "", *,
                     what: str = "a mass") -> float:
    """0, or a real number inside `bounds` (e.g. a particle mass: massless, or at least
    PARTICLE_MASS_MEV[0])."""
    if real(value) == 0.0:
        return 0.0
    return in_range(field, value, bounds, unit, what=f"0 or {what}")
