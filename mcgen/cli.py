"""The `mcgen` command: parses arguments and hands them to a sub-command (mcgen.commands);
turns every expected failure into one `mcgen: error: ...` line with exit code 2."""

from __future__ import annotations

import argparse
import gc
import shlex
import signal
import sys
import warnings
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from ._version import __version__
from .commands import command_modules
from .commands._common import count  # noqa: F401  (kept: `mcgen.cli.count` is public)
from .errors import ConfigError, EnvelopeError, WorkerError


class Interrupted(KeyboardInterrupt):
    """A stop asked for by a signal (Ctrl-C, SIGTERM from a batch system, SIGHUP)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _signals_interrupt():
    """SIGTERM and SIGHUP stop a run the way Ctrl-C does (its finished blocks stay for --resume)."""
    def handler(signum, frame):
        raise Interrupted(signum)

    old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


class _Parser(argparse.ArgumentParser):
    """argparse with mcgen's one-line errors (argparse prints the usage block first)."""

    def error(self, message: str):
        self.exit(2, f"mcgen: error: {message} (see: {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="mcgen", description="Monte Carlo events of neutrino electromagnetic and "
        "dipole-portal interactions, written to ROOT files.")
    p.add_argument("--version", action="version", version=f"mcgen {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for name, module in command_modules().items():
        module.add_arguments(sub.add_parser(name, help=module.HELP))
    return p


def _show_warning(message, category, filename, lineno, file=None, line=None,
                  verbose: bool = False) -> None:
    print(f"mcgen: warning: {message}", file=sys.stderr)
    for note in getattr(message, "notes", ()) if verbose else ():  # e.g. the closed channels
        print(f"  {note}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = command_modules()[args.command]
    try:
        with warnings.catch_warnings(), _signals_interrupt():
            warnings.simplefilter("default")
            warnings.showwarning = partial(_show_warning,
                                           verbose=getattr(args, "verbose", False))
            return command.main(args)
    except (ConfigError, EnvelopeError, WorkerError) as exc:
        print(f"mcgen: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, a file size limit, a read-only file system ...
        print(f"mcgen: error: {exc.filename or 'output'}: {exc.strerror or exc}; the run's "
              "output was not written (an existing file of that name is unchanged)",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        print(f"mcgen: interrupted ({signal.Signals(signum).name}); {_left(args, argv)}",
              file=sys.stderr)
        return 128 + signum


def console_main() -> int:
    """The `mcgen` executable: main(), then an exit whose garbage collection passes skip the
    objects alive now (gc.freeze: the interpreter's shutdown otherwise walks numba's, scipy's
    and uproot's ~250,000 objects several times, measured 0.6-0.7 CPU s at the end of every
    run, more than planning takes)."""
    code = main()
    gc.freeze()
    return code


def _journal_of(output: str) -> Path:
    """The resume journal of a single output file (mcgen.production.journal, not imported
    here: it is heavy and the run may have stopped before it was)."""
    out = Path(output)
    return out.with_name(f".{out.name}.journal")


def _left(args, argv: list[str] | None) -> str:
    """What an interrupted command leaves, and for a run how to complete it."""
    resumable = args.command == "run" and (args.parts or not args.output
                                           or args.output.endswith(".root"))
    if not resumable:  # (HepMC3 output is not resumable: the run starts over)
        return "the output was not written (an existing file of that name is unchanged)"
    if args.output and not args.parts and not _journal_of(args.output).exists():
        return ("stopped before any event was written; nothing to resume (an existing file of "
                "the output's name is unchanged)")
    argv = list(sys.argv[1:] if argv is None else argv)
    again = shlex.join(["mcgen", *argv] + ([] if "--resume" in argv else ["--resume"]))
    return (f"the finished blocks are kept; complete the run with: {again} (an existing file "
            "of the output's name is unchanged until then)")


if __name__ == "__main__":
    sys.exit(console_main())
