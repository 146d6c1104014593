"""mcgen.sampling.quadrature_nodes: sigma_vis and an expected count against scipy.integrate.quad
(independent adaptive quadrature of the channel's dsigma/dT and flux)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import ROOT
from scipy.integrate import quad

from mcgen.analysis.spectra import as_generator
from mcgen.errors import ClosedChannelWarning
from mcgen.sampling.quadrature_nodes import sigma_visible_nodes, t_splits


def _gen(card):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClosedChannelWarning)
        gen = as_generator(ROOT / "macros" / card)
        _ = gen.plan
    return gen


def _sigma_quad(ch, E: float) -> float:
    """Integral of dsigma/dT over the window at E [MeV], scipy in ln T, split at the kinks."""
    tmin, tmax = ch.recoil_range(E)
    a, b = max(ch.T_lo, tmin), min(ch.T_hi, tmax)
    if not b > a:
        return 0.0
    cuts = [np.log(t) for t in t_splits(ch) if a < t < b]
    f = lambda u: np.exp(u) * float(ch.dsigma_dT(E, np.exp(u)))  # noqa: E731
    edges = [np.log(a), *cuts, np.log(b)]
    return sum(quad(f, lo, hi, epsabs=0, epsrel=1e-11, limit=200)[0]
               for lo, hi in zip(edges[:-1], edges[1:]))


@pytest.mark.parametrize("card", ["dipole_portal_solar_ge.toml", "epa_reactor_ge.toml"])
def test_sigma_visible_against_scipy(card):
    gen = _gen(card)
    i = int(np.argmax(gen.plan.rates))
    ch = gen.channels[i]
    E = np.linspace(ch.component.E_min, ch.component.E_max, 7)[1:]
    ref = np.array([_sigma_quad(ch, e) for e in E])
    assert ref.max() > 0
    np.testing.assert_allclose(sigma_visible_nodes(ch, E), ref, rtol=1e-9, atol=0)
    np.testing.assert_allclose(ch.sigma_visible(E), ref, rtol=1e-9, atol=0)  # the same rule


def test_expected_count_against_scipy():
    """The largest upscattering channel of the dipole-portal card: exposure x targets per kg x
    integral dE flux(E) sigma_vis(E), both integrals by scipy."""
    gen = _gen("dipole_portal_solar_ge.toml")
    up = [i for i, c in enumerate(gen.channels) if c.interaction.name == "dipole_portal_nucleus"]
    i = max(up, key=lambda k: gen.plan.rates[k])
    ch = gen.channels[i]
    comp = ch.component
    assert not comp.is_line
    e_lo = max(comp.E_min, ch.energy_for_recoil(ch.T_lo, comp.E_max) or comp.E_min)
    f = lambda E: float(comp.flux(np.array([E]))[0]) * _sigma_quad(ch, E)  # noqa: E731
    grid = np.geomspace(e_lo, comp.E_max, 9)
    val = sum(quad(f, a, b, epsabs=0, epsrel=1e-6, limit=200)[0]
              for a, b in zip(grid[:-1], grid[1:]))
    ref = val * ch.target.per_kg * gen.detector.exposure
    assert gen.plan.rates[i] == pytest.approx(ref, rel=1e-4)
