"""The README's tour of the API runs as written (only the event counts are made smaller and the
output goes to a temporary directory), and gives what its comments say."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT


def _tour() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("## A tour of the API", 1)[1]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)


def test_readme_tour_runs(tmp_path, monkeypatch):
    code = _tour()
    assert 'gen.run(1_000_000, "xe.root")' in code and "gen.sample(100_000)" in code
    code = code.replace("1_000_000", "20_000").replace("100_000", "20_000")
    monkeypatch.chdir(tmp_path)
    env: dict = {}
    exec(compile(code, "README.md tour", "exec"), env)
    assert (tmp_path / "xe.root").exists()
    assert 150 < env["gen"].expected_events < 250  # "~199 per t yr"
    assert env["ch"].target.name == "Xe131"
    assert env["ch"].dsigma_dT(E=100.0, T=0.01) > 0 and env["ch"].sigma_visible(30.0) > 0
    assert len(env["source"].sample_energies(10, seed=2)) == 10
    particle = env["rock"].particle(env["source"].components[0])
    assert particle.mu_muB == pytest.approx(1e-5) and particle.mass == pytest.approx(10.0)
    assert env["rock"].expected_events < env["gen"].expected_events  # the rock takes energy
