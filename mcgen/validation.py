"""Checks of user input, in one place. Each helper returns the checked value (a float, an int, a
tuple or arrays) or raises ConfigError with one line naming the field, the value and what is
allowed, in the project's style ``f"{field} = {value!r}: must be ..."``.

A number is a real number that is neither a bool nor a string (int, float, numpy integer and
floating scalars); NaN and inf are refused wherever a finite number is asked for. The default
description is ``what`` (e.g. "a moment", default "a finite number") and the condition, with
``unit`` in parentheses: "must be a moment > 0 (mu_B)"; ``allowed`` replaces the whole text
after "must be" (to keep a message users or tests know, e.g. "a positive finite length (mm)").
"""

from __future__ import annotations

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


def whole_number(field: str, value, low: int = 0, *, what: str = "a whole number") -> int:
    """An integer >= low (Python or numpy integer, not a bool, not a float)."""
    if (isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer))
            or value < low):
        fail(field, value, f"{what} >= {low}")
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
