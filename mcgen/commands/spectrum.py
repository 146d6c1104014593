"""`mcgen spectrum CARD`: the expected spectrum of a run card by quadrature (no events)."""

from __future__ import annotations

HELP = "expected spectrum of a run card (quadrature, no events)"

VARIABLES = ("T", "E_vis", "E_obs")
GROUPS = ("channel", "process", "component", "target")
ROWS_SHOWN = 24  # longer tables show their first and last rows


def add_binning(p) -> None:
    """--bins, --range, --edges (shared with `mcgen hist`)."""
    p.add_argument("--bins", metavar="N", help="number of equal bins (default 50)")
    p.add_argument("--range", nargs="+", metavar="X", help="LO HI of the bins (default: "
                   "the whole range); for two branches LO HI LO2 HI2")
    p.add_argument("--edges", nargs="+", metavar="X", help="bin edges instead of --bins "
                   "and --range")


def binning(args, dims: int = 1) -> tuple:
    """(bins, range) for the analysis functions from --bins/--range/--edges; ConfigError for
    bad values."""
    from ..errors import ConfigError

    def numbers(field, texts):
        try:
            return [float(t) for t in texts]
        except ValueError:
            raise ConfigError(f"--{field} = {' '.join(texts)!r}: must be numbers") from None

    if args.edges is not None:
        if args.bins is not None or args.range is not None:
            raise ConfigError(f"--edges = {' '.join(args.edges)!r}: give either --edges or "
                              "--bins/--range, not both")
        if dims != 1:
            raise ConfigError("--edges: only for one branch; give --bins and --range")
        return numbers("edges", args.edges), None
    bins = 50
    if args.bins is not None:
        try:
            bins = int(args.bins)
        except ValueError:
            raise ConfigError(f"--bins = {args.bins!r}: must be a whole number of bins "
                              ">= 1") from None
    rng = None
    if args.range is not None:
        vals = numbers("range", args.range)
        if len(vals) != 2 * dims:
            raise ConfigError(f"--range = {' '.join(args.range)!r}: must be LO HI"
                              + (" LO2 HI2 (two branches)" if dims == 2 else ""))
        rng = vals if dims == 1 else (vals[:2], vals[2:])
    return bins, rng


def add_arguments(p) -> None:
    p.description = ("Expected spectrum of a run card by quadrature of the rate (no events): "
                     "expected events per bin of the recoil energy T [keV], the visible "
                     "energy E_vis (quenched, keVee) or the observed energy E_obs (resolution, "
                     "efficiency, observed window) in the detector's exposure.")
    p.add_argument("card", help="run card: a TOML file or the name of a packaged card")
    p.add_argument("--variable", default="T", help="T (default), E_vis or E_obs")
    add_binning(p)
    p.add_argument("--by", help="also per channel, process, component or target")
    p.add_argument("-o", "--output", help="ROOT file to write the TH1D to (spectrum_VARIABLE; "
                   "added to an existing file)")
    p.add_argument("--plot", help="plot file (.png, .pdf, .svg)")
    p.add_argument("--density", action="store_true", help="plot events per keV")
    p.add_argument("--logy", action="store_true", help="logarithmic y axis in the plot")


def print_table(h, title: str) -> None:
    """The bins of a 1-D Hist: low, high, value (+- error when there are variances)."""
    axis = h.axes[0]
    values, var = h.values(), h.variances()
    errors = var is not None and bool((var > 0).any())
    print(f"{axis.label or axis.name:>24s}   {title}")
    rows = list(range(len(values)))
    if len(rows) > ROWS_SHOWN:
        half = ROWS_SHOWN // 2
        rows = rows[:half] + [None] + rows[-half:]
    for i in rows:
        if i is None:
            print(f"{'...':>24s}")
            continue
        lo, hi = axis.edges[i], axis.edges[i + 1]
        err = f" +- {var[i] ** 0.5:.4g}" if errors else ""
        print(f"  [{lo:10.5g}, {hi:10.5g})   {values[i]:.6g}{err}")


def main(args) -> int:
    from ..analysis.spectra import as_generator, expected_spectrum
    from ..errors import ConfigError
    from ..resources import find_card

    if args.variable not in VARIABLES:
        raise ConfigError(f"--variable = {args.variable!r}: allowed are {list(VARIABLES)}")
    if args.by is not None and args.by not in GROUPS:
        raise ConfigError(f"--by = {args.by!r}: allowed are {list(GROUPS)}")
    _check_outputs(args.output, args.plot)
    bins, rng = binning(args)
    gen = as_generator(find_card(args.card))
    edges = bins if isinstance(bins, list) else None
    h = expected_spectrum(gen, args.variable, edges, bins=50 if edges else bins,
                          range_keV=rng, by=args.by)
    total = h[sum, ...] if args.by else h
    print(f"mcgen spectrum: {args.card} ({args.variable}, quadrature)")
    print(f"expected events   : {gen.expected_events:.6g} (rate quadrature, whole window)")
    inside = total.sum().value
    flows = total.sum(flow=True).value
    what = "accepted, " if args.variable == "E_obs" and gen.detector.observed.active else ""
    print(f"in the bins       : {inside:.6g} ({what}{flows - inside:.4g} outside them)")
    print_table(total, "expected events")
    if args.by:
        sums = [(str(c), h[i, ...].sum(flow=True).value) for i, c in enumerate(h.axes[0])]
        empty = sum(1 for _, v in sums if v == 0)
        print(f"by {args.by}" + (f" ({empty} with no events not shown)" if empty else "") + ":")
        for label, value in sums:
            if value != 0:
                print(f"  {label}: {value:.6g}")
    if args.output:
        from ..analysis.histograms import write_root
        key = f"spectrum_{args.variable}"
        write_root(args.output, {key: h})
        print(f"written           : {args.output}:{key}")
    if args.plot:
        from ..analysis.plotting import plot
        plot(h, args.plot, density=args.density, logy=args.logy,
             title=f"{gen.detector.name}: expected spectrum")
        print(f"plot              : {args.plot}")
    return 0


def _check_outputs(output, plot) -> None:
    """Output names checked before any work: a .root file and a plot format."""
    from ..errors import ConfigError

    if output is not None and not output.endswith(".root"):
        raise ConfigError(f"--output = {output!r}: must be a .root file")
    formats = (".png", ".pdf", ".svg", ".eps", ".jpg")
    if plot is not None and not plot.lower().endswith(formats):
        raise ConfigError(f"--plot = {plot!r}: must end in one of {list(formats)}")
