"""Packaging, the slow test of the suite (about 30 s here, up to a minute or two with a cold
pip cache; most of it numba compiling in a fresh install): the wheel built from this checkout
carries the catalogue (geometry/) and the run cards (macros/), and once installed into a new
venv it finds them through importlib.resources, from a directory that is not the checkout:

    build the wheel (pip wheel, from a copy of the working tree, so the checkout gets no build/)
    -> python -m venv --system-site-packages (numpy, numba, uproot come from this environment)
    -> pip install --no-deps --force-reinstall the wheel
    -> from an empty directory: import mcgen (the venv's copy, not the editable checkout),
       mcgen list, mcgen run <card name> and mcgen run <packaged card path>.

A few fast checks of mcgen.resources in this environment come first.

The editable install of this environment stays visible in the venv (its .pth file is in the
system site-packages), but setuptools' editable finder is appended to sys.meta_path, after
the path-based finder, so the venv's site-packages, earlier on sys.path, wins.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import uproot

from mcgen import resources
from mcgen.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
CARD = "atmospheric_dipole_xenon100"
# variables that would point the installed copy back at the checkout, or elsewhere
DROPPED_ENV = ("MCGEN_GEOMETRY", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE",
               "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV", "PIP_TARGET", "PIP_PREFIX", "PIP_USER")


def test_find_card_by_path_or_packaged_name(tmp_path, monkeypatch):
    mine = tmp_path / "mine.toml"
    mine.write_text("")
    assert resources.find_card(str(mine)) == mine
    monkeypatch.chdir(tmp_path)  # no macros/ here: names resolve to the packaged cards
    assert resources.find_card("mine.toml") == Path("mine.toml")
    packaged = resources.find_card(CARD)
    assert packaged.is_file() and packaged.name == f"{CARD}.toml"
    for name in (f"{CARD}.toml", f"macros/{CARD}.toml"):
        assert resources.find_card(name) == packaged
    assert resources.packaged_cards() == sorted(p.stem for p in (ROOT / "macros").glob("*.toml"))
    for bad in ("no_such_card", "elsewhere/" + CARD, str(tmp_path / f"macros/{CARD}.toml")):
        with pytest.raises(ConfigError) as err:
            resources.find_card(bad)
        assert str(err.value).startswith(f"run card {bad!r}: not found; packaged cards are [")
        assert repr(CARD) in str(err.value)


def test_catalogue_dirs_env_first_then_packaged(tmp_path, monkeypatch):
    monkeypatch.setenv("MCGEN_GEOMETRY", os.pathsep.join([str(tmp_path), "", str(tmp_path / "no")]))
    *env, packaged = resources.catalogue_dirs()
    assert env == [tmp_path]
    assert (packaged / "detectors" / "xenon100.toml").is_file()
    monkeypatch.delenv("MCGEN_GEOMETRY")
    assert resources.catalogue_dirs() == [packaged]


def test_resources_imports_nothing_heavy():
    tree = ast.parse(Path(resources.__file__).read_text())
    imported = {n.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for n in node.names}
    imported |= {"." * node.level + (node.module or "") for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "os", "importlib.resources", "pathlib", ".errors"}, imported


def _run(cmd: list, cwd: Path, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=timeout)
    assert r.returncode == 0, f"{cmd}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    return r


def _offline_build_flags(env: dict) -> list[str]:
    """--no-build-isolation where this environment's setuptools can make a wheel by itself
    (bdist_wheel: setuptools >= 70.1, or an older one with the `wheel` package); otherwise pip
    fetches the build backend named in pyproject.toml into an isolated build environment."""
    probe = ("from setuptools.dist import Distribution; "
             "Distribution().get_command_class('bdist_wheel')")
    r = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True)
    return ["--no-build-isolation"] if r.returncode == 0 else []


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv, work directory, environment) with the wheel of this checkout installed."""
    tmp = tmp_path_factory.mktemp("packaging")
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env.update(PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               NUMBA_CACHE_DIR=str(tmp / "numba-cache"))  # keep ~/.cache free of this venv

    src = tmp / "src"  # the working tree as it is, symlinks kept, no build products
    shutil.copytree(ROOT, src, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "*.root*",
        "out"))
    wheels = tmp / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", src, "--no-deps", *_offline_build_flags(env),
          "-w", wheels], tmp, env)
    (wheel,) = wheels.glob("mcgen-*.whl")

    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", venv], tmp, env)
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "--no-deps", "--force-reinstall", wheel], tmp, env)
    work = tmp / "work"
    work.mkdir()
    return venv.resolve(), wheel, work, env


def test_wheel_carries_the_catalogue_and_run_cards(installed):
    _, wheel, _, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    catalogue = {f"mcgen/_share/geometry/{p.relative_to(ROOT / 'geometry').as_posix()}"
                 for p in (ROOT / "geometry").glob("*/*.toml")}
    cards = {f"mcgen/_share/macros/{p.name}" for p in (ROOT / "macros").glob("*.toml")}
    assert "mcgen/_share/geometry/detectors/xenon100.toml" in catalogue
    assert f"mcgen/_share/macros/{CARD}.toml" in cards
    assert catalogue | cards <= names, sorted((catalogue | cards) - names)
    # everything inside the package: no <prefix>/share/mcgen data files any more
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"mcgen"}, tops


def test_the_venv_imports_its_own_copy(installed):
    venv, _, work, env = installed
    code = ("import json, mcgen, mcgen.resources as r; print(json.dumps({"
            "'file': mcgen.__file__, 'dirs': [str(d) for d in r.catalogue_dirs()], "
            f"'card': str(r.find_card('{CARD}')), 'cards': r.packaged_cards()}}))")
    r = _run([venv / "bin" / "python", "-c", code], work, env)
    found = json.loads(r.stdout.strip().splitlines()[-1])
    assert Path(found["file"]).resolve().is_relative_to(venv), found["file"]
    assert not Path(found["file"]).resolve().is_relative_to(ROOT)
    assert [Path(d).is_relative_to(venv) for d in found["dirs"]] == [True], found["dirs"]
    assert Path(found["card"]).is_relative_to(venv) and Path(found["card"]).is_file()
    assert CARD in found["cards"]


def test_mcgen_list_shows_the_packaged_catalogue(installed):
    venv, _, work, env = installed
    out = _run([venv / "bin" / "mcgen", "list"], work, env).stdout
    detectors = next(line for line in out.splitlines() if line.startswith("detectors:"))
    for name in ("xenon100", "cdms_si", "nucleus_cawo4"):
        assert name in detectors, out
    assert "atmospheric_dipole" in out and "lngs" in out


@pytest.mark.parametrize("how", ["name", "packaged path"])
def test_mcgen_run_from_any_directory(installed, how):
    venv, _, work, env = installed
    card = CARD
    if how == "packaged path":
        card = next((venv / "lib").glob(f"python*/site-packages/mcgen/_share/macros/{CARD}.toml"))
    out = work / f"out_{how.replace(' ', '_')}.root"
    r = _run([venv / "bin" / "mcgen", "run", card, "-n", "1000", "-o", out.name, "-q"], work, env)
    assert "generated events  : 1000" in r.stdout, r.stdout
    assert out.is_file()
    with uproot.open(out) as f:
        assert f["events"].num_entries == 1000
    assert not list(work.glob("*.part*"))
