"""Run cards and the catalogue of named detectors and sources (geometry/*.toml).

A run card is a TOML file with tables [run], [source], [detector] and one or more
[[interaction]]. [source] and [detector] either name a catalogue entry (``name = "xenon100"``)
and override some of its fields, or give every field. Unknown names and fields raise
ConfigError listing what is allowed.
"""

from __future__ import annotations

import inspect
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

from . import io  # noqa: F401  (registers the output writers)
from .constants import eV
from .detectors import Detector, Material
from .detectors.background import BACKGROUNDS, make_background
from .detectors.response import EFFICIENCIES, RESOLUTIONS, RESPONSES, ObservedResponse
from .errors import ConfigError, ConfigWarning
from .geometry import SHAPES, Direction, Frame, Geometry, Shape, Site
from .interactions import PROCESSES
from .output import WRITERS
from .physics.energy_loss import STANDARD_ROCK
from .physics.spectra import Spectrum
from .resources import catalogue_dirs
from .sources import SOURCE_KINDS, Oscillation
from .streams import CHUNK_EVENTS
from .validation import (
    DENSITY_G_CM3,
    LENGTH_MM,
    in_range,
    one_of,
    require,
    table,
    text,
    three_vector,
    whole_number,
)

SHAPE_FIELDS = {"point": [], "box": ["lx_mm", "ly_mm", "lz_mm"],
                "cylinder": ["radius_mm", "height_mm"], "sphere": ["radius_mm"]}
RUN_FIELDS = {"events": 100_000, "seed": 0, "output": "mcgen_events.root",
              "chunk_events": CHUNK_EVENTS, "compression": "lz4", "threads": 2,
              "final_state": False}
DESCRIPTIVE = {"name", "description", "reference"}
#: Largest run.events (event numbers are int64) and run.chunk_events (a chunk in flight is
#: ~170 bytes per event, so 1e7 events are ~2 GB; larger chunks gain no speed).
MAX_EVENTS = 2**63 - 1
MAX_CHUNK_EVENTS = 10_000_000
#: [site.rock] fields (the layout of mcgen.physics.energy_loss.STANDARD_ROCK) and their ranges:
#: Z/A of any material; mean excitation energy from hydrogen (19 eV) to uranium (890 eV) with
#: margin; density; Sternheimer density-effect parameters a, k, x0, x1, Cbar, delta0 (R. M.
#: Sternheimer, M. J. Berger, S. M. Seltzer, At. Data Nucl. Data Tables 30 (1984) 261: every
#: tabulated material lies well inside).
ROCK_RANGES = {"Z_over_A": (0.01, 1.0), "I_eV": (10.0, 1e4), "density_g_cm3": DENSITY_G_CM3,
               "a": (0.0, 1.0), "k": (0.1, 10.0), "x0": (-2.0, 10.0), "x1": (0.0, 10.0),
               "Cbar": (0.0, 30.0), "delta0": (0.0, 1.0)}


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
    kinds, spectrum shapes, processes, detector response (quenching), resolution and
    efficiency models, background kinds, output formats."""
    return {"detectors": sorted(_entries("detectors")),
            "sites": sorted(_entries("sites")),
            "sources": sorted(_entries("sources")),
            "source kinds": SOURCE_KINDS.names(),
            "spectrum shapes": sorted(s.name.lower() for s in Spectrum),
            "processes": PROCESSES.names(),
            "response models": RESPONSES.names(),
            "resolution models": RESOLUTIONS.names(),
            "efficiency models": EFFICIENCIES.names(),
            "background kinds": BACKGROUNDS.names(),
            "output formats": WRITERS.names()}


def read_toml(path: str | os.PathLike) -> dict:
    """A TOML file as a dict; ConfigError (one line) for a missing, unreadable or malformed
    file."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            text = f.read()
        # a byte-order mark (some Windows editors write one) is not TOML, but means no harm
        return tomllib.loads(text.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"file {str(path)!r}: not found") from None
    except IsADirectoryError:
        raise ConfigError(f"file {str(path)!r}: is a directory, not a TOML file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        reason = " ".join(str(exc).split())  # one line
        raise ConfigError(f"file {str(path)!r}: not valid TOML ({reason})") from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise ConfigError(f"file {str(path)!r}: not valid TOML (nested too deeply)") from None
    except OSError as exc:
        raise ConfigError(f"file {str(path)!r}: cannot be read ({exc.strerror or exc})") from None


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


@contextmanager
def _within(table_name: str):
    """Objects inside a card table name their fields relative to themselves
    ("material.density_g_cm3", "direction"): give their errors the card path
    ("detector.material.density_g_cm3")."""
    try:
        yield
    except ConfigError as exc:
        message = str(exc)
        if message.startswith(table_name):
            raise
        raise ConfigError(f"{table_name}.{message}") from None


def _descriptive(where: str, spec: dict) -> None:
    """`description` and `reference` are free text."""
    for key in ("description", "reference"):
        if key in spec and not isinstance(spec[key], str):
            raise ConfigError(f"{where}.{key} = {spec[key]!r}: must be a string")


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
    spec = dict(table("source", spec, allowed="a table [source]"))
    if "name" in spec:
        base = _lookup("sources", spec.pop("name"))
        over = spec.get("shape")
        if (isinstance(over, dict) and isinstance(base.get("shape"), dict)
                and over.get("shape", base["shape"].get("shape")) != base["shape"].get("shape")):
            base = {k: v for k, v in base.items() if k != "shape"}  # another kind of shape
        spec = _merge(base, spec)
    _descriptive("source", spec)
    spec = {k: v for k, v in spec.items() if k not in DESCRIPTIVE}
    kind = spec.pop("kind", None)
    if kind not in SOURCE_KINDS:
        raise ConfigError(f"source.kind = {kind!r}: allowed are {SOURCE_KINDS.names()} "
                          f"(or source.name, one of {sorted(_entries('sources'))})")
    cls = SOURCE_KINDS[kind]
    _kwargs(f"source ({kind})", cls, spec)  # unknown or missing fields first
    with _within("source"):
        if "direction" in spec:
            spec["direction"] = make_direction(spec["direction"])
        if "shape" in spec:
            spec["shape"] = make_shape("source.shape", spec["shape"])
        if "oscillation" in spec:
            spec["oscillation"] = make_oscillation(spec["oscillation"])
        if kind == "tabulated" and "path" in spec:
            path = Path(text("source.path", spec["path"], allowed="a file path"))
            if base_dir is not None and not path.is_absolute():
                path = Path(base_dir) / path
            spec["path"] = str(path)
        return cls(**spec)


def make_oscillation(value) -> Oscillation:
    """Oscillation from a [source.oscillation] table (sin2_2theta, dm2_eV2; the Oscillation
    checks their types and ranges)."""
    table("source.oscillation", value, allowed="a table with sin2_2theta and dm2_eV2")
    _check_keys("source.oscillation", value, ["sin2_2theta", "dm2_eV2"])
    missing = [k for k in ("sin2_2theta", "dm2_eV2") if k not in value]
    if missing:
        raise ConfigError(f"source.oscillation: missing field(s) {missing}")
    with _within("source"):
        return Oscillation(value["sin2_2theta"], value["dm2_eV2"])


def make_direction(value) -> Direction:
    """A Direction from ``source.direction``: "isotropic", [x, y, z] or a zenith table."""
    with _within("source"):
        if isinstance(value, str) and value == "isotropic":
            return Direction.isotropic()
        if isinstance(value, list):
            return Direction.fixed(value)
        if isinstance(value, dict) and set(value) == {"cos_zenith", "weights"}:
            return Direction.zenith_table(value["cos_zenith"], value["weights"])
    raise ConfigError(f"source.direction = {value!r}: allowed are \"isotropic\", [x, y, z] or "
                      "{cos_zenith = [...], weights = [...]}")


# -- detectors ----------------------------------------------------------------------------
def make_shape(where: str, spec: dict) -> Shape:
    """A Shape from a card table (``where``: its card path, e.g. "detector.fiducial"):
    ``shape``, its dimensions in mm (mcgen.validation.LENGTH_MM) and ``center_mm``."""
    table(where, spec, allowed=f"a table with shape = one of {sorted(SHAPES)}, its dimensions "
                               "(mm) and center_mm")
    spec = dict(spec)
    shape = spec.pop("shape", None)
    one_of(f"{where}.shape", shape, sorted(SHAPES))
    _check_keys(f"{where} ({shape})", spec, SHAPE_FIELDS[shape] + ["center_mm"])
    missing = [k for k in SHAPE_FIELDS[shape] if k not in spec]
    if missing:
        raise ConfigError(f"{where} ({shape}): missing field(s) {missing}")
    far = LENGTH_MM[1]
    center = spec.pop("center_mm", [0.0, 0.0, 0.0])
    xyz = three_vector(f"{where}.center_mm", center,
                       allowed=f"[x, y, z] in mm, each within +-{far:g}")
    require(f"{where}.center_mm", center, max(abs(c) for c in xyz) <= far,
            f"must be [x, y, z] in mm, each within +-{far:g}")
    dims = {k.removesuffix("_mm"): in_range(f"{where}.{k}", v, LENGTH_MM, "mm", what="a length")
            for k, v in spec.items()}
    return SHAPES[shape](**dims, center=xyz)


def make_detector(spec: dict, base_dir: str | os.PathLike | None = None) -> Detector:
    """A Detector from a [detector] table (``name`` of a catalogue entry plus overrides).
    ``[detector.response]`` and ``[[detector.background]]``: observed-energy response and
    backgrounds (mcgen.detectors.response, .background); a relative table ``path`` in them is
    taken relative to base_dir (the run card's directory). Without a catalogue ``name`` give
    every field (``material``, ``fiducial`` ...; ``name`` is then any label)."""
    spec = dict(table("detector", spec, allowed="a table [detector]"))
    name = spec.get("name", "custom")
    if isinstance(spec.get("name"), str) and spec["name"] in _entries("detectors"):
        base = _lookup("detectors", spec["name"])
        # a threshold given in the other unit replaces the catalogue's threshold and window
        for mine, theirs in (("threshold_keVee", ("threshold_keV", "window_keV")),
                             ("threshold_keV", ("threshold_keVee", "window_keVee"))):
            if mine in spec:
                base = {k: v for k, v in base.items() if k not in theirs}
        spec = _merge(base, spec)
    elif "name" in spec and ("material" not in spec or not isinstance(name, str)):
        _lookup("detectors", name)  # raises: unknown name
    text("detector.name", name, allowed="a name (a catalogue entry, or your own)")
    allowed = {"threshold_keV", "window_keV", "threshold_keVee", "window_keVee", "quenching",
               "lindhard_k", "exposure_kg_day", "mass_kg", "live_days",
               "elements", "vertex_resolution_mm", "material", "fiducial", "frame",
               "response", "background"} | DESCRIPTIVE
    _check_keys(f"detector ({name})", spec, allowed)
    _descriptive("detector", spec)
    for key in ("material", "fiducial"):
        if key not in spec:
            raise ConfigError(f"detector ({name}): missing field(s) [{key!r}]")
    mat = table("detector.material", spec["material"],
                allowed="a table with formula (and density_g_cm3)")
    _check_keys("detector.material", mat, ["formula", "density_g_cm3"])
    if "formula" not in mat:
        raise ConfigError("detector.material: missing field(s) ['formula']")
    with _within("detector"):
        material = Material(mat["formula"], mat.get("density_g_cm3"))
    fiducial = make_shape("detector.fiducial", spec["fiducial"])
    kw = {k: spec[k] for k in ("threshold_keV", "window_keV", "threshold_keVee", "window_keVee",
                               "quenching", "lindhard_k", "exposure_kg_day", "mass_kg",
                               "live_days", "elements", "vertex_resolution_mm") if k in spec}
    if "frame" in spec:  # the experiment's coordinates (mcgen.geometry.frame)
        kw["frame"] = Frame.from_table("detector.frame", spec["frame"])
    kw.update(_observed_and_backgrounds("detector", spec, base_dir))
    with _within("detector"):
        return Detector(name, material, fiducial, reference=spec.get("reference", ""), **kw)


def _observed_and_backgrounds(where: str, spec: dict, base_dir) -> dict:
    """Detector keywords from the [response] table and the [[background]] list."""
    kw = {}
    if "response" in spec:
        kw["observed"] = ObservedResponse.from_spec(f"{where}.response", spec["response"],
                                                    base_dir)
    if "background" in spec:
        bgs = spec["background"]
        if not isinstance(bgs, list):
            raise ConfigError(f"{where}.background = {bgs!r}: must be one or more tables "
                              "[[background]]")
        kw["backgrounds"] = [make_background(f"{where}.background[{i}]", b, base_dir)
                             for i, b in enumerate(bgs)]
    return kw


# -- interactions -------------------------------------------------------------------------
def make_interaction(spec: dict):
    """An Interaction from an [[interaction]] table (``process`` and its class's fields)."""
    spec = dict(table("interaction", spec, allowed="a table [[interaction]]"))
    cls = PROCESSES[spec.pop("process", None)]  # an unknown name raises, listing the known
    proc = cls.name
    with _within("interaction"):
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
    card = RunCard(
        source=make_source(data["source"], base_dir=Path(path).resolve().parent),
        detector=make_detector(data["detector"], base_dir=Path(path).resolve().parent),
        interactions=[make_interaction(s) for s in interactions],
        site=make_site(data["site"]) if "site" in data else None,
        run=run, text=Path(path).read_text(encoding="utf-8-sig"), path=str(path),
    )
    # the placement fits the source and the detector (exposure, density, site), before any work
    card.geometry.check_for(card.source, card.detector)
    _check_couplings(card)
    return card


def _check_couplings(card: RunCard) -> None:
    """Every interaction acts on some particle of the source and some target of the detector:
    a warning for one that does not (it adds nothing), a ConfigError if none does."""
    idle = [it.name for it in card.interactions if not it.channels(card.source, card.detector)]
    if not idle:
        return
    labels = [c.label for c in card.source.components]
    shown = ", ".join(labels[:4]) + (f", ... ({len(labels)} in all)" if len(labels) > 4 else "")
    message = (f"interaction.process: {idle} act on none of the source's particles ({shown}) in "
               f"detector {card.detector.name} (elements {card.detector.elements}); check "
               "interaction.flavours, source.pdg, source.species, source.flavours, "
               "detector.elements")
    if len(idle) == len(card.interactions):
        raise ConfigError(message)
    warnings.warn(message, ConfigWarning, stacklevel=3)


def check_run(run: dict) -> None:
    """ConfigError unless the [run] settings have the right types and ranges (before any
    work is done)."""
    whole_number("run.events", run["events"], 0, high=MAX_EVENTS)
    whole_number("run.seed", run["seed"], 0, what="an integer")
    whole_number("run.chunk_events", run["chunk_events"], 1, high=MAX_CHUNK_EVENTS)
    one_of("run.threads", run["threads"], (1, 2), shown="1 and 2")
    text("run.output", run["output"], allowed="a file name")
    parent = Path(run["output"]).parent
    require("run.output", run["output"], not parent.is_dir()
            or os.access(parent, os.W_OK | os.X_OK),  # checked before any work
            f"directory {str(parent)!r} is not writable")
    text("run.compression", run["compression"], allowed="a name")
    if not isinstance(run["final_state"], bool):
        raise ConfigError(f"run.final_state = {run['final_state']!r}: must be true or false")


def make_site(spec: dict) -> Site:
    """A Site from a [site] table (``name`` of a catalogue entry and/or ``depth_m``,
    ``depth_mwe`` or ``slant_table``; ``[site.rock]`` overrides single rock constants).
    The Site checks the depths and the table."""
    spec = dict(table("site", spec, allowed="a table [site]"))
    depths = {"depth_m", "depth_mwe", "slant_table"}
    if isinstance(spec.get("name"), str) and spec["name"] in _entries("sites"):
        spec = _merge(_lookup("sites", spec["name"]), spec)
    elif "name" in spec and not (depths & set(spec) and isinstance(spec["name"], str)):
        _lookup("sites", spec["name"])  # raises: unknown name
    elif not depths & set(spec):
        raise ConfigError(f"site: missing field(s): give name (one of {sorted(_entries('sites'))})"
                          f" or one of {sorted(depths)}")
    name = text("site.name", spec.get("name", "site"), allowed="a name")
    _check_keys(f"site ({name})", spec, depths | {"rock"} | DESCRIPTIVE)
    _descriptive("site", spec)
    rock = list(STANDARD_ROCK)
    if "rock" in spec:
        fields = list(ROCK_RANGES)  # the STANDARD_ROCK layout
        table("site.rock", spec["rock"], allowed=f"a table of some of {fields}")
        _check_keys("site.rock", spec["rock"], fields)
        for k, v in spec["rock"].items():
            x = in_range(f"site.rock.{k}", v, ROCK_RANGES[k])
            rock[fields.index(k)] = x * eV if k == "I_eV" else x
        x0, x1 = rock[fields.index("x0")], rock[fields.index("x1")]
        require("site.rock.x1", x1, x1 > x0, f"must exceed x0 = {x0:g} (Sternheimer)")
    slant = spec.get("slant_table")
    if slant is not None:
        if not (isinstance(slant, dict) and set(slant) == {"cos_zenith", "depth_mwe"}):
            raise ConfigError(f"site.slant_table = {slant!r}: must be a table with "
                              "cos_zenith = [...] and depth_mwe = [...]")
        slant = (slant["cos_zenith"], slant["depth_mwe"])
    return Site(name, depth_m=spec.get("depth_m"), depth_mwe=spec.get("depth_mwe"),
                slant_table=slant, rock=tuple(rock))
