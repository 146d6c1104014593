"""[Bolton2021]'s qualitative statements on the photon of radiative upscattering (Sec. 4): the
Majorana photon spectrum is symmetric about its central energy, the Dirac one prefers low
energies, and hard photons at small angles to the beam are more frequent for Majorana."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "macros"))
import paper004  # noqa: E402


def test_photon_shapes_match_paper004(tmp_path, capsys):
    assert paper004.main(["--out-dir", str(tmp_path), "--events", "40000"]) == 0
    out = capsys.readouterr().out
    assert ("Majorana symmetric about the central energy: True; Dirac prefers low photon "
            "energies: True; more hard forward photons for Majorana: True") in out
    assert (tmp_path / "paper004_photons.png").stat().st_size > 1000
