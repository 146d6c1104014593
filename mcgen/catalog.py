"""Run cards and the catalogue of named detectors and sources (geometry/*.toml).

A run card is a TOML file with tables [run], [source], [detector] and one or more
[[interaction]]. [source] and [detector] either name a catalogue entry (``name = "xenon100"``)
and override some of its fields, or give every field. Unknown names and fields raise
ConfigError listing what is allowed.
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

from . import io  # noqa: F401  (registers the output writers)
from .constants import eV
from .detectors import Detector, Material
from .detectors.response import RESPONSES
from .errors import ConfigError
from .geometry import SHAPES, Direction, Geometry, Shape, Site
from .interactions import PROCESSES
from .output import WRITERS
from .physics.energy_loss import STANDARD_ROCK
from .physics.spectra import Spectrum
from .resources import catalogue_dirs
from .sources import SOURCE_KINDS, Oscillation
from .validation import whole_number

SHAPE_FIELDS = {"point": [], "box": ["lx_mm", "ly_mm", "lz_mm"],
                "cylinder": ["radius_mm", "height_mm"], "sphere": ["radius_mm"]}
RUN_FIELDS = {"events": 100_000, "seed": 0, "output": "mcgen_events.root",
              "chunk_events": 1 << 16, "compression": "lz4", "threads": 2,
              "final_state": False}
DESCRIPTIVE = {"name", "description", "reference"}


def geometry_dirs() -> list[Path]:
    """Where catalogue files are looked for: $MCGEN_GEOMETRY (os.pathsep-separated), then the
    catalogue packaged with mcgen (mcgen.resources)."""
    return catalogue_dirs()


def _entries(kind: str) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in reversed(geometry_dirs()):  # earlier directories win
        for p in sorted((d / kind).glob("*.toml")):
            found[p.stem] = p
    return found


def names() -> dict[str, list[str]]:
    """Known detectors, sites and sources (catalogue entries), and the registries: source
    kinds, spectrum shapes, processes, detector response models, output formats."""
    return {"detectors": sorted(_entries("detectors")),
            "sites": sorted(_entries("sites")),
            "sources": sorted(_entries("sources")),
            "source kinds": SOURCE_KINDS.names(),
            "spectrum shapes": sorted(s.name.lower() for s in Spectrum),
            "processes": PROCESSES.names(),
            "response models": RESPONSES.names(),
            "output formats": WRITERS.names()}


def read_toml(path: str | os.PathLike) -> dict:
    """A TOML file as a dict; ConfigError (one line) for a missing, unreadable or malformed
    file."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"file {str(path)!r}: not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"file {str(path)!r}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"file {str(path)!r}: cannot be read ({exc.strerror})") from None


def _lookup(kind: str, name: str) -> dict:
    entries = _entries(kind)
    if not isinstance(name, str) or name not in entries:
        raise ConfigError(f"{kind[:-1]}.name = {name!r}: unknown; allowed are {sorted(entries)}")
    return read_toml(entries[name])


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _check_keys(where: str, spec: dict, allowed) -> None:
    unknown = sorted(set(spec) - set(allowed))
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {unknown}; allowed are {sorted(allowed)}")


def _kwargs(where: str, cls, spec: dict) -> dict:
    params = inspect.signature(cls.__init__).parameters
    allowed = [p for p in params if p != "self"]
    _check_keys(where, spec, allowed)
    required = [p for p, v in params.items() if p != "self" and v.default is inspect._empty
                and v.kind is not inspect.Parameter.VAR_KEYWORD]
    missing = [p for p in required if p not in spec]
    if missing:
        raise ConfigError(f"{where}: missing field(s) {missing}")
    return spec


# -- sources ------------------------------------------------------------------------------
def make_source(spec: dict, base_dir: str | os.PathLike | None = None):
    """A Source from a [source] table (``name`` of a catalogue entry and/or ``kind``).

    Sub-tables: ``[source.shape]`` (a near source's volume: ``shape = "point" | "cylinder" |
    "box" | "sphere"``, dimensions and ``center_mm`` as for a detector's fiducial volume) and
    ``[source.oscillation]`` (``sin2_2theta``, ``dm2_eV2``). Over a catalogue entry, a
    [source.shape] table overrides single fields (e.g. only ``center_mm``), or replaces the
    whole shape when it names another ``shape``. A relative ``path`` (tabulated
    source) is taken relative to base_dir (the run card's directory) when given."""
    spec = dict(spec)
    if "name" in spec:
        base = _lookup("sources", spec.pop("name"))
        over = spec.get("shape")
        if (isinstance(over, dict) and isinstance(base.get("shape"), dict)
                and over.get("shape", base["shape"].get("shape")) != base["shape"].get("shape")):
            base = {k: v for k, v in base.items() if k != "shape"}  # another kind of shape
        spec = _merge(base, spec)
    spec = {k: v for k, v in spec.items() if k not in DESCRIPTIVE}
    kind = spec.pop("kind", None)
    if kind not in SOURCE_KINDS:
        raise ConfigError(f"source.kind = {kind!r}: allowed are {SOURCE_KINDS.names()} "
                          f"(or source.name, one of {sorted(_entries('sources'))})")
    cls = SOURCE_KINDS[kind]
    _kwargs(f"source ({kind})", cls, spec)  # unknown or missing fields first
    if "direction" in spec:
        spec["direction"] = make_direction(spec["direction"])
    if "shape" in spec:
        if not isinstance(spec["shape"], dict):
            raise ConfigError(f"source.shape = {spec['shape']!r}: must be a table [source.shape]"
                              " with shape = \"point\" | \"cylinder\" | \"box\" | \"sphere\"")
        spec["shape"] = make_shape("source.shape", spec["shape"])
    if "oscillation" in spec:
        spec["oscillation"] = make_oscillation(spec["oscillation"])
    if kind == "tabulated" and base_dir is not None and isinstance(spec.get("path"), str):
        path = Path(spec["path"])
        spec["path"] = str(path if path.is_absolute() else Path(base_dir) / path)
    return cls(**spec)


def make_oscillation(value) -> Oscillation:
    """Oscillation from a [source.oscillation] table (sin2_2theta, dm2_eV2)."""
    if not isinstance(value, dict):
        raise ConfigError(f"source.oscillation = {value!r}: must be a table with sin2_2theta "
                          "and dm2_eV2")
    _check_keys("source.oscillation", value, ["sin2_2theta", "dm2_eV2"])
    missing = [k for k in ("sin2_2theta", "dm2_eV2") if k not in value]
    if missing:
        raise ConfigError(f"source.oscillation: missing field(s) {missing}")
    for k, v in value.items():
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            raise ConfigError(f"source.oscillation.{k} = {v!r}: must be a number")
    return Oscillation(float(value["sin2_2theta"]), float(value["dm2_eV2"]))


def make_direction(value) -> Direction:
    if value == "isotropic":
        return Direction.isotropic()
    if isinstance(value, list):
        return Direction.fixed(value)
    if isinstance(value, dict) and set(value) == {"cos_zenith", "weights"}:
        return Direction.zenith_table(value["cos_zenith"], value["weights"])
    raise ConfigError(f"source.direction = {value!r}: allowed are \"isotropic\", [x, y, z] or "
                      "{cos_zenith = [...], weights = [...]}")


# -- detectors ----------------------------------------------------------------------------
def make_shape(where: str, spec: dict) -> Shape:
    spec = dict(spec)
    shape = spec.pop("shape", None)
    if shape not in SHAPES:
        raise ConfigError(f"{where}.shape = {shape!r}: allowed are {sorted(SHAPES)}")
    _check_keys(f"{where} ({shape})", spec, SHAPE_FIELDS[shape] + ["center_mm"])
    missing = [k for k in SHAPE_FIELDS[shape] if k not in spec]
    if missing:
        raise ConfigError(f"{where} ({shape}): missing field(s) {missing}")
    center = spec.pop("center_mm", [0.0, 0.0, 0.0])
    if not (isinstance(center, list) and len(center) == 3):
        raise ConfigError(f"{where}.center_mm = {center!r}: must be [x, y, z] in mm")
    dims = {k.removesuffix("_mm"): v for k, v in spec.items()}
    for k, v in dims.items():
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            raise ConfigError(f"{where}.{k}_mm = {v!r}: must be a number (mm)")
    return SHAPES[shape](**dims, center=tuple(float(c) for c in center))


def make_detector(spec: dict) -> Detector:
    """A Detector from a [detector] table (``name`` of a catalogue entry plus overrides)."""
    spec = dict(spec)
    name = spec.get("name", "custom")
    if isinstance(spec.get("name"), str) and spec["name"] in _entries("detectors"):
        base = _lookup("detectors", spec["name"])
        # a threshold given in the other unit replaces the catalogue's threshold and window
        for mine, theirs in (("threshold_keVee", ("threshold_keV", "window_keV")),
                             ("threshold_keV", ("threshold_keVee", "window_keVee"))):
            if mine in spec:
                base = {k: v for k, v in base.items() if k not in theirs}
        spec = _merge(base, spec)
    elif "material" not in spec:
        _lookup("detectors", name)  # raises: unknown name
    allowed = {"threshold_keV", "window_keV", "threshold_keVee", "window_keVee", "quenching",
               "lindhard_k", "exposure_kg_day", "mass_kg", "live_days",
               "elements", "vertex_resolution_mm", "material", "fiducial"} | DESCRIPTIVE
    _check_keys(f"detector {name}", spec, allowed)
    for key in ("material", "fiducial"):
        if key not in spec:
            raise ConfigError(f"detector {name}: missing field {key!r}")
    mat = spec["material"]
    _check_keys(f"detector {name}.material", mat, ["formula", "density_g_cm3"])
    if "formula" not in mat:
        raise ConfigError(f"detector {name}.material: missing field 'formula'")
    material = Material(mat["formula"], mat.get("density_g_cm3"))
    fiducial = make_shape(f"detector {name}.fiducial", spec["fiducial"])
    kw = {k: spec[k] for k in ("threshold_keV", "window_keV", "threshold_keVee", "window_keVee",
                               "quenching", "lindhard_k", "exposure_kg_day", "mass_kg",
                               "live_days", "elements", "vertex_resolution_mm") if k in spec}
    return Detector(name, material, fiducial, reference=spec.get("reference", ""), **kw)


# -- interactions -------------------------------------------------------------------------
def make_interaction(spec: dict):
    spec = dict(spec)
    cls = PROCESSES[spec.pop("process", None)]  # an unknown name raises, listing the known
    proc = cls.name
    return cls(**_kwargs(f"interaction ({proc})", cls, spec))


# -- run cards ----------------------------------------------------------------------------
@dataclass
class RunCard:
    """A parsed run card: objects to build a Generator, and the run settings."""

    source: object
    detector: Detector
    interactions: list
    site: Site | None = None
    run: dict = field(default_factory=dict)
    text: str = ""
    path: str = ""

    @property
    def geometry(self) -> Geometry:
        """Where the source sits relative to the detector (its [source] placement keys:
        ``shape``, ``direction``, ``distance_m``) and the [site]."""
        return Geometry.of_source(self.source, self.site)


def load_card(path: str | os.PathLike, overrides: dict | None = None) -> RunCard:
    """Read and validate a TOML run card; `overrides` replace fields of [run]."""
    data = read_toml(path)
    _check_keys(f"run card {str(path)!r}", data,
                ["run", "source", "detector", "interaction", "site"])
    for key in ("source", "detector", "interaction"):
        if key not in data:
            raise ConfigError(f"run card {str(path)!r}: missing table [{key}]")
    for key in ("run", "source", "detector", "site"):
        if key in data and not isinstance(data[key], dict):
            raise ConfigError(f"run card {str(path)!r}: {key} = {data[key]!r}: must be a table "
                              f"[{key}]")
    run = dict(RUN_FIELDS)
    _check_keys("run", data.get("run", {}), RUN_FIELDS)
    run.update(data.get("run", {}))
    run.update({k: v for k, v in (overrides or {}).items() if v is not None})
    check_run(run)
    interactions = data["interaction"]
    if isinstance(interactions, dict):
        interactions = [interactions]
    if not (isinstance(interactions, list) and interactions
            and all(isinstance(i, dict) for i in interactions)):
        raise ConfigError(f"run card {str(path)!r}: interaction = {interactions!r}: must be one "
                          "or more tables [[interaction]]")
    return RunCard(
        source=make_source(data["source"], base_dir=Path(path).resolve().parent),
        detector=make_detector(data["detector"]),
        interactions=[make_interaction(s) for s in interactions],
        site=make_site(data["site"]) if "site" in data else None,
        run=run, text=Path(path).read_text(), path=str(path),
    )


def check_run(run: dict) -> None:
    """ConfigError unless the [run] settings have the right types and ranges (before any
    work is done)."""
    whole_number("run.events", run["events"], 0)
    whole_number("run.seed", run["seed"], 0, what="an integer")
    whole_number("run.chunk_events", run["chunk_events"], 1)
    if run["threads"] not in (1, 2) or isinstance(run["threads"], bool):
        raise ConfigError(f"run.threads = {run['threads']!r}: allowed are 1 and 2")
    if not isinstance(run["output"], str) or not run["output"]:
        raise ConfigError(f"run.output = {run['output']!r}: must be a file name")
    if not isinstance(run["compression"], str):
        raise ConfigError(f"run.compression = {run['compression']!r}: must be a name")
    if not isinstance(run["final_state"], bool):
        raise ConfigError(f"run.final_state = {run['final_state']!r}: must be true or false")


def make_site(spec: dict) -> Site:
    """A Site from a [site] table (``name`` of a catalogue entry and/or ``depth_m`` or
    ``depth_mwe``)."""
    spec = dict(spec)
    if isinstance(spec.get("name"), str) and spec["name"] in _entries("sites"):
        spec = _merge(_lookup("sites", spec["name"]), spec)
    elif not {"depth_m", "depth_mwe", "slant_table"} & set(spec):
        _lookup("sites", spec.get("name", "?"))  # raises: unknown name
    name = spec.get("name", "site")
    _check_keys(f"site {name}", spec, {"depth_m", "depth_mwe", "slant_table", "rock"}
                | DESCRIPTIVE)
    rock = list(STANDARD_ROCK)
    if "rock" in spec:
        fields = ["Z_over_A", "I_eV", "density_g_cm3", "a", "k", "x0", "x1", "Cbar", "delta0"]
        _check_keys(f"site {name}.rock", spec["rock"], fields)
        for k, v in spec["rock"].items():
            rock[fields.index(k)] = v * eV if k == "I_eV" else v
    table = spec.get("slant_table")
    if table is not None:
        if not (isinstance(table, dict) and set(table) == {"cos_zenith", "depth_mwe"}):
            raise ConfigError(f"site {name}.slant_table = {table!r}: must be a table with "
                              "cos_zenith = [...] and depth_mwe = [...]")
        table = (table["cos_zenith"], table["depth_mwe"])
    return Site(name, depth_m=spec.get("depth_m"), depth_mwe=spec.get("depth_mwe"),
                slant_table=table, rock=tuple(rock))
