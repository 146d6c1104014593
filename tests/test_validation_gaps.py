"""Validation gaps found by a hostile tester (F6, F7): values outside the ranges the README
documents (mcgen.validation) in the detector's [response] and [[background]] tables and in the
processes' moments, and misuse of the Python API (Generator's arguments), must give a one-line
ConfigError naming the field and the value; the ends of each range must still be accepted.

Cards are built as `mcgen run` builds them: the cr51_lxe card (macros/) with its catalogue
entry geometry/detectors/lxe_cr51.toml changed in a copy found first through
$MCGEN_GEOMETRY, or with the card's own tables changed.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

import mcgen
from mcgen import validation
from mcgen.catalog import load_card, make_detector
from mcgen.errors import ConfigError, ConfigWarning
from mcgen.interactions import PROCESSES

ROOT = Path(__file__).resolve().parents[1]
CARD = ROOT / "macros" / "cr51_lxe.toml"
ENTRY = ROOT / "geometry" / "detectors" / "lxe_cr51.toml"
TOP = validation.RECOIL_KEV[1]           # 1e9 keV
LO_AMOUNT, HI_AMOUNT = validation.AMOUNT  # 1e-30, 1e30
LO_MU, HI_MU = validation.MOMENT_MUB      # 1e-25, 1 mu_B


def test_the_ranges_are_the_readme_ones():
    """The tests below use the ranges the README documents."""
    assert (TOP, LO_AMOUNT, HI_AMOUNT, LO_MU, HI_MU) == (1e9, 1e-30, 1e30, 1e-25, 1.0)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = " ".join(readme.split())
    for phrase in ("moments 1e-25 to 1 mu_B", "0 to 1e9 keV", "0 or 1e-30 to 1e30"):
        assert phrase in text


# -- F6: the catalogue entry the cr51_lxe card uses ----------------------------------------
def _flat(**kw) -> dict:
    return {"kind": "flat", "rate_per_kg_keV_day": 4.2e-5, "E_min_keV": 2.0,
            "E_max_keV": 140.0, **kw}


def _table(E, rates) -> dict:
    return {"kind": "table", "E_keV": E, "rate_per_kg_keV_day": rates}


#: (table, changed fields, field named in the message) of the lxe_cr51 entry
BAD_ENTRY = [
    ("response", {"window_obs_keV": [2.0, 1e308]}, "window_obs_keV"),
    ("response", {"window_obs_keV": [2.0, 1.0000001e9]}, "window_obs_keV"),
    ("response", {"window_obs_keV": [1e300, math.inf]}, "window_obs_keV"),
    ("response", {"threshold_obs_keV": 1e308}, "threshold_obs_keV"),
    ("response", {"threshold_obs_keV": 1e-300}, "threshold_obs_keV"),
    ("response", {"efficiency": {"E_keV": [1.0, 1e308], "eff": [1.0, 1.0]}}, "E_keV"),
    ("response", {"efficiency": {"E_keV": [-1.0, 10.0], "eff": [1.0, 1.0]}}, "E_keV"),
    ("response", {"resolution": {"a_sqrt_keV": 1e308}}, "a_sqrt_keV"),
    ("response", {"resolution": {"c_keV": 1e308}}, "c_keV"),
    ("background", _flat(rate_per_kg_keV_day=1e308), "rate_per_kg_keV_day"),
    ("background", _flat(rate_per_kg_keV_day=1e-300), "rate_per_kg_keV_day"),
    ("background", _flat(rate_per_kg_keV_day=1.0000001e30), "rate_per_kg_keV_day"),
    ("background", _flat(rate_per_kg_keV_day=0.99e-30), "rate_per_kg_keV_day"),
    ("background", _flat(E_max_keV=1e308), "E_max_keV"),
    ("background", _flat(E_max_keV=1.0000001e9), "E_max_keV"),
    ("background", _flat(E_max_keV=math.nan), "E_max_keV"),
    ("background", _flat(E_min_keV=1e308, E_max_keV=math.inf), "E_min_keV"),
    ("background", _table([1.0, 2.0], [1.0, 1e308]), "rate_per_kg_keV_day"),
    ("background", _table([1.0, 2.0], [1e-300, 1.0]), "rate_per_kg_keV_day"),
    ("background", _table([1.0, 1e308], [1.0, 1.0]), "E_keV"),
]

#: the ends of the ranges: accepted
GOOD_ENTRY = [
    ("response", {"window_obs_keV": [2.0, TOP]}),
    ("response", {"window_obs_keV": [0.0, math.inf]}),
    ("response", {"window_obs_keV": [TOP - 1.0, TOP]}),
    ("response", {"threshold_obs_keV": 0.0}),
    ("response", {"threshold_obs_keV": 1e-6}),
    ("response", {"efficiency": {"E_keV": [0.0, TOP], "eff": [1.0, 1.0]}}),
    ("background", _flat(rate_per_kg_keV_day=HI_AMOUNT, E_max_keV=TOP)),
    ("background", _flat(rate_per_kg_keV_day=LO_AMOUNT, E_max_keV=math.inf)),
    ("background", _flat(rate_per_kg_keV_day=0.0)),
    ("background", _table([0.0, 2.0, TOP], [0.0, LO_AMOUNT, HI_AMOUNT])),
]


def _toml(v) -> str:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) \
            else repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_toml(x)}" for k, x in v.items()) + "}"
    return repr(v) if not isinstance(v, str) else f'"{v}"'


def _entry_copy(tmp: Path, table: str, change: dict) -> Path:
    """A catalogue directory whose lxe_cr51 entry has `change` in its [response] table (merged)
    or as its only [[background]] table."""
    entry = tomllib.loads(ENTRY.read_text(encoding="utf-8"))
    if table == "response":
        entry["response"] = {**entry["response"], **change}
    else:
        entry["background"] = [change]
    lines = []
    for k, v in entry.items():
        if k == "background":
            continue
        lines.append(f"{k} = {_toml(v)}")
    for b in entry.get("background", []):
        lines.append("[[background]]")
        lines += [f"{k} = {_toml(v)}" for k, v in b.items()]
    (tmp / "detectors").mkdir(parents=True, exist_ok=True)
    (tmp / "detectors" / "lxe_cr51.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp


def _load_cr51(tmp: Path, monkeypatch, table: str, change: dict):
    monkeypatch.setenv("MCGEN_GEOMETRY", str(_entry_copy(tmp / "geometry", table, change)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfigWarning)  # windows that do not cover: fine here
        return load_card(CARD, {"output": str(tmp / "x.root")})


@pytest.mark.parametrize("table,change,field", BAD_ENTRY)
def test_out_of_range_entry_fields_are_refused(table, change, field, tmp_path, monkeypatch):
    with pytest.raises(ConfigError) as exc:
        _load_cr51(tmp_path, monkeypatch, table, change)
    message = str(exc.value)
    assert "\n" not in message and f"detector.{table}" in message and field in message, message
    assert "must be" in message or "need" in message, message


@pytest.mark.parametrize("table,change", GOOD_ENTRY)
def test_the_ends_of_the_ranges_are_accepted(table, change, tmp_path, monkeypatch):
    card = _load_cr51(tmp_path, monkeypatch, table, change)
    assert card.detector.name == "lxe_cr51"


def test_the_bounds_are_kept_as_given():
    """Accepted values are used unchanged (no clipping to the range)."""
    with pytest.warns(ConfigWarning, match="does not cover the observed window"):
        det = make_detector({"name": "lxe_cr51", "response": {"window_obs_keV": [2.0, TOP]},
                             "background": [_flat(rate_per_kg_keV_day=HI_AMOUNT,
                                                  E_max_keV=TOP)]})
    assert det.observed.window_keV == (2.0, TOP)
    assert det.backgrounds[0].rate_per_kg_keV_day == HI_AMOUNT
    # counts / (kg day) in [2, 1e9] keV: rate x width, finite
    assert det.backgrounds[0].counts_per_kg_day([2.0, TOP])[0] == pytest.approx(
        HI_AMOUNT * (TOP - 2.0), rel=1e-15)


# -- F6: moments of every process -----------------------------------------------------------
def _processes():
    """(process, constructor with the moment as its one free argument, field)."""
    return [
        ("nu_electron_elastic", lambda mu: mcgen.NuElectronElastic(mu), "mu_muB"),
        ("dipole_nucleus_elastic", lambda mu: mcgen.DipoleNucleusElastic(mu), "mu_muB"),
        ("ionization_epa", lambda mu: PROCESSES["ionization_epa"](mu),
         "mu_muB"),
        ("dipole_portal_nucleus", lambda mu: mcgen.DipolePortalNucleus(mu, 0.0), "mu_muB"),
        ("dipole_portal_electron",
         lambda mu: PROCESSES["dipole_portal_electron"](mu, 0.0), "mu_muB"),
        ("partner_moment", lambda mu: mcgen.DipolePortalNucleus(
            1e-9, 10.0, partner_mass_MeV=1.0, partner_moment_muB=mu), "partner_moment_muB"),
    ]


PROCESS_IDS = [p[0] for p in _processes()]
BAD_MOMENTS = [1e-300, 0.99e-25, 1.0000001, 1e308, -1e-10, math.nan, math.inf, True, "1e-10"]


@pytest.mark.parametrize("mu", BAD_MOMENTS, ids=repr)
@pytest.mark.parametrize("k", range(len(PROCESS_IDS)), ids=PROCESS_IDS)
def test_moments_outside_the_range_are_refused(k, mu):
    _, make, field = _processes()[k]
    with pytest.raises(ConfigError, match=rf"interaction\.{field} = .*: must be .*"
                                          r"\[1e-25, 1\] \(mu_B\)") as exc:
        make(mu)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("mu", [LO_MU, HI_MU, 1e-10], ids=repr)
@pytest.mark.parametrize("k", range(len(PROCESS_IDS)), ids=PROCESS_IDS)
def test_moments_at_the_ends_are_accepted(k, mu):
    assert _processes()[k][1](mu) is not None


def test_zero_moment_only_for_the_standard_model_process():
    """nu_electron_elastic with mu = 0 is the Standard Model; the dipole processes need a
    moment."""
    assert mcgen.NuElectronElastic(0.0).mu_muB == 0.0
    with pytest.raises(ConfigError, match=r"interaction\.mu_muB = 0"):
        mcgen.DipoleNucleusElastic(0.0)


def test_the_card_moment_is_refused(tmp_path):
    """[[interaction]] mu_muB = 1e-300 in the cr51_lxe card itself."""
    text = CARD.read_text(encoding="utf-8").replace("mu_muB = 4.9e-12", "mu_muB = 1e-300")
    card = tmp_path / "card.toml"
    card.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"interaction\.mu_muB = 1e-300: must be"):
        load_card(card, {"output": str(tmp_path / "x.root")})


def test_the_command_line_exits_with_2(tmp_path):
    """`mcgen run` with a changed catalogue entry: one line, exit code 2, no traceback."""
    geo = _entry_copy(tmp_path / "geometry", "response", {"window_obs_keV": [2.0, 1e308]})
    env = {**os.environ, "MCGEN_GEOMETRY": str(geo)}
    r = subprocess.run([sys.executable, "-m", "mcgen.cli", "run", str(CARD), "-n", "1e3", "-o",
                        str(tmp_path / "x.root")], capture_output=True, text=True, env=env,
                       timeout=300)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mcgen: error: "), r.stderr
    assert "window_obs_keV = [2.0, 1e+308]" in lines[0] and "1e+09" in lines[0]
    assert not (tmp_path / "x.root").exists()


# -- F7: the Python API -------------------------------------------------------------------
@pytest.fixture(scope="module")
def parts():
    src = mcgen.AtmosphericDipoleSource(10.0)
    det = mcgen.Detector("xe", mcgen.Material("Xe", 2.862), mcgen.Cylinder(123.6, 247.3),
                         threshold_keV=6.0, window_keV=[6.0, 30.0], exposure_kg_day=365250.0)
    return src, det, [mcgen.DipoleNucleusElastic(1e-5)]


@pytest.fixture(scope="module")
def generator(parts):
    return mcgen.Generator(*parts, seed=1)


@pytest.mark.parametrize("n", [math.nan, math.inf, -math.inf, -1, 1.5, 100.0, True, "abc",
                               None, [10]], ids=repr)
def test_run_refuses_bad_event_counts(generator, n):
    for call in (lambda: generator.run(n, None, progress=False),
                 lambda: generator.sample(n)):
        with pytest.raises(ConfigError, match=r"^run\.events = .*: must be a whole number"):
            call()


@pytest.mark.parametrize("chunk", [0, math.nan, 1.5, "abc"], ids=repr)
def test_run_refuses_bad_chunk_sizes(generator, chunk):
    with pytest.raises(ConfigError, match=r"^run\.chunk_events = "):
        generator.run(10, None, chunk_events=chunk, progress=False)


def test_run_still_runs(generator):
    """Valid arguments: a few events, the expected count in the summary."""
    summary = generator.run(200, None, progress=False, threads=1)
    assert summary.generated_events == 200
    assert summary.expected_events == generator.expected_events > 0
    assert generator.sample(0)["event"].size == 0


def _bad_arguments(parts):
    src, det, ints = parts
    return {
        "source=None": (lambda: mcgen.Generator(None, det, ints, seed=1), "source", "NoneType"),
        "source=str": (lambda: mcgen.Generator("cr51", det, ints, seed=1), "source", "str"),
        "source=Detector": (lambda: mcgen.Generator(det, det, ints, seed=1), "source",
                            "Detector"),
        "detector=str": (lambda: mcgen.Generator(src, "xenon100", ints, seed=1), "detector",
                         "str"),
        "detector=None": (lambda: mcgen.Generator(src, None, ints, seed=1), "detector",
                          "NoneType"),
        "detector=dict": (lambda: mcgen.Generator(src, {"name": "lxe_cr51"}, ints, seed=1),
                          "detector", "dict"),
        "interactions=[]": (lambda: mcgen.Generator(src, det, [], seed=1), "interactions",
                            "list"),
        "interactions=None": (lambda: mcgen.Generator(src, det, None, seed=1), "interactions",
                              "NoneType"),
        "interactions=str": (lambda: mcgen.Generator(src, det, "cevns", seed=1), "interactions",
                             "str"),
        "interactions=[None]": (lambda: mcgen.Generator(src, det, [ints[0], None], seed=1),
                                r"interactions\[1\]", "NoneType"),
        "interactions=[source]": (lambda: mcgen.Generator(src, det, [src], seed=1),
                                  r"interactions\[0\]", "AtmosphericDipoleSource"),
        "geometry=str": (lambda: mcgen.Generator(src, det, ints, seed=1, geometry="lab"),
                         "geometry", "str"),
        "site=str": (lambda: mcgen.Generator(src, det, ints, seed=1, site="gran_sasso"),
                     "site", "str"),
        "seed=nan": (lambda: mcgen.Generator(src, det, ints, seed=math.nan), r"run\.seed",
                     None),
    }


BAD_ARGUMENTS = list(_bad_arguments((None, None, [None])))


@pytest.mark.parametrize("case", BAD_ARGUMENTS)
def test_generator_refuses_wrong_types(parts, case):
    make, field, type_name = _bad_arguments(parts)[case]
    with pytest.raises(ConfigError, match=rf"^{field} = ") as exc:
        make()
    message = str(exc.value)
    assert "\n" not in message and "must be" in message, message
    if type_name is not None:
        assert f"(got {type_name})" in message, message


def test_generator_accepts_one_interaction_or_a_tuple(parts):
    src, det, ints = parts
    assert len(mcgen.Generator(src, det, ints[0], seed=1).interactions) == 1
    assert len(mcgen.Generator(src, det, tuple(ints), seed=1).interactions) == 1


def test_the_type_helpers_keep_messages_on_one_line():
    class Noisy:
        def __repr__(self):
            return "line one\nline two " + "x" * 500

    with pytest.raises(ConfigError) as exc:
        validation.instance_of("source", Noisy(), mcgen.Source)
    message = str(exc.value)
    assert "\n" not in message and len(message) < 200 and "(got Noisy)" in message
