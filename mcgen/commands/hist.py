"""`mcgen hist FILE BRANCH`: a histogram of an events file (read in chunks)."""

from __future__ import annotations

from .spectrum import _check_outputs, add_binning, binning, print_table

HELP = "histogram a branch of an events file (ROOT TH1D, plot)"


def add_arguments(p) -> None:
    p.description = ("Histogram one branch (or two: 2-D) of the events tree of a ROOT file, "
                     "read in chunks, weighted by the expected events per event (`weight`) "
                     "unless --weight none; errors from the sum of squared weights.")
    p.add_argument("file", help="ROOT file written by mcgen run")
    p.add_argument("branch", nargs="+", help="branch name(s), e.g. T_recoil_keV (two: 2-D)")
    add_binning(p)
    p.add_argument("--weight", default="weight", help="weight branch (default weight), or "
                   "none")
    p.add_argument("--selection", help="a boolean branch or expression, e.g. "
                   "'accepted & (E_obs_keV > 2)'")
    p.add_argument("--tree", default="events", help="tree name (default events)")
    p.add_argument("-o", "--output", help="ROOT file for the TH1D/TH2D (h_BRANCH); may be "
                   "FILE itself (written next to the events tree)")
    p.add_argument("--plot", help="plot file (.png, .pdf, .svg)")
    p.add_argument("--density", action="store_true", help="plot per unit of the branch")
    p.add_argument("--logy", action="store_true", help="logarithmic y axis in the plot")


def main(args) -> int:
    from pathlib import Path

    from ..errors import ConfigError

    if not Path(args.file).is_file():  # before the analysis imports (~1 s)
        why = "is not a file" if Path(args.file).exists() else "not found"
        raise ConfigError(f"file = {args.file!r}: {why}; give a ROOT file written by mcgen run")
    from ..analysis.histograms import histogram

    if len(args.branch) > 2:
        raise ConfigError(f"branch = {args.branch}: give one branch, or two for a 2-D "
                          "histogram")
    _check_outputs(args.output, args.plot)
    dims = len(args.branch)
    bins, rng = binning(args, dims)
    weight = None if args.weight.lower() == "none" else args.weight
    branch = args.branch[0] if dims == 1 else args.branch
    h = histogram(args.file, branch, bins, rng, weight=weight, selection=args.selection,
                  tree=args.tree)
    total = h.sum(flow=True)
    print(f"mcgen hist: {args.file}:{args.tree} {' x '.join(args.branch)}"
          + (f" [{args.selection}]" if args.selection else ""))
    print(f"{h.label:18s}: {total.value:.6g} +- {total.variance ** 0.5:.3g} "
          f"(in the bins: {h.sum().value:.6g})")
    if dims == 1:
        print_table(h, h.label)
    key = "h_" + "_vs_".join(args.branch)
    if args.output:
        from ..analysis.histograms import write_root
        write_root(args.output, {key: h})
        print(f"written           : {args.output}:{key}")
    if args.plot:
        from ..analysis.plotting import plot
        plot(h, args.plot, density=args.density, logy=args.logy)
        print(f"plot              : {args.plot}")
    return 0
