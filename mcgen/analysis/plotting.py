"""Plots of histograms (matplotlib with the mplhep ROOT style; units on the axes).

Works without pyplot (a bare matplotlib Figure), so it needs no display and does not touch
the global matplotlib state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import hist
import numpy as np

from ..validation import fail

PLOT_FORMATS = (".png", ".pdf", ".svg", ".eps", ".jpg")
MAX_CATEGORIES = 6  # categories drawn one by one (the largest); the rest as "other"
LOG_DECADES = 6  # a log y axis shows this many decades below the largest value


def plot(hists: hist.Hist | Sequence[hist.Hist] | Mapping[str, hist.Hist],
         path: str | os.PathLike | None = None, *, density: bool = False, logy: bool = False,
         title: str | None = None):
    """Draw 1-D histograms (several: overlaid; a Hist with a first category axis: one line
    per category and their sum) or one 2-D histogram; save to `path` (.png, .pdf, .svg, ...)
    if given. density: divide by the bin widths (y in events per x unit). Returns the
    matplotlib Figure."""
    import matplotlib.style
    import mplhep
    from matplotlib.figure import Figure

    items = _items(hists)
    if path is not None and not str(path).lower().endswith(PLOT_FORMATS):
        fail("plot", str(path), f"a file name ending in one of {list(PLOT_FORMATS)}")
    with matplotlib.style.context(mplhep.style.ROOT):
        fig = Figure(figsize=(8, 6))
        ax = fig.add_subplot()
        first = items[0][1]
        if first.ndim == 2 and len(items) == 1:
            art = mplhep.hist2dplot(first, ax=ax, cbar=False)
            fig.colorbar(art.pcolormesh, ax=ax, label=_ylabel(first, False))
            ax.set_xlabel(first.axes[0].label or first.axes[0].name)
            ax.set_ylabel(first.axes[1].label or first.axes[1].name)
        else:
            top = 0.0
            for label, h in items:
                if h.ndim != 1:
                    fail("plot", f"a {h.ndim}-D histogram among others", "1-D histograms, or "
                         "one 2-D histogram")
                values, err = _scaled(h, density)
                top = max(top, float(np.max(values, initial=0.0)))
                total = label is not None and label.endswith("total")
                style = {"color": "k", "linewidth": 2.5} if total else {}
                mplhep.histplot(values, h.axes[0].edges, yerr=err, ax=ax, label=label, **style)
            axis = first.axes[0]
            ax.set_xlabel(axis.label or axis.name)
            ax.set_ylabel(_ylabel(first, density))
            if logy:
                ax.set_yscale("log")
                if top > 0:
                    ax.set_ylim(top * 10.0**-LOG_DECADES, top * 3.0)
            if any(label for label, _ in items):
                ax.legend(fontsize="small")
        if title:
            ax.set_title(title, fontsize="medium")
        if path is not None:
            fig.savefig(path, bbox_inches="tight")
    return fig


def _items(hists) -> list[tuple[str | None, hist.Hist]]:
    """(legend label, 1-D or 2-D Hist) pairs; a first category axis is split into its
    categories plus the sum."""
    if isinstance(hists, hist.Hist):
        pairs = [(None, hists)]
    elif isinstance(hists, Mapping):
        pairs = list(hists.items())
    elif isinstance(hists, Sequence) and hists:
        pairs = [(None, h) for h in hists]
    else:
        pairs = []
    if not pairs or not all(isinstance(h, hist.Hist) for _, h in pairs):
        fail("plot", type(hists).__name__, "a hist.Hist, a list or a dict of them")
    out = []
    for label, h in pairs:
        if isinstance(h.axes[0], (hist.axis.StrCategory, hist.axis.IntCategory)):
            out.append(("total" if label is None else f"{label}: total", h[sum, ...]))
            out += _categories(h)
        else:
            out.append((label, h))
    return out


def _categories(h: hist.Hist) -> list[tuple[str, hist.Hist]]:
    """The non-empty categories of h, largest first; beyond MAX_CATEGORIES summed as
    "other"."""
    parts = [(str(c), h[i, ...]) for i, c in enumerate(h.axes[0])]
    parts = sorted([p for p in parts if p[1].sum(flow=True).value != 0],
                   key=lambda p: -abs(p[1].sum(flow=True).value))
    if len(parts) <= MAX_CATEGORIES:
        return parts
    rest = parts[MAX_CATEGORIES - 1:]
    other = rest[0][1].copy()
    for _, r in rest[1:]:
        other += r
    return parts[:MAX_CATEGORIES - 1] + [(f"other ({len(rest)})", other)]


def _scaled(h: hist.Hist, density: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Values and errors (sqrt of the variances; none if all 0), per unit of x if density."""
    values = h.values()
    var = h.variances()
    err = np.sqrt(var) if var is not None and np.any(var > 0) else None
    if density:
        widths = h.axes[0].widths
        values = values / widths
        err = None if err is None else err / widths
    return values, err


def _ylabel(h: hist.Hist, density: bool) -> str:
    """"expected events / bin", or per x unit ("... / keV") with density."""
    what = h.label or "events"
    if not density:
        return f"{what} / bin"
    axis_label = h.axes[0].label or ""
    unit = axis_label[axis_label.rfind("[") + 1:-1] if axis_label.endswith("]") else "unit"
    return f"{what} / {unit}"


__all__ = ["PLOT_FORMATS", "plot"]
