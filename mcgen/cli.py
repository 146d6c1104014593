"""The `mcgen` command: parses arguments, builds objects, calls the generator."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from ._version import __version__
from .catalog import load_card, names
from .errors import ConfigError, EnvelopeError
from .generator import Generator
from .resources import find_card


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mcgen", description="Monte Carlo events of neutrino electromagnetic and "
        "dipole-portal interactions, written to ROOT files.")
    p.add_argument("--version", action="version", version=f"mcgen {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="generate events from a TOML run card",
                         description="Generate events from a TOML run card into a ROOT file.")
    run.add_argument("card", help="run card: a TOML file or the name of a packaged card, "
                     "e.g. atmospheric_dipole_xenon100")
    run.add_argument("-n", "--events", type=int, help="number of events (overrides run.events)")
    run.add_argument("-o", "--output", help="output ROOT file (overrides run.output)")
    run.add_argument("--seed", type=int, help="random seed (overrides run.seed)")
    run.add_argument("--chunk-events", type=int, help="events per written chunk")
    run.add_argument("--compression", help="lz4 (default), zstd, zlib or none")
    run.add_argument("--threads", type=int, help="1 or 2 (generate while writing)")
    run.add_argument("--final-state", action="store_true", default=None,
                     help="also write the jagged final-state branches (fs_pdg, fs_E_MeV, ...)")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    sub.add_parser("list", help="known detectors, sources and processes",
                   description="List the catalogue: detectors, sources, processes.")
    return p


def _run(args) -> int:
    card = load_card(find_card(args.card), {"events": args.events, "output": args.output,
                                 "seed": args.seed, "chunk_events": args.chunk_events,
                                 "compression": args.compression, "threads": args.threads,
                                 "final_state": args.final_state})
    r = card.run
    out = Path(r["output"])
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


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"mcgen: warning: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            for kind, items in names().items():
                print(f"{kind}: {', '.join(items)}")
            return 0
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _show_warning
            return _run(args)
    except (ConfigError, EnvelopeError) as exc:
        print(f"mcgen: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mcgen: interrupted; no output file was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
