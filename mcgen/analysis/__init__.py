"""From events to physics results.

- `mcgen.analysis.spectra`: expected spectra WITHOUT events, by quadrature of the rate
  (dR/dT, dR/dE_vis, dR/dE_obs per bin, per channel or summed), and background spectra;
- `mcgen.analysis.histograms`: histograms of event files (chunked uproot reads) or of
  Generator.sample dicts, and ROOT TH1D/TH2D output;
- `mcgen.analysis.plotting`: plots (matplotlib with the mplhep style);
- `mcgen.analysis.reweight`, `mcgen.analysis.stats`: per-event reweighting and binned
  statistics.

Histograms are scikit-hep ``hist.Hist`` objects with Weight storage (value: expected events
per bin; variance: sum of squared weights, 0 for quadrature spectra). The names below are
imported on first use (this package's import stays light).
"""

from __future__ import annotations

import importlib

_PUBLIC = {
    "expected_spectrum": "spectra", "expected_counts": "spectra",
    "background_spectrum": "spectra", "as_generator": "spectra", "VARIABLES": "spectra",
    "histogram": "histograms", "write_root": "histograms", "read_root": "histograms",
    "plot": "plotting",
}


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(importlib.import_module(f"{__name__}.{_PUBLIC[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_PUBLIC)
