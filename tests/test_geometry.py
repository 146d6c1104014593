"""Shapes: volumes against closed forms, uniform sampling against exact distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import mcgen


def test_volumes():
    assert mcgen.Box(1.0, 2.0, 3.0).volume == 6.0
    assert mcgen.Cylinder(2.0, 3.0).volume == pytest.approx(12 * math.pi)
    assert mcgen.Sphere(3.0).volume == pytest.approx(36 * math.pi)
    assert mcgen.Point().volume == 0.0


@pytest.mark.parametrize("shape", [mcgen.Box(10.0, 20.0, 30.0, center=(1.0, 2.0, 3.0)),
                                   mcgen.Cylinder(5.0, 8.0, center=(0.0, 0.0, -100.0)),
                                   mcgen.Sphere(7.0, center=(3.0, 0.0, 0.0))])
def test_uniform_points(shape):
    rng = np.random.default_rng(1)
    pts = shape.sample(200_000, rng)
    assert shape.contains(pts).all()
    # Fraction inside a concentric sphere of radius r equals V(sphere ∩ shape) / V(shape):
    # check instead per-axis marginals of the local coordinates against exact CDFs.
    q = pts - np.asarray(shape.center)
    if isinstance(shape, mcgen.Box):
        for k, L in enumerate((shape.lx, shape.ly, shape.lz)):
            assert stats.kstest(q[:, k] / L + 0.5, "uniform").pvalue > 1e-4
    elif isinstance(shape, mcgen.Cylinder):
        r2 = (q[:, 0] ** 2 + q[:, 1] ** 2) / shape.radius**2
        assert stats.kstest(r2, "uniform").pvalue > 1e-4
        assert stats.kstest(q[:, 2] / shape.height + 0.5, "uniform").pvalue > 1e-4
    else:
        r = np.linalg.norm(q, axis=1)
        assert stats.kstest((r / shape.radius) ** 3, "uniform").pvalue > 1e-4
        assert stats.kstest((q[:, 2] / r + 1) / 2, "uniform").pvalue > 1e-4


def test_contains_edges():
    c = mcgen.Cylinder(1.0, 2.0)
    assert c.contains(np.array([[0.99, 0, 0.99], [1.01, 0, 0], [0, 0, 1.01]])).tolist() == [
        True, False, False]


@pytest.mark.parametrize("make", [lambda: mcgen.Box(1.0, -1.0, 1.0),
                                  lambda: mcgen.Cylinder(0.0, 1.0),
                                  lambda: mcgen.Sphere(float("nan"))])
def test_bad_dimensions(make):
    with pytest.raises(mcgen.ConfigError, match="must be a positive finite length"):
        make()
