"""[Wong2010] Table I from macros/paper003_limits.py against the printed sensitivities.

Agreement established (README "Paper results"): with the stated criterion (signal = limiting
background at threshold) the "ideal experiment" rows, limited by SM nu_e-bar e scattering and
independent of the unstated exposure, reproduce the free-electron column to 10 % (2.04 vs 2 at
100 eV, 0.65 vs 0.7 at 10 eV) and the equivalent-photon column to within a factor 1.5
(0.012 vs 0.009 at 100 eV; not traced further: the photoabsorption tables near 100 eV, Henke
in the paper and Elam here, are one candidate). The AmBkg rows depend on the unstated
criterion and are only checked to lie within a factor 5 of the paper.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "macros"))
import paper003_limits  # noqa: E402


@pytest.fixture(scope="module")
def rows():
    warnings.filterwarnings("ignore", message="Elam tables")
    return paper003_limits.compute()


def test_ideal_rows(rows):
    ideal = [r for r in rows if "ideal" in r["mode"]]
    by_thr = {r["thr_eV"]: r for r in ideal}
    assert by_thr[100.0]["FE"] == pytest.approx(2.0e-12, rel=0.1)
    assert by_thr[10.0]["FE"] == pytest.approx(0.7e-12, rel=0.1)
    assert by_thr[100.0]["AI (EPA)"] / 0.009e-12 == pytest.approx(1.0, abs=0.5)


def test_ambient_rows_within_a_factor_5(rows):
    for r in rows:
        if "AmBkg" in r["mode"]:
            for key, paper in (("FE", r["paper"][0]), ("AI (EPA)", r["paper"][1])):
                assert 0.2 < r[key] / (paper * 1e-12) < 5.0
    # and the ambient rows scale as sqrt(AmBkg) in this criterion
    a10, a1 = (r for r in rows if "AmBkg" in r["mode"])
    assert a10["FE"] / a1["FE"] == pytest.approx(10**0.5, rel=1e-6)
