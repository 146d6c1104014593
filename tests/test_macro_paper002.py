"""[Mustamin2024] projections (macros/paper002.py): the fast spectrum quadrature against
mcgen.analysis.spectra, and the limit machinery against a closed form. The paper prints no
numbers for its exclusion curves (figures only) and its CDEX-10 data are not public, so there
is no printed value to compare with."""

from __future__ import annotations

import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("iminuit")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "macros"))
import paper002  # noqa: E402

import mcgen  # noqa: E402
from mcgen.analysis.spectra import expected_counts  # noqa: E402


@pytest.fixture(scope="module")
def src():
    return paper002.source()


@pytest.mark.parametrize("m_N", [2.0])
def test_quadrature_matches_expected_counts(src, m_N):
    thr = 1.0
    mine = paper002.spectra_for_mass(m_N, thr, src)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gen = mcgen.Generator(src, paper002.detector(thr),
                              [mcgen.DipolePortalNucleus(paper002.MU_REF, m_N, decay=False)])
        ref = expected_counts(gen, "T", paper002.edges_keV(thr), by="component")
    for label, counts in mine.items():
        assert counts.sum() == pytest.approx(ref[label].sum(), rel=1e-3)
        big = ref[label] > 1e-3 * ref[label].max()
        np.testing.assert_allclose(counts[big], ref[label][big], rtol=0.05)


def test_limit_without_pulls_is_the_gaussian_closed_form(src, monkeypatch):
    # with the flux pulls fixed, Eq. (21) is sum (s S_i)^2 / R_i and the 90 % CL limit is
    # s = sqrt(2.706 / sum S_i^2 / R_i), mu = MU_REF sqrt(s)
    monkeypatch.setattr(paper002, "FLUX_SIGMA", {"8B": None, "hep": None})
    thr, exposure = 1.0, 1500.0
    sm = paper002.select(paper002.sm_spectra(thr, src), ("8B", "hep"), ("e", "mu", "tau"))
    sig = paper002.select(paper002.spectra_for_mass(1.0, thr, src), ("8B", "hep"),
                          ("e", "mu", "tau"))
    R = exposure * (sm["8B"] + sm["hep"])
    S = exposure * (sig["8B"] + sig["hep"])
    ok = R > 0
    s_up = math.sqrt(2.706 / np.sum(S[ok] ** 2 / R[ok]))
    got = paper002.mu_limit(sm, sig, exposure)
    assert got == pytest.approx(paper002.MU_REF * math.sqrt(s_up), rel=1e-3)


def test_closed_channels_give_no_limit(src):
    # 8B ends at ~16 MeV: a 30 MeV sterile state cannot be produced
    sig = paper002.spectra_for_mass(30.0, 1.0, src)
    assert all(float(np.sum(v)) == 0.0 for v in sig.values())
    sm = paper002.select(paper002.sm_spectra(1.0, src), ("8B", "hep"), ("e", "mu", "tau"))
    assert paper002.mu_limit(sm, paper002.select(sig, ("8B",), ("e",)), 150.0) == math.inf


def test_more_exposure_and_lower_threshold_help(src):
    res = paper002.exclusion_curves(np.array([0.1, 3.0]),
                                    cases={"eff": (("8B", "hep"), ("e", "mu", "tau"))})
    a, b, c = (res[(lab, "eff")] for lab in paper002.PROJECTIONS)
    assert np.all(b < a) and np.all(c < b)
