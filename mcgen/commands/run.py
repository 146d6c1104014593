"""`mcgen run CARD`: generate events from a run card into an output file."""

from __future__ import annotations

from ._common import count

HELP = "generate events from a TOML run card"


def add_arguments(p) -> None:
    p.description = "Generate events from a TOML run card into a ROOT file."
    p.add_argument("card", help="run card: a TOML file or the name of a packaged card, "
                   "e.g. atmospheric_dipole_xenon100")
    p.add_argument("-n", "--events", type=count,
                   help="number of events, e.g. 1000000, 1_000_000 or 1e6 (overrides "
                   "run.events)")
    p.add_argument("-o", "--output", help="output file: .root, or .hepmc3 (NuHepMC; also "
                   ".hepmc3.gz, .bz2, .xz, .zst) (overrides run.output)")
    p.add_argument("--format", help="output format (root, hepmc3; default: from the output's "
                   "extension)")
    p.add_argument("--seed", type=int, help="random seed (overrides run.seed)")
    p.add_argument("--chunk-events", type=int, help="events per written chunk")
    p.add_argument("--compression", help="lz4 (default), zstd, zlib or none")
    p.add_argument("--threads", type=int, help="1 or 2 (generate while writing)")
    p.add_argument("--final-state", action="store_true", default=None,
                   help="also write the jagged final-state branches (fs_pdg, fs_E_MeV, ...)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="details with the warnings (e.g. every closed channel)")
    big = p.add_argument_group("large runs (README: Large runs)")
    big.add_argument("--resume", action="store_true",
                     help="complete an interrupted or killed run of the same card, seed and "
                     "events: keep its finished blocks, generate the missing ones")
    big.add_argument("--jobs", type=int, default=1, metavar="N",
                     help="worker processes on this machine (default 1: this process); with "
                     "--scheduler local, the number of dask workers")
    big.add_argument("--scheduler", metavar="ADDRESS",
                     help="run on a dask.distributed cluster: tcp://HOST:PORT of its scheduler, "
                     "or local (needs pip install 'mcgen[dask]')")
    big.add_argument("--parts", metavar="DIR",
                     help="write part files and a manifest.json into DIR instead of one file "
                     "(each worker writes its own); join them with mcgen merge DIR -o OUT.root")
    big.add_argument("--part-events", type=count, default=None, metavar="K",
                     help="events per part file with --parts (default 1048576; whole blocks "
                     "of 32768)")


def _check_output_early(args, card) -> None:
    """The output's name and directory checked before the heavy imports (~1-2 s), as the
    writer will check them: -o, or the card's run.output (read with tomllib alone; a card
    that does not parse is left to the full check)."""
    if args.parts is not None:
        return
    output = args.output or _card_output(card)
    if not isinstance(output, str):
        return
    from ..errors import ConfigError
    from ..output import check_output_path
    from .list import writer_extensions

    formats = writer_extensions()
    if args.format is not None and args.format not in formats:
        raise ConfigError(f"run.format = {args.format!r}: allowed are {sorted(formats)}")
    default_first = sorted(formats, key=lambda name: name != "root")  # as writer_for lists
    check_output_path(output, formats[args.format] if args.format else
                      tuple(e for name in default_first for e in formats[name]))


def _card_output(card):
    """run.output of a TOML card, or None (no such key, or the card does not parse)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    try:
        with open(card, "rb") as f:
            run = tomllib.load(f).get("run")
    except (OSError, ValueError, RecursionError):  # (TOMLDecodeError is a ValueError)
        return None
    return run.get("output") if isinstance(run, dict) else None


def main(args) -> int:
    from pathlib import Path

    from ..resources import find_card

    path = find_card(args.card)  # an unknown card fails before the heavy imports (~1-2 s)
    _check_output_early(args, path)

    from ..process import keep_freed_memory, skip_numba_extensions, start_up

    with start_up():  # the heavy imports and numba's start (load_card calls its first kernel)
        from .._version import __version__
        from ..catalog import load_card
        from ..generator import COMPILE_NOTICE, Generator, jit_cache_is_cold
        from ..output import writer_for
        from ..production import PART_EVENTS, produce

        # this process is mcgen's own: let malloc keep the freed chunk buffers for the next
        # chunk instead of giving them back and faulting them in again
        keep_freed_memory()
        skip_numba_extensions()  # this process runs mcgen's kernels only
        card = load_card(path, {"events": args.events, "output": args.output,
                                "seed": args.seed, "chunk_events": args.chunk_events,
                                "compression": args.compression, "threads": args.threads,
                                "final_state": args.final_state})
    r = card.run
    out = Path(r["output"])
    if args.parts is None:  # a bad output fails before planning
        writer_for(out, args.format)(out, compression=r["compression"])
    gen = Generator(card.source, card.detector, card.interactions, seed=r["seed"],
                    geometry=card.geometry)
    print(f"mcgen {__version__}: {card.path}")
    labels = [c.label for c in card.source.components]
    shown = ", ".join(labels[:4]) + (f", ... ({len(labels)} components)" if len(labels) > 4
                                     else "")
    print(f"  source     : {card.source.name}: {shown}")
    print(f"  detector   : {card.detector}")
    for it in card.interactions:
        print(f"  interaction: {it!r}")
    if card.site is not None:
        print(f"  site       : {card.site}")
    if jit_cache_is_cold():  # say so, rather than leave a silent minute
        print(COMPILE_NOTICE, flush=True)
    summary = produce(gen, r["events"], out, chunk_events=r["chunk_events"],
                      compression=r["compression"], run_card=card.text,
                      progress=not args.quiet, threads=r["threads"],
                      final_state=bool(r["final_state"]), format=args.format,
                      resume=args.resume, jobs=args.jobs, scheduler=args.scheduler,
                      parts=args.parts, part_events=args.part_events or PART_EVENTS)
    print(summary.report())
    if args.parts is not None:
        print(f"  part files and manifest.json in {args.parts}; join them with: mcgen merge "
              f"{args.parts} -o {out}")
    return 0
