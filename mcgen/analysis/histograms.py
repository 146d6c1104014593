"""Histograms of events (ROOT files read in chunks, or Generator.sample dicts) and ROOT output.

`histogram` fills a scikit-hep ``hist.Hist`` (Weight storage: value = sum of weights, variance
= sum of squared weights) from the `events` tree with ``uproot.iterate``, one chunk at a time
(``step_size``), so memory stays flat however large the file. `write_root` writes Hist objects
as TH1D/TH2D, next to the `events` tree of an existing file or into a new one; `read_root`
reads them back as Hist objects.
"""

from __future__ import annotations

import ast
import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import hist
import numpy as np
import uproot

from ..errors import ConfigError
from ..sampling.columns import COLUMNS
from ..validation import fail, strictly_increasing, whole_number

TREE = "events"
STEP_SIZE = "100 MB"
MAX_BINS = 1_000_000
_UNITS = {c.name: c.unit for c in COLUMNS}


def axis_label(branch: str) -> str:
    """Axis label with the unit: "T_recoil_keV" -> "T_recoil [keV]" (unit from the output
    column table, else from the name's suffix)."""
    unit = _UNITS.get(branch)
    if unit and branch.endswith("_" + unit):
        return f"{branch[:-len(unit) - 1]} [{unit}]"
    if unit and unit not in ("1", "events"):
        return f"{branch} [{unit}]"
    return branch


def histogram(events, branch: str | Sequence[str], bins=50, range=None, *,
              weight: str | None = "weight", selection: str | Callable | None = None,
              tree: str = TREE, step_size: int | str = STEP_SIZE) -> hist.Hist:
    """Histogram of one branch (or two: a 2-D histogram) of `events`: a ROOT file's path (its
    `tree`, read in chunks of `step_size` entries or bytes, e.g. "100 MB") or a dict of arrays
    (Generator.sample).

    bins: a number of equal bins over `range` = (lo, hi) (default: the branch's min and max,
    one extra pass over the file), or a sequence of edges; for 2-D, one such per branch:
    ``bins=(50, [0, 1, 2])``, ``range=((0, 10), None)``. weight: a branch (default "weight":
    expected events) or None / "none" (counts). selection: a boolean branch (e.g.
    "accepted"), an expression of branches evaluated with numpy (e.g. "accepted &
    (E_obs_keV > 2)"), or a function of the chunk's dict returning a mask.
    Weight storage: value = sum w, variance = sum w^2 (Poisson for unweighted counts)."""
    names = [branch] if isinstance(branch, str) else list(branch)
    if not 1 <= len(names) <= 2 or not all(isinstance(n, str) for n in names):
        fail("branch", branch, "a branch name, or two for a 2-D histogram")
    weight = None if weight in (None, "none") else weight
    source = _Source(events, tree, step_size)
    needed = list(dict.fromkeys(names + ([weight] if weight else []) + _selection_names(
        selection, source.keys)))
    source.check(needed)
    per_axis = _per_axis(bins, range, len(names))
    axes = [_axis(source, n, b, r, selection) for n, (b, r) in zip(names, per_axis)]
    h = hist.Hist(*axes, storage=hist.storage.Weight(),
                  label=_content_label(weight))
    for chunk in source.chunks(needed):
        mask = _mask(selection, chunk)
        data = [np.asarray(chunk[n])[mask] for n in names]
        w = None if weight is None else np.asarray(chunk[weight], float)[mask]
        h.fill(*data, weight=w)
    return h


def write_root(path: str | os.PathLike, hists: Mapping[str, hist.Hist]) -> None:
    """Write Hist objects as TH1D/TH2D under their keys: into the existing ROOT file `path`
    (next to its events tree; an object of the same name is replaced) or a new file. A Hist
    with a first category axis (expected_spectrum(..., by=...)) becomes one histogram per
    category, "KEY_by_AXIS/CATEGORY" (AXIS: the category axis' name, e.g. channel), plus the
    sum over categories "KEY"."""
    path = Path(path)
    if not isinstance(hists, Mapping) or not hists:
        fail("hists", hists, "a dict {name: hist.Hist}")
    objects = {}
    for key, h in hists.items():
        if not isinstance(key, str) or not key or not isinstance(h, hist.Hist):
            fail("hists", {key: type(h).__name__}, "a dict {name: hist.Hist}")
        objects.update(_writable(key, h))
    if path.exists():
        try:
            f = uproot.update(path)
        except Exception as exc:  # uproot's errors for a non-ROOT file vary
            raise ConfigError(f"output {str(path)!r}: exists and is not a ROOT file that can "
                              f"be updated ({type(exc).__name__})") from None
        with f:
            present = {k.split(";")[0] for k in f.keys(recursive=True)}
            for key, obj in objects.items():
                if key in present:
                    del f[key]  # replace, not a new cycle
                f[key] = obj
    else:
        with uproot.recreate(path) as f:
            for key, obj in objects.items():
                f[key] = obj


def read_root(path: str | os.PathLike, key: str) -> hist.Hist:
    """A TH1/TH2 of a ROOT file as a Hist (values and variances, flow bins included)."""
    f = _open(path)
    with f:
        if key not in f:
            names = [k.split(";")[0] for k, c in f.classnames(recursive=True).items()
                     if c.startswith("TH")]
            raise ConfigError(f"histogram {key!r}: not in {str(path)!r}; histograms are "
                              f"{sorted(set(names))}")
        return f[key].to_hist()


# -- helpers ------------------------------------------------------------------------------------
def _content_label(weight: str | None) -> str:
    """What a bin holds: entries, expected events (mcgen's weight) or a sum of a branch."""
    if weight is None:
        return "entries"
    return "expected events" if weight == "weight" else f"sum of {weight}"


class _Source:
    """The events: a ROOT file's tree (read in chunks) or a dict of arrays."""

    def __init__(self, events, tree: str, step_size):
        self.step_size = step_size
        if isinstance(events, Mapping):
            self.dict, self.path, self.keys = events, None, list(events)
            return
        if not isinstance(events, (str, os.PathLike)):
            fail("events", events, "a ROOT file's path or a dict of arrays")
        self.dict, self.path = None, str(events)
        with _open(events) as f:
            if tree not in f or not f.classname_of(tree).startswith("TTree"):
                trees = [k.split(";")[0] for k, c in f.classnames().items()
                         if c.startswith("TTree")]
                raise ConfigError(f"tree {tree!r}: not in {self.path!r}; trees are {trees}")
            self.tree = tree
            self.keys = list(f[tree].keys())

    def check(self, names: list[str]) -> None:
        for n in names:
            if n not in self.keys:
                raise ConfigError(f"branch {n!r}: not in {self._where()}; branches are "
                                  f"{self.keys}")

    def _where(self) -> str:
        return "the events" if self.path is None else f"{self.path!r}:{self.tree}"

    def chunks(self, names: list[str]):
        if self.dict is not None:
            yield {n: np.asarray(self.dict[n]) for n in names}
            return
        yield from uproot.iterate(f"{self.path}:{self.tree}", names, library="np",
                                  step_size=self.step_size)


def _open(path):
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"file {str(path)!r}: not found (a ROOT file written by mcgen run)")
    try:
        return uproot.open(p)
    except Exception as exc:  # uproot raises several kinds for a non-ROOT file
        raise ConfigError(f"file {str(path)!r}: not a ROOT file ({type(exc).__name__})") \
            from None


def _per_axis(bins, range, n: int) -> list:
    """[(bins, range)] per axis."""
    if n == 1:
        return [(bins, range)]
    b = bins if isinstance(bins, (list, tuple)) and len(bins) == 2 and not _is_edges(bins) \
        else (bins, bins)
    r = range if range is not None else (None, None)
    if not (isinstance(r, (list, tuple)) and len(r) == 2 and all(
            x is None or isinstance(x, (list, tuple, np.ndarray)) for x in r)):
        fail("range", range, "one (low, high) or None per branch for a 2-D histogram")
    return list(zip(b, r))


def _is_edges(bins) -> bool:
    """Whether a 2-element sequence is itself a list of numbers (edges), not one spec per axis."""
    return all(isinstance(x, (int, float, np.number)) and not isinstance(x, bool) for x in bins) \
        and any(isinstance(x, float) for x in bins)


def _axis(source: _Source, name: str, bins, range, selection):
    """A Regular axis (a number of bins over range) or a Variable one (edges) for a branch."""
    label = axis_label(name)
    if isinstance(bins, (list, tuple, np.ndarray)):
        if range is not None:
            raise ConfigError(f"range = {range!r}: give either bin edges or a range, not both")
        edges = strictly_increasing(f"bins ({name})", np.ravel(bins).tolist(), min_size=2,
                                    allowed="a number of bins or >= 2 increasing finite edges")
        return hist.axis.Variable(edges, name=name, label=label)
    whole_number(f"bins ({name})", bins, 1, high=MAX_BINS)
    if range is None:
        lo, hi = _min_max(source, name, selection)
    else:
        vals = np.ravel(range).tolist() if isinstance(range, (list, tuple, np.ndarray)) else None
        if not vals or len(vals) != 2:
            fail(f"range ({name})", range, "(low, high)")
        lo, hi = strictly_increasing(f"range ({name})", vals, min_size=2,
                                     allowed="(low, high) with low < high, finite")
    return hist.axis.Regular(int(bins), lo, hi, name=name, label=label)


def _min_max(source: _Source, name: str, selection) -> tuple[float, float]:
    """The branch's finite min and max (one pass), widened so that the max is inside."""
    lo, hi = math.inf, -math.inf
    needed = list(dict.fromkeys([name] + _selection_names(selection, source.keys)))
    for chunk in source.chunks(needed):
        x = np.asarray(chunk[name], float)[_mask(selection, chunk)]
        x = x[np.isfinite(x)]
        if x.size:
            lo, hi = min(lo, float(x.min())), max(hi, float(x.max()))
    if not lo <= hi:
        raise ConfigError(f"branch {name!r}: no finite values to choose a range from; give "
                          "range")
    if hi == lo:
        return lo - 0.5, hi + 0.5
    return lo, float(np.nextafter(hi, math.inf)) + 1e-12 * (hi - lo)


def _selection_names(selection, keys) -> list[str]:
    """The branches a selection expression uses."""
    if selection is None or callable(selection):
        return []
    if not isinstance(selection, str):
        fail("selection", selection, "a branch name, an expression of branches or a function")
    try:
        tree = ast.parse(selection, mode="eval")
    except SyntaxError:
        fail("selection", selection, "a Python expression of branches, e.g. "
             "\"accepted & (E_obs_keV > 2)\"")
    names = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
    unknown = [n for n in names if n not in keys and n != "np"]
    if unknown:
        raise ConfigError(f"selection {selection!r}: {unknown[0]!r} is not a branch; "
                          f"branches are {list(keys)}")
    return [n for n in names if n in keys]


def _mask(selection, chunk) -> np.ndarray | slice:
    if selection is None:
        return slice(None)
    if callable(selection):
        mask = selection(chunk)
    else:
        mask = eval(compile(selection, "<selection>", "eval"),  # noqa: S307 (user's own cut)
                    {"__builtins__": {}, "np": np}, dict(chunk))
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise ConfigError(f"selection {selection!r}: gives {mask.dtype} values, not a "
                          "boolean mask")
    return mask


def _writable(key: str, h: hist.Hist) -> dict:
    """{ROOT key: Hist} for one Hist: itself, or its categories and their sum."""
    cats = [a for a in h.axes if isinstance(a, (hist.axis.StrCategory, hist.axis.IntCategory))]
    if not cats:
        return {key: h}
    if len(cats) > 1 or h.axes[0] is not cats[0] or h.ndim > 3:
        fail(f"hists[{key!r}]", "axes " + ", ".join(type(a).__name__ for a in h.axes),
             "numeric axes, optionally after one first category axis")
    cat = h.axes[0]
    out = {key: h[sum, ...]}
    folder = f"{key}_by_{_safe(cat.name or 'category')}"
    for i, c in enumerate(cat):
        out[f"{folder}/{_safe(str(c))}"] = h[i, ...]
    return out


def _safe(name: str) -> str:
    """A ROOT key from a category label (no '/', ';', ':' or spaces)."""
    return "".join(ch if ch.isalnum() or ch in "_-+." else "_" for ch in name)


__all__ = ["axis_label", "histogram", "read_root", "write_root"]
