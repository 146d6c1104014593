"""Hostile run cards: every field of every shipped card (macros/*.toml) and of every catalogue
entry it references (merged, as the parser sees them) replaced by values of other types and
ranges, deleted, or joined by unknown fields. Loading the card and building its objects (what
`mcgen run` does before any planning) must either give a valid configuration or a ConfigError
whose message is one line and names the field; never another exception. Valid physics
parameters drawn over their whole allowed ranges (mcgen.validation) give finite, non-negative
weights that sum to the expected count. Hostile files and outputs through the command line give
exit code 2, one stderr line and no traceback.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

import mcgen
from mcgen import catalog, validation
from mcgen.catalog import load_card
from mcgen.errors import ConfigError
from mcgen.generator import Generator
from mcgen.output import writer_for

ROOT = Path(__file__).resolve().parents[1]
CARDS = sorted((ROOT / "macros").glob("*.toml"))
#: Fields that choose which other fields exist and what they mean: changing them may make the
#: card's other fields unknown, missing or out of range, and the message names those instead.
SELECTORS = {"name", "kind", "process", "shape"}
#: Reproducible in CI: a fixed derivation of the examples, no example database.
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- cards as TOML text --------------------------------------------------------------------
def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)


def _value(v) -> str:
    """A TOML value (inline tables and arrays; floats incl. nan and inf)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) \
            else repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a TOML basic string (ASCII escapes only)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"


def dumps(card: dict) -> str:
    """The card as TOML: every top-level field as ``key = value`` (inline tables)."""
    return "".join(f"{_key(k)} = {_value(v)}\n" for k, v in card.items())


def _merged_detector(spec: dict) -> dict:
    """A [detector] table merged with its catalogue entry exactly as make_detector does."""
    base = catalog._lookup("detectors", spec["name"])
    for mine, theirs in (("threshold_keVee", ("threshold_keV", "window_keV")),
                         ("threshold_keV", ("threshold_keVee", "window_keVee"))):
        if mine in spec:
            base = {k: v for k, v in base.items() if k not in theirs}
    return catalog._merge(base, spec)


def card_forms(path: Path) -> dict[str, dict]:
    """The card as written ("card": names catalogue entries) and with every catalogue entry
    merged in and its name dropped ("merged": the tables the parser builds objects from, so
    that a deleted catalogue field stays deleted)."""
    card = tomllib.loads(path.read_text(encoding="utf-8"))
    merged = copy.deepcopy(card)
    if "name" in card["source"]:
        merged["source"] = catalog._merge(catalog._lookup("sources", card["source"]["name"]),
                                          card["source"])
    merged["detector"] = _merged_detector(card["detector"])
    if "site" in card:
        merged["site"] = catalog._merge(catalog._lookup("sites", card["site"]["name"]),
                                        card["site"])
    for table in ("source", "detector", "site"):
        if table in merged:
            merged[table].pop("name", None)
    return {"card": card, "merged": merged}


FORMS = [(p.name, form, data) for p in CARDS for form, data in card_forms(p).items()]


def paths(obj, prefix=()):
    """Every field and list element of a card, as key paths."""
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) \
        if isinstance(obj, list) else ()
    for k, v in items:
        yield prefix + (k,)
        yield from paths(v, prefix + (k,))


def field_of(path) -> str:
    """The card field a path lies in (its last name: ("source", "lines", 0, 1) -> "lines")."""
    return next(x for x in reversed(path) if isinstance(x, str))


def _get(obj, path):
    for p in path:
        obj = obj[p]
    return obj


# -- what `mcgen run` does before any planning ---------------------------------------------
def build(card: dict, tmp: Path):
    """Write the card, load it and build what `mcgen run` builds before planning (the output
    check and the Generator's channels)."""
    path = tmp / "card.toml"
    path.write_text(dumps(card), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConfigWarning, ClosedChannelWarning: fine here
        run = load_card(path)
        out = tmp / "out.root"
        writer_for(out)(out, compression=run.run["compression"])
        return Generator(run.source, run.detector, run.interactions, seed=run.run["seed"],
                         geometry=run.geometry)


def check(card: dict, tmp: Path, path, field: str) -> bool:
    """Build the card; a ConfigError must be one line naming `field` (after a change of a
    selector field: naming what no longer fits). True if the configuration is valid."""
    try:
        build(card, tmp)
        return True
    except ConfigError as exc:
        message = str(exc)
        assert "\n" not in message, message
        selector = field in SELECTORS or bool(path) and path[-1] in SELECTORS
        assert field in message or selector, f"{path}: {message}"
        return False


# -- hostile values ------------------------------------------------------------------------
FLOATS = [0.0, -0.0, 0.5, -0.5, 1e-300, 5e-324, 1e-30, 1e30, 1e308, -1e308, math.inf,
          -math.inf, math.nan]
INTS = [0, 1, -1, 2, 10**30, -(10**30), 2**63 - 1, -(2**63)]
STRINGS = ["", "abc", " ", "0", "1e5", "nan", "true", "\u0000", "\u00e9", "Xe0", "Tc", "U",
           "D", "H2O", "xenon100", "isotropic", "auto", "dirac", "e", "pp", "lindhard"]
scalars = st.one_of(st.sampled_from(FLOATS), st.sampled_from(INTS), st.booleans(),
                    st.sampled_from(STRINGS), st.floats(allow_nan=True, allow_infinity=True),
                    st.integers(-(2**63), 2**63 - 1),
                    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126),
                            max_size=6))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["x", "shape", "name", "a", "cos_zenith"]), inner,
                    max_size=2)), max_leaves=6)


def hostile(original):
    """Another type, or the same number scaled out of range (or just inside it)."""
    if isinstance(original, (int, float)) and not isinstance(original, bool):
        scaled = st.sampled_from([1e300, 1e-300, 1e30, 1e-30, 1e3, 1e-3, 2.0, 0.5, -1.0, 0.0]) \
            .map(lambda f: _times(original, f))
        return st.one_of(scaled, values)
    if isinstance(original, list) and original:
        return st.one_of(values, hostile(original[0]).map(lambda v: [v] + original[1:]))
    return values


def _times(x, f):
    try:
        return x * f
    except OverflowError:
        return math.inf


UNKNOWN = st.sampled_from(["colour", "x", "mass", "E", "thresholdkeV", "Name", "unknown_field"])
#: Optional fields the parser knows, with plausible values, to add with those or any values.
ZENITH = {"cos_zenith": [0.0, 0.5, 1.0], "weights": [0.2, 1.0, 1.0]}
KNOWN = {
    "run": {"events": 10, "seed": 3, "output": "x.csv", "chunk_events": 100,
            "compression": "zstd", "threads": 1, "final_state": True},
    "source": {"direction": ZENITH, "distance_m": 10.0, "lifetime_s": 1e-3,
               "oscillation": {"sin2_2theta": 0.1, "dm2_eV2": 1.0}, "pdg": 14,
               "shape": {"shape": "sphere", "radius_mm": 10.0, "center_mm": [0, 0, -3000.0]},
               "kind": "monoenergetic", "name": "cr51", "species": ["8B"], "flavours": "nue-only",
               "n_e_mol_cm3": {"8B": 50.0}, "fractions": [0.5, 0.5, 0.0, 0.0],
               "energies_per_fission_MeV": {"U235": 200.0}, "deployments": [[0, 10], [20, 5]],
               "lines": [[0.75, 0.9]], "k_fraction": 0.9, "sun_direction": [1, 0, 0],
               "activity_Bq": 1e15, "run_days": 10.0, "nu_per_proton": 0.1},
    "detector": {"quenching": "lindhard", "lindhard_k": 0.15, "threshold_keVee": 1.0,
                 "window_keVee": [1.0, 10.0], "window_keV": [1.0, 50.0], "mass_kg": 10.0,
                 "live_days": 100.0, "vertex_resolution_mm": 5.0, "elements": ["Ge"],
                 "frame": {"origin_mm": [1.0, 2.0, 3.0]}, "name": "mine",
                 "exposure_kg_day": 100.0},
    "interaction": {"decay": True, "nature": "majorana", "spin": 0.5, "partner_mass_MeV": 0.5,
                    "partner_moment_muB": 1e-6, "flavours": ["mu"], "electrons": "free",
                    "form_factor": "none", "sin2_theta_w": 0.23, "material_element": "Ge",
                    "m_N_MeV": 0.5},
    "site": {"rock": {"density_g_cm3": 3.0, "x0": 0.1}, "depth_mwe": 3000.0,
             "slant_table": {"cos_zenith": [0.2, 1.0], "depth_mwe": [9000.0, 3700.0]}}}


@st.composite
def mutations(draw, card: dict):
    """(mutated card, path, field named by an error)."""
    card = copy.deepcopy(card)
    all_paths = list(paths(card))
    op = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add"]))
    if op == "add":
        tables = [()] + [p for p in all_paths if isinstance(_get(card, p), dict)]
        where = draw(st.sampled_from(tables))
        names = [x for x in where if isinstance(x, str)]
        known = KNOWN.get(names[0], {}) if len(names) == 1 else {}
        key = draw(st.sampled_from(sorted(known)) | UNKNOWN if known else UNKNOWN)
        plausible = copy.deepcopy(known.get(key))
        _get(card, where)[key] = draw(st.just(plausible) | values if key in known else values)
        return card, where + (key,), key
    path = draw(st.sampled_from(all_paths))
    parent = _get(card, path[:-1])
    if op == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(hostile(parent[path[-1]]))
    return card, path, field_of(path)


# -- every field of every card, systematically ---------------------------------------------
SYSTEMATIC = ["abc", "", True, -1, math.nan, 1e308, [], {"x": 1}]


@pytest.mark.parametrize("name,form,card", FORMS, ids=[f"{n}-{f}" for n, f, _ in FORMS])
def test_every_field_replaced_deleted_or_joined(name, form, card, tmp_path):
    """Each field of the card (and each list element) replaced by values of every other kind
    and deleted, and an unknown field added to each table: a valid card or a one-line
    ConfigError naming the field."""
    assert check(card, tmp_path, (), "")  # the card itself is valid
    for path in paths(card):
        for new in [*SYSTEMATIC, "delete"]:
            mutated = copy.deepcopy(card)
            parent = _get(mutated, path[:-1])
            if new == "delete":
                del parent[path[-1]]
            else:
                parent[path[-1]] = new
            check(mutated, tmp_path, path, field_of(path))
    for path in [()] + [p for p in paths(card) if isinstance(_get(card, p), dict)]:
        mutated = copy.deepcopy(card)
        _get(mutated, path)["unknown_field"] = 1
        assert not check(mutated, tmp_path, path + ("unknown_field",), "unknown_field")


@pytest.mark.parametrize("name,form,card", FORMS, ids=[f"{n}-{f}" for n, f, _ in FORMS])
@settings(max_examples=int(os.environ.get("MUT_EXAMPLES", 40)), **SETTINGS)
@given(choices=st.data())
def test_random_mutations(name, form, card, tmp_path_factory, choices):
    """Random replacements (any type, numbers scaled out of range), deletions and added fields
    (unknown, or known optional ones with plausible or any values). For a longer hunt:
    MUT_EXAMPLES=600 python -m pytest tests/test_card_mutations.py -k random (~1 min)."""
    mutated, path, field = choices.draw(mutations(card))
    tmp = tmp_path_factory.getbasetemp() / f"mutations-{name}-{form}"
    tmp.mkdir(exist_ok=True)
    check(mutated, tmp, path, field)


# -- valid physics parameters over their whole ranges --------------------------------------
def log_uniform(bounds: tuple[float, float]):
    """Numbers spread evenly in log between positive bounds (both ends included)."""
    lo, hi = math.log10(bounds[0]), math.log10(bounds[1])
    return st.one_of(st.sampled_from([bounds[0], bounds[1]]),
                     st.floats(lo, hi).map(lambda x: min(max(10.0**x, bounds[0]), bounds[1])))


def sampled(gen: Generator, n: int = 2000) -> dict | None:
    """n events; their weights must be finite, >= 0 and sum to the expected count (None if the
    configuration gives no events: a one-line ConfigError)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # closed channels
            expected = gen.expected_events
            events = gen.sample(n)
    except ConfigError as exc:
        assert "\n" not in str(exc) and "no events" in str(exc), str(exc)
        return None
    w = events["weight"]
    assert math.isfinite(expected) and expected > 0
    assert np.all(np.isfinite(w)) and np.all(w >= 0)
    assert w.sum() == pytest.approx(expected, rel=1e-9)
    return events


@settings(max_examples=15, **SETTINGS)
@given(mu=log_uniform(validation.MOMENT_MUB), exposure=log_uniform(validation.EXPOSURE_KG_DAY),
       threshold=log_uniform((validation.RECOIL_KEV[0], 500.0)),
       mass=st.just(0.0) | log_uniform((validation.PARTICLE_MASS_MEV[0], 12.0)),
       flux=log_uniform(validation.AMOUNT))
def test_dipole_weights_are_finite_over_the_allowed_ranges(mu, exposure, threshold, mass, flux):
    """[Bueno2013, Eq. 11] flux of the paper000 card on Si: any moment, exposure, threshold,
    mass and total flux (products from ~1e-90 to ~1e60 events)."""
    source = mcgen.MomentumPowerLawSource(mass, 10.58, 13.0, 100.0, flux)
    detector = mcgen.Detector("si", mcgen.Material("Si", 2.329), mcgen.Cylinder(38.1, 10.0),
                              threshold_keV=threshold, exposure_kg_day=exposure)
    sampled(Generator(source, detector, mcgen.DipoleNucleusElastic(mu), seed=1))


@settings(max_examples=15, **SETTINGS)
@given(mu=log_uniform(validation.MOMENT_MUB),
       m_N=log_uniform((validation.STERILE_MASS_MEV[0], 6.0)),
       partner=st.one_of(st.none(), st.tuples(st.floats(0.0, 0.999),
                                              log_uniform(validation.MOMENT_MUB))),
       nature=st.sampled_from(["dirac", "majorana"]))
def test_radiative_weights_and_decays_are_finite(mu, m_N, partner, nature):
    """The radiative card ([Bolton2021]) over the allowed moments and masses (up to 6 MeV: the
    reactor spectrum ends at 8 MeV): finite weights; every decay at a finite place and time
    with a finite photon."""
    m_p = 0.0 if partner is None or partner[0] * m_N < validation.STERILE_MASS_MEV[0] \
        else partner[0] * m_N  # 0 or a mass in the allowed range, below m_N
    kw = {} if partner is None else {"partner_mass_MeV": m_p, "partner_moment_muB": partner[1]}
    it = mcgen.DipolePortalNucleus(mu, m_N, flavours=["e"], nature=nature, **kw)
    detector = catalog.make_detector({"name": "nucleus_cawo4", "elements": ["O"]})  # spin 0, 1/2
    gen = Generator(catalog.make_source({"name": "chooz_b"}), detector, it, seed=2)
    events = sampled(gen)
    if events is not None and "pdg_decay" in events:
        decays = events["pdg_decay"] != 0
        for branch in ("E_gamma_MeV", "decay_x_mm", "decay_y_mm", "decay_z_mm", "decay_dt_ns"):
            assert np.all(np.isfinite(events[branch][decays])), branch


def test_the_radiative_card_at_m_N_4_MeV():
    """Found by mutating the radiative card: at m_N = 4 MeV an energy cell of zero width at
    the top of the proposal had no flux bin (IndexError while planning)."""
    card = catalog.load_card(ROOT / "macros" / "radiative_reactor_nucleus.toml")
    it = mcgen.DipolePortalNucleus(1e-9, 4, flavours=["e"], partner_mass_MeV=0.0,
                                   partner_moment_muB=1e-5)
    sampled(Generator(card.source, card.detector, it, seed=40), 500)


@settings(max_examples=20, **SETTINGS)
@given(activity=log_uniform(validation.AMOUNT),
       density=log_uniform(validation.DENSITY_G_CM3),
       radius=log_uniform((1e-3, 1e6)), gap=log_uniform((2 * validation.NEAR_GAP_MIN, 1e2)),
       days=log_uniform(validation.DAYS), mu=st.one_of(st.just(0.0),
                                                       log_uniform(validation.MOMENT_MUB)))
def test_near_source_weights_are_finite(activity, density, radius, gap, days, mu):
    """A 51Cr-like line source below a liquid-xenon cylinder: any activity, density, size,
    distance (gap: in units of the radius) and deployment length; nu-e scattering with any
    moment."""
    z = -radius * (1.0 + math.sqrt(2.0) * gap)  # gap x the size sqrt(r^2 + (h/2)^2) below
    source = mcgen.ElectronCaptureSource(activity_Bq=activity, lines=[[0.75, 1.0]],
                                         deployments=[[0.0, days]],
                                         shape=mcgen.Point(center=(0.0, 0.0, z)))
    detector = mcgen.Detector("xe", mcgen.Material("Xe", density),
                              mcgen.Cylinder(radius, 2 * radius), threshold_keV=1.0)
    sampled(Generator(source, detector, mcgen.NuElectronElastic(mu, electrons="free"), seed=3))


# -- the Python API: the same checks in the constructors -----------------------------------
#: Valid arguments of each source kind and process (tabulated sources read a file: left out).
VALID = {"atmospheric_dipole": {"mass_MeV": 10.0},
         "momentum_power_law": dict(mass_MeV=10.0, gamma=10.58, E_min_MeV=13.0, E_max_MeV=100.0,
                                    total_flux_cm2_s=1.0),
         "electron_capture": dict(activity_Ci=1.0), "solar": {}, "atmospheric_neutrino": {},
         "reactor": dict(thermal_power_MW=1000.0, distance_m=10.0),
         "stopped_pion": dict(nu_per_flavour_per_s=1e15, run_days=1.0),
         "monoenergetic": dict(energy_MeV=1.0, flux_cm2_s=1.0),
         "dipole_nucleus_elastic": dict(mu_muB=1e-5), "cevns": {}, "nu_electron_elastic": {},
         "ionization_epa": dict(mu_muB=1e-11),
         "dipole_portal_nucleus": dict(mu_muB=1e-9, m_N_MeV=1.0),
         "dipole_portal_electron": dict(mu_muB=1e-9, m_N_MeV=1.0)}
API_HOSTILE = [True, 0, -1, -0.0, 5e-324, 1e300, math.inf, math.nan, "", "abc", [], [[1, 2]],
               {"x": 1}, 2**70, object()]


def _classes():
    from mcgen.interactions import PROCESSES
    from mcgen.sources import SOURCE_KINDS

    return [(name, cls) for reg in (SOURCE_KINDS, PROCESSES) for name, cls in reg.items()
            if name in VALID]


@pytest.mark.parametrize("name,cls", _classes(), ids=[n for n, _ in _classes()])
def test_constructors_refuse_hostile_arguments(name, cls):
    """Each argument of each source kind and process given each hostile value: the object, or
    a one-line ConfigError naming the argument (never another exception)."""
    import inspect

    for arg in [p for p in inspect.signature(cls.__init__).parameters if p != "self"]:
        for value in API_HOSTILE:
            try:
                cls(**(VALID[name] | {arg: value}))
            except ConfigError as exc:
                message = str(exc)
                assert "\n" not in message and (arg in message or "activity" in message
                                                or "thermal_power_MW" in message), message


@pytest.mark.parametrize("arg", ["threshold_keV", "window_keV", "threshold_keVee",
                                 "window_keVee", "quenching", "lindhard_k", "exposure_kg_day",
                                 "mass_kg", "live_days", "elements", "vertex_resolution_mm",
                                 "reference", "name", "material", "fiducial"])
def test_the_detector_refuses_hostile_arguments(arg):
    valid = dict(name="d", material=mcgen.Material("Xe", 3.0),
                 fiducial=mcgen.Cylinder(10.0, 10.0), threshold_keV=1.0, exposure_kg_day=1.0)
    for value in API_HOSTILE:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mcgen.Detector(**(valid | {arg: value}))
        except ConfigError as exc:
            assert "\n" not in str(exc)


# -- limits that keep the arithmetic finite ------------------------------------------------
@pytest.mark.parametrize("make,field", [
    (lambda: mcgen.DipoleNucleusElastic(1e297), "interaction.mu_muB"),
    (lambda: mcgen.DipoleNucleusElastic(1e-308), "interaction.mu_muB"),
    (lambda: mcgen.DipolePortalNucleus(1e-308, 2.0), "interaction.mu_muB"),
    (lambda: mcgen.DipolePortalNucleus(1e-9, 1e-300), "interaction.m_N_MeV"),
    (lambda: mcgen.DipolePortalNucleus(1e-9, 2.0, partner_mass_MeV=0.0,
                                       partner_moment_muB=1e-308), "partner_moment_muB"),
    (lambda: mcgen.DipolePortalNucleus(1e-9, 2.0, decay=1), "interaction.decay"),
    (lambda: mcgen.Material("Xe", math.inf), "material.density_g_cm3"),
    (lambda: mcgen.Material("Xe", 1e308), "material.density_g_cm3"),
    (lambda: mcgen.Material("Tc"), "material.formula"),
    (lambda: mcgen.Material("Xe0"), "material.formula"),
    (lambda: mcgen.Detector("d", mcgen.Material("Xe"), mcgen.Point(), threshold_keV=1.0,
                            exposure_kg_day=1e308), "detector.exposure_kg_day"),
    (lambda: mcgen.Detector("d", mcgen.Material("Xe"), mcgen.Point(), threshold_keV=1.0,
                            elements=False), "detector.elements"),
    (lambda: mcgen.Detector("d", mcgen.Material("Xe"), mcgen.Cylinder(1e300, 1.0),
                            threshold_keV=1.0), "detector.fiducial.radius"),
    (lambda: mcgen.MonoenergeticSource(1.0, 1.0, pdg=2**40), "source.pdg"),
    (lambda: mcgen.ReactorSource(1e3, 1e-300), "source.distance_m"),
    (lambda: mcgen.ReactorSource(1e3, 10.0, fractions={"U235": "abc"}), "source.fractions"),
    (lambda: mcgen.MomentumPowerLawSource(10.0, -1e308, 13.0, 100.0, 1.0), "source.gamma"),
    (lambda: mcgen.SolarSource(species=True), "source.species"),
    (lambda: mcgen.SolarSource(sun_direction={"x": 1}), "source.sun_direction"),
    (lambda: mcgen.sources.Oscillation(0.1, 1e300), "oscillation.dm2_eV2"),
])
def test_out_of_range_parameters_are_refused(make, field):
    with pytest.raises(ConfigError, match=re.escape(field)) as exc:
        make()
    assert "\n" not in str(exc.value)


def test_a_threshold_inside_the_window_warns():
    """The card must say what it runs: a threshold above the window's lower edge cuts it."""
    with pytest.warns(mcgen.errors.ConfigWarning, match=r"recoils are accepted in \[6\.6, 30\]"):
        det = mcgen.Detector("d", mcgen.Material("Xe"), mcgen.Point(), threshold_keV=6.6,
                             window_keV=[6.0, 30.0])
    assert det.T_min == pytest.approx(6.6e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mcgen.Detector("d", mcgen.Material("Xe"), mcgen.Point(), threshold_keV=6.0,
                       window_keV=[6.0, 30.0])
        mcgen.Detector("d", mcgen.Material("Xe"), mcgen.Point(), threshold_keV=6.0,
                       window_keV=[0.0, 30.0])  # [0, hi]: only an upper edge
        run = load_card(ROOT / "macros" / "atmospheric_dipole_xenon100.toml")
    # [Bueno2013, Fig. 4 caption]: "XENON100 has T in [6, 30] keV"
    assert (run.detector.T_min, run.detector.T_max) == pytest.approx((6e-3, 30e-3))


# -- hostile files and outputs through the command line ------------------------------------
def _permissions_enforced(path: Path) -> bool:
    """Whether a chmod 000 file is really unreadable (not for root)."""
    try:
        path.read_bytes()
        return False
    except PermissionError:
        return True


def test_hostile_files_and_outputs_on_the_command_line(tmp_path):
    card = ROOT / "macros" / "atmospheric_dipole_xenon100.toml"
    garbage = tmp_path / "garbage.toml"
    garbage.write_bytes(bytes(range(256)) * 8)
    utf8 = tmp_path / "utf8.toml"
    utf8.write_bytes(card.read_bytes().replace(b'"atmospheric_dipole"', b'"\xff\xfeatm"'))
    nested = tmp_path / "nested.toml"
    nested.write_text("a = " + "[" * 100_000)
    nul = tmp_path / "nul.toml"
    nul.write_text(card.read_text().replace('output = "atmospheric_dipole_xenon100.root"',
                                            'output = "a\\u0000b.root"'))
    directory = tmp_path / "dir.toml"
    directory.mkdir()
    a_file = tmp_path / "file"
    a_file.write_text("x")
    out_dir = tmp_path / "out.root"
    out_dir.mkdir()
    cases = {"binary garbage": ([garbage], "not valid TOML"),
             "invalid UTF-8": ([utf8], "not valid TOML"),
             "nested too deeply": ([nested], "not valid TOML"),
             "NUL in the output name": ([nul], "run.output"),
             "a directory as card": ([directory], "not a file"),
             "output parent is a file": ([card, "-o", a_file / "x.root"], "is not a directory"),
             "output is a directory": ([card, "-o", out_dir], "is a directory")}
    unreadable = tmp_path / "unreadable.toml"
    unreadable.write_bytes(card.read_bytes())
    unreadable.chmod(0)
    if _permissions_enforced(unreadable):
        cases["unreadable card"] = ([unreadable], "cannot be read")
    read_only = tmp_path / "read_only"
    read_only.mkdir()
    read_only.chmod(0o555)
    if not os.access(read_only, os.W_OK):
        cases["read-only output directory"] = ([card, "-o", read_only / "x.root", "-n", "10"],
                                               "is not writable")
    procs = {name: subprocess.Popen([sys.executable, "-m", "mcgen.cli", "run", *map(str, args),
                                     "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, cwd=tmp_path)
             for name, (args, _) in cases.items()}
    for name, proc in procs.items():
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 2, (name, err)
        assert err.startswith("mcgen: error: ") and err.count("\n") == 1, (name, err)
        assert "Traceback" not in err and cases[name][1] in err, (name, err)
    unreadable.chmod(0o644)
    read_only.chmod(0o755)
    assert not list(tmp_path.rglob("*.root.part*"))


def test_an_unwritable_output_directory_is_refused_before_any_work(tmp_path, monkeypatch):
    """(The read-only directory of the command-line test, where permissions are enforced.)"""
    card = ROOT / "macros" / "atmospheric_dipole_xenon100.toml"
    monkeypatch.setattr(catalog.os, "access", lambda path, mode: Path(path) != tmp_path)
    with pytest.raises(ConfigError, match=r"^run\.output = .*: directory .* is not writable$"):
        load_card(card, {"output": str(tmp_path / "x.root")})
