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
    p.add_argument("-o", "--output", help="output ROOT file (overrides run.output)")
    p.add_argument("--seed", type=int, help="random seed (overrides run.seed)")
    p.add_argument("--chunk-events", type=int, help="events per written chunk")
    p.add_argument("--compression", help="lz4 (default), zstd, zlib or none")
    p.add_argument("--threads", type=int, help="1 or 2 (generate while writing)")
    p.add_argument("--final-state", action="store_true", default=None,
                   help="also write the jagged final-state branches (fs_pdg, fs_E_MeV, ...)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def main(args) -> int:
    from pathlib import Path

    from .._version import __version__
    from ..catalog import load_card
    from ..generator import Generator
    from ..output import writer_for
    from ..resources import find_card

    card = load_card(find_card(args.card), {"events": args.events, "output": args.output,
                                 "seed": args.seed, "chunk_events": args.chunk_events,
                                 "compression": args.compression, "threads": args.threads,
                                 "final_state": args.final_state})
    r = card.run
    out = Path(r["output"])
    writer_for(out)(out, compression=r["compression"])  # a bad output fails before planning
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
    summary = gen.run(r["events"], out, chunk_events=r["chunk_events"],
                      compression=r["compression"], run_card=card.text,
                      progress=not args.quiet, threads=r["threads"],
                      final_state=bool(r["final_state"]))
    print(summary.report())
    return 0
