"""`mcgen geometry` (GDML) and the `[detector] frame`: the GDML file read back (xml.etree here,
pyg4ometry when installed) against the catalogue's TOML numbers and literature values; sampled
vertices inside the fiducial volume as the GDML describes it (its solid and placement, not
mcgen's shape code); a frame moves events and GDML placements by the same rigid transform,
computed here with scipy's rotations."""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET

import awkward as ak
import numpy as np
import pytest
from conftest import ROOT
from scipy.spatial.transform import Rotation

from mcgen.catalog import load_card, make_detector
from mcgen.cli import main
from mcgen.errors import ConfigError
from mcgen.generator import Generator
from mcgen.geometry.frame import POSITION_BRANCHES, VECTOR_BRANCHES
from mcgen.sampling.columns import COLUMNS

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

MACROS, CATALOGUE = ROOT / "macros", ROOT / "geometry"
CR51 = MACROS / "cr51_lxe.toml"
NUCLEUS = MACROS / "radiative_reactor_nucleus.toml"  # far reactor source, decaying N
ROCK = MACROS / "atmospheric_dipole_rock_xenon100.toml"
FRAME = {"origin_mm": [1200.0, -3400.0, 560.0], "rotation_deg": [30.0, -45.0, 120.0]}


def toml(kind: str, name: str) -> dict:
    with open(CATALOGUE / kind / f"{name}.toml", "rb") as f:
        return tomllib.load(f)


def framed_card(card, tmp_path, frame=FRAME):
    """The card with a [detector.frame] table added."""
    out = tmp_path / f"framed_{card.name}"
    out.write_text(card.read_text() + f"\n[detector.frame]\norigin_mm = {frame['origin_mm']}\n"
                   f"rotation_deg = {frame['rotation_deg']}\n")
    return out


def R_frame(frame=FRAME) -> np.ndarray:
    """Active rotation of the frame: about x, then y, then z (fixed axes) = scipy's
    extrinsic "xyz" Euler angles."""
    return Rotation.from_euler("xyz", frame["rotation_deg"], degrees=True).as_matrix()


def write(card, tmp_path, name="setup.gdml"):
    out = tmp_path / name
    assert main(["geometry", str(card), "-o", str(out)]) == 0
    return out


# -- an independent GDML reader (xml.etree) ------------------------------------------------
LENGTH = {"mm": 1.0, "cm": 10.0, "m": 1000.0}
ANGLE = {"deg": 1.0, "degree": 1.0, "rad": 180 / math.pi}


def read_gdml(path) -> dict:
    """Solids [mm], volumes, world placements (position [mm], active rotation matrix as
    Geant4's GDML reader builds it: (Rz(z) Ry(y) Rx(x))^-1), materials, elements, isotopes."""
    root = ET.parse(path).getroot()
    assert [c.tag for c in root if isinstance(c.tag, str)] == [
        "define", "materials", "solids", "structure", "setup"]
    solids = {}
    for s in root.find("solids"):
        if not isinstance(s.tag, str):
            continue
        f = LENGTH[s.get("lunit", "mm")]
        dims = {k: float(v) * f for k, v in s.attrib.items()
                if k in ("x", "y", "z", "rmin", "rmax")}
        solids[s.get("name")] = (s.tag, dims)
    volumes = {v.get("name"): (v.find("materialref").get("ref"), v.find("solidref").get("ref"))
               for v in root.find("structure").findall("volume")}
    world_name = root.find("setup/world").get("ref")
    world = [v for v in root.find("structure").findall("volume") if v.get("name") == world_name]
    placements = {}
    for pv in world[0].findall("physvol"):
        pos, rot = pv.find("position"), pv.find("rotation")
        p = np.array([float(pos.get(a)) for a in "xyz"]) * LENGTH[pos.get("unit")]
        angles = [float(rot.get(a)) * ANGLE[rot.get("unit")] for a in "xyz"]
        M = Rotation.from_euler("xyz", angles, degrees=True).as_matrix()  # Rz Ry Rx
        placements[pv.find("volumeref").get("ref")] = (p, M.T)
    mats, elements, isotopes = {}, {}, {}
    for node in root.find("materials"):
        if node.tag == "isotope":
            isotopes[node.get("name")] = (int(node.get("Z")), int(node.get("N")),
                                          float(node.find("atom").get("value")))
        elif node.tag == "element":  # isotope fractions, or Z and A of a simple element
            atom = node.find("atom")
            elements[node.get("name")] = (
                {f.get("ref"): float(f.get("n")) for f in node.findall("fraction")}
                if atom is None else {"Z": float(node.get("Z")), "A": float(atom.get("value"))})
        elif node.tag == "material":
            d = node.find("D")
            assert d.get("unit") == "g/cm3"
            mee = node.find("MEE")
            mats[node.get("name")] = {
                "density": float(d.get("value")),
                "MEE_eV": float(mee.get("value")) if mee is not None else None,
                "fractions": {f.get("ref"): float(f.get("n")) for f in node.findall("fraction")}}
    return {"solids": solids, "volumes": volumes, "placements": placements, "world": world_name,
            "materials": mats, "elements": elements, "isotopes": isotopes}


def inside(g: dict, volume: str, points: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    """Which points [mm] (world frame) lie in the volume, from its GDML solid and placement."""
    pos, R = g["placements"][volume]
    local = (np.asarray(points) - pos) @ R  # R^T (p - pos), row-wise
    kind, d = g["solids"][g["volumes"][volume][1]]
    if kind == "tube":
        return ((local[:, 0] ** 2 + local[:, 1] ** 2 <= (d["rmax"] + tol) ** 2)
                & (np.abs(local[:, 2]) <= d["z"] / 2 + tol))
    if kind == "box":
        return np.all(np.abs(local) <= np.array([d["x"], d["y"], d["z"]]) / 2 + tol, axis=1)
    assert kind == "sphere"
    return np.sum(local**2, axis=1) <= (d["rmax"] + tol) ** 2


def xyz(ev: dict, names) -> np.ndarray:
    return np.stack([ev[n] for n in names], axis=1)


# -- shapes, placements, materials against the catalogue -----------------------------------
def test_cr51_card_gives_the_lxe_cylinder_and_the_source_1m_below(tmp_path):
    g = read_gdml(write(CR51, tmp_path))
    det, src = toml("detectors", "lxe_cr51"), toml("sources", "cr51")
    assert set(g["placements"]) == {"fiducial_Xe", "source_Cr51"}
    kind, d = g["solids"][g["volumes"]["fiducial_Xe"][1]]
    assert kind == "tube" and d["rmin"] == 0
    assert d["rmax"] == pytest.approx(det["fiducial"]["radius_mm"])
    assert d["z"] == pytest.approx(det["fiducial"]["height_mm"])  # GDML z: the full length
    np.testing.assert_allclose(g["placements"]["fiducial_Xe"][0], det["fiducial"]["center_mm"])
    kind, d = g["solids"][g["volumes"]["source_Cr51"][1]]
    assert (kind, d["rmax"], d["z"]) == ("tube", src["shape"]["radius_mm"],
                                         src["shape"]["height_mm"])
    np.testing.assert_allclose(g["placements"]["source_Cr51"][0], src["shape"]["center_mm"])
    # the world box holds both (world frame = placement frame)
    _, w = g["solids"][g["volumes"][g["world"]][1]]
    assert w["z"] / 2 > abs(src["shape"]["center_mm"][2]) + src["shape"]["height_mm"] / 2

    mat = g["materials"][g["volumes"]["fiducial_Xe"][0]]
    assert mat["density"] == pytest.approx(det["material"]["density_g_cm3"])
    assert mat["fractions"] == {"Xe_natural": pytest.approx(1.0)}
    xe = g["elements"]["Xe_natural"]
    assert sum(xe.values()) == pytest.approx(1.0, abs=1e-9)
    assert {g["isotopes"][i][0] for i in xe} == {54}
    # IUPAC isotopic composition of xenon (CIAAW): 132Xe 26.9086 %, 129Xe 26.4006 %,
    # 136Xe 8.8573 %; AME2020 atomic mass of 132Xe: 131.9041550856 u
    assert xe["Xe132"] == pytest.approx(0.269086, rel=2e-3)
    assert xe["Xe129"] == pytest.approx(0.264006, rel=2e-3)
    assert xe["Xe136"] == pytest.approx(0.088573, rel=2e-3)
    assert g["isotopes"]["Xe132"][1:] == (132, pytest.approx(131.9041550856, abs=1e-6))


def test_cawo4_element_mass_fractions_and_box(tmp_path):
    g = read_gdml(write(NUCLEUS, tmp_path))
    det = toml("detectors", "nucleus_cawo4")
    assert set(g["placements"]) == {"fiducial_CaWO4"}  # a far (reactor) source: no volume
    kind, d = g["solids"][g["volumes"]["fiducial_CaWO4"][1]]
    assert kind == "box"
    assert [d[a] for a in "xyz"] == [det["fiducial"][f"l{a}_mm"] for a in "xyz"]
    mat = g["materials"][g["volumes"]["fiducial_CaWO4"][0]]
    assert mat["density"] == pytest.approx(det["material"]["density_g_cm3"])
    # IUPAC standard atomic weights (abridged): Ca 40.078, W 183.84, O 15.999
    weights = {"Ca": 40.078, "W": 183.84, "O": 4 * 15.999}
    total = sum(weights.values())
    fractions = {re.sub("_natural$", "", k): v for k, v in mat["fractions"].items()}
    assert fractions == {el: pytest.approx(w / total, rel=2e-4) for el, w in weights.items()}
    # calcium: 40Ca 96.941 % by number (CIAAW)
    assert g["elements"]["Ca_natural"]["Ca40"] == pytest.approx(0.96941, rel=1e-3)


def test_site_rock_is_a_slab_of_standard_rock_up_to_the_surface(tmp_path):
    g = read_gdml(write(ROCK, tmp_path))
    depth_mm = toml("sites", "lngs")["depth_m"] * 1000.0
    fid = toml("detectors", "xenon100")["fiducial"]
    assert set(g["placements"]) == {"fiducial_Xe", "rock_lngs"}
    kind, d = g["solids"][g["volumes"]["rock_lngs"][1]]
    pos, _ = g["placements"]["rock_lngs"]
    assert kind == "box"
    assert pos[2] + d["z"] / 2 == pytest.approx(depth_mm)      # top face: the surface
    assert pos[2] - d["z"] / 2 > fid["height_mm"] / 2           # above the detector
    assert d["x"] >= 2 * depth_mm and d["y"] >= 2 * depth_mm
    rock = g["materials"][g["volumes"]["rock_lngs"][0]]
    # PDG standard rock: Z = 11, A = 22 g/mol, 2.65 g/cm^3, I = 136.4 eV; one element of that
    # A (Geant4 11 would give a material defined by Z and A alone sodium's A = 22.99)
    (element, fraction), = rock["fractions"].items()
    assert fraction == 1.0 and g["elements"][element] == {"Z": 11.0, "A": 22.0}
    assert (rock["density"], rock["MEE_eV"]) == (2.65, 136.4)
    text = (tmp_path / "setup.gdml").read_text()
    assert "rock of site lngs" in text and "1400 m" in text


def test_sampled_vertices_lie_in_the_gdml_fiducial_volume(tmp_path):
    g = read_gdml(write(CR51, tmp_path))
    card = load_card(CR51)
    ev = Generator(card.source, card.detector, card.interactions, seed=5,
                   geometry=card.geometry).sample(2000)
    vtx, src = xyz(ev, POSITION_BRANCHES[0]), xyz(ev, POSITION_BRANCHES[1])
    assert inside(g, "fiducial_Xe", vtx).all()
    assert inside(g, "source_Cr51", src).all()
    assert not inside(g, "fiducial_Xe", src).any()
    # they fill it: some vertices lie near the curved surface and near the end caps
    pos, _ = g["placements"]["fiducial_Xe"]
    r = np.hypot(vtx[:, 0] - pos[0], vtx[:, 1] - pos[1])
    assert r.max() > 0.97 * 690 and np.abs(vtx[:, 2] - pos[2]).max() > 0.97 * 690


# -- the frame -----------------------------------------------------------------------------
def test_a_frame_moves_events_and_gdml_by_one_rigid_transform(tmp_path):
    events = {}
    for key, card_path in (("plain", NUCLEUS), ("framed", framed_card(NUCLEUS, tmp_path))):
        card = load_card(card_path)
        gen = Generator(card.source, card.detector, card.interactions, seed=2,
                        geometry=card.geometry)
        events[key] = next(gen.iter_chunks(2000, 2000, final_state=True))
    a, b = events["plain"], events["framed"]
    R, origin = R_frame(), np.array(FRAME["origin_mm"])
    assert "decay_x_mm" in a and np.any(a["decay_inside"])  # N decays: decay points exist
    for names in POSITION_BRANCHES:
        np.testing.assert_allclose(xyz(b, names), xyz(a, names) @ R.T + origin, atol=1e-9)
    for names in VECTOR_BRANCHES:
        np.testing.assert_allclose(xyz(b, names), xyz(a, names) @ R.T, atol=1e-12)
    fa, fb = (np.stack([np.asarray(ak.flatten(e["fs"][f])) for f in
                        ("px_MeV", "py_MeV", "pz_MeV")], 1) for e in (a, b))
    np.testing.assert_allclose(fb, fa @ R.T, atol=1e-12)
    for name in ("E_in_MeV", "T_recoil_keV", "weight", "baseline_mm", "decay_inside",
                 "decay_dt_ns", "cos_zenith"):
        np.testing.assert_array_equal(a[name], b[name])

    # the GDML of the framed card: the box is placed at origin + R centre, turned by R, and
    # holds the framed vertices; mcgen's decay_inside agrees with the GDML box
    g = read_gdml(write(framed_card(NUCLEUS, tmp_path), tmp_path))
    pos, R_gdml = g["placements"]["fiducial_CaWO4"]
    np.testing.assert_allclose(pos, origin, atol=1e-6)
    np.testing.assert_allclose(R_gdml, R, atol=1e-9)
    assert inside(g, "fiducial_CaWO4", xyz(b, POSITION_BRANCHES[0])).all()
    in_box = inside(g, "fiducial_CaWO4", xyz(b, POSITION_BRANCHES[3]), tol=-1e-6)
    near = np.abs(inside(g, "fiducial_CaWO4", xyz(b, POSITION_BRANCHES[3]), tol=1e-6)
                  != in_box)
    np.testing.assert_array_equal(in_box[~near], b["decay_inside"][~near])


def test_a_frame_moves_the_near_source_placement(tmp_path):
    plain = read_gdml(write(CR51, tmp_path, "plain.gdml"))
    framed = read_gdml(write(framed_card(CR51, tmp_path), tmp_path, "framed.gdml"))
    R, origin = R_frame(), np.array(FRAME["origin_mm"])
    for vol in ("fiducial_Xe", "source_Cr51"):
        np.testing.assert_allclose(framed["placements"][vol][0],
                                   origin + R @ plain["placements"][vol][0], atol=1e-6)
        np.testing.assert_allclose(framed["placements"][vol][1], R, atol=1e-9)
    # the world still holds the moved source (its centre, 1.69 m from the origin, plus 0.1 m)
    _, w = framed["solids"][framed["volumes"][framed["world"]][1]]
    assert np.all(np.abs(framed["placements"]["source_Cr51"][0]) + 100 < w["x"] / 2)


def test_gimbal_lock_rotation_is_written_exactly(tmp_path):
    frame = {"origin_mm": [0.0, 0.0, 0.0], "rotation_deg": [20.0, 90.0, 35.0]}
    g = read_gdml(write(framed_card(NUCLEUS, tmp_path, frame), tmp_path))
    np.testing.assert_allclose(g["placements"]["fiducial_CaWO4"][1], R_frame(frame), atol=1e-9)


def test_frame_covers_every_position_and_vector_branch():
    names = [c.name for c in COLUMNS]
    listed = {n for group in POSITION_BRANCHES + VECTOR_BRANCHES for n in group}
    triples = {n for n in names if re.search(r"(_[xyz]_mm$|^p[xyz]_|^dir_.*_[xyz]$)", n)}
    assert triples == listed
    # expected, written out: vertex, emission, reconstructed vertex, decay; direction, momenta
    assert len(POSITION_BRANCHES) == 4 and len(VECTOR_BRANCHES) == 4


@pytest.mark.parametrize("frame, message", [
    ({"origin_mm": [1.0, 2.0]}, "detector.frame.origin_mm = [1.0, 2.0]: must be"),
    ({"rotation_deg": [0.0, math.nan, 0.0]}, "detector.frame.rotation_deg = [0.0, nan"),
    ({"rotation_deg": [0, "90", 0]}, "frame.rotation_deg = [0, '90', 0]: must be [about_x"),
    ({"origin": [0, 0, 0]}, "detector.frame: unknown field(s) ['origin']"),
    ("up", "detector.frame = 'up': must be a table"),
])
def test_bad_frames_are_one_line_errors(frame, message):
    with pytest.raises(ConfigError) as err:
        make_detector({"name": "xenon100", "frame": frame})
    assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("output, message", [
    ("setup.root", "must end in .gdml"),
    ("missing_dir/setup.gdml", "does not exist"),
])
def test_bad_output_is_a_one_line_error_and_writes_nothing(tmp_path, capsys, output, message):
    assert main(["geometry", str(CR51), "-o", str(tmp_path / output)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_replaced_whole_and_no_temporary_is_left(tmp_path):
    out = tmp_path / "setup.gdml"
    out.write_text("old")
    write(CR51, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["setup.gdml"]
    assert ET.parse(out).getroot().tag == "gdml"


# -- the same file through pyg4ometry (Geant4's conventions in Python), when installed ------
def test_pyg4ometry_reads_the_framed_geometry_without_overlaps(tmp_path):
    pyg4 = pytest.importorskip("pyg4ometry")
    from pyg4ometry.transformation import tbxyz2matrix

    for card, fid, other in ((framed_card(CR51, tmp_path), "fiducial_Xe", "source_Cr51"),
                             (ROCK, "fiducial_Xe", "rock_lngs")):
        reg = pyg4.gdml.Reader(str(write(card, tmp_path, f"{card.stem}.gdml"))).getRegistry()
        world = reg.getWorldVolume()
        pvs = {pv.logicalVolume.name: pv for pv in world.daughterVolumes}
        assert set(pvs) == {fid, other}
        overlaps = [0]
        world.checkOverlaps(recursive=True, coplanar=True, printOut=False,
                            nOverlapsDetected=overlaps)
        assert overlaps == [0]  # neither between the volumes nor out of the world
        mat = pvs[fid].logicalVolume.material
        assert mat.density == pytest.approx(2.862)
        assert [(e.name, float(f.eval())) for e, f, _ in mat.components] == [("Xe_natural", 1)]
    # the framed source: placed and turned as scipy says (pyg4ometry's viewers turn a
    # daughter by inv(tbxyz2matrix(rotation)), as Geant4 does)
    reg = pyg4.gdml.Reader(str(tmp_path / "framed_cr51_lxe.gdml")).getRegistry()
    pv = {p.logicalVolume.name: p for p in reg.getWorldVolume().daughterVolumes}["source_Cr51"]
    R = np.linalg.inv(tbxyz2matrix(pv.rotation.eval()))  # eval(): radians
    np.testing.assert_allclose(R, R_frame(), atol=1e-9)
    np.testing.assert_allclose(pv.position.eval(), np.array(FRAME["origin_mm"])
                               + R_frame() @ np.array([0.0, 0.0, -1690.0]), atol=1e-6)
    tube = pv.logicalVolume.solid
    assert (tube.type, tube.pRMax.eval(), tube.pDz.eval()) == ("Tubs", 70.0, 140.0)


def test_geant4_reads_the_gdml_and_locates_the_vertices(tmp_path, monkeypatch):
    # Geant4 itself (geant4_pybind wheel): G4GDMLParser and G4Navigator. Reading geometry needs
    # no physics data sets; a set GEANT4_DATA_DIR keeps the module from asking to download them
    if "GEANT4_DATA_DIR" not in os.environ:
        monkeypatch.setenv("GEANT4_DATA_DIR", str(tmp_path / "no-data-sets"))
    g4 = pytest.importorskip("geant4_pybind")
    card_path = framed_card(NUCLEUS, tmp_path)
    parser = g4.G4GDMLParser()
    parser.Read(str(write(card_path, tmp_path)), False)
    world = parser.GetWorldVolume()
    daughters = [world.GetLogicalVolume().GetDaughter(i)
                 for i in range(world.GetLogicalVolume().GetNoDaughters())]
    assert [d.GetName() for d in daughters] == ["fiducial_CaWO4_pv"]
    assert not daughters[0].CheckOverlaps(1000, 0.0, False)
    material = daughters[0].GetLogicalVolume().GetMaterial()
    assert material.GetDensity() / (g4.g / g4.cm3) == pytest.approx(6.06)
    card = load_card(card_path)
    ev = Generator(card.source, card.detector, card.interactions, seed=2,
                   geometry=card.geometry).sample(500)
    nav = g4.G4Navigator()
    nav.SetWorldVolume(world)
    found = {nav.LocateGlobalPointAndSetup(g4.G4ThreeVector(*map(float, p)) * g4.mm).GetName()
             for p in xyz(ev, POSITION_BRANCHES[0])}
    assert found == {"fiducial_CaWO4_pv"}
    decay = xyz(ev, POSITION_BRANCHES[3])
    where = np.array([nav.LocateGlobalPointAndSetup(g4.G4ThreeVector(*map(float, p)) * g4.mm)
                      .GetName() == "fiducial_CaWO4_pv" for p in decay])
    np.testing.assert_array_equal(where, ev["decay_inside"])  # mcgen's own flag agrees
