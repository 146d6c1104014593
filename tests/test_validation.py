"""mcgen.validation: over random values of every kind (numbers of all sizes, NaN, inf, bools,
numpy scalars, strings, None, lists), each helper accepts exactly the allowed values, returns
them as the right type, and raises ConfigError (never another exception) otherwise, with one
line ``f"{field} = {value!r}: ..."``."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcgen import validation as v
from mcgen.errors import ConfigError

FIELD = "thing.field_x"

scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.booleans(),
    st.none(),
    st.sampled_from(["", "1", "0.5", "nan", "abc"]),
    st.floats(allow_nan=True, allow_infinity=True).map(np.float64),
    st.floats(width=32).map(np.float32),
    st.integers(-(2**63), 2**63 - 1).map(np.int64),
    st.booleans().map(np.bool_),
    st.fractions(max_denominator=100),
    st.complex_numbers(max_magnitude=10),
    st.sampled_from([-1.0, 0.0, 0.5, 1.0, -0.0, 1e-300, 5e-324, 1e308, 10**400, -(10**400)]),
)
anything = st.one_of(scalars, st.lists(scalars, max_size=4), st.tuples(scalars, scalars, scalars))


def is_number(x) -> bool:
    """The oracle: a real number that is not a bool (nor a string, None, a complex ...)."""
    return (isinstance(x, (int, float, np.integer, np.floating, Fraction))
            and not isinstance(x, (bool, np.bool_)))


def as_float(x) -> float:
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def finite_number(x) -> bool:
    return is_number(x) and math.isfinite(as_float(x))


def outcome(f, value, *args, **kwargs):
    """(True, result) or (False, the ConfigError); any other exception fails the test."""
    try:
        return True, f(FIELD, value, *args, **kwargs)
    except ConfigError as exc:
        msg = str(exc)
        assert msg.startswith(f"{FIELD} = {value!r}: "), msg
        assert "\n" not in msg.replace(repr(value), "")
        return False, exc


def check(f, value, allowed: bool, *args, **kwargs):
    ok, result = outcome(f, value, *args, **kwargs)
    assert ok == allowed, (value, result)
    if ok and is_number(value):
        assert type(result) is float and result == as_float(value)
    return result


@settings(max_examples=400, database=None)
@given(anything)
def test_number(x):
    check(v.number, x, finite_number(x))


@settings(max_examples=400, database=None)
@given(anything)
def test_positive_finite(x):
    check(v.positive_finite, x, finite_number(x) and as_float(x) > 0, "mm")


@settings(max_examples=400, database=None)
@given(anything)
def test_non_negative_finite(x):
    check(v.non_negative_finite, x, finite_number(x) and as_float(x) >= 0)


@settings(max_examples=400, database=None)
@given(anything)
def test_probability(x):
    check(v.probability, x, is_number(x) and 0.0 <= as_float(x) <= 1.0)


@settings(max_examples=400, database=None)
@given(anything, st.floats(-10, 10), st.floats(0.001, 10), st.booleans(), st.booleans())
def test_in_interval(x, lo, width, lo_open, hi_open):
    hi = lo + width
    f = as_float(x) if is_number(x) else math.nan
    allowed = is_number(x) and (lo < f if lo_open else lo <= f) and (f < hi if hi_open
                                                                      else f <= hi)
    check(v.in_interval, x, allowed, lo, hi, lo_open=lo_open, hi_open=hi_open)
    if lo_open and hi_open:
        check(v.in_open_interval, x, allowed, lo, hi)


@settings(max_examples=400, database=None)
@given(anything)
def test_nonzero_integer(x):
    allowed = (isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
               and x != 0)
    ok, result = outcome(v.nonzero_integer, x)
    assert ok == allowed
    if ok:
        assert type(result) is int and result == x


@settings(max_examples=400, database=None)
@given(anything, st.booleans())
def test_three_vector(x, nonzero):
    items = list(x) if isinstance(x, (list, tuple)) else None
    allowed = (items is not None and len(items) == 3 and all(finite_number(c) for c in items)
               and (not nonzero or any(as_float(c) != 0 for c in items)))
    ok, result = outcome(v.three_vector, x, nonzero=nonzero)
    assert ok == allowed, (x, result)
    if ok:
        assert result == tuple(float(c) for c in items)
        assert all(type(c) is float for c in result)


@settings(max_examples=400, database=None)
@given(anything, st.integers(0, 4))
def test_finite_numbers(x, size):
    items = list(x) if isinstance(x, (list, tuple)) else None
    allowed = items is not None and all(finite_number(c) for c in items)
    check_size = allowed and len(items) == size
    ok, result = outcome(v.finite_numbers, x)
    assert ok == allowed
    ok, result = outcome(v.finite_numbers, x, size=size)
    assert ok == check_size
    if ok:
        assert result.dtype == np.float64 and result.tolist() == [float(c) for c in items]


@settings(max_examples=300, database=None)
@given(st.one_of(anything, st.lists(st.lists(scalars, max_size=3), max_size=3),
                 st.lists(st.lists(st.floats(), min_size=2, max_size=2), max_size=3)),
       st.integers(1, 3))
def test_number_rows(x, width):
    rows = list(x) if isinstance(x, (list, tuple)) else None
    allowed = (bool(rows) and all(isinstance(r, (list, tuple)) and len(r) == width
                                  and all(finite_number(c) for c in r) for r in rows))
    ok, result = outcome(v.number_rows, x, width)
    assert ok == allowed, (x, result)
    if ok:
        assert result.shape == (len(rows), width)
        assert result.tolist() == [[float(c) for c in r] for r in rows]


@settings(max_examples=300, database=None)
@given(st.lists(scalars, max_size=4), st.lists(scalars, max_size=4), st.integers(1, 3))
def test_number_table(x, y, min_size):
    allowed = (len(x) == len(y) >= min_size and all(finite_number(c) for c in x)
               and all(finite_number(c) for c in y))
    try:
        xa, ya = v.number_table(FIELD, x, y, min_size=min_size)
        ok = True
    except ConfigError as exc:
        assert str(exc).startswith(f"{FIELD} = {(x, y)!r}: must be ")
        ok = False
    assert ok == allowed
    if ok:
        assert xa.tolist() == [float(c) for c in x] and ya.tolist() == [float(c) for c in y]


@settings(max_examples=300, database=None)
@given(st.one_of(st.lists(scalars, max_size=5),
                 st.lists(st.floats(-2, 2), max_size=5).map(sorted),
                 st.lists(st.floats(-2, 2), max_size=5, unique=True).map(sorted)),
       st.booleans())
def test_strictly_increasing(x, bounded):
    lo, hi = (-1.0, 1.0) if bounded else (-math.inf, math.inf)
    allowed = (len(x) >= 1 and all(finite_number(c) for c in x)
               and all(as_float(a) < as_float(b) for a, b in zip(x, x[1:]))
               and lo <= as_float(x[0]) and as_float(x[-1]) <= hi)
    ok, result = outcome(v.strictly_increasing, x, lo=lo, hi=hi)
    assert ok == allowed, (x, result)


@settings(max_examples=300, database=None)
@given(st.one_of(anything, st.sampled_from(["a", "b", "c", 1, 0, True])))
def test_one_of(x):
    options = ("a", "b", 1)  # compared with ==, a bool only with a bool
    if isinstance(x, (bool, np.bool_)):
        allowed = False
    elif isinstance(x, str):
        allowed = x in ("a", "b")
    else:
        allowed = not isinstance(x, (list, tuple)) and bool(x == 1)
    ok, result = outcome(v.one_of, x, options)
    assert ok == allowed, (x, result)
    if not ok:
        assert str(result).endswith("allowed are ['a', 'b', 1]")


def test_messages():
    with pytest.raises(ConfigError, match=r"^a\.b = -1: must be a moment > 0 \(mu_B\)$"):
        v.positive_finite("a.b", -1, "mu_B", what="a moment")
    with pytest.raises(ConfigError, match=r"^a\.b = True: must be a finite number >= 0$"):
        v.non_negative_finite("a.b", True)
    with pytest.raises(ConfigError, match=r"^a\.b = 'x': must be a number in \(0, 1\]$"):
        v.in_interval("a.b", "x", 0.0, 1.0, lo_open=True)
    with pytest.raises(ConfigError, match=r"^a\.b = nan: must be a positive finite length"):
        v.positive_finite("a.b", math.nan, allowed="a positive finite length (mm)")
    with pytest.raises(ConfigError, match=r"^a\.b = \[0, 0, 0\]: must be a non-zero 3-vector"):
        v.three_vector("a.b", [0, 0, 0], nonzero=True)
    with pytest.raises(ConfigError, match=r"^a\.b = 'z': allowed are \['x', 'y'\]$"):
        v.one_of("a.b", "z", {"x": 1, "y": 2})
    with pytest.raises(ConfigError, match=r"^a\.b = 3: must exceed 4$"):
        v.require("a.b", 3, False, "must exceed 4")
    v.require("a.b", 3, True, "never shown")


def test_the_old_local_checks_now_share_the_helpers():
    """The places that had their own copies reject bools, strings, NaN and inf alike."""
    import mcgen

    for bad in (True, "1", math.nan, math.inf):
        with pytest.raises(ConfigError, match="box.lx"):
            mcgen.Box(bad, 1.0, 1.0)
        with pytest.raises(ConfigError, match="interaction.mu_muB"):
            mcgen.DipoleNucleusElastic(bad)
        with pytest.raises(ConfigError, match="interaction.m_N_MeV"):
            mcgen.DipolePortalNucleus(1e-9, bad)
        with pytest.raises(ConfigError, match="interaction.sin2_theta_w"):
            mcgen.NuElectronElastic(sin2_theta_w=bad)
        with pytest.raises(ConfigError, match="detector.threshold_keV"):
            mcgen.Detector("d", mcgen.Material("Xe"), mcgen.Point(), threshold_keV=bad,
                           exposure_kg_day=1.0)
        with pytest.raises(ConfigError, match="oscillation.dm2_eV2"):
            mcgen.sources.Oscillation(0.1, bad)
        with pytest.raises(ConfigError, match="site s: depth_m"):
            mcgen.Site("s", depth_m=bad)
    with pytest.raises(ConfigError, match="direction"):
        mcgen.Direction.fixed([1.0, math.nan, 0.0])
    with pytest.raises(ConfigError, match="slant_table"):
        mcgen.Site("s", slant_table=([0.5, 0.2, 1.0], [1.0, 2.0, 3.0]))


@settings(max_examples=300, database=None)
@given(anything, st.booleans())
def test_in_range_and_amount(x, lo_open):
    """A number inside one of the physical ranges (and an amount: in (0, AMOUNT_MAX])."""
    bounds = v.MOMENT_MUB
    f = as_float(x) if is_number(x) else math.nan
    inside = is_number(x) and (bounds[0] < f if lo_open else bounds[0] <= f) and f <= bounds[1]
    check(v.in_range, x, inside, bounds, lo_open=lo_open)
    check(v.amount, x, is_number(x) and v.AMOUNT[0] <= f <= v.AMOUNT[1])
    closed = is_number(x) and bounds[0] <= f <= bounds[1]
    check(v.zero_or_in_range, x, closed or (is_number(x) and f == 0.0), bounds)


@settings(max_examples=300, database=None)
@given(anything)
def test_pdg_id(x):
    allowed = (isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
               and x != 0 and -(2**31) < x < 2**31)
    ok, result = outcome(v.pdg_id, x)
    assert ok == allowed
    if ok:
        assert type(result) is int and result == x


@settings(max_examples=300, database=None)
@given(st.one_of(anything, st.lists(st.sampled_from(["a", "b", "c", "", 1]), max_size=4),
                 st.dictionaries(st.text(max_size=2), scalars, max_size=2)))
def test_text_names_and_table(x):
    ok, _ = outcome(v.text, x)
    assert ok == (isinstance(x, str) and x != "" and "\0" not in x)
    ok, _ = outcome(v.table, x)
    assert ok == isinstance(x, dict)
    ok, result = outcome(v.names, x, ("a", "b"))
    assert ok == (isinstance(x, (list, tuple)) and len(x) > 0 and len(set(map(repr, x))) == len(x)
                  and all(isinstance(c, str) and c in ("a", "b") for c in x))


@settings(max_examples=300, database=None)
@given(anything)
def test_whole_number_with_an_upper_end(x):
    allowed = (isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
               and 1 <= x <= 10)
    ok, _ = outcome(v.whole_number, x, 1, high=10)
    assert ok == allowed


def test_the_physical_ranges_keep_the_products_finite():
    """The ends of the ranges (mcgen.validation) keep each product the planner forms a normal
    double: moment^2 x (MeV -> mm)^2 cross sections, widths mu^2 m^3 / (16 pi) and decay
    lengths c tau x E / m of the sterile neutrino, flux x cross section x targets x time."""
    from mcgen.constants import HBARC, MU_BOHR

    tiny, huge = np.finfo(float).tiny, np.finfo(float).max
    for mu in v.MOMENT_MUB:
        sigma = (mu * MU_BOHR) ** 2 * HBARC**2  # ~ [mm^2], up to factors of order Z^2 alpha
        assert tiny * 1e100 < sigma < huge / 1e100
        for m in v.STERILE_MASS_MEV:
            width = (mu * MU_BOHR) ** 2 * m**3 / (16 * math.pi)  # [MeV]
            decay_length = HBARC / width * (v.ENERGY_MEV[1] / m)  # [mm], boosted
            assert tiny * 1e100 < width and decay_length < huge / 1e100
    events = v.AMOUNT_MAX * 1e-20 * v.EXPOSURE_KG_DAY[1] * 1e27 * 1e5  # flux sigma N t
    assert events < huge / 1e100


def test_placed_volume():
    import mcgen

    v.placed_volume("f", mcgen.Cylinder(10.0, 20.0, center=(0.0, 0.0, -5.0)))
    v.placed_volume("f", mcgen.Point(center=(1e9, 0.0, 0.0)))
    with pytest.raises(ConfigError, match=r"^f\.radius = 1e\+300: must be a length in "):
        v.placed_volume("f", mcgen.Cylinder(1e300, 1.0))
    with pytest.raises(ConfigError, match=r"^f\.lx = 1e-300: must be a length in "):
        v.placed_volume("f", mcgen.Box(1e-300, 1.0, 1.0))
    with pytest.raises(ConfigError, match=r"^f\.center = \[0\.0, 0\.0, 10000000000\.0\]: must be "):
        v.placed_volume("f", mcgen.Sphere(1.0, center=(0.0, 0.0, 1e10)))
