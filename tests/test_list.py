"""`mcgen list` is light (no numba, numpy or physics import) and lists what the registries
hold: its names, read from mcgen's source, equal those of the imported registries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mcgen.commands import list as list_command


def test_light_listing_equals_the_registries():
    # in a fresh interpreter: the registries hold mcgen's own classes only (other tests of
    # this session define toy processes and sources)
    code = ("import json; from mcgen.catalog import names; "
            "from mcgen.commands.list import names as light; "
            "print(json.dumps([light(), names()]))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    light, full = json.loads(p.stdout)
    assert list(light) == list(full)  # the same kinds, in the same order
    for kind in full:
        assert light[kind] == full[kind], kind


def test_mcgen_list_imports_no_numba():
    code = ("import sys; from mcgen.cli import main; main(['list']); "
            "heavy = [m for m in ('numba', 'numpy', 'scipy', 'uproot') if m in sys.modules]; "
            "assert not heavy, heavy")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "processes: " in p.stdout and "cevns" in p.stdout


def test_a_derived_class_without_a_name_is_not_listed():
    # abstract intermediates (e.g. interactions.upscattering._Upscatter) register nothing
    assert "_Upscatter" not in list_command.registered("interactions/*.py", "Interaction")
    assert list_command.registered("interactions/*.py", "NoSuchBase") == []


def test_writer_extensions_read_from_the_source_are_the_registry_s():
    code = ("import json; from mcgen.commands.list import writer_extensions; "
            "import mcgen.io.root, mcgen.io.hepmc; from mcgen.output import WRITERS; "
            "print(json.dumps([writer_extensions(), "
            "{n: list(WRITERS[n].extensions) for n in WRITERS}]))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    light, full = json.loads(p.stdout)
    assert light == full and full["root"] == [".root"]


@pytest.mark.parametrize("args,message", [
    (["run", "atmospheric_dipole_xenon100", "-n", "abc"], "is not a number of events"),
    (["run", "atmospheric_dipole_xenon100", "-o", "x.txt"], "must end in .root"),
    (["run", "atmospheric_dipole_xenon100", "-o", "/no/such/dir/x.root"], "does not exist"),
    (["run", "atmospheric_dipole_xenon100", "--format", "nope", "-o", "x.root"],
     "run.format = 'nope': allowed are"),
    (["run", "no_such_card"], "not found"),
    (["merge", "no_such_dir", "-o", "m.root"], "not found"),
    (["hist", "no_such_file.root", "T_recoil_keV"], "not found"),
])
def test_argument_and_path_errors_import_no_numba(args, message):
    """Errors found from the command line alone answer at once: one line, no numba, numpy,
    scipy or uproot imported (the issue's < 0.5 s)."""
    code = ("import sys; from mcgen.cli import main; code = main(sys.argv[1:]); "
            "heavy = [m for m in ('numba', 'numpy', 'scipy', 'uproot') if m in sys.modules]; "
            "assert not heavy, heavy; sys.exit(code)")
    p = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith("mcgen: error: ") and p.stderr.count("\n") == 1, p.stderr
    assert message in p.stderr
