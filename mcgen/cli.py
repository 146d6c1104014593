"""The `mcgen` command: parses arguments, builds objects, calls the generator."""

from __future__ import annotations

import argparse
import math
import signal
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

from ._version import __version__
from .catalog import load_card, names
from .errors import ConfigError, EnvelopeError
from .generator import Generator
from .output import writer_for
from .resources import find_card


class Interrupted(KeyboardInterrupt):
    """A stop asked for by a signal (Ctrl-C, SIGTERM from a batch system, SIGHUP)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def count(text: str) -> int:
    """An event count from the command line: 1000000, 1_000_000 or 5e7 (a whole number)."""
    try:
        return int(text.replace("_", ""))
    except ValueError:
        pass
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of events") from None
    if not math.isfinite(value) or value != int(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of events")
    return int(value)


@contextmanager
def _signals_interrupt():
    """SIGTERM and SIGHUP stop a run the way Ctrl-C does (the partial file is removed)."""
    def handler(signum, frame):
        raise Interrupted(signum)

    old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


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
    run.add_argument("-n", "--events", type=count,
                     help="number of events, e.g. 1000000, 1_000_000 or 1e6 (overrides "
                     "run.events)")
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


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"mcgen: warning: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            for kind, items in names().items():
                print(f"{kind}: {', '.join(items)}")
            return 0
        with warnings.catch_warnings(), _signals_interrupt():
            warnings.simplefilter("default")
            warnings.showwarning = _show_warning
            return _run(args)
    except (ConfigError, EnvelopeError) as exc:
        print(f"mcgen: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, a file size limit, a read-only file system ...
        print(f"mcgen: error: {exc.filename or 'output'}: {exc.strerror or exc}; the run's "
              "output was not written (an existing file of that name is unchanged)",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        print(f"mcgen: interrupted ({signal.Signals(signum).name}); the run's output was not "
              "written (an existing file of that name is unchanged)", file=sys.stderr)
        return 128 + signum


if __name__ == "__main__":
    sys.exit(main())
