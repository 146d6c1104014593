"""HepMC3 / NuHepMC output: the file read back with pyhepmc meets the NuHepMC 1.0.0 requirements
that apply, holds the same events as the ROOT output of the same card and seed, conserves
four-momentum at every vertex, does not depend on the chunking, compresses, and is written
atomically; the Geant4-ready final-state fields and the vertex times against closed forms."""

from __future__ import annotations

import gzip
import io
import json
import re

import awkward as ak
import numpy as np
import pytest
import uproot
from conftest import ROOT

import mcgen
from mcgen.catalog import load_card
from mcgen.cli import main
from mcgen.interactions import PROCESSES
from mcgen.sampling.columns import vertex_times

pyhepmc = pytest.importorskip("pyhepmc")
from mcgen.io import hepmc as hepmc_io  # noqa: E402
from mcgen.io.hepmc import HepMC3Writer  # noqa: E402

MACROS = ROOT / "macros"
C_MM_NS = 299.792458  # speed of light [mm/ns], SI exact
N_EVENTS = 3000


def _generator(card):
    return mcgen.Generator(card.source, card.detector, card.interactions,
                           seed=card.run["seed"], geometry=card.geometry)


def _read(path):
    """(run info, events) of a HepMC3 file."""
    with pyhepmc.open(path) as f:
        events = list(f)
    return events[0].run_info, events


def _attr(attrs, name, pytype):
    """The attribute parsed as the type NuHepMC requires (TypeError if it is not one; pyhepmc
    keeps the parsed value, shared by the events of a run)."""
    value = attrs[name]
    return value.astype(pytype) if hasattr(value, "astype") else value


def _flat(jagged) -> np.ndarray:
    return ak.to_numpy(ak.flatten(jagged))


def _last(jagged) -> np.ndarray:
    return ak.to_numpy(jagged[:, -1])


@pytest.fixture(scope="module")
def radiative(tmp_path_factory):
    """[Bolton2021] card (N -> N' gamma in flight): ROOT with final state and HepMC3."""
    d = tmp_path_factory.mktemp("hepmc")
    card = load_card(MACROS / "radiative_reactor_nucleus.toml")
    gen = _generator(card)
    gen.run(N_EVENTS, d / "r.root", progress=False, final_state=True, run_card=card.text)
    gen.run(N_EVENTS, d / "r.hepmc3", progress=False, run_card=card.text)
    with uproot.open(d / "r.root") as f:
        flat = f["events"].arrays(library="np")
        fs = f["events"].arrays([k for k in f["events"].keys() if k.startswith("fs_")])
    ri, events = _read(d / "r.hepmc3")
    return {"card": card, "gen": gen, "flat": flat, "fs": fs, "ri": ri, "events": events,
            "dir": d}


# -- generator run metadata (G.R.*, G.C.*) ------------------------------------------------
def test_run_info_meets_nuhepmc(radiative):
    ri, gen, card = radiative["ri"], radiative["gen"], radiative["card"]
    a = ri.attributes
    # G.R.2 version, G.R.3 tool
    assert [_attr(a, f"NuHepMC.Version.{k}", int) for k in ("Major", "Minor", "Patch")] == [
        1, 0, 0]
    assert [(t.name, t.version) for t in ri.tools] == [("mcgen", mcgen.__version__)]
    # G.R.4 conventions; G.R.5 via G.C.2: the flux-averaged value, with G.R.6 units
    conventions = _attr(a, "NuHepMC.Conventions", list[str])
    assert {"G.C.2", "G.C.3", "G.C.5", "G.S.1", "G.S.2"} <= set(conventions)
    assert "E.C.5" not in conventions  # this run has no time structure
    assert _attr(a, "NuHepMC.FluxAveragedTotalCrossSection", float) == pytest.approx(
        gen.expected_events, rel=1e-14)
    assert _attr(a, "NuHepMC.Units.CrossSection.Unit", str) == "events"
    assert _attr(a, "NuHepMC.Units.CrossSection.TargetScale", str) == "PerExposure"
    # G.R.7
    assert list(ri.weight_names) == ["CV"]
    # G.R.8 processes: every registered process, name, description citing its reference
    ids = _attr(a, "NuHepMC.ProcessIDs", list[int])
    meta = json.loads(_attr(a, "NuHepMC.Provenance.Metadata", str))
    assert sorted(ids) == sorted(int(c) for c in meta["process_codes"])
    assert {c.code for _, c in PROCESSES.items() if c.__module__.startswith("mcgen.")} <= set(ids)
    for code in ids:
        name = _attr(a, f"NuHepMC.ProcessInfo[{code}].Name", str)
        assert PROCESSES[name].code == code
        text = _attr(a, f"NuHepMC.ProcessInfo[{code}].Description", str)
        if not PROCESSES[name].__module__.startswith("mcgen."):
            continue  # a process defined by a test (tests/test_extensions.py) cites nothing
        assert re.search(r"\[[A-Z][a-z]+\d{4}, Eqs?\. ", text) and "arXiv:" in text, text
        for arxiv in _attr(a, f"NuHepMC.Citations.Process[{code}].arXiv", list[str]):
            assert re.fullmatch(r"\d{4}\.\d{4,5}", arxiv)
    assert _attr(a, "NuHepMC.Citations.Process[4].arXiv", list[str]) == ["2412.03140"]
    # G.R.9, G.R.10 (with the standard codes too: G.S.2), G.R.11 (names unique)
    for kind, codes in (("Vertex", [1, 22]), ("Particle", [1, 2, 4, 20])):
        assert sorted(_attr(a, f"NuHepMC.{kind}StatusIDs", list[int])) == codes
        for c in codes:
            assert _attr(a, f"NuHepMC.{kind}StatusInfo[{c}].Name", str)
            assert _attr(a, f"NuHepMC.{kind}StatusInfo[{c}].Description", str)
    extra = _attr(a, "NuHepMC.AdditionalParticleNumbers", list[int])
    assert {9900014, -9900014, 9900016, -9900016} <= set(extra)
    names = [_attr(a, f"NuHepMC.AdditionalParticleNumber[{p}].Name", str) for p in extra]
    assert len(set(names)) == len(names)
    # G.S.1 provenance: card, seed, events, metadata
    assert _attr(a, "NuHepMC.Provenance.RunCard", str) == card.text
    assert _attr(a, "NuHepMC.Provenance.Seed", int) == card.run["seed"]
    assert _attr(a, "NuHepMC.Provenance.NEvents", int) == N_EVENTS
    assert meta["seed"] == card.run["seed"] and meta["generated_events"] == N_EVENTS


def _known_pdg(pid: int) -> bool:
    from particle import PDGID, Particle
    from particle.particle import ParticleNotFound

    if PDGID(pid).is_nucleus:
        return True
    try:
        Particle.from_pdgid(pid)
        return True
    except ParticleNotFound:
        return False


def test_events_meet_nuhepmc(radiative):
    ri, events = radiative["ri"], radiative["events"]
    ids = set(_attr(ri.attributes, "NuHepMC.ProcessIDs", list[int]))
    extra = set(_attr(ri.attributes, "NuHepMC.AdditionalParticleNumbers", list[int]))
    numbers = [e.event_number for e in events]
    assert numbers == list(range(N_EVENTS))  # E.R.2: non-negative, unique
    n_decays = 0
    for e in events:
        assert (e.momentum_unit, e.length_unit) == (pyhepmc.Units.MEV, pyhepmc.Units.MM)
        assert _attr(e.attributes, "signal_process_id", int) in ids  # E.R.3
        assert len(_attr(e.attributes, "lab_pos", list[float])) == 3  # E.R.5, no time here
        status = [v.status for v in e.vertices]
        assert status.count(1) == 1 and 0 not in status  # E.R.6
        assert set(status) <= {1, 22}
        ps = [p.status for p in e.particles]
        assert ps.count(4) == 1 and ps.count(20) == 1  # E.R.7
        for p in e.particles:
            assert _known_pdg(p.pid) or p.pid in extra  # G.R.11
            if p.status in (4, 20):  # incoming: from HepMC3's root vertex (id 0)
                assert p.production_vertex.id == 0 and p.end_vertex.status == 1
            elif p.end_vertex is None:  # P.R.1: every outgoing real particle has status 1
                assert p.status == 1
            else:  # the decaying N
                assert p.status == 2 and p.end_vertex.status == 22
                assert abs(p.pid) == 9900014
                n_decays += 1
        assert len(e.weights) == 1  # G.R.7: CV filled for every event
    assert n_decays == np.count_nonzero(radiative["flat"]["pdg_decay"])
    assert n_decays > 0


def test_events_equal_root_output(radiative):
    flat, fs, events = radiative["flat"], radiative["fs"], radiative["events"]
    masses = {t.pdg: t.mass for t in mcgen.Material("CaWO4").nuclei}
    for i in range(0, N_EVENTS, 3):
        e = events[i]
        assert e.event_number == flat["event"][i]
        assert e.weights[0] == flat["weight"][i]
        assert _attr(e.attributes, "signal_process_id", int) == flat["process"][i]
        prim = next(v for v in e.vertices if v.status == 1)
        pos = prim.position
        assert (pos.x, pos.y, pos.z, pos.t) == (flat["vtx_x_mm"][i], flat["vtx_y_mm"][i],
                                                 flat["vtx_z_mm"][i], 0.0)
        assert _attr(e.attributes, "lab_pos", list[float]) == [pos.x, pos.y, pos.z]
        beam = next(p for p in e.particles if p.status == 4)
        E = flat["E_in_MeV"][i]  # massless antineutrino: |p| = E
        assert beam.pid == flat["pdg_in"][i]
        assert list(beam.momentum) == pytest.approx(
            [E * flat[f"dir_in_{c}"][i] for c in "xyz"] + [E], rel=1e-15, abs=1e-15)
        target = next(p for p in e.particles if p.status == 20)
        assert target.pid == flat["target_pdg"][i]
        assert target.generated_mass == pytest.approx(masses[target.pid], rel=1e-15)
        assert list(target.momentum) == [0, 0, 0, target.generated_mass]
        # the outgoing particles of each vertex, in the order of the ROOT final state
        decay = next((v for v in e.vertices if v.status == 22), None)
        written = [(0, p) for p in prim.particles_out if p.status == 1]
        if decay is not None:
            written += [(1, p) for p in decay.particles_out]
            assert (decay.position.x, decay.position.y, decay.position.z) == (
                flat["decay_x_mm"][i], flat["decay_y_mm"][i], flat["decay_z_mm"][i])
            assert decay.position.t == pytest.approx(C_MM_NS * flat["decay_dt_ns"][i],
                                                     rel=1e-15)
        rows = sorted(range(len(fs["fs_pdg"][i])), key=lambda j: fs["fs_vertex"][i][j])
        assert len(rows) == len(written)
        for j, (where, p) in zip(rows, written):
            m = p.momentum
            assert (where, p.pid, m.x, m.y, m.z, m.e, p.generated_mass) == (
                fs["fs_vertex"][i][j], fs["fs_pdg"][i][j], fs["fs_px_MeV"][i][j],
                fs["fs_py_MeV"][i][j], fs["fs_pz_MeV"][i][j], fs["fs_E_MeV"][i][j],
                fs["fs_mass_MeV"][i][j])


def test_four_momentum_conserved_at_every_vertex(radiative):
    worst = 0.0
    for e in radiative["events"]:
        for v in e.vertices:
            p_in = np.sum([list(p.momentum) for p in v.particles_in], axis=0)
            p_out = np.sum([list(p.momentum) for p in v.particles_out], axis=0)
            worst = max(worst, np.max(np.abs(p_in - p_out)) / p_in[3])
    assert worst < 1e-14


def test_final_state_fields_for_geant4(radiative):
    """fs_mass_MeV and fs_Ekin_MeV against the nuclear masses, E^2 = p^2 + m^2 and E - m."""
    fs, flat = radiative["fs"], radiative["flat"]
    pdg = _flat(fs["fs_pdg"])
    E, Ek, m = (_flat(fs[k]) for k in ("fs_E_MeV", "fs_Ekin_MeV", "fs_mass_MeV"))
    p2 = sum(_flat(fs[f"fs_p{c}_MeV"]) ** 2 for c in "xyz")
    assert np.allclose(E * E - p2, m * m, rtol=1e-12, atol=1e-9 * E.max())
    assert np.allclose(Ek, E - m, rtol=1e-12, atol=1e-12 * E.max())
    assert np.all(m[pdg == 22] == 0) and np.all(m[np.abs(pdg) == 9900016] == 0)  # N' massless
    masses = {t.pdg: t.mass for t in mcgen.Material("CaWO4").nuclei}
    assert np.allclose(_last(fs["fs_mass_MeV"]), [masses[p] for p in flat["target_pdg"]],
                       rtol=1e-15)
    assert np.allclose(_last(fs["fs_Ekin_MeV"]), flat["T_recoil_keV"] * 1e-3, rtol=1e-15)
    m_N = ak.to_numpy(fs["fs_mass_MeV"][:, 0])
    assert np.allclose(m_N[flat["pdg_decay"] == 0], 2.0, rtol=1e-15)  # undecayed N: m_N


# -- vertex times ---------------------------------------------------------------------------
def test_vertex_times_closed_form():
    """t_vtx = t_emit + L / (beta c): beta = sqrt(3)/2 for E = 2 m; no baseline: t_emit."""
    ev = {"E_in_MeV": np.array([20.0, 5.0, 5.0, 5.0]),
          "t_emit_ns": np.array([100.0, 100.0, np.nan, 7.0]),
          "baseline_mm": np.array([1000.0, 1000.0, 1000.0, np.nan]),
          "decay_dt_ns": np.array([2.0, np.nan, 1.0, 3.0])}
    t = vertex_times(ev, np.array([10.0, 0.0, 0.0, 0.0]))
    expected = [100 + 1000 / (C_MM_NS * np.sqrt(3) / 2), 100 + 1000 / C_MM_NS, np.nan, 7.0]
    assert np.allclose(t["t_vtx_ns"], expected, rtol=1e-15, equal_nan=True)
    assert np.allclose(t["t_decay_ns"], np.array(expected) + [2, np.nan, 1, 3], rtol=1e-15,
                       equal_nan=True)
    assert "t_decay_ns" not in vertex_times({k: ev[k] for k in ev if k != "decay_dt_ns"},
                                            np.zeros(4))


def test_times_of_a_near_source(tmp_path):
    """51Cr ([Coloma2014]): neutrinos at c from the emission point; lab_pos holds the time."""
    card = load_card(MACROS / "cr51_lxe.toml")
    gen = _generator(card)
    assert "t_vtx_ns" in gen.branch_names() and "t_decay_ns" not in gen.branch_names()
    ev = gen.sample(1000)
    dt = ev["t_vtx_ns"] - ev["t_emit_ns"]
    assert np.all(np.abs(dt - ev["baseline_mm"] / C_MM_NS) <= 2 * np.spacing(ev["t_vtx_ns"]))
    gen.run(300, tmp_path / "cr.hepmc3", progress=False)
    ri, events = _read(tmp_path / "cr.hepmc3")
    assert "E.C.5" in _attr(ri.attributes, "NuHepMC.Conventions", list[str])
    for i, e in enumerate(events):
        lab = _attr(e.attributes, "lab_pos", list[float])
        assert lab == [ev["vtx_x_mm"][i], ev["vtx_y_mm"][i], ev["vtx_z_mm"][i],
                       pytest.approx(ev["t_vtx_ns"][i] * 1e-9, rel=1e-15)]
        assert e.vertices[0].position.t == 0.0


def test_times_with_decays(tmp_path):
    """The [Bolton2021] card with a live time (reactor 83.2 m away): decay time = vertex time +
    decay_dt_ns; flight over the baseline at c."""
    text = (MACROS / "radiative_reactor_nucleus.toml").read_text().replace(
        'name = "nucleus_cawo4"', 'name = "nucleus_cawo4"\nlive_days = 365.25')
    (tmp_path / "timed.toml").write_text(text)
    gen = _generator(load_card(tmp_path / "timed.toml"))
    ev = gen.sample(2000)
    L = ev["baseline_mm"]
    assert np.all(np.abs(ev["t_vtx_ns"] - ev["t_emit_ns"] - L / C_MM_NS)
                  <= 2 * np.spacing(ev["t_vtx_ns"]))
    dec = ev["pdg_decay"] != 0
    assert np.all(np.isnan(ev["t_decay_ns"][~dec]))
    assert np.all(np.abs(ev["t_decay_ns"][dec] - ev["t_vtx_ns"][dec] - ev["decay_dt_ns"][dec])
                  <= 2 * np.spacing(ev["t_decay_ns"][dec]))


# -- chunking, compression, atomic writes, command line -------------------------------------
def test_same_file_for_any_chunking(radiative, tmp_path):
    """The run's events handed to the writer in pieces (one empty) give the same file as the
    run itself (the generator's events do not depend on chunk_events: tests/test_sampling)."""
    gen, card = radiative["gen"], radiative["card"]
    chunk = next(gen.iter_chunks(N_EVENTS, final_state=True))
    cuts = [0, 1, 1, 1000, N_EVENTS - 1, N_EVENTS]
    path = tmp_path / "pieces.hepmc3"
    with HepMC3Writer(path, branches=gen.branch_names()) as w:
        w.metadata(gen.metadata(N_EVENTS), card.text)
        for a, b in zip(cuts[:-1], cuts[1:]):
            w.extend({k: v[a:b] for k, v in chunk.items()})
    assert path.read_bytes() == (radiative["dir"] / "r.hepmc3").read_bytes()


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_compressed_files_hold_the_same_events(tmp_path, suffix):
    card = load_card(MACROS / "radiative_reactor_nucleus.toml")
    gen = _generator(card)
    gen.run(500, tmp_path / "x.hepmc3", progress=False)
    gen.run(500, tmp_path / f"x.hepmc3{suffix}", progress=False)
    packed = (tmp_path / f"x.hepmc3{suffix}").read_bytes()
    plain = (tmp_path / "x.hepmc3").read_bytes()
    assert len(packed) < len(plain) / 2
    if suffix == ".gz":
        assert gzip.decompress(packed) == plain
    _, a = _read(tmp_path / "x.hepmc3")
    _, b = _read(tmp_path / f"x.hepmc3{suffix}")
    assert len(a) == len(b) == 500
    assert all(x.particles == y.particles for x, y in zip(a, b))


def test_failed_run_keeps_existing_file(radiative, tmp_path, monkeypatch):
    path = tmp_path / "keep.hepmc3"
    path.write_text("old")

    def boom(self, events):  # fails after writing the events of the chunk
        original(self, events)
        raise RuntimeError("disk full")

    original = HepMC3Writer.extend
    monkeypatch.setattr(HepMC3Writer, "extend", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        radiative["gen"].run(1000, path, progress=False)
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.hepmc3"]


def test_failed_close_keeps_existing_file(radiative, tmp_path, monkeypatch):
    class Full(io.BytesIO):
        def close(self):
            raise OSError(28, "No space left on device")

    def opener(path, mode):
        open(path, "wb").close()  # the temporary file exists, as on a real disk
        return Full()

    monkeypatch.setitem(hepmc_io.OPENERS, ".gz", opener)
    path = tmp_path / "keep.hepmc3.gz"
    path.write_text("old")
    with pytest.raises(OSError, match="No space"):
        radiative["gen"].run(100, path, progress=False)
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.hepmc3.gz"]


@pytest.mark.parametrize("out,match", [("x.hepmc", "must end in .hepmc3"),
                                       ("nodir/x.hepmc3", "does not exist"),
                                       ("adir.hepmc3", "is a directory")])
def test_bad_output_name(tmp_path, out, match):
    (tmp_path / "adir.hepmc3").mkdir()
    with pytest.raises(mcgen.ConfigError, match=match):
        HepMC3Writer(tmp_path / out)


def test_command_line_format(tmp_path, capsys):
    card = str(MACROS / "atmospheric_dipole_xenon100.toml")
    out = tmp_path / "cli.hepmc3.gz"
    assert main(["run", card, "-n", "200", "-o", str(out), "-q"]) == 0
    _, events = _read(out)
    assert len(events) == 200
    assert main(["run", card, "-n", "200", "-o", str(tmp_path / "f.hepmc3"), "--format",
                 "hepmc3", "-q"]) == 0
    assert main(["run", card, "-n", "10", "-o", str(tmp_path / "y.hepmc3"), "--format",
                 "root", "-q"]) == 2
    assert main(["run", card, "-n", "10", "-o", str(tmp_path / "y.root"), "--format",
                 "nope", "-q"]) == 2
    err = capsys.readouterr().err
    assert "must end in .root" in err and "run.format = 'nope': allowed are" in err
    assert not (tmp_path / "y.hepmc3").exists() and not (tmp_path / "y.root").exists()
