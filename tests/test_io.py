"""ROOT output: branches as documented, metadata, atomic writes."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import uproot
from conftest import ROOT

import mcgen
from mcgen.io.root import RootWriter
from mcgen.sampling.columns import COLUMNS as BRANCHES
from mcgen.sampling.columns import FINAL_STATE_BRANCHES, OPTIONAL_GROUPS


def _readme_branches():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"^\| `(\w+)` \| (\w+) \| ([^|]+) \|", text, flags=re.M)


def test_readme_documents_every_branch():
    rows = _readme_branches()
    documented = BRANCHES + FINAL_STATE_BRANCHES
    assert [r[0] for r in rows] == [b.name for b in documented]
    for (name, dtype, unit), b in zip(rows, documented):
        assert dtype == np.dtype(b.dtype).name, name
        assert unit.strip() == (b.unit or "-"), name


@pytest.fixture(scope="module")
def written(xenon_generator, tmp_path_factory):
    path = tmp_path_factory.mktemp("io") / "ev.root"
    summary = xenon_generator.run(50_000, path, run_card="# card text\n", progress=False,
                                  compression="zstd")
    return path, summary


def test_file_reads_back_with_documented_branches(written, xenon_generator):
    path, summary = written
    with uproot.open(path) as f:
        tree = f["events"]
        assert tree.num_entries == 50_000
        names = xenon_generator.branch_names()
        assert list(tree.keys()) == names
        arrays = tree.arrays(library="np")
        for b in BRANCHES:
            if b.name in names:
                assert arrays[b.name].dtype == np.dtype(b.dtype)
        # a far source without baseline, site, time, resolution or quenching: no such groups
        for group in OPTIONAL_GROUPS.values():
            assert not set(group) & set(names)
        meta = json.loads(str(f["metadata"]))
        assert str(f["run_card"]) == "# card text\n"
    assert arrays["weight"].sum() == pytest.approx(xenon_generator.expected_events, rel=1e-12)
    same = xenon_generator.sample(50_000)
    assert np.array_equal(arrays["T_recoil_keV"], same["T_recoil_keV"])
    assert meta["seed"] == 3 and meta["mcgen_version"] == mcgen.__version__
    assert meta["expected_events"] == pytest.approx(summary.expected_events)
    assert meta["process_codes"]["1"] == "dipole_nucleus_elastic"
    assert meta["process_codes"]["2"] == "nu_electron_elastic"
    assert meta["branch_units"]["T_recoil_keV"] == "keV"
    assert set(meta["branch_units"]) == set(xenon_generator.branch_names())
    assert sum(meta["expected_events_by_channel"].values()) == pytest.approx(
        meta["expected_events"])
    assert not list(path.parent.glob(".*part*"))


def test_failed_run_leaves_no_file(xenon_generator, tmp_path, monkeypatch):
    path = tmp_path / "fail.root"

    def boom(self, events):
        raise RuntimeError("disk full")

    monkeypatch.setattr(RootWriter, "extend", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        xenon_generator.run(1000, path, progress=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out,match", [("x.txt", "must end in .root"),
                                       ("nodir/x.root", "does not exist")])
def test_bad_output_name(xenon_generator, tmp_path, out, match):
    with pytest.raises(mcgen.ConfigError, match=match):
        xenon_generator.run(10, tmp_path / out, progress=False)


def test_bad_compression(xenon_generator, tmp_path):
    with pytest.raises(mcgen.ConfigError, match=r"run.compression = 'gzip': allowed are"):
        xenon_generator.run(10, tmp_path / "x.root", compression="gzip", progress=False)


def test_final_state_branches(xenon_generator, tmp_path):
    path = tmp_path / "fs.root"
    xenon_generator.run(20_000, path, progress=False, final_state=True)
    with uproot.open(path) as f:
        t = f["events"]
        assert [k for k in t.keys() if k.startswith(("nfs", "fs_"))] == [
            b.name for b in FINAL_STATE_BRANCHES]
        flat = t.arrays(library="np")
        fs = t.arrays(["fs_pdg", "fs_E_MeV", "fs_px_MeV", "fs_py_MeV", "fs_pz_MeV"])
    assert np.all(flat["nfs"] == 2)
    pdg = fs["fs_pdg"].to_numpy()
    assert np.array_equal(pdg[:, 0], flat["pdg_out"])
    assert np.array_equal(pdg[:, 1], flat["target_pdg"])
    # momentum and energy conservation: sum over the final state = beam + target at rest
    m = 10.0
    p_in = np.sqrt(flat["E_in_MeV"] ** 2 - m * m)
    for c in "xyz":
        total = fs[f"fs_p{c}_MeV"].to_numpy().sum(axis=1)
        assert np.allclose(total, p_in * flat[f"dir_in_{c}"], atol=1e-9)
    M = {t.pdg: t.mass for t in mcgen.Material("Xe").nuclei}
    target = np.array([M[p] for p in flat["target_pdg"]])
    E_sum = fs["fs_E_MeV"].to_numpy().sum(axis=1)
    assert np.allclose(E_sum, flat["E_in_MeV"] + target, rtol=1e-14, atol=1e-9)


def test_optional_branches_appear_when_meaningful(tmp_path):
    from mcgen.catalog import load_card

    card = load_card(ROOT / "macros" / "cr51_lxe.toml")  # near source, times, 1 cm resolution
    gen = mcgen.Generator(card.source, card.detector, card.interactions, seed=1)
    names = gen.branch_names()
    for group in ("emission", "time", "reco"):
        assert set(OPTIONAL_GROUPS[group]) <= set(names)
    assert not set(OPTIONAL_GROUPS["rock"]) & set(names)
    gen.run(2000, tmp_path / "cr.root", progress=False)
    with uproot.open(tmp_path / "cr.root") as f:
        assert list(f["events"].keys()) == names


def test_metadata_is_strict_json(tmp_path):
    # a far source without a distance has NaN distances: written as null, not as NaN
    src = mcgen.ReactorSource(total_flux_cm2_s=1e13)
    from mcgen.catalog import make_detector

    det = make_detector({"name": "ge_next_generation"})
    gen = mcgen.Generator(src, det, mcgen.NuElectronElastic(), seed=1)
    path = tmp_path / "strict.root"
    gen.run(1000, path, progress=False)
    with uproot.open(path) as f:
        text = str(f["metadata"])
    assert "NaN" not in text and "Infinity" not in text
    meta = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON {c}"))
    assert meta["source"]["distance_mm"] is None
