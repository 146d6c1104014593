"""The event kernel's sampling helpers without sine and cosine, and its table searches, against
exact distributions (Kolmogorov-Smirnov) and np.searchsorted."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from mcgen.geometry import sample_point
from mcgen.geometry.shapes import pack_cylinder, pack_sphere
from mcgen.physics import propagation as prop
from mcgen.physics.decay import photon_direction
from mcgen.physics.energy_loss import STANDARD_ROCK
from mcgen.physics.kinematics import recoil_range, tmax_elastic
from mcgen.sampling import kernels
from mcgen.sampling.kernels import _G, _azimuth, _bin_at, _isotropic

N = 20000


def test_azimuth_is_uniform():
    """The double angle of a point of the unit disk: uniform in [-pi, pi), on the circle."""
    rng = np.random.default_rng(1)
    cs = np.array([_azimuth(rng) for _ in range(N)])
    assert np.allclose(np.hypot(cs[:, 0], cs[:, 1]), 1.0, atol=1e-15)
    phi = np.arctan2(cs[:, 1], cs[:, 0])
    assert stats.kstest(phi, stats.uniform(-math.pi, 2 * math.pi).cdf).pvalue > 1e-3


def test_isotropic_is_uniform_on_the_sphere():
    """Marsaglia's vector: unit, cos(theta) uniform in [-1, 1], azimuth uniform."""
    rng = np.random.default_rng(2)
    n = np.array([_isotropic(rng) for _ in range(N)])
    assert np.allclose(np.linalg.norm(n, axis=1), 1.0, atol=1e-15)
    assert stats.kstest(n[:, 2], stats.uniform(-1, 2).cdf).pvalue > 1e-3
    phi = np.arctan2(n[:, 1], n[:, 0])
    assert stats.kstest(phi, stats.uniform(-math.pi, 2 * math.pi).cdf).pvalue > 1e-3


@pytest.mark.parametrize("A,S", [(-1.0, (0.0, 0.0, 1.0)), (1.0, (0.3, -0.4, 0.5)),
                                 (-1.0, (0.0, 0.0, 0.0))])
def test_photon_direction_follows_one_plus_b_cos(A, S):
    """Kept or reflected isotropic vectors: cos to S has density (1 + A |S| c) / 2."""
    rng = np.random.default_rng(3)
    S = np.array(S)
    s = np.linalg.norm(S)
    axis = S / s if s > 0 else np.array([0.0, 0.0, 1.0])
    out = np.array([photon_direction(*S, A, *_isotropic(rng), rng.random()) for _ in range(N)])
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-14)
    b = A * s
    cdf = lambda c: (c + 1) / 2 + b * (c * c - 1) / 4  # noqa: E731
    assert stats.kstest(out @ axis, cdf).pvalue > 1e-3


@pytest.mark.parametrize("shape", ["cylinder", "sphere"])
def test_sample_point_in_shape_is_uniform(shape):
    """Radial CDF (r/R)^2 of a cylinder's cross-section, (r/R)^3 in a sphere; heights and the
    z coordinate uniform; all points inside."""
    rng = np.random.default_rng(4)
    R, H, c = 30.0, 50.0, np.array([1.0, -2.0, 3.0])
    if shape == "cylinder":
        kind, p = kernels.ShapeKind.CYLINDER, pack_cylinder(tuple(c), R, H)
    else:
        kind, p = kernels.ShapeKind.SPHERE, pack_sphere(tuple(c), R)
    pts = np.array([sample_point(kind, p, rng) for _ in range(N)]) - c
    if shape == "cylinder":
        r = np.hypot(pts[:, 0], pts[:, 1]) / R
        assert stats.kstest(r, lambda x: x * x).pvalue > 1e-3
        assert stats.kstest(pts[:, 2], stats.uniform(-H / 2, H).cdf).pvalue > 1e-3
    else:
        r = np.linalg.norm(pts, axis=1) / R
        assert stats.kstest(r, lambda x: x ** 3).pvalue > 1e-3
    assert r.max() <= 1.0


def test_bin_search_matches_searchsorted():
    """_bin_at: the last bin with G[j] <= y, as np.searchsorted(G, y, 'right') - 1."""
    rng = np.random.default_rng(5)
    for _ in range(200):
        nb = int(rng.integers(1, 60))
        ln_e = np.log(0.01) + np.sort(rng.uniform(0, 5, nb + 1))
        h = rng.uniform(0.0, 3.0, nb) * (rng.random(nb) > 0.1)
        G = np.concatenate([[0.0], np.cumsum(h * np.diff(ln_e))])
        Ta, Tb = np.sort(np.exp(rng.uniform(ln_e[0] - 0.2, ln_e[-1] + 0.2, 2)))
        Ga, ja = _G(ln_e, G, h, nb, Ta)
        Gb, jb = _G(ln_e, G, h, nb, Tb)
        for u in rng.random(20):
            y = Ga + u * (Gb - Ga)
            want = min(max(np.searchsorted(G, y, side="right") - 1, 0), nb - 1)
            assert _bin_at(G, nb, y, u, ja, jb) == want


def test_range_guide_finds_the_piece():
    """The range table's guide: the piece k with R_k <= R < R_k+1, as np.searchsorted."""
    site = prop.pack_site(R_earth=6.371e9, depth=1.4e6, rho=2.65, rock=STANDARD_ROCK)
    rt = prop.range_table(10.0, 1e-3, site, 1000.0)
    n = int(rt[prop.RT_N])
    rows = rt[prop.RT_NODES:].reshape(n, prop.RT_WIDTH)
    R = rows[:, prop.RT_R]
    rng = np.random.default_rng(6)
    for R1 in np.concatenate([rng.uniform(0, R[-1], 2000), R[1:-1], [0.0]]):
        want = min(np.searchsorted(R, R1, side="right") - 1, n - 2)
        assert prop._range_piece(rt, n, R1) == want


@pytest.mark.parametrize("m", [0.0, 10.0])
def test_elastic_recoil_range_is_the_closed_form(m):
    """m1 = m3: (0, Tmax of [Bueno2013, Eq. 1]), as the general two-body limits give."""
    M = 37000.0
    for E in (m + 0.5, m + 5.0, 3 * m + 40.0):
        lo, hi = recoil_range(E, m, m, M)
        s = M * M + m * m + 2 * M * E
        p_cm2 = ((s - (m + M) ** 2) * (s - (m - M) ** 2)) / (4 * s)
        assert lo == 0.0
        assert hi == pytest.approx(4 * p_cm2 / (2 * M), rel=1e-12)
        assert hi == tmax_elastic(E, m, M)

