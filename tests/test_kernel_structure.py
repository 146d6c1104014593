"""The event kernel's structure: named output rows derived from the one column table, grouped
kernel arguments built by the Plan, and small functions (radon rank C at most)."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import numpy as np
import pytest

import mcgen
from mcgen.catalog import load_card
from mcgen.sampling import kernels
from mcgen.sampling.columns import KERNEL_ROWS, NCOL, ROW, ROW_DECAY
from mcgen.sampling.vertex import GUIDE_PER_CELL
from mcgen.streams import block_rng

ROOT = Path(__file__).resolve().parents[1]
SAMPLING = ROOT / "mcgen" / "sampling"
CARDS = ["atmospheric_dipole_rock_xenon100.toml", "cr51_lxe.toml",
         "radiative_reactor_nucleus.toml"]  # rock, near source, decaying N


def test_every_kernel_row_has_one_named_constant():
    named = {k: v for k, v in vars(kernels).items() if k.startswith("R_")}
    assert all(isinstance(v, int) for v in named.values())
    assert sorted(named.values()) == list(range(NCOL)), "one R_* constant per kernel row"
    assert named["R_G_E"] == ROW_DECAY == ROW["g_E"]
    assert named["R_E_IN"] == ROW["E_in"] == KERNEL_ROWS.index("E_in")


def _row_subscripts(tree: ast.AST):
    """The first index of every out[...] subscript."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and node.value.id == "out"):
            idx = node.slice
            yield idx.elts[0] if isinstance(idx, ast.Tuple) else idx


def test_kernel_writes_rows_by_name_only():
    tree = ast.parse((SAMPLING / "kernels.py").read_text())
    rows = list(_row_subscripts(tree))
    assert rows, "the kernel writes out[row, k]"
    bare = [ast.unparse(r) for r in rows if any(isinstance(n, ast.Constant)
                                                 for n in ast.walk(r))]
    assert not bare, f"output rows by number instead of by name: {bare}"


def _generator(card: str) -> mcgen.Generator:
    c = load_card(ROOT / "macros" / card)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gen = mcgen.Generator(c.source, c.detector, c.interactions, seed=3, site=c.site)
        _ = gen.plan
    return gen


@pytest.mark.parametrize("card", CARDS)
def test_kernel_args_are_consistent_groups(card):
    gen = _generator(card)
    cells, chans, tenv, place, rock, sigma = gen.plan.kernel_args(0.5)
    assert isinstance(cells, kernels.Cells) and isinstance(chans, kernels.Channels)
    assert isinstance(tenv, kernels.TEnvelopes) and isinstance(place, kernels.Placement)
    assert isinstance(rock, kernels.Rock) and sigma == 0.5
    n_cells, n_chan = cells.cdf.size, len(gen.channels)
    assert n_cells > 0 and cells.guide.shape == (GUIDE_PER_CELL * n_cells,)
    assert cells.table.shape == (n_cells, kernels.CELL_SIZE)
    assert cells.chan.dtype == np.int64 and cells.chan.max() < n_chan
    assert np.all(np.diff(cells.cdf) >= 0)
    per_channel = [a for name, a in chans._asdict().items() if name not in ("spec_p", "osc_p")]
    assert all(a.shape[0] == n_chan for a in per_channel) and chans.osc_p.shape == (2,)
    # channels share the rows of their spectra (row spec_row[i] holds channel i's parameters)
    assert chans.spec_row.dtype == np.int64 and chans.spec_row.max() < chans.spec_p.shape[0]
    for i, ch in enumerate(gen.channels):
        params = np.asarray(ch.component.spectrum_params, dtype=np.float64)
        np.testing.assert_array_equal(chans.spec_p[chans.spec_row[i], :params.size], params)
    assert tenv.ln.shape[0] == tenv.n.size == n_chan and tenv.n.dtype == np.int64
    assert tenv.h.shape[0] == tenv.G.shape[0] >= n_chan  # rows of T bounds
    assert cells.row.dtype == np.int64 and cells.row.max() < tenv.h.shape[0]
    assert rock.on == (gen.site is not None)


@pytest.mark.parametrize("card", CARDS)
def test_direct_kernel_call_matches_the_generator(card):
    gen = _generator(card)
    n = 500
    # rows not written stay 0; a padded (non-contiguous) view, as the Generator passes it
    out, chan = np.zeros((NCOL, n + 1))[:, :n], np.empty(n, np.int64)
    trials, bad = kernels.sample_events(block_rng(gen.seed, 0), n, *gen.plan.kernel_args(
        gen.detector.vertex_resolution_mm * mcgen.constants.mm), out, chan)
    assert trials >= n and bad == 0
    ref_out, ref_chan = np.zeros((NCOL, n + 1))[:, :n], np.empty(n, np.int64)
    gen._fill_block(0, ref_out, ref_chan)
    np.testing.assert_array_equal(chan, ref_chan)
    np.testing.assert_array_equal(out, ref_out)  # NaN rows compare equal
    # kinematics by name: momentum conservation of the rows the kernel writes
    E, T = out[kernels.R_E_IN], out[kernels.R_T]
    np.testing.assert_allclose(out[kernels.R_E_OUT], E - T)
    assert np.all(np.isfinite(out[kernels.R_PX_REC]))


def test_no_function_above_radon_rank_c():
    from radon import complexity as cc

    files = sorted((ROOT / "mcgen").rglob("*.py"))  # the whole package
    worst = [(f.name, b.name, b.complexity) for f in files
             for b in cc.cc_visit(f.read_text()) for b in [b, *getattr(b, "methods", [])]
             if cc.cc_rank(b.complexity) > "C"]
    assert not worst, f"functions above radon rank C: {worst}"


def test_the_kernel_is_compiled_for_one_array_layout():
    """Chunks of one block and of several hand the kernel the same kind of view, so a cold
    cache compiles it once (each specialisation costs ~10 s), and --jobs workers load it."""
    gen = _generator(CARDS[0])
    gen.sample(1000)  # one block in the chunk
    for _ in gen.iter_chunks(40_000, chunk_events=65_536):  # two blocks in the chunk
        pass
    layouts = {sig[-2].layout for sig in kernels.sample_events.signatures}
    assert layouts == {"A"}, layouts
