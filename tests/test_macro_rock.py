"""The rock macro runs, and its spectral-index fit recovers a known index."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "macros"))
import rock_dipole  # noqa: E402


def test_spectral_index_recovers_known_gamma():
    # draw E from (E^2 - m^2)^-gamma on [13, 24] by inverse CDF on a fine grid
    gamma, m = 6.0, rock_dipole.M_DIPOLE
    grid = np.linspace(13.0, 24.0, 200001)
    cdf = np.cumsum((grid**2 - m * m) ** -gamma)
    E = np.interp(np.random.default_rng(3).random(400_000) * cdf[-1], cdf, grid)
    assert rock_dipole.spectral_index(E) == pytest.approx(gamma, abs=0.1)


def test_macro_runs(tmp_path, capsys):
    assert rock_dipole.main(["--out-dir", str(tmp_path), "--n", "3000"]) == 0
    assert (tmp_path / "rock_dipole_spectra.png").stat().st_size > 1000
    assert "nothing reaches 1.4 km" in capsys.readouterr().out
