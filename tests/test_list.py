"""`mcgen list` is light (no numba, numpy or physics import) and lists what the registries
hold: its names, read from mcgen's source, equal those of the imported registries."""

from __future__ import annotations

import json
import subprocess
import sys

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
