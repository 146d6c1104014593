"""README.md, `mcgen list` and the registries agree: the tables of processes and source kinds,
the catalogue lists and the registries' names are the same sets, so none can drift."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from mcgen import catalog
from mcgen.cli import main
from mcgen.detectors.response import RESPONSES
from mcgen.interactions import PROCESSES
from mcgen.output import WRITERS
from mcgen.sources import SOURCE_KINDS

README = (ROOT / "README.md").read_text()


def _builtin(registry) -> dict:
    """The entries mcgen itself defines (tests may register toys of their own)."""
    return {n: c for n, c in registry.items() if c.__module__.startswith("mcgen.")}


def _table_rows(first_header: str) -> list[list[str]]:
    """Cells (backticks stripped) of the README table whose header starts with first_header."""
    lines = README.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(f"| {first_header} |"))
    rows = []
    for ln in lines[start + 2:]:
        if not ln.startswith("|"):
            break
        rows.append([c.strip().strip("`") for c in ln.strip("|").split("|")])
    return rows


def _listed(label: str) -> list[str]:
    """The `names` listed after "label: " up to the end of that sentence or a parenthesis."""
    text = README.split(f"{label}: ", 1)[1]
    return re.findall(r"`(\w+)`", re.split(r"\.\s| \(", text, maxsplit=1)[0])


def test_readme_process_table_is_the_registry():
    rows = {r[0]: (r[1], int(r[2])) for r in _table_rows("process")}
    assert rows == {n: (c.__name__, c.code) for n, c in _builtin(PROCESSES).items()}


def test_readme_source_kind_table_is_the_registry():
    rows = {r[0]: r[1] for r in _table_rows("kind")}
    assert rows == {n: c.__name__ for n, c in _builtin(SOURCE_KINDS).items()}


@pytest.mark.parametrize("label,kind", [("Catalogue sources", "sources"),
                                        ("Catalogue detectors", "detectors"),
                                        ("Catalogue sites", "sites")])
def test_readme_catalogue_lists_are_the_catalogue(label, kind):
    assert sorted(_listed(label)) == catalog.names()[kind]


def test_readme_names_response_models_and_output_formats():
    assert sorted(_listed("Response models")) == RESPONSES.names()
    assert sorted(_listed("Output formats")) == WRITERS.names()


def test_mcgen_list_is_the_registries(capsys):
    assert main(["list"]) == 0
    shown = {k: v.split(", ") if v else [] for k, v in
             (ln.split(": ", 1) for ln in capsys.readouterr().out.splitlines())}
    assert shown == catalog.names()
    assert shown["processes"] == PROCESSES.names()
    assert shown["source kinds"] == SOURCE_KINDS.names()
    assert shown["response models"] == RESPONSES.names()
    assert shown["output formats"] == WRITERS.names()
