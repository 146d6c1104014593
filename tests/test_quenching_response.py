"""Quenching as a detector response: keVee thresholds and the visible-energy branch."""

from __future__ import annotations

import numpy as np
import pytest

import mcgen
from mcgen.catalog import make_detector


def _yield(T_keV, Z, A, k=None):
    # [Mustamin2024, Eqs. (16)-(17)], written out independently
    k = 0.133 * Z ** (2 / 3) / np.sqrt(A) if k is None else k
    eps = 11.5 * T_keV * Z ** (-7 / 3)
    g = 3 * eps**0.15 + 0.7 * eps**0.6 + eps
    return k * g / (1 + k * g)


@pytest.fixture(scope="module")
def ge_ee():
    return make_detector({"name": "ge_next_generation", "threshold_keVee": 0.16,
                          "window_keVee": [0.16, 2.0], "quenching": "lindhard",
                          "lindhard_k": 0.16})


def test_keVee_window_maps_to_nuclear_recoils(ge_ee):
    for t in ge_ee.nuclei():
        lo, hi = ge_ee.recoil_window(t)
        # the nuclear-recoil edges show exactly the keVee edges
        assert _yield(lo * 1e3, t.Z, t.A, 0.16) * lo * 1e3 == pytest.approx(0.16, rel=1e-10)
        assert _yield(hi * 1e3, t.Z, t.A, 0.16) * hi * 1e3 == pytest.approx(2.0, rel=1e-10)
        assert 0.6 < lo * 1e3 < 1.0  # Ge: Y ~ 0.2 near 1 keVnr
    e = ge_ee.electron_targets()[0]
    assert ge_ee.recoil_window(e) == pytest.approx((0.16e-3, 2.0e-3))


def test_visible_energy_of_events(ge_ee):
    src = mcgen.SolarSource(species=["8B"], flavours="nue-only")
    gen = mcgen.Generator(src, ge_ee, mcgen.CEvNS(), seed=4)
    ev = gen.sample(30_000)
    A = (ev["target_pdg"] // 10) % 1000
    vis = _yield(ev["T_recoil_keV"], 32, A, 0.16) * ev["T_recoil_keV"]
    assert np.allclose(ev["E_vis_keVee"], vis, rtol=1e-12)
    assert ev["E_vis_keVee"].min() >= 0.16 * (1 - 1e-9)
    assert ev["E_vis_keVee"].max() <= 2.0 * (1 + 1e-9)


def test_no_quenching_means_full_energy():
    gen = mcgen.Generator(mcgen.AtmosphericDipoleSource(10.0), make_detector({"name": "cdms_si"}),
                          mcgen.DipoleNucleusElastic(1e-5), seed=1)
    ev = gen.sample(1000)
    assert np.array_equal(ev["E_vis_keVee"], ev["T_recoil_keV"])


@pytest.mark.parametrize("spec,match", [
    ({"threshold_keVee": 0.2}, "threshold_keVee needs quenching"),
    ({"quenching": "birks"}, "quenching = 'birks': allowed are"),
    ({"lindhard_k": 0.16}, "lindhard_k needs quenching"),
    ({"threshold_keVee": 0.2, "quenching": "lindhard", "window_keV": [1, 2]},
     "give the window in the threshold's unit"),
])
def test_quenching_config_errors(spec, match):
    with pytest.raises(mcgen.ConfigError, match=match):
        make_detector({"name": "ge_next_generation"} | spec)
