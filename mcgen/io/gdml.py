"""GDML (the geometry format Geant4's G4GDMLParser and ROOT's TGeoManager::Import read) of a
run's geometry, in the frame and units of its events.

What is written: a world box (vacuum); the detector's fiducial volume with its material (every
naturally occurring isotope with mcgen's abundances, the elements by mass fraction, the
density); a near source's volume; with a site, the vertical rock overburden as a slab of the
site's rock. Lengths in mm (``lunit="mm"``), angles in degrees, densities in g/cm^3. Every
volume is placed by the detector's frame (mcgen.geometry.frame): in the experiment's own
coordinates when the card gives ``[detector] frame``, else in mcgen's detector frame (z up,
origin at the fiducial volume's centre unless ``center_mm`` moves it).

Placements follow Geant4's GDML reader (G4GDMLReadStructure::PhysvolRead): a physvol's
``<rotation x y z>`` builds M = Rz(z) Ry(y) Rx(x), and the daughter is turned actively by M^-1;
so a volume turned by R gets the angles of M = R^T.

Written with xml.etree (no dependency); the file appears under its name only when complete.
"""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from .._version import __version__
from ..constants import AMU, M_ELECTRON, eV, m
from ..errors import ConfigError
from ..geometry import Box, Cylinder, Frame, Shape, Sphere, min_distance_bound
from ..output import check_output_path
from ..physics.energy_loss import ROCK_I, ROCK_RHO, ROCK_Z_OVER_A

#: Free space between the highest placed volume and the rock slab's bottom face (a hall).
HALL_MARGIN = 1.0 * m
#: Free space between the placed volumes and the faces of the world box.
WORLD_MARGIN = 1.0 * m
#: Vacuum of the world and of volumes whose material mcgen does not know (Geant4's
#: G4_Galactic: hydrogen at 1e-25 g/cm^3).
VACUUM = ("vacuum", 1, 1.00794, 1e-25)
#: PDG standard rock is a fictitious element Z = 11, A = 22 (Z/A = 0.5); a site's rock keeps
#: Z = 11 and takes A = 11 / (Z/A).
ROCK_Z = 11


def _num(x: float) -> str:
    """A number as GDML text (12 significant digits; no negative zero)."""
    return f"{float(x) + 0.0:.12g}"


def _xml_name(text: str) -> str:
    """A name usable as a GDML (XML ID) name: letters, digits and underscores, not starting
    with a digit."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return name if name[:1].isalpha() else f"v_{name}"


def _comment(parent: ET.Element, text: str) -> None:
    parent.append(ET.Comment(f" {text.replace('--', '- -')} "))


def gdml_angles_deg(R: np.ndarray) -> tuple[float, float, float]:
    """GDML rotation angles (x, y, z) [deg] of a volume turned actively by R (module
    docstring): Rz(z) Ry(y) Rx(x) = R^T."""
    M = np.asarray(R, float).T
    sy = -float(np.clip(M[2, 0], -1.0, 1.0))
    if abs(sy) < 1.0 - 1e-12:
        x, z = math.atan2(M[2, 1], M[2, 2]), math.atan2(M[1, 0], M[0, 0])
    else:  # y = +-90 deg: only x - z (or x + z) is defined; take z = 0
        x, z = math.atan2(-M[1, 2], M[1, 1]), 0.0
    return math.degrees(x), math.degrees(math.asin(sy)), math.degrees(z)


# -- materials ----------------------------------------------------------------------------
def _composition(material) -> dict[str, tuple[int, float, list[tuple[str, int, float, float]]]]:
    """Element symbol -> (Z, mass fraction, [(isotope, A, atomic mass [g/mol], abundance)]),
    from mcgen's targets (atomic mass = nuclear mass + Z electron masses)."""
    by_element: dict[str, list] = {}
    for t in material.nuclei:
        by_element.setdefault(t.name.rstrip("0123456789"), []).append(t)
    mass_per_kg = {el: sum(t.per_kg * (t.mass + t.Z * M_ELECTRON) for t in ts)
                   for el, ts in by_element.items()}
    total = sum(mass_per_kg.values())
    out = {}
    for el, ts in by_element.items():
        n_el = sum(t.per_kg for t in ts)
        isotopes = [(t.name, t.A, (t.mass + t.Z * M_ELECTRON) / AMU, t.per_kg / n_el) for t in ts]
        out[el] = (ts[0].Z, mass_per_kg[el] / total, isotopes)
    return out


class _Materials:
    """The <materials> section: isotopes and elements written once, then materials."""

    def __init__(self, root: ET.Element):
        self.el = ET.SubElement(root, "materials")
        self.names: set[str] = set()

    def simple(self, name: str, Z: int, A_g_mol: float, density_g_cm3: float,
               mee_eV: float | None = None, state: str | None = None) -> str:
        """A material of one (possibly fictitious) element Z of molar mass A. The element is
        written out with its A: a material given only Z and A takes Geant4's natural element
        of that Z instead (G4Material(name, z, a, density) in Geant4 11), so standard rock
        would get A = 22.99 (sodium) instead of 22."""
        element = f"{name}_element"
        node = ET.SubElement(self.el, "element", name=element, formula=f"Z{Z}", Z=_num(Z))
        ET.SubElement(node, "atom", unit="g/mole", value=_num(A_g_mol))
        mat = ET.SubElement(self.el, "material", name=name)
        if state:
            mat.set("state", state)
        if mee_eV is not None:
            ET.SubElement(mat, "MEE", unit="eV", value=_num(mee_eV))
        ET.SubElement(mat, "D", unit="g/cm3", value=_num(density_g_cm3))
        ET.SubElement(mat, "fraction", ref=element, n="1")
        return name

    def compound(self, name: str, material) -> str:
        """mcgen's Material: its isotopes, elements (natural abundances) and mass fractions."""
        fractions = []
        for symbol, (Z, fraction, isotopes) in _composition(material).items():
            element = f"{symbol}_natural"
            if element not in self.names:
                for iso, A, a_g_mol, _ in isotopes:
                    if iso not in self.names:
                        node = ET.SubElement(self.el, "isotope", name=iso, Z=str(Z), N=str(A))
                        ET.SubElement(node, "atom", unit="g/mole", value=_num(a_g_mol))
                        self.names.add(iso)
                node = ET.SubElement(self.el, "element", name=element, formula=symbol)
                for iso, _, _, abundance in isotopes:
                    ET.SubElement(node, "fraction", ref=iso, n=_num(abundance))
                self.names.add(element)
            fractions.append((element, fraction))
        mat = ET.SubElement(self.el, "material", name=name, formula=material.formula)
        ET.SubElement(mat, "D", unit="g/cm3", value=_num(material.density_g_cm3))
        for element, fraction in fractions:
            ET.SubElement(mat, "fraction", ref=element, n=_num(fraction))
        return name


# -- solids and volumes -------------------------------------------------------------------
def _solid(solids: ET.Element, name: str, shape: Shape) -> None:
    """A box, tube or sphere [mm] (GDML box and tube lengths are full lengths)."""
    if isinstance(shape, Box):
        ET.SubElement(solids, "box", name=name, x=_num(shape.lx), y=_num(shape.ly),
                      z=_num(shape.lz), lunit="mm")
    elif isinstance(shape, Cylinder):
        ET.SubElement(solids, "tube", name=name, rmin="0", rmax=_num(shape.radius),
                      z=_num(shape.height), startphi="0", deltaphi="360", aunit="deg",
                      lunit="mm")
    elif isinstance(shape, Sphere):
        ET.SubElement(solids, "sphere", name=name, rmin="0", rmax=_num(shape.radius),
                      startphi="0", deltaphi="360", starttheta="0", deltatheta="180",
                      aunit="deg", lunit="mm")
    else:
        raise ConfigError(f"GDML: volume {name}: a {type(shape).__name__} has no volume; "
                          "allowed are box, cylinder and sphere")


def _radius(shape: Shape) -> float:
    """Radius [mm] of a sphere about the shape's centre that contains it."""
    if isinstance(shape, Box):
        return 0.5 * math.sqrt(shape.lx**2 + shape.ly**2 + shape.lz**2)
    if isinstance(shape, Cylinder):
        return math.hypot(shape.radius, 0.5 * shape.height)
    return shape.radius if isinstance(shape, Sphere) else 0.0


def _top(shape: Shape) -> float:
    """Highest z [mm] of the shape (mcgen's frame, z up)."""
    half = {Box: lambda s: s.lz / 2, Cylinder: lambda s: s.height / 2,
            Sphere: lambda s: s.radius}.get(type(shape), lambda s: 0.0)
    return shape.center[2] + half(shape)


def _volumes(detector, geometry, source, mats: _Materials) -> list[tuple[str, Shape, str, str]]:
    """(volume name, shape in mcgen's frame, material name, comment) of everything placed."""
    fid, formula = detector.fiducial, detector.material.formula
    if detector.material.density_g_cm3 is None:
        raise ConfigError(f"detector {detector.name}: GDML needs the material density "
                          "(material.density_g_cm3)")
    if not _radius(fid) > 0:
        raise ConfigError(f"detector {detector.name}: fiducial volume {fid!r} is a point; GDML "
                          "needs a box, cylinder or sphere")
    fid_name = _xml_name(f"fiducial_{formula}")
    out = [(fid_name, fid, mats.compound(_xml_name(f"{detector.name}_{formula}"),
                                         detector.material),
            f"fiducial volume of detector {detector.name}: {fid!r}, {formula} at "
            f"{detector.material.density_g_cm3} g/cm3 (natural isotopes)")]
    vol = geometry.source_volume
    if vol is not None and _radius(vol) > 0:
        if not min_distance_bound(vol, fid) > 0:
            raise ConfigError(f"source volume {vol!r} touches or overlaps the fiducial volume "
                              f"of {detector.name}: GDML volumes must not overlap")
        label = getattr(source, "isotope", None) or getattr(source, "name", "near")
        label = re.sub(r"^(\d+)([A-Za-z]+)$", r"\2\1", label)  # 51Cr -> Cr51
        out.append((_xml_name(f"source_{label}"), vol, VACUUM[0],
                    f"near source {label}: {vol!r}; mcgen does not model the source's own "
                    "material (vacuum here: give it yours)"))
    if geometry.site is not None:
        out.append(_rock(geometry.site, max(_top(s) for _, s, _, _ in out), mats))
    return out


def _rock(site, z_top: float, mats: _Materials) -> tuple[str, Shape, str, str]:
    """The site's vertical overburden as a slab: from a hall ceiling HALL_MARGIN above the
    highest volume up to the surface, `site.depth` above the origin (where mcgen's site puts
    it), 2 x depth wide."""
    bottom, depth = z_top + HALL_MARGIN, site.depth
    if not depth > bottom:
        raise ConfigError(f"site {site.name}: depth {depth / m:g} m is not above the hall "
                          f"ceiling at {bottom / m:g} m: no rock slab fits")
    za, rho = site.rock[ROCK_Z_OVER_A], site.rock[ROCK_RHO]
    material = mats.simple(_xml_name(f"rock_{site.name}_material"), ROCK_Z, ROCK_Z / za, rho,
                           mee_eV=site.rock[ROCK_I] / eV, state="solid")
    slab = Box(2 * depth, 2 * depth, depth - bottom, center=(0.0, 0.0, 0.5 * (depth + bottom)))
    text = (f"rock of site {site.name}: its vertical overburden as a flat slab of its rock "
            f"(rho {rho} g/cm3, Z/A {za}, I {site.rock[ROCK_I] / eV:g} eV; PDG standard rock "
            f"is Z = 11, A = 22), from the hall ceiling {bottom / m:g} m above the origin (1 m "
            f"above the highest volume) up to the surface at {depth / m:g} m (the site's "
            f"depth), {2 * depth / m:g} m wide. mcgen already carried every particle through "
            "this rock (energy loss, decays): the events are those at the detector. For context "
            "(backgrounds, displays); the primaries need not cross it again")
    return _xml_name(f"rock_{site.name}"), slab, material, text


# -- the document -------------------------------------------------------------------------
def _header(root: ET.Element, frame: Frame, title: str) -> None:
    """The comment saying what the file is and in which frame."""
    where = ("mcgen's detector frame (z up, origin at the fiducial volume's centre unless "
             "center_mm moves it)" if frame.is_identity else
             f"the experiment's frame of [detector] frame: origin_mm = {list(frame.origin_mm)}, "
             f"rotation_deg = {list(frame.rotation_deg)} (about x, then y, then z; "
             "r_exp = origin + Rz Ry Rx r_mcgen)")
    _comment(root, f"mcgen {__version__}: geometry {title}. Coordinates: {where}; the events "
                   "of this card are written in the same frame. Units: mm, deg, g/cm3.")


def _source_note(root: ET.Element, geometry, source, frame: Frame) -> None:
    """A comment for a source without a volume (far, or a point)."""
    vol = geometry.source_volume
    if vol is None and source is not None:
        _comment(root, f"source {getattr(source, 'name', '')}: a far source (a flux, "
                       f"direction {geometry.direction.describe()}): no volume")
    elif vol is not None and not _radius(vol) > 0:
        _comment(root, f"near source: a point at {frame.point(vol.center).tolist()} mm: no volume")


def _structure(root: ET.Element, volumes, frame: Frame, world_material: str) -> None:
    """Solids, logical volumes and the world, each volume placed by the frame in a world box
    that holds them all with WORLD_MARGIN to spare."""
    solids = ET.SubElement(root, "solids")
    structure = ET.SubElement(root, "structure")
    half, placed = WORLD_MARGIN, []
    for name, shape, material, text in volumes:
        _solid(solids, f"{name}_solid", shape)
        lv = ET.SubElement(structure, "volume", name=name)
        ET.SubElement(lv, "materialref", ref=material)
        ET.SubElement(lv, "solidref", ref=f"{name}_solid")
        pos = frame.point(shape.center)
        half = max(half, float(np.max(np.abs(pos))) + _radius(shape) + WORLD_MARGIN)
        placed.append((name, pos, text))
    _solid(solids, "world_solid", Box(2 * half, 2 * half, 2 * half))
    world = ET.SubElement(structure, "volume", name="world")
    ET.SubElement(world, "materialref", ref=world_material)
    ET.SubElement(world, "solidref", ref="world_solid")
    angles = [_num(a) for a in gdml_angles_deg(frame.matrix)]
    for name, pos, text in placed:
        _comment(world, text)
        pv = ET.SubElement(world, "physvol", name=f"{name}_pv")
        ET.SubElement(pv, "volumeref", ref=name)
        ET.SubElement(pv, "position", name=f"{name}_pos", x=_num(pos[0]), y=_num(pos[1]),
                      z=_num(pos[2]), unit="mm")
        ET.SubElement(pv, "rotation", name=f"{name}_rot", x=angles[0], y=angles[1],
                      z=angles[2], unit="deg")


def build_gdml(detector, geometry, *, source=None, title: str = "") -> ET.ElementTree:
    """The GDML document of the detector and the geometry (a mcgen.geometry.Geometry: source
    volume, site), placed by the detector's frame (module docstring)."""
    frame = getattr(detector, "frame", None) or Frame()
    root = ET.Element("gdml", {
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:noNamespaceSchemaLocation":
            "http://service-spi.web.cern.ch/service-spi/app/releases/GDML/schema/gdml.xsd"})
    _header(root, frame, title)
    ET.SubElement(root, "define")
    mats = _Materials(root)
    vacuum = mats.simple(VACUUM[0], VACUUM[1], VACUUM[2], VACUUM[3], state="gas")
    volumes = _volumes(detector, geometry, source, mats)
    _source_note(root, geometry, source, frame)
    _structure(root, volumes, frame, vacuum)
    setup = ET.SubElement(root, "setup", name="Default", version="1.0")
    ET.SubElement(setup, "world", ref="world")
    ET.indent(root)
    return ET.ElementTree(root)


def check_output(path: str | os.PathLike) -> Path:
    """The output path, or a one-line ConfigError (not .gdml, a directory, no directory)."""
    return check_output_path(path, (".gdml",), field="output")


def write_gdml(path: str | os.PathLike, detector, geometry, *, source=None,
               title: str = "") -> Path:
    """Write build_gdml(...) to path: under a temporary name in the same directory, renamed
    when complete (an existing file is replaced only then)."""
    path = check_output(path)
    tree = build_gdml(detector, geometry, source=source, title=title)
    tmp = path.with_name(f".{path.name}.part{os.getpid()}")
    try:
        tree.write(tmp, encoding="UTF-8", xml_declaration=True)
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"output = {str(path)!r}: cannot be written ({exc.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return path
